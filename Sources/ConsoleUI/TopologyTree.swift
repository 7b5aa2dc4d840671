import GatewayAPI
import GatewayCore

/// One row of the topology tree: GatewayClass ▸ Gateway ▸ (ListenerSet ▸) listener ▸ HTTPRoute or GRPCRoute ▸
/// rule ▸ backend ▸ policy. NGF's policies are under the Gateway, route or Service they target.
public struct TreeRow: Sendable, Equatable {
    public var depth: Int
    public var label: String
    public var role: Role
    /// The object the row stands for, for describe/YAML/probe.
    public var ref: ObjectRef?

    public init(depth: Int, label: String, role: Role, ref: ObjectRef?) {
        self.depth = depth
        self.label = label
        self.role = role
        self.ref = ref
    }
}

/// Builds the tree from the controller's graph (pure). Routes and policies that attach nowhere are listed under a
/// group of their own, so nothing is hidden.
public enum TopologyTree {
    public static func rows(_ graph: Graph) -> [TreeRow] {
        let ngf = NGFIndex(graph)
        var rows: [TreeRow] = []
        for gc in graph.gatewayClasses where gc.ours {
            rows.append(
                TreeRow(
                    depth: 0, label: "GatewayClass \(gc.ref.name)", role: gc.accepted ? .accepted : .error, ref: gc.ref)
            )
            for gateway in graph.gateways where gateway.source.spec.gatewayClassName == gc.ref.name {
                let address = gateway.addresses.first.map { " \($0)" } ?? ""
                let programmed = gateway.conditions.isTrue(.programmed)
                let role: Role = if !gateway.accepted { .error } else if programmed { .programmed } else { .pending }
                rows.append(
                    TreeRow(
                        depth: 1, label: "Gateway \(gateway.ref.namespacedName)\(address)", role: role, ref: gateway.ref
                    ))
                rows += ngf.rows(gateway.ref, depth: 2)
                for listener in gateway.ownListeners {
                    rows += listenerRows(listener, owner: gateway.ref, graph: graph, ngf: ngf, depth: 2)
                }
                // Its ListenerSets, each with the listeners it adds.
                for set in graph.listenerSets where set.gateway == gateway.ref {
                    let role: Role =
                        if !set.accepted { .error } else if set.conditions.isTrue(.programmed) { .programmed } else {
                            .pending
                        }
                    let reason = set.accepted ? "" : " (\(set.conditions.first?.reason?.rawValue ?? ""))"
                    rows.append(
                        TreeRow(
                            depth: 2, label: "ListenerSet \(set.ref.namespacedName)\(reason)", role: role, ref: set.ref)
                    )
                    for listener in gateway.listeners where listener.listenerSet == set.ref {
                        rows += listenerRows(listener, owner: set.ref, graph: graph, ngf: ngf, depth: 3)
                    }
                }
            }
        }
        let unattached = graph.routes.filter { !$0.parents.contains(where: \.accepted) }
        let unattachedL4 = graph.l4Routes.filter { !$0.parents.contains(where: \.accepted) }
        let detached = graph.policies.filter { $0.ancestors.isEmpty }
        var notAttached: [TreeRow] = []
        for route in unattached { notAttached += routeRows(route, graph: graph, ngf: ngf, depth: 1) }
        for route in unattachedL4 { notAttached += l4RouteRows(route, listener: nil, graph: graph, depth: 1) }
        for policy in detached {
            notAttached.append(
                TreeRow(
                    depth: 1, label: "BackendTLSPolicy \(policy.ref.namespacedName)", role: .notAttached,
                    ref: policy.ref))
        }
        notAttached += ngf.detachedRows(drawn: rows, notAttached: notAttached)
        if !notAttached.isEmpty {
            rows.append(TreeRow(depth: 0, label: "Not attached", role: .notAttached, ref: nil))
            rows += notAttached
        }
        return rows
    }

    /// NGF's policies by the objects they target, and the rows for them.
    struct NGFIndex {
        let graph: Graph
        var byTarget: [ObjectRef: [NGFPolicyNode]] = [:]

        init(_ graph: Graph) {
            self.graph = graph
            for policy in graph.ngfPolicies {
                for target in Set(policy.targets) { byTarget[target, default: []].append(policy) }
            }
        }

        /// The policies that target a Gateway, route or Service: accepted, or not with the reason (for a Service,
        /// through the Gateways given, those of the route that uses it).
        func rows(_ target: ObjectRef, depth: Int, gateways: [ObjectRef] = []) -> [TreeRow] {
            (byTarget[target] ?? []).map { policy in
                let accepted = policy.accepted(target: target, gateways: gateways)
                let role: Role =
                    if accepted.status == .true { .accepted } else if accepted.reason == .conflicted {
                        .conflicted
                    } else { .error }
                return TreeRow(
                    depth: depth, label: Self.label(policy, accepted), role: role, ref: policy.ref)
            }
        }

        static func label(_ policy: NGFPolicyNode, _ accepted: Condition) -> String {
            "\(policy.kind.rawValue) \(policy.ref.namespacedName)"
                + (accepted.status == .true ? "" : " (\(accepted.reason?.rawValue ?? ""))")
        }

        /// The policies that attach nowhere: their targets are not found (a Gateway not accepted, a route on no
        /// accepted parent) or drawn nowhere above; those under a route that is itself not attached are left there.
        func detachedRows(drawn: [TreeRow], notAttached: [TreeRow]) -> [TreeRow] {
            guard !graph.ngfPolicies.isEmpty else { return [] }
            var attached = Set(graph.gateways.flatMap(\.policies))
            attached.formUnion(graph.routes.flatMap(\.policies))
            attached.formUnion(graph.servicePolicies.values.flatMap { $0 })
            let shown = Set(drawn.compactMap(\.ref))
            let underUnattached = Set(notAttached.compactMap(\.ref))
            return graph.ngfPolicies.compactMap { policy in
                guard !attached.contains(policy.ref), !underUnattached.contains(policy.ref) else { return nil }
                let targetNotFound = policy.ancestors.allSatisfy { ancestor in
                    ancestor.conditions.contains { $0.reason?.rawValue == "TargetNotFound" }
                }
                guard targetNotFound || !shown.contains(policy.ref) else { return nil }
                let accepted = policy.ancestors.first.map { policy.accepted(ancestor: $0.ref) }
                return TreeRow(
                    depth: 1, label: accepted.map { Self.label(policy, $0) } ?? policy.ref.description,
                    role: .notAttached, ref: policy.ref)
            }
        }
    }

    /// A listener (as its Gateway or ListenerSet names it) and the routes attached to it.
    static func listenerRows(_ listener: ListenerNode, owner: ObjectRef, graph: Graph, ngf: NGFIndex, depth: Int)
        -> [TreeRow]
    {
        let conflicted = listener.conditions.isTrue(.conflicted)
        let role: Role = if conflicted { .conflicted } else if listener.valid { .accepted } else { .error }
        var rows = [
            TreeRow(
                depth: depth,
                label:
                    "listener \(listener.source.name) \(listener.protocol)/\(listener.port)\(listener.hostname.map { " \($0)" } ?? "") (\(listener.attachedRoutes.count) routes)",
                role: role, ref: owner)
        ]
        for routeRef in listener.attachedRoutes {
            if let route = graph.route(routeRef) {
                rows += routeRows(route, graph: graph, ngf: ngf, depth: depth + 1)
            } else if let route = graph.l4Route(routeRef) {
                rows += l4RouteRows(route, listener: listener, graph: graph, depth: depth + 1)
            }
        }
        return rows
    }

    /// A TLSRoute, TCPRoute or UDPRoute: its SNI names (TLS), then its backends with their weights. On a TCP or UDP
    /// listener with several routes, only the oldest servable one takes connections: the others say so.
    static func l4RouteRows(_ route: L4RouteNode, listener: ListenerNode?, graph: Graph, depth: Int) -> [TreeRow] {
        let accepted = route.parents.contains(where: \.accepted)
        let resolved = route.parents.allSatisfy { $0.conditions.isTrue(.resolvedRefs) }
        var note = ""
        if let listener, route.kind != .tls,
            let serving = listener.attachedRoutes.compactMap({ graph.l4Route($0) }).first(where: \.servable),
            serving.ref != route.ref
        {
            note = " (not served: \(serving.ref.kind) \(serving.ref.namespacedName) is older)"
        } else if let unsupported = route.unsupported {
            note = " (not served: \(unsupported))"
        }
        let role: Role = if !accepted { .notAttached } else if resolved && note.isEmpty { .resolved } else { .error }
        let hosts = route.hostnames.isEmpty ? "" : " " + route.hostnames.joined(separator: ",")
        var rows = [
            TreeRow(
                depth: depth, label: "\(route.kind.rawValue) \(route.ref.namespacedName)\(hosts)\(note)", role: role,
                ref: route.ref)
        ]
        let weighted = route.backends.count > 1
        for backend in route.backends { rows.append(backendRow(backend, depth: depth + 1, weighted: weighted)) }
        return rows
    }

    /// A backend: its Service and port (its weight beside others), and why it does not resolve.
    static func backendRow(_ backend: BackendNode, depth: Int, weighted: Bool) -> TreeRow {
        let name =
            backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
            ?? backend.source.name
        return TreeRow(
            depth: depth,
            label: name + (weighted ? " weight \(backend.weight)" : "")
                + (backend.problem.map { " (\($0.reason))" } ?? ""),
            role: backend.valid ? .resolved : .error, ref: backend.service)
    }

    static func routeRows(_ route: RouteNode, graph: Graph, ngf: NGFIndex, depth: Int) -> [TreeRow] {
        let accepted = route.parents.contains(where: \.accepted)
        let resolved = route.parents.allSatisfy { $0.conditions.isTrue(.resolvedRefs) }
        let role: Role = if !accepted { .notAttached } else if resolved { .resolved } else { .error }
        var rows = [TreeRow(depth: depth, label: route.ref.description, role: role, ref: route.ref)]
        rows += ngf.rows(route.ref, depth: depth + 1)
        let gateways = ngf.byTarget.isEmpty ? [] : route.parents.filter(\.accepted).compactMap(\.gateway)
        for rule in route.rules {
            let match: String
            if let grpc = route.grpc?.spec.rules?[rule.index] {
                // A GRPCRoute's rule by its method and headers: `helloworld.Greeter/SayHello version=one`.
                let first = grpc.matches?.first
                match =
                    GRPCRouteConversion.describe(first?.method)
                    + (first?.headers ?? []).map {
                        " \($0.name)\($0.type == .regularExpression ? "~" : "=")\($0.value)"
                    }
                    .joined() + ((grpc.matches?.count ?? 0) > 1 ? " (+\(grpc.matches!.count - 1) more)" : "")
            } else {
                match =
                    rule.source.matches?.first?.path.map { "\($0.type ?? .pathPrefix) \($0.value ?? "/")" }
                    ?? "PathPrefix /"
            }
            rows.append(
                TreeRow(
                    depth: depth + 1,
                    label: "rule \(rule.index) \(match)\(rule.dropped.map { " (dropped: \($0))" } ?? "")",
                    role: rule.dropped == nil ? .accepted : .error, ref: route.ref))
            for backend in rule.backends {
                rows.append(backendRow(backend, depth: depth + 2, weighted: false))
                if let policyRef = backend.policy, let policy = graph.policy(policyRef) {
                    let role: Role =
                        if policy.inEffect { .accepted } else if policy.conflicted { .conflicted } else { .error }
                    rows.append(
                        TreeRow(
                            depth: depth + 3,
                            label:
                                "BackendTLSPolicy \(policyRef.namespacedName) (\(policy.conditions.first?.reason?.rawValue ?? ""))",
                            role: role, ref: policyRef))
                    for ca in policy.source.spec.validation.caCertificateRefs ?? [] {
                        rows.append(
                            TreeRow(
                                depth: depth + 4, label: "\(ca.kind) \(policyRef.namespace)/\(ca.name) (CA)",
                                role: policy.caCertificates == nil ? .error : .resolved,
                                ref: ObjectRef(group: "", kind: ca.kind, namespace: policyRef.namespace, name: ca.name))
                        )
                    }
                }
                if let service = backend.service {
                    rows += ngf.rows(service, depth: depth + 3, gateways: gateways)
                }
            }
        }
        return rows
    }

    /// The rows as the text the store's views keep (derived at reconcile, so that the console's first frame and
    /// its refresh read the tree instead of building the graph): a header line, then one line per row with
    /// tab-separated fields (depth, role, whether it has an object, the object's group, kind, namespace and name,
    /// the label), `\\`, tab and newline escaped. Read back in a single pass over the bytes: at 10,000 routes the tree
    /// has about 40,000 rows.
    public static func encode(_ rows: [TreeRow]) -> String {
        var out = header
        out.reserveCapacity(rows.count * 96)
        for row in rows {
            out += String(row.depth)
            out += "\t"
            out += row.role.rawValue
            if let ref = row.ref {
                out += "\t1\t"
                for field in [ref.group, ref.kind, ref.namespace, ref.name] {
                    escape(field, into: &out)
                    out += "\t"
                }
            } else {
                out += "\t0\t\t\t\t\t"
            }
            escape(row.label, into: &out)
            out += "\n"
        }
        return out
    }

    static let header = "gwconsole-tree 1\n"

    static func escape(_ text: String, into out: inout String) {
        guard text.utf8.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 }) else {
            out += text
            return
        }
        // By bytes: "\r\n" is one Character, and a backslash can carry a combining mark.
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 92: bytes += [92, 92]
            case 9: bytes += [92, 116]
            case 10: bytes += [92, 110]
            default: bytes.append(byte)
            }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }

    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(92) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var escaped = false
        for byte in bytes {
            if escaped {
                out.append(byte == 116 ? 9 : (byte == 110 ? 10 : byte))
                escaped = false
            } else if byte == 92 {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Rows from `encode`'s text; nil when it is not such text.
    public static func decode(_ text: String) -> [TreeRow]? {
        guard text.hasPrefix(header) else { return nil }
        let bytes = Array(text.utf8)
        var rows: [TreeRow] = []
        var lineStart = header.utf8.count
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(8)
        var fieldStart = lineStart
        var index = lineStart
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 9 || byte == 10 {
                fields.append(bytes[fieldStart..<index])
                fieldStart = index + 1
                if byte == 10 {
                    guard fields.count == 8, let depth = Int(String(decoding: fields[0], as: UTF8.self)),
                        let role = Role(rawValue: String(decoding: fields[1], as: UTF8.self))
                    else { return nil }
                    let ref =
                        fields[2].first == 49
                        ? ObjectRef(
                            group: unescape(fields[3]), kind: unescape(fields[4]), namespace: unescape(fields[5]),
                            name: unescape(fields[6])) : nil
                    rows.append(TreeRow(depth: depth, label: unescape(fields[7]), role: role, ref: ref))
                    fields.removeAll(keepingCapacity: true)
                    lineStart = index + 1
                }
            }
            index += 1
        }
        return lineStart == bytes.count ? rows : nil
    }

    /// Draws rows with indentation and a glyph per state.
    public static func draw(
        _ rows: [TreeRow], on screen: Screen, top: Int, left: Int, height: Int, selected: Int?,
        glyphs: Glyphs = .unicode
    ) {
        for (offset, row) in rows.prefix(height).enumerated() {
            let text = String(repeating: "  ", count: row.depth) + glyphs.status(row.role) + " " + row.label
            screen.put(text, row: top + offset, column: left, role: offset == selected ? .selection : row.role)
        }
    }
}
