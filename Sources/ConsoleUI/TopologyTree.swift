import GatewayAPI
import GatewayCore

/// One row of the topology tree: GatewayClass ▸ Gateway ▸ listener ▸ HTTPRoute ▸ rule ▸ backend ▸ policy.
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
                for listener in gateway.listeners {
                    let conflicted = listener.conditions.isTrue(.conflicted)
                    let role: Role = if conflicted { .conflicted } else if listener.valid { .accepted } else { .error }
                    rows.append(
                        TreeRow(
                            depth: 2,
                            label:
                                "listener \(listener.name) \(listener.protocol)/\(listener.port)\(listener.hostname.map { " \($0)" } ?? "") (\(listener.attachedRoutes.count) routes)",
                            role: role, ref: gateway.ref))
                    for routeRef in listener.attachedRoutes {
                        guard let route = graph.route(routeRef) else { continue }
                        rows += routeRows(route, graph: graph, depth: 3)
                    }
                }
            }
        }
        let unattached = graph.routes.filter { !$0.parents.contains(where: \.accepted) }
        let detached = graph.policies.filter { $0.ancestors.isEmpty }
        if !unattached.isEmpty || !detached.isEmpty {
            rows.append(TreeRow(depth: 0, label: "Not attached", role: .notAttached, ref: nil))
            for route in unattached { rows += routeRows(route, graph: graph, depth: 1) }
            for policy in detached {
                rows.append(
                    TreeRow(
                        depth: 1, label: "BackendTLSPolicy \(policy.ref.namespacedName)", role: .notAttached,
                        ref: policy.ref))
            }
        }
        return rows
    }

    static func routeRows(_ route: RouteNode, graph: Graph, depth: Int) -> [TreeRow] {
        let accepted = route.parents.contains(where: \.accepted)
        let resolved = route.parents.allSatisfy { $0.conditions.isTrue(.resolvedRefs) }
        let role: Role = if !accepted { .notAttached } else if resolved { .resolved } else { .error }
        var rows = [TreeRow(depth: depth, label: "HTTPRoute \(route.ref.namespacedName)", role: role, ref: route.ref)]
        for rule in route.rules {
            let match =
                rule.source.matches?.first?.path.map { "\($0.type ?? .pathPrefix) \($0.value ?? "/")" }
                ?? "PathPrefix /"
            rows.append(
                TreeRow(
                    depth: depth + 1,
                    label: "rule \(rule.index) \(match)\(rule.dropped.map { " (dropped: \($0))" } ?? "")",
                    role: rule.dropped == nil ? .accepted : .error, ref: route.ref))
            for backend in rule.backends {
                let name =
                    backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
                    ?? backend.source.name
                rows.append(
                    TreeRow(
                        depth: depth + 2, label: name + (backend.problem.map { " (\($0.reason))" } ?? ""),
                        role: backend.valid ? .resolved : .error, ref: backend.service))
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
            }
        }
        return rows
    }

    /// The rows as the JSON text the store's views keep (derived at reconcile, so that the console's first frame
    /// and its refresh read the tree instead of building the graph): one array per row.
    public static func encode(_ rows: [TreeRow]) -> String {
        // Written straight to text: a JSONValue of every row first would hold the tree twice more in memory.
        var out = "["
        out.reserveCapacity(rows.count * 96)
        for (index, row) in rows.enumerated() {
            if index > 0 { out += "," }
            out += "[\(row.depth),"
            JSONWriter.writeString(row.label, into: &out)
            out += ","
            JSONWriter.writeString(row.role.rawValue, into: &out)
            if let ref = row.ref {
                for field in [ref.group, ref.kind, ref.namespace, ref.name] {
                    out += ","
                    JSONWriter.writeString(field, into: &out)
                }
            }
            out += "]"
        }
        return out + "]"
    }

    /// Rows from `encode`'s text; nil when it is not such text.
    public static func decode(_ text: String) -> [TreeRow]? {
        guard let items = (try? JSONValue.parse(text))?.arrayValue else { return nil }
        var rows: [TreeRow] = []
        rows.reserveCapacity(items.count)
        for item in items {
            guard let fields = item.arrayValue, fields.count == 3 || fields.count == 7, let depth = fields[0].intValue,
                let label = fields[1].stringValue, let role = fields[2].stringValue.flatMap(Role.init(rawValue:))
            else { return nil }
            var ref: ObjectRef?
            if fields.count == 7 {
                ref = ObjectRef(
                    group: fields[3].stringValue ?? "", kind: fields[4].stringValue ?? "",
                    namespace: fields[5].stringValue ?? "", name: fields[6].stringValue ?? "")
            }
            rows.append(TreeRow(depth: Int(depth), label: label, role: role, ref: ref))
        }
        return rows
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
