import GatewayAPI
import GatewayCore

/// The sections `describe` adds for Gateways, HTTPRoutes and Services from the controller's graph:
/// attached routes, backends, directly attached and effective policies, NGF's policies and the settings in effect,
/// and what refers to the object; for NGF's policies, their targets and ancestors.
public enum GraphSections {
    /// A titled table; no rows prints `<none>`.
    public struct Section: Sendable, Equatable {
        public var title: String
        public var headers: [String]
        public var rows: [[String]]

        public init(title: String, headers: [String], rows: [[String]]) {
            self.title = title
            self.headers = headers
            self.rows = rows
        }
    }

    public static func sections(for ref: ObjectRef, in graph: Graph) -> [Section] {
        Index(graph).sections(for: ref)
    }

    /// The sections of every object that has any (Gateways and routes of the graph, Services that routes or
    /// policies use, objects something refers to), for the persisted views. An object missing here has the
    /// sections `sections(for:in:)` gives over an empty graph.
    public static func all(_ graph: Graph) -> [ObjectRef: [Section]] {
        let index = Index(graph)
        var refs = Set(graph.gateways.map(\.ref)).union(graph.routes.map(\.ref)).union(index.serviceUses.keys)
        refs.formUnion(graph.l4Routes.map(\.ref))
        refs.formUnion(graph.listenerSets.map(\.ref))
        refs.formUnion(graph.policies.flatMap(\.targets))
        refs.formUnion(graph.ngfPolicies.map(\.ref))
        refs.formUnion(graph.ngfPolicies.flatMap(\.targets))
        refs.formUnion(graph.references.usedBy.keys)
        var result: [ObjectRef: [Section]] = [:]
        for ref in refs where hasSections(ref.kind) {
            result[ref] = index.sections(for: ref)
        }
        return result
    }

    /// Whether objects of a kind have graph sections (Gateways, routes of every kind, Services, NGF's policies).
    public static func hasSections(_ kind: String) -> Bool {
        ["Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "Service"].contains(kind)
            || L4RouteKind(rawValue: kind) != nil || NGFPolicyKind(rawValue: kind) != nil
    }

    /// The sections of an object with no graph data (what a missing view stands for).
    public static func empty(for ref: ObjectRef) -> [Section] { sections(for: ref, in: Graph(controllerName: "")) }

    /// Lookups built once per graph, so that deriving every object's sections is linear in the graph.
    struct Index {
        let graph: Graph
        /// Each Service's uses by backends, in route, rule and backend order.
        var serviceUses: [ObjectRef: [(route: Int, backend: BackendNode)]] = [:]
        var policyPosition: [ObjectRef: Int] = [:]
        /// Policies by the objects they target, in graph order.
        var policiesByTarget: [ObjectRef: [Int]] = [:]
        /// NGF's policies by position, and by the objects they target, in graph order.
        var ngfPosition: [ObjectRef: Int] = [:]
        var ngfByTarget: [ObjectRef: [Int]] = [:]

        init(_ graph: Graph) {
            self.graph = graph
            for (position, route) in graph.routes.enumerated() {
                for rule in route.rules {
                    for backend in rule.backends {
                        if let service = backend.service {
                            serviceUses[service, default: []].append((position, backend))
                        }
                    }
                }
            }
            for (position, policy) in graph.policies.enumerated() {
                if policyPosition[policy.ref] == nil { policyPosition[policy.ref] = position }
                for target in Set(policy.targets) { policiesByTarget[target, default: []].append(position) }
            }
            for (position, policy) in graph.ngfPolicies.enumerated() {
                if ngfPosition[policy.ref] == nil { ngfPosition[policy.ref] = position }
                for target in Set(policy.targets) { ngfByTarget[target, default: []].append(position) }
            }
        }

        func sections(for ref: ObjectRef) -> [Section] {
            switch ref.kind {
            case "Gateway": return gatewaySections(ref)
            case "ListenerSet": return listenerSetSections(ref)
            case "HTTPRoute", "GRPCRoute": return routeSections(ref)
            case "Service": return serviceSections(ref)
            case _ where L4RouteKind(rawValue: ref.kind) != nil: return l4RouteSections(ref)
            case _ where NGFPolicyKind(rawValue: ref.kind) != nil: return ngfPolicySections(ref)
            default: return []
            }
        }

        func gatewaySections(_ ref: ObjectRef) -> [Section] {
            guard let gateway = graph.gateway(ref) else {
                return [Section(title: "Attached Routes", headers: [], rows: []), referencedBy(ref, graph)]
            }
            var attached: [[String]] = []
            for listener in gateway.listeners {
                for route in listener.attachedRoutes {
                    let hostnames =
                        graph.route(route)?.source.spec.hostnames?.joined(separator: ",")
                        ?? graph.l4Route(route).flatMap {
                            $0.hostnames.isEmpty ? nil : $0.hostnames.joined(separator: ",")
                        }
                        ?? "*"
                    attached.append([
                        listener.name, "\(listener.protocol)/\(listener.port)", route.description, hostnames,
                    ])
                }
            }
            let routes = graph.routes.filter { $0.parents.contains { $0.gateway == ref && $0.accepted } }
            let effective = graph.policies.filter { $0.ancestors.contains(ref) }.map(policyRow)
            return [
                Section(title: "Attached Routes", headers: ["Listener", "Port", "Route", "Hostnames"], rows: attached),
                Section(
                    title: "Backends", headers: ["Route", "Rule", "Backend", "Resolved", "Policy"],
                    rows: routes.flatMap(backendRows)),
                Section(title: "Directly Attached Policies", headers: [], rows: []),
                Section(title: "Effective Policies", headers: ["Policy", "Targets", "Accepted"], rows: effective),
            ] + ngfSections(ref, settings: EffectivePolicies.gateway(gateway, in: graph)) + [referencedBy(ref, graph)]
        }

        /// A ListenerSet: its Gateway, and its listeners with what attached to them.
        func listenerSetSections(_ ref: ObjectRef) -> [Section] {
            guard let set = graph.listenerSets.first(where: { $0.ref == ref }), let gateway = graph.gateway(set.gateway)
            else { return [referencedBy(ref, graph)] }
            let listeners = gateway.listeners.filter { $0.listenerSet == ref }.map { listener -> [String] in
                let accepted = listener.conditions.first
                return [
                    listener.source.name, "\(listener.protocol)/\(listener.port)", listener.hostname ?? "*",
                    String(listener.attachedRoutes.count),
                    accepted?.status == .true ? "True" : "False (\(accepted?.reason?.rawValue ?? ""))",
                ]
            }
            return [
                Section(
                    title: "Parent", headers: ["Gateway", "Accepted"],
                    rows: [[gateway.ref.namespacedName, set.accepted ? "True" : "False"]]),
                Section(
                    title: "Listeners", headers: ["Listener", "Port", "Hostname", "Attached Routes", "Accepted"],
                    rows: listeners),
                referencedBy(ref, graph),
            ]
        }

        func routeSections(_ ref: ObjectRef) -> [Section] {
            guard let route = graph.route(ref) else { return [referencedBy(ref, graph)] }
            let parents = route.parents.map { parentRow($0, route: ref) }
            let policies = Set(route.rules.flatMap { $0.backends.compactMap(\.policy) })
            let effective = policies.compactMap { policyPosition[$0] }.sorted().map { policyRow(graph.policies[$0]) }
            return [
                Section(title: "Attached To", headers: ["Parent", "Listeners", "Reason"], rows: parents),
                Section(
                    title: "Backends", headers: ["Route", "Rule", "Backend", "Resolved", "Policy"],
                    rows: backendRows(route)),
                Section(title: "Directly Attached Policies", headers: [], rows: []),
                Section(title: "Effective Policies", headers: ["Policy", "Targets", "Accepted"], rows: effective),
            ] + ngfSections(ref, settings: EffectivePolicies.route(route, in: graph)) + [referencedBy(ref, graph)]
        }

        /// A TLSRoute, TCPRoute or UDPRoute: its parents, and its backends with their weights.
        func l4RouteSections(_ ref: ObjectRef) -> [Section] {
            guard let route = graph.l4Route(ref) else { return [referencedBy(ref, graph)] }
            let parents = route.parents.map { parentRow($0, route: ref) }
            let backends = route.backends.map { backend -> [String] in
                [
                    backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
                        ?? "\(backend.source.kind ?? "Service") \(backend.source.name)",
                    String(backend.weight),
                    route.unsupported != nil
                        ? "Unsupported" : (backend.problem.map { "False (\($0.reason))" } ?? "True"),
                ]
            }
            return [
                Section(title: "Attached To", headers: ["Parent", "Listeners", "Reason"], rows: parents),
                Section(title: "Backends", headers: ["Backend", "Weight", "Resolved"], rows: backends),
                referencedBy(ref, graph),
            ]
        }

        func serviceSections(_ ref: ObjectRef) -> [Section] {
            let uses = serviceUses[ref] ?? []
            var routePositions: [Int] = []
            for use in uses where routePositions.last != use.route { routePositions.append(use.route) }
            let routes = routePositions.map { position -> [String] in
                let route = graph.routes[position]
                let ports = Set(uses.filter { $0.route == position }.compactMap(\.backend.port)).sorted().map(
                    String.init)
                return [
                    route.ref.namespacedName, ports.joined(separator: ","),
                    route.parents.filter(\.accepted).compactMap { $0.gateway?.namespacedName }.joined(separator: ","),
                ]
            }
            let direct = (policiesByTarget[ref] ?? []).map { policyRow(graph.policies[$0]) }
            var effective: [[String]] = []
            for use in uses {
                guard let policy = use.backend.policy, let node = graph.policy(policy) else { continue }
                let backend = use.backend
                let row = [
                    "\(backend.port.map(String.init) ?? "")\(backend.portName.map { " (\($0))" } ?? "")",
                    "BackendTLSPolicy \(policy.namespacedName)", acceptedText(node),
                ]
                if !effective.contains(row) { effective.append(row) }
            }
            var gateways: [ObjectRef] = []
            for position in routePositions {
                for gateway in graph.routes[position].parents.filter(\.accepted).compactMap(\.gateway)
                where !gateways.contains(gateway) {
                    gateways.append(gateway)
                }
            }
            return [
                Section(title: "Routes", headers: ["Route", "Ports", "Gateways"], rows: routes),
                Section(title: "Directly Attached Policies", headers: ["Policy", "Targets", "Accepted"], rows: direct),
                Section(title: "Effective Policies", headers: ["Port", "Policy", "Accepted"], rows: effective),
            ]
                + ngfSections(ref, settings: EffectivePolicies.service(ref, in: graph), gateways: gateways)
                + [referencedBy(ref, graph)]
        }

        /// NGF's policies that target a Gateway, route or Service (Accepted as written for it: for a Service, for
        /// the Gateways whose routes use it), and the settings in effect with the policy or filter each came from.
        /// None when there is neither, so that objects without NGF's policies are described as before.
        func ngfSections(_ ref: ObjectRef, settings: [EffectiveSetting], gateways: [ObjectRef] = []) -> [Section] {
            let policies = (ngfByTarget[ref] ?? []).map { graph.ngfPolicies[$0] }
            guard !policies.isEmpty || !settings.isEmpty else { return [] }
            let rows = policies.map { policy -> [String] in
                [
                    "\(policy.kind.rawValue) \(policy.ref.namespacedName)",
                    GraphSections.acceptedText(policy.accepted(target: ref, gateways: gateways)),
                ]
            }
            return [
                Section(title: "NGF Policies", headers: ["Policy", "Accepted"], rows: rows),
                Section(
                    title: "Effective Settings", headers: ["Setting", "Value", "From"],
                    rows: settings.map(GraphSections.settingRow)),
            ]
        }

        /// An NGF policy: its targets (Accepted for each), its settings, and its status entries with the conditions
        /// written for each.
        func ngfPolicySections(_ ref: ObjectRef) -> [Section] {
            let targetHeaders = ["Target", "Accepted"]
            let ancestorHeaders = ["Ancestor", "Type", "Status", "Reason", "Message"]
            guard let position = ngfPosition[ref] else {
                // Not processed: none of its targets is in the graph.
                return [
                    Section(title: "Targets", headers: targetHeaders, rows: []),
                    Section(title: "Ancestors", headers: ancestorHeaders, rows: []),
                    referencedBy(ref, graph),
                ]
            }
            let policy = graph.ngfPolicies[position]
            let targets = policy.targets.map { target -> [String] in
                var gateways: [ObjectRef] = []
                if target.kind == "Service" {
                    for use in serviceUses[target] ?? [] {
                        for gateway in graph.routes[use.route].parents.filter(\.accepted).compactMap(\.gateway)
                        where !gateways.contains(gateway) {
                            gateways.append(gateway)
                        }
                    }
                }
                return [
                    target.description,
                    GraphSections.acceptedText(policy.accepted(target: target, gateways: gateways)),
                ]
            }
            var ancestors: [[String]] = []
            for ancestor in policy.ancestors {
                for (index, condition) in policy.statusConditions(ancestor).enumerated() {
                    ancestors.append([
                        index == 0 ? ancestor.ref.description : "", condition.type.rawValue,
                        condition.status.rawValue, condition.reason?.rawValue ?? "", condition.message ?? "",
                    ])
                }
            }
            let settings = EffectivePolicies.fields(policy.spec).map { [$0.field, $0.value] }
            return [
                Section(title: "Targets", headers: targetHeaders, rows: targets),
                Section(title: "Settings", headers: ["Setting", "Value"], rows: settings),
                Section(title: "Ancestors", headers: ancestorHeaders, rows: ancestors),
                referencedBy(ref, graph),
            ]
        }
    }

    /// A route's parent: `namespace/gateway[/section]`, the listeners it attached to, its Accepted reason.
    static func parentRow(_ parent: ParentNode, route ref: ObjectRef) -> [String] {
        let name = "\(parent.parentRef.namespace ?? ref.namespace)/\(parent.parentRef.name)"
        return [
            name + (parent.parentRef.sectionName.map { "/\($0)" } ?? ""),
            parent.listeners.isEmpty ? "<none>" : parent.listeners.joined(separator: ","),
            parent.conditions.first?.reason?.rawValue ?? "",
        ]
    }

    static func backendRows(_ route: RouteNode) -> [[String]] {
        route.rules.flatMap { rule in
            rule.backends.map { backend -> [String] in
                let target =
                    backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
                    ?? "\(backend.source.kind ?? "Service") \(backend.source.name)"
                let resolved =
                    rule.dropped != nil ? "Dropped" : (backend.problem.map { "False (\($0.reason))" } ?? "True")
                return [
                    route.ref.namespacedName, String(rule.index), target, resolved,
                    backend.policy?.namespacedName ?? "<none>",
                ]
            }
        }
    }

    static func policyRow(_ node: PolicyNode) -> [String] {
        let targets = node.source.spec.targetRefs.map {
            "\($0.kind) \(node.ref.namespace)/\($0.name)\($0.sectionName.map { ":\($0)" } ?? "")"
        }
        return ["BackendTLSPolicy \(node.ref.namespacedName)", targets.joined(separator: ","), acceptedText(node)]
    }

    static func acceptedText(_ node: PolicyNode) -> String {
        let accepted = node.conditions.first
        return accepted?.status == .true ? "True" : "False (\(accepted?.reason?.rawValue ?? ""))"
    }

    /// `True`, or `False (Reason)`.
    static func acceptedText(_ condition: Condition) -> String {
        condition.status == .true ? "True" : "\(condition.status.rawValue) (\(condition.reason?.rawValue ?? ""))"
    }

    /// An effective setting: its field, value, and the object it comes from with those it overrides.
    static func settingRow(_ setting: EffectiveSetting) -> [String] {
        let overrides =
            setting.overridden.isEmpty
            ? "" : " (overrides \(setting.overridden.map(\.description).joined(separator: ", ")))"
        return [setting.field, setting.value, setting.origin.description + overrides]
    }

    static func referencedBy(_ ref: ObjectRef, _ graph: Graph) -> Section {
        Section(
            title: "Referenced By", headers: ["Kind", "Name"],
            rows: graph.references.referencedBy(ref).map { [$0.kind, $0.namespacedName] })
    }
}

extension GraphSections {
    /// Sections as the JSON text the store's views keep.
    public static func encode(_ sections: [Section]) -> String { JSONWriter.compact(value(sections)) }

    /// Sections as JSON.
    public static func value(_ sections: [Section]) -> JSONValue {
        .array(
            sections.map { section in
                .object([
                    "title": .string(section.title),
                    "headers": .array(section.headers.map(JSONValue.string)),
                    "rows": .array(section.rows.map { .array($0.map(JSONValue.string)) }),
                ])
            })
    }

    /// Sections from a view's JSON text; nil when it is not such text.
    public static func decode(_ text: String) -> [Section]? {
        (try? JSONValue.parse(text)).flatMap(decode(value:))
    }

    /// Sections from JSON; nil when it is not sections.
    public static func decode(value: JSONValue) -> [Section]? {
        guard let items = value.arrayValue else { return nil }
        var sections: [Section] = []
        for item in items {
            guard let title = item["title"]?.stringValue, let headers = item["headers"]?.arrayValue,
                let rows = item["rows"]?.arrayValue
            else { return nil }
            sections.append(
                Section(
                    title: title, headers: headers.compactMap(\.stringValue),
                    rows: rows.map { ($0.arrayValue ?? []).compactMap(\.stringValue) }))
        }
        return sections
    }
}
