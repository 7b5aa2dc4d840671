import GatewayAPI
import GatewayCore
import NginxConfig

/// A TLSRoute's, TCPRoute's or UDPRoute's findings: not accepted, accepted but not served (an older route holds
/// its TCP or UDP listener, a TLSRoute of the wrong shape), a backend that does not resolve, speaks the other
/// transport or has no ready endpoints.
enum L4RouteRules {
    static func findings(_ route: L4RouteNode, _ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        let object = "\(route.kind.rawValue) \(route.ref.namespacedName)"
        for parent in route.parents where !parent.accepted {
            let condition = parent.conditions.first
            let reason = condition?.reason?.rawValue ?? ""
            findings.append(
                Finding(
                    .routeNotAccepted, .error, objects: [object],
                    summary:
                        "not attached to \(parent.parentRef.name)\(parent.parentRef.sectionName.map { "/\($0)" } ?? ""): \(reason)",
                    evidence: ["Accepted=False \(reason): \(condition?.message ?? "")"],
                    fix: notAcceptedFix(route, reason: reason)))
        }
        if let unsupported = route.unsupported {
            findings.append(
                Finding(
                    .routeNotServed, .error, objects: [object],
                    summary: "no connection reaches its backends: \(unsupported)",
                    evidence: ["ResolvedRefs=False UnsupportedValue: \(unsupported)"],
                    fix: "give the TLSRoute one rule with one backendRef (split traffic with one route per hostname)"))
        }
        findings += shadowed(route, input)
        for backend in route.backends {
            if let problem = backend.problem {
                findings.append(
                    Finding(
                        RouteRules.code(problem.reason),
                        .error, objects: [object],
                        summary: "connections for this backend are closed: \(problem.message)",
                        evidence: ["ResolvedRefs=False \(problem.reason): \(problem.message)"],
                        fix: problem.reason == .refNotPermitted
                            ? "create a ReferenceGrant in the Service's namespace from \(route.kind.rawValue) in \(route.ref.namespace)"
                            : "create the Service and port the route names, or correct the backendRef"))
                continue
            }
            guard let service = backend.service, let port = backend.port else { continue }
            if let mismatch = L4RouteGraph.protocolProblem(backend, kind: route.kind, input.snapshot) {
                findings.append(
                    Finding(
                        .backendProtocolMismatch, .warning, objects: [object, "Service \(service.namespacedName)"],
                        summary: mismatch.message,
                        evidence: [
                            "the Service port's protocol is not the listener's transport; NGF matches ports by number, "
                                + "so the route is accepted and its \(route.kind == .udp ? "datagrams" : "connections") go to a port that does not serve them"
                        ],
                        fix:
                            "set protocol: \(route.kind == .udp ? "UDP" : "TCP") on Service \(service.namespacedName) port \(port), or point the route at the port that has it"
                    ))
            }
            if Endpoints.addresses(service: service, port: port, portName: backend.portName, snapshot: input.snapshot)
                .isEmpty
            {
                findings.append(
                    Finding(
                        .noReadyEndpoints, .error, objects: ["Service \(service.namespacedName)"],
                        summary:
                            "\(route.kind == .udp ? "datagrams" : "connections") routed to Service \(service.namespacedName):\(port) are closed: it has no ready endpoints",
                        evidence: ["no ready endpoint in the Service's EndpointSlices"],
                        fix: RouteRules.noEndpointsFix(service, input.dataplane)))
            }
        }
        return findings
    }

    static func notAcceptedFix(_ route: L4RouteNode, reason: String) -> String {
        switch reason {
        case "HostnameConflict":
            return
                "an older TLSRoute takes these SNI names on the port: give this route other hostnames, or delete the older one"
        case "NoMatchingListenerHostname":
            return "make the route's hostnames fall under the TLS listener's hostname"
        default:
            return
                "make the parentRef name a \(route.kind.listenerProtocol) listener that allows \(route.kind.rawValue) (allowedRoutes kinds and namespaces)"
        }
    }

    /// A TCP or UDP listener serves its oldest servable route; the others are accepted and take nothing.
    static func shadowed(_ route: L4RouteNode, _ input: DoctorInput) -> [Finding] {
        guard route.kind != .tls, route.servable else { return [] }
        var findings: [Finding] = []
        for parent in route.parents where parent.accepted {
            guard let ref = parent.gateway, let gateway = input.graph.gateway(ref) else { continue }
            for name in parent.listeners {
                guard let listener = gateway.listener(name),
                    let serving = listener.attachedRoutes.compactMap({ input.graph.l4Route($0) }).first(
                        where: \.servable),
                    serving.ref != route.ref
                else { continue }
                findings.append(
                    Finding(
                        .routeNotServed, .warning, objects: ["\(route.kind.rawValue) \(route.ref.namespacedName)"],
                        summary:
                            "accepted on listener \(gateway.ref.namespacedName)/\(name), but \(serving.ref.kind) \(serving.ref.namespacedName) takes its connections",
                        evidence: [
                            "a \(listener.protocol) listener forwards to one route: the oldest with a ready backend (\(serving.ref.namespacedName), created \(serving.metadata.creationTimestamp ?? "earlier"))"
                        ],
                        fix: "give this route a listener of its own (another port), or delete the older route"))
            }
        }
        return findings
    }
}
