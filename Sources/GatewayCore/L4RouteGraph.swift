import GatewayAPI

/// A TLSRoute, TCPRoute or UDPRoute in the graph: where it attached and where its connections go.
public struct L4RouteNode: Sendable {
    public var ref: ObjectRef
    public var kind: L4RouteKind
    public var metadata: ObjectMeta
    /// TLSRoute's SNI names (empty for TCP and UDP, and for a TLSRoute that takes any name).
    public var hostnames: [String]
    public var parents: [ParentNode]
    /// The backends of its rules, in order (connections are spread over them by weight).
    public var backends: [BackendNode]
    /// The status as stored, for other controllers' entries and transition times.
    public var status: RouteStatus?
    /// Why the route is not served although it may attach (a TLSRoute needs exactly one rule and backendRef).
    public var unsupported: String? = nil
    /// TCPRoute and UDPRoute: how many rules after the first were ignored.
    public var ignoredRules: Int? = nil

    /// Served by the data plane: no unsupported shape, and a backend that resolved.
    public var servable: Bool { unsupported == nil && backends.contains(where: \.valid) }
}

/// TLSRoutes, TCPRoutes and UDPRoutes: attachment to TLS (passthrough), TCP and UDP listeners, backends.
public enum L4RouteGraph {
    static func routes(
        _ snapshot: ResourceSnapshot, _ config: ControllerConfig, gateways: inout [GatewayNode],
        allGateways: [Gateway], references: inout ReferenceIndex
    ) -> [L4RouteNode] {
        var drafts: [L4RouteNode] = []
        drafts += snapshot.tlsRoutes.map {
            draft(
                ObjectRef($0), .tls, $0.metadata, $0.spec.hostnames ?? [], $0.spec.parentRefs, $0.spec.rules, $0.status)
        }
        drafts += snapshot.tcpRoutes.map {
            draft(ObjectRef($0), .tcp, $0.metadata, [], $0.spec.parentRefs, $0.spec.rules, $0.status)
        }
        drafts += snapshot.udpRoutes.map {
            draft(ObjectRef($0), .udp, $0.metadata, [], $0.spec.parentRefs, $0.spec.rules, $0.status)
        }
        // Older routes claim a listener (or an SNI name on it) first, as NGF resolves conflicts; then by name.
        drafts.sort { a, b in
            let (ta, tb) = (a.metadata.creationTimestamp ?? "", b.metadata.creationTimestamp ?? "")
            return ta != tb
                ? ta < tb
                : (a.ref.namespace, a.ref.name, a.kind.rawValue) < (b.ref.namespace, b.ref.name, b.kind.rawValue)
        }
        var claims: [String: ObjectRef] = [:]  // `gateway:port:SNI name` → the TLSRoute that holds it
        var nodes: [L4RouteNode] = []
        for var node in drafts {
            node.backends = node.backends.map {
                RouteGraph.backend(
                    $0.index, $0.source, route: node.ref, snapshot: snapshot, references: &references)
            }
            let sources = node.parents
            node.parents = []
            for source in sources {
                let attaching = RouteGraph.AttachingRoute(
                    namespace: node.ref.namespace, kind: node.kind.rawValue, hostnames: node.hostnames)
                guard
                    var parent = RouteGraph.attach(
                        source.index, source.parentRef, route: attaching, snapshot: snapshot, gateways: &gateways,
                        allGateways: allGateways, config: config)
                else { continue }
                // A TLSRoute NGF cannot serve (not one rule and one backendRef) attaches nowhere: it claims no SNI name
                // and counts on no listener, though its status says Accepted (as NGF's does).
                if parent.accepted, node.unsupported == nil, let ref = parent.gateway,
                    let gateway = gateways.first(where: { $0.ref == ref })
                {
                    claim(&parent, gateway: gateway, node: node, claims: &claims)
                }
                if let ignored = node.ignoredRules, parent.accepted {
                    parent.conditions = [
                        Conditions.make(
                            .accepted, true, .unsupportedField,
                            "The following unsupported parameters were ignored: spec.rules[1..\(ignored)]: Only the first rule is processed. \(ignored) additional rule(s) are ignored"
                        )
                    ]
                }
                parent.conditions.append(
                    node.unsupported.map { Conditions.routeNotResolved(.unsupportedValue, $0) }
                        ?? resolvedRefs(node.backends))
                if let gateway = parent.gateway { references.add(node.ref, gateway) }
                node.parents.append(parent)
            }
            nodes.append(node)
        }
        // Each listener's attached routes (HTTPRoutes were counted by RouteGraph).
        for node in nodes where node.unsupported == nil {
            for parent in node.parents where parent.accepted {
                guard let gateway = parent.gateway, let g = gateways.firstIndex(where: { $0.ref == gateway }) else {
                    continue
                }
                for name in parent.listeners {
                    guard let l = gateways[g].listeners.firstIndex(where: { $0.name == name }) else { continue }
                    if !gateways[g].listeners[l].attachedRoutes.contains(node.ref) {
                        gateways[g].listeners[l].attachedRoutes.append(node.ref)
                    }
                }
            }
        }
        return nodes.sorted {
            ($0.kind.rawValue, $0.ref.namespace, $0.ref.name) < ($1.kind.rawValue, $1.ref.namespace, $1.ref.name)
        }
    }

    static func draft(
        _ ref: ObjectRef, _ kind: L4RouteKind, _ metadata: ObjectMeta, _ hostnames: [String],
        _ parentRefs: [ParentReference]?, _ rules: [L4RouteRule], _ status: RouteStatus?
    ) -> L4RouteNode {
        let parents = (parentRefs ?? []).enumerated().map { index, ref in
            ParentNode(index: index, parentRef: ref, gateway: nil, listeners: [], accepted: false, conditions: [])
        }
        var backends: [BackendNode] = []
        // NGF processes the first rule only (v1 has one).
        for rule in rules.prefix(1) {
            for ref in rule.backendRefs ?? [] {
                backends.append(
                    BackendNode(
                        index: backends.count, source: HTTPBackendRef(ref), service: nil, port: ref.port,
                        portName: nil, weight: ref.weight ?? 1, problem: nil, policy: nil))
            }
        }
        var node = L4RouteNode(
            ref: ref, kind: kind, metadata: metadata, hostnames: hostnames, parents: parents, backends: backends,
            status: status)
        if kind == .tls && (rules.count != 1 || backends.count != 1) {
            node.unsupported = "Must have exactly one Rule and BackendRef"
        } else if kind != .tls && rules.count > 1 {
            node.ignoredRules = rules.count - 1
        }
        return node
    }

    /// A TLS port routes each SNI name to one TLSRoute: the older route keeps a name, and a route whose every name is
    /// taken is not accepted (NGF's HostnameConflict). TCP and UDP listeners take any number of routes (all accepted
    /// and counted); the data plane serves the oldest with a ready backend, as NGF does.
    static func claim(
        _ parent: inout ParentNode, gateway: GatewayNode, node: L4RouteNode, claims: inout [String: ObjectRef]
    ) {
        guard node.kind == .tls else { return }
        var kept: [String] = []
        for name in parent.listeners {
            guard let listener = gateway.listener(name) else { continue }
            let names = (node.hostnames.isEmpty ? [nil] : node.hostnames.map { Optional($0) }).compactMap {
                HostnameMatching.intersection($0, listener.hostname)
            }.map { $0 ?? "*" }
            var free = false
            for host in names {
                let key = "\(gateway.ref.namespacedName):\(listener.port):\(host)"
                if let holder = claims[key], holder != node.ref { continue }
                claims[key] = node.ref
                free = true
            }
            if free { kept.append(name) }
        }
        parent.listeners = kept
        if kept.isEmpty {
            parent.accepted = false
            parent.conditions = [
                Conditions.routeNotAccepted(
                    "HostnameConflict", "Hostname(s) conflict with another Route of the same kind on the same port")
            ]
        }
    }

    /// A Service port that does not speak the route's transport (UDP for UDPRoute, TCP otherwise). NGF matches Service
    /// ports by number only, so this is doctor's finding, not a condition.
    public static func protocolProblem(_ backend: BackendNode, kind: L4RouteKind, _ snapshot: ResourceSnapshot)
        -> (reason: ConditionReason, message: String)?
    {
        guard let service = backend.service, let port = backend.port,
            let servicePort = snapshot.service(service.namespace, service.name)?.spec?.ports?.first(where: {
                $0.port == port
            })
        else { return nil }
        let given = servicePort.protocol ?? "TCP"
        let wanted = kind == .udp ? "UDP" : "TCP"
        guard given != wanted else { return nil }
        return (
            "UnsupportedProtocol",
            "Backend Service \(service.namespacedName) port \(port) is \(given), but a \(kind.rawValue) needs a \(wanted) port"
        )
    }

    static func resolvedRefs(_ backends: [BackendNode]) -> Condition {
        if let problem = backends.first(where: { !$0.valid })?.problem {
            return Conditions.routeNotResolved(problem.reason, problem.message)
        }
        return Conditions.routeResolvedRefs
    }
}
