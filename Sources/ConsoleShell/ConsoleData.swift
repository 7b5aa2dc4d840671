import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import ResourcePrinters
import Session

/// What the console reads: the topology, lists by kind, and each detail tab of the selection. Reads only; every
/// change goes through `ConsoleActions`.
public struct ConsoleData {
    public let global: Session
    public let store: Store
    /// The topology the tree shows: the one the controller derived at its last reconcile (no graph is built), or
    /// from the graph when there is none.
    public let tree: [TreeRow]
    private let lazyGraph: LazyGraph

    /// The graph, built on first use (the NGINX and Events tabs, probe, doctor): the first frame and the live
    /// refresh read what the controller persisted instead.
    public var graph: Graph { lazyGraph.value }

    /// Opens the store and brings status up to date, as every command does (a reconcile only when status may be
    /// stale). Without `reconcile`, it only reads (the console's live refresh, which must not wait on nginx).
    public static func open(_ global: Session, reconcile: Bool = true) throws -> ConsoleData {
        if global.clusterMode {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            return ConsoleData(
                global: global, store: store, tree: TopologyTree.rows(graph), lazyGraph: LazyGraph(graph))
        }
        let store = reconcile ? try global.openFreshStore() : try global.openStore()
        let reconciler = global.reconciler(store)
        let lazy = LazyGraph { try reconciler.currentGraph() }
        let key = ConsoleData.topologyKey
        if let view = try ConsoleData.view(key, store: store), let text = view, let rows = TopologyTree.decode(text) {
            return ConsoleData(global: global, store: store, tree: rows, lazyGraph: lazy)
        }
        return ConsoleData(global: global, store: store, tree: TopologyTree.rows(try lazy.get()), lazyGraph: lazy)
    }

    /// Where the store's views keep the topology tree.
    public static let topologyKey = Session.topologyKey

    /// A persisted view the console may show: the current one, or while a resident controller runs (it derives
    /// the next after each change) the last one written; nil when there is none to show (build the graph).
    public static func view(_ key: ObjectKey, store: Store) throws -> String?? {
        if let current = try Reconciler.currentView(key, store: store) { return current }
        guard ControllerPaths(stateDirectory: store.directory).isRunning, try Reconciler.viewsRevision(store) != nil
        else { return nil }
        return .some(try store.view(key))
    }

    public var state: DataplaneManager.State { DataplaneManager(stateDirectory: store.directory).load() }

    /// The header: the state directory, namespace, data plane, the first Gateway's address, problems.
    public func header(rows: [TreeRow]) -> HeaderInfo {
        var info = HeaderInfo()
        if global.clusterMode, let session = try? global.cluster() {
            info.source =
                "cluster \(session.connection.contextName) \(session.connection.server) (\(global.write ? "--write" : "read-only"))"
        } else {
            info.source = "embedded " + abbreviate(store.directory)
        }
        info.namespace = global.effectiveNamespace
        if global.clusterMode {
            info.dataplane = "the cluster's"
            let gateway = graph.gateways.first { $0.ref.namespace == global.effectiveNamespace } ?? graph.gateways.first
            if let gateway, let stored = try? stored(gateway.ref),
                let address = stored.1.status?["addresses"]?.arrayValue?.first?["value"]?.stringValue
            {
                info.gateway = "Gateway \(gateway.ref.namespacedName) at \(address)"
            }
            info.problems =
                rows.filter { [.error, .conflicted, .notAttached].contains($0.role) && $0.ref != nil }.count
            return info
        }
        let state = self.state
        info.dataplane = state.running ? "up" : "down"
        let keys = state.gateways.keys.sorted()
        if state.running, let key = keys.first(where: { $0.hasPrefix(global.effectiveNamespace + "/") }) ?? keys.first,
            let binding = state.gateways[key]?.bindings.first(where: { $0.protocol == .http })
                ?? state.gateways[key]?.bindings.first
        {
            info.gateway = "GW_IP=\(binding.address) GW_PORT=\(binding.port)"
        }
        info.problems = rows.filter { [.error, .conflicted, .notAttached].contains($0.role) && $0.ref != nil }.count
        return info
    }

    public func abbreviate(_ path: String) -> String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        return !home.isEmpty && path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
    }

    /// A flat list of a kind in the namespace, as `get` prints it; nil when the kind is unknown.
    public func list(_ kind: String) throws -> ResourceList? {
        let extra = try ObjectQuery.unstructuredTypes(store)
        guard let type = ResourceRegistry.resolve(kind, extra: extra) else { return nil }
        let objects = try store.list(type.groupKind, namespace: type.namespaced ? global.effectiveNamespace : "")
        let table = ResourceTable.table(
            type, objects: objects.map(\.object),
            options: TableOptions(wide: false, allNamespaces: false, qualifyNames: false))
        var lines = table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = lines.first ?? ""
        let rows = zip(lines.dropFirst(), objects).map { line, object in
            ListRow(
                text: line,
                ref: ObjectRef(
                    group: object.groupKind.group, kind: object.groupKind.kind, namespace: object.namespace,
                    name: object.name),
                role: role(of: object))
        }
        return ResourceList(title: type.plural, header: header, rows: rows)
    }

    /// A row's colour from its status: not accepted/ready → error.
    public func role(of object: StoredObject) -> Role {
        let status = object.status ?? [:]
        if object.leadingConditions.contains(where: {
            [.accepted, .programmed, .resolvedRefs].contains($0.type) && $0.status == .false
        }) {
            return .error
        }
        if let phase = status["phase"]?.stringValue, phase != "Running" { return .pending }
        return .normal
    }

    public func stored(_ ref: ObjectRef) throws -> (ResourceType, StoredObject)? {
        guard let type = ResourceRegistry.type(for: GroupKind(group: ref.group, kind: ref.kind)) else { return nil }
        guard
            let object = try store.get(
                ObjectKey(groupKind: type.groupKind, namespace: type.namespaced ? ref.namespace : "", name: ref.name))
        else { return nil }
        return (type, object)
    }

    /// The lines of a detail tab for an object.
    public func detail(_ ref: ObjectRef?, tab: DetailTab, fullConfig: Bool, glyphs: Glyphs) -> [StyledLine] {
        guard let ref else { return [] }
        do {
            guard let (type, object) = try stored(ref) else {
                return [
                    StyledLine(
                        "\(ref.kind) \(ref.namespacedName) is not in the store (referenced, not created)",
                        role: .warning)
                ]
            }
            switch tab {
            case .describe:
                return StyledLine.lines(
                    Describer.describe(
                        type, object: object.object,
                        events: DataplaneEvents.events(for: ref, stateDirectory: store.directory),
                        sections: try sections(for: ref, type: type)))
            case .yaml:
                return yaml(type, object: object)
            case .conditions:
                return conditions(object)
            case .nginx:
                return nginx(ref, full: fullConfig, glyphs: glyphs)
            case .events:
                return history(ref)
            case .scenario, .requests:
                // Drawn from the scenario, and from the request logs the runner follows.
                return []
            }
        } catch {
            return [StyledLine("cannot read \(ref.kind) \(ref.namespacedName): \(error)", role: .error)]
        }
    }

    /// Describe's sections: from the object's view (no graph), else from the graph.
    public func sections(for ref: ObjectRef, type: ResourceType) throws -> [GraphSections.Section] {
        if type.groupKind == ResourceRegistry.certificate.groupKind, let (_, stored) = try stored(ref) {
            return [DescribeSources(global: global, store: store).issuedChain(stored)]
        }
        guard GraphSections.hasSections(ref.kind) else { return [] }
        if !global.clusterMode,
            let view = try ConsoleData.view(
                ObjectKey(groupKind: type.groupKind, namespace: ref.namespace, name: ref.name), store: store)
        {
            return view.flatMap(GraphSections.decode) ?? GraphSections.empty(for: ref)
        }
        return GraphSections.sections(for: ref, in: graph)
    }

    public func yaml(_ type: ResourceType, object: StoredObject) -> [StyledLine] {
        var value = object.object
        var note: StyledLine?
        if type.kind == "Secret" && type.group.isEmpty {
            // Secret data is not shown by default: sizes only, as describe does.
            for field in ["data", "stringData"] {
                guard case .object(let members)? = value[field] else { continue }
                value[field] = .object(
                    members.mapValues { .string("<hidden: \(($0.stringValue ?? "").count) characters>") })
            }
            note = StyledLine(
                "# data hidden; gwconsole get secret \(object.name) -o yaml prints it", role: .configComment)
        }
        let lines = StyledLine.lines(YAMLWriter.write(value)).map { line -> StyledLine in
            let text = line.text
            guard let colon = text.firstIndex(of: ":") else { return line }
            return StyledLine(spans: [(String(text[..<colon]), .configDirective), (String(text[colon...]), .normal)])
        }
        return (note.map { [$0] } ?? []) + lines
    }

    /// Every condition in the status, with where it sits (the object, a listener, a parent, an ancestor).
    public func conditions(_ object: StoredObject) -> [StyledLine] {
        var rows: [(String, Condition)] = []
        let status = object.status ?? [:]
        for condition in status.conditionList { rows.append((object.groupKind.kind, condition)) }
        for listener in status["listeners"]?.arrayValue ?? [] {
            let name =
                "listener \(listener["name"]?.stringValue ?? "?") (\(listener["attachedRoutes"]?.intValue.map { String($0) } ?? "0") routes)"
            for condition in listener.conditionList { rows.append((name, condition)) }
        }
        for parent in status["parents"]?.arrayValue ?? [] {
            let ref = parent["parentRef"]
            let name =
                "parent \(ref?["namespace"]?.stringValue.map { $0 + "/" } ?? "")\(ref?["name"]?.stringValue ?? "?")\(ref?["sectionName"]?.stringValue.map { "/" + $0 } ?? "")"
            for condition in parent.conditionList { rows.append((name, condition)) }
        }
        for ancestor in status["ancestors"]?.arrayValue ?? [] {
            let ref = ancestor["ancestorRef"]
            let name =
                "ancestor \(ref?["kind"]?.stringValue ?? "Gateway") \(ref?["namespace"]?.stringValue.map { $0 + "/" } ?? "")\(ref?["name"]?.stringValue ?? "?")"
            for condition in ancestor.conditionList { rows.append((name, condition)) }
        }
        if rows.isEmpty { return [StyledLine("no conditions in status", role: .dim)] }
        var table = "WHERE\tTYPE\tSTATUS\tREASON\tAGE\n"
        for (place, condition) in rows {
            table +=
                [
                    place, condition.type.rawValue, condition.status.rawValue, condition.reason?.rawValue ?? "",
                    condition.lastTransitionTime.map { AgeFormatter.age(since: $0) } ?? "",
                ].joined(separator: "\t") + "\n"
        }
        let lines = KubectlTable.render(table).split(separator: "\n").map(String.init)
        var out = [StyledLine(lines[0], role: .title)]
        for (line, (_, condition)) in zip(lines.dropFirst(), rows) {
            out.append(
                StyledLine(
                    line, role: ConsoleData.role(of: condition)
                ))
            if let message = condition.message, !message.isEmpty {
                out.append(StyledLine("    " + message, role: .dim))
            }
        }
        return out
    }

    /// A condition's colour: healthy, a conflict, or an error.
    public static func role(of condition: Condition) -> Role {
        if condition.isHealthy { return .accepted }
        return condition.type == .conflicted ? .conflicted : .error
    }

    /// The routes an object concerns: itself, the routes of a Gateway, the routes using a Service, policy or CA.
    public func routes(for ref: ObjectRef) -> [RouteNode] {
        switch ref.kind {
        case "HTTPRoute", "GRPCRoute": return graph.route(ref).map { [$0] } ?? []
        case "Gateway":
            let attached = graph.gateway(ref)?.listeners.flatMap(\.attachedRoutes) ?? []
            return graph.routes.filter { attached.contains($0.ref) }
        case "GatewayClass":
            let gateways = graph.gateways.filter { $0.source.spec.gatewayClassName == ref.name }.map(\.ref)
            return graph.routes.filter { route in
                route.parents.contains { $0.accepted && gateways.contains($0.gateway ?? ref) }
            }
        case "Service":
            return graph.routes.filter { $0.rules.contains { $0.backends.contains { $0.service == ref } } }
        case "BackendTLSPolicy":
            return graph.routes.filter { $0.rules.contains { $0.backends.contains { $0.policy == ref } } }
        case "ConfigMap":
            let policies = graph.policies.filter { policy in
                policy.ref.namespace == ref.namespace
                    && (policy.source.spec.validation.caCertificateRefs ?? []).contains { $0.name == ref.name }
            }.map(\.ref)
            return graph.routes.filter {
                $0.rules.contains { $0.backends.contains { $0.policy.map(policies.contains) ?? false } }
            }
        default: return []
        }
    }

    /// The Gateways whose config an object shapes.
    public func gateways(for ref: ObjectRef) -> [GatewayNode] {
        if ref.kind == "Gateway" { return graph.gateway(ref).map { [$0] } ?? [] }
        var refs = Set(routes(for: ref).flatMap { $0.parents.filter(\.accepted).compactMap(\.gateway) })
        // Layer-4 routes, and Services they send connections to.
        for route in graph.l4Routes
        where route.ref == ref || (ref.kind == "Service" && route.backends.contains { $0.service == ref }) {
            refs.formUnion(route.parents.filter(\.accepted).compactMap(\.gateway))
        }
        return graph.gateways.filter { refs.contains($0.ref) }
    }

    /// The NGINX tab: the blocks the object produced (with their server for context), or the whole config with them
    /// marked.
    public func nginx(_ ref: ObjectRef, full: Bool, glyphs: Glyphs) -> [StyledLine] {
        let gateways = gateways(for: ref)
        guard !gateways.isEmpty else {
            return [
                StyledLine(
                    "\(ref.kind) \(ref.namespacedName) shapes no Gateway's config (not attached, or no route uses it)",
                    role: .dim)
            ]
        }
        guard let snapshot = try? Reconciler(store: store, config: global.controllerConfig).snapshot() else {
            return []
        }
        let state = self.state
        var names = ["\(ref.kind) \(ref.namespacedName)"]
        if ref.kind == "Service" { names = ["Service \(ref.namespacedName):"] + names }
        if ref.kind == "ConfigMap" {
            names = graph.policies.filter {
                ($0.source.spec.validation.caCertificateRefs ?? []).contains { $0.name == ref.name }
                    && $0.ref.namespace == ref.namespace
            }
            .map { "BackendTLSPolicy \($0.ref.namespacedName)" }
        }
        var out: [StyledLine] = []
        for gateway in gateways {
            let text = GatewayConfigDump.dump(
                gateway, graph: graph, snapshot: snapshot, state: state, stateDirectory: store.directory)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let blocks = ref.kind == "Gateway" ? [] : ConfigExcerpt.blocks(in: lines, naming: names)
            out.append(
                StyledLine(
                    "# Gateway \(gateway.ref.namespacedName)"
                        + (full || ref.kind == "Gateway"
                            ? ": the full config (nginx -T)"
                            : ": the parts \(ref.kind) \(ref.name) produced (c: the full config)"),
                    role: .title))
            if full || ref.kind == "Gateway" {
                let marked = Set(blocks.flatMap { Array($0.lines) })
                out += ConfigHighlighter.styled(lines, marked: marked, glyphs: glyphs)
            } else if blocks.isEmpty {
                out.append(
                    StyledLine(
                        "  (no block names \(ref.kind) \(ref.namespacedName); c shows the full config)", role: .dim))
            } else {
                for block in blocks {
                    if !block.context.isEmpty {
                        out += ConfigHighlighter.styled(block.context.map { lines[$0] } + ["    ..."])
                    }
                    out += ConfigHighlighter.styled(
                        Array(lines[block.lines]), marked: Set(0..<block.lines.count), glyphs: glyphs)
                    out.append(StyledLine(""))
                }
            }
        }
        return out
    }

    /// The Events tab: the config generations of the Gateways the object shapes, and what the last change did.
    public func history(_ ref: ObjectRef) -> [StyledLine] {
        let state = self.state
        let gateways = gateways(for: ref)
        guard !gateways.isEmpty else {
            return [StyledLine("no Gateway config involves \(ref.kind) \(ref.namespacedName)", role: .dim)]
        }
        var out: [StyledLine] = []
        for gateway in gateways {
            guard let record = state.gateways[gateway.ref.namespacedName] else {
                out.append(
                    StyledLine(
                        "Gateway \(gateway.ref.namespacedName): no generations (the data plane is down: u starts it)",
                        role: .dim))
                continue
            }
            out.append(
                StyledLine("Gateway \(gateway.ref.namespacedName): config generations, newest last", role: .title))
            for entry in record.history.suffix(12) {
                let serving = entry.generation == record.generation ? " (serving)" : ""
                out.append(
                    StyledLine(
                        "  \(entry.generation)  \(AgeFormatter.age(since: entry.time)) ago  \(entry.result)\(serving)  \(entry.trigger)"
                            + (entry.message.isEmpty ? "" : ": \(entry.message)"),
                        role: entry.result == "Applied" ? .accepted : .error))
            }
            let kept = record.history.map(\.generation).filter {
                FileManager.default.fileExists(atPath: store.directory + "/dp/\(record.index)/generations/\($0)")
            }
            if kept.count >= 2 {
                let (from, to) = (kept[kept.count - 2], kept[kept.count - 1])
                out.append(StyledLine(""))
                out.append(
                    StyledLine("What generation \(to) changed (gwconsole config diff \(from) \(to)):", role: .title))
                let diff = ConfigDiff.diff(
                    root: store.directory + "/dp/\(record.index)/generations", from: from, to: to)
                out += ConfigHighlighter.diff(
                    diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            }
            out.append(StyledLine(""))
        }
        return out
    }
}

/// A graph built once, when first asked for (thread-safe: background actions read it too).
public final class LazyGraph: @unchecked Sendable {
    private let lock = NSLock()
    private var built: Graph?
    private let build: () throws -> Graph

    public init(_ build: @escaping () throws -> Graph) { self.build = build }

    public init(_ graph: Graph) {
        built = graph
        build = { graph }
    }

    public func get() throws -> Graph {
        try lock.withLock {
            if let built { return built }
            let graph = try build()
            built = graph
            return graph
        }
    }

    /// The graph; an empty one when it cannot be built (the store unreadable: the tabs say what they lack).
    public var value: Graph { (try? get()) ?? Graph(controllerName: "") }
}
