import GatewayAPI
import GatewayCore

/// The sections `describe` adds for Gateways, HTTPRoutes and Services from the controller's graph:
/// attached routes, backends, directly attached and effective policies, and what refers to the object.
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
        switch ref.kind {
        case "Gateway": return gatewaySections(ref, graph)
        case "HTTPRoute": return routeSections(ref, graph)
        case "Service": return serviceSections(ref, graph)
        default: return []
        }
    }

    static func gatewaySections(_ ref: ObjectRef, _ graph: Graph) -> [Section] {
        guard let gateway = graph.gateway(ref) else {
            return [Section(title: "Attached Routes", headers: [], rows: []), referencedBy(ref, graph)]
        }
        var attached: [[String]] = []
        for listener in gateway.listeners {
            for route in listener.attachedRoutes {
                let hostnames = graph.route(route)?.source.spec.hostnames?.joined(separator: ",") ?? "*"
                attached.append([listener.name, "\(listener.protocol)/\(listener.port)", route.namespacedName, hostnames])
            }
        }
        let routes = graph.routes.filter { $0.parents.contains { $0.gateway == ref && $0.accepted } }
        let effective = graph.policies.filter { $0.ancestors.contains(ref) }.map(policyRow)
        return [
            Section(title: "Attached Routes", headers: ["Listener", "Port", "Route", "Hostnames"], rows: attached),
            Section(title: "Backends", headers: ["Route", "Rule", "Backend", "Resolved", "Policy"], rows: routes.flatMap(backendRows)),
            Section(title: "Directly Attached Policies", headers: [], rows: []),
            Section(title: "Effective Policies", headers: ["Policy", "Targets", "Accepted"], rows: effective),
            referencedBy(ref, graph),
        ]
    }

    static func routeSections(_ ref: ObjectRef, _ graph: Graph) -> [Section] {
        guard let route = graph.route(ref) else { return [referencedBy(ref, graph)] }
        let parents = route.parents.map { parent -> [String] in
            let name = "\(parent.parentRef.namespace ?? ref.namespace)/\(parent.parentRef.name)"
            return [name + (parent.parentRef.sectionName.map { "/\($0)" } ?? ""),
                    parent.listeners.isEmpty ? "<none>" : parent.listeners.joined(separator: ","),
                    parent.conditions.first?.reason ?? ""]
        }
        let policies = Set(route.rules.flatMap { $0.backends.compactMap(\.policy) })
        let effective = graph.policies.filter { policies.contains($0.ref) }.map(policyRow)
        return [
            Section(title: "Attached To", headers: ["Parent", "Listeners", "Reason"], rows: parents),
            Section(title: "Backends", headers: ["Route", "Rule", "Backend", "Resolved", "Policy"], rows: backendRows(route)),
            Section(title: "Directly Attached Policies", headers: [], rows: []),
            Section(title: "Effective Policies", headers: ["Policy", "Targets", "Accepted"], rows: effective),
            referencedBy(ref, graph),
        ]
    }

    static func serviceSections(_ ref: ObjectRef, _ graph: Graph) -> [Section] {
        let routes = graph.routes.filter { $0.rules.contains { $0.backends.contains { $0.service == ref } } }
            .map { route -> [String] in
                let ports = Set(route.rules.flatMap { $0.backends.filter { $0.service == ref }.compactMap(\.port) }).sorted().map(String.init)
                return [route.ref.namespacedName, ports.joined(separator: ","),
                        route.parents.filter(\.accepted).compactMap { $0.gateway?.namespacedName }.joined(separator: ",")]
            }
        let direct = graph.policies.filter { $0.targets.contains(ref) }.map(policyRow)
        var effective: [[String]] = []
        for route in graph.routes {
            for rule in route.rules {
                for backend in rule.backends where backend.service == ref {
                    if let policy = backend.policy, let node = graph.policy(policy) {
                        let row = ["\(backend.port.map(String.init) ?? "")\(backend.portName.map { " (\($0))" } ?? "")",
                                   "BackendTLSPolicy \(policy.namespacedName)", acceptedText(node)]
                        if !effective.contains(row) { effective.append(row) }
                    }
                }
            }
        }
        return [
            Section(title: "Routes", headers: ["Route", "Ports", "Gateways"], rows: routes),
            Section(title: "Directly Attached Policies", headers: ["Policy", "Targets", "Accepted"], rows: direct),
            Section(title: "Effective Policies", headers: ["Port", "Policy", "Accepted"], rows: effective),
            referencedBy(ref, graph),
        ]
    }

    static func backendRows(_ route: RouteNode) -> [[String]] {
        route.rules.flatMap { rule in
            rule.backends.map { backend -> [String] in
                let target = backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
                    ?? "\(backend.source.kind ?? "Service") \(backend.source.name)"
                let resolved = rule.dropped != nil ? "Dropped" : (backend.problem.map { "False (\($0.reason))" } ?? "True")
                return [route.ref.namespacedName, String(rule.index), target, resolved, backend.policy?.namespacedName ?? "<none>"]
            }
        }
    }

    static func policyRow(_ node: PolicyNode) -> [String] {
        let targets = node.source.spec.targetRefs.map { "\($0.kind) \(node.ref.namespace)/\($0.name)\($0.sectionName.map { ":\($0)" } ?? "")" }
        return ["BackendTLSPolicy \(node.ref.namespacedName)", targets.joined(separator: ","), acceptedText(node)]
    }

    static func acceptedText(_ node: PolicyNode) -> String {
        let accepted = node.conditions.first
        return accepted?.status == "True" ? "True" : "False (\(accepted?.reason ?? ""))"
    }

    static func referencedBy(_ ref: ObjectRef, _ graph: Graph) -> Section {
        Section(title: "Referenced By", headers: ["Kind", "Name"],
                rows: graph.references.referencedBy(ref).map { [$0.kind, $0.namespacedName] })
    }
}
