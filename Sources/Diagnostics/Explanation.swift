import GatewayAPI
import GatewayCore
import NginxConfig

/// Why a request goes where it goes: the Gateway and listener, the route, rule and match that take it (decided by
/// `RequestRouter`, as the rendered nginx does), its filters, backends and backend TLS, the nginx server and
/// location, and every other candidate with why it lost. `gwconsole explain` prints it; `-o json` is this value.
public struct Explanation: Sendable, Codable, Equatable {
    public struct RouteChoice: Sendable, Codable, Equatable {
        public var kind: String
        public var name: String
        public var rule: Int
        public var match: Int
    }

    public struct Backend: Sendable, Codable, Equatable {
        public var name: String
        public var port: Int?
        public var weight: Int
        /// Why it cannot take requests (it does not resolve), when so.
        public var problem: String?
    }

    public struct BackendTLS: Sendable, Codable, Equatable {
        public var policy: String
        /// The name nginx sends as SNI and verifies the certificate against.
        public var hostname: String
        /// Where the CA certificates come from (`ConfigMap ns/name`, or `System`).
        public var ca: [String]
        public var valid: Bool
    }

    public struct Nginx: Sendable, Codable, Equatable {
        public var server: String
        public var location: String?
    }

    public struct Candidate: Sendable, Codable, Equatable {
        public var kind: String
        /// `ns/name`.
        public var route: String
        public var rule: Int
        public var match: Int
        public var reason: String
    }

    public struct ListenerChoice: Sendable, Codable, Equatable {
        public var listener: String
        public var reason: String
    }

    public var gateway: String
    public var listener: String
    public var route: RouteChoice?
    /// What the config answers by itself: 404 (nothing matches), a redirect's code, 500 (a backend or filter does
    /// not resolve); nil when the backend decides.
    public var status: Int?
    public var backends: [Backend]
    public var filters: [String]
    public var backendTLS: BackendTLS?
    public var nginx: Nginx
    public var candidates: [Candidate]
    /// The Gateway's other listeners and why they did not take the request.
    public var otherListeners: [ListenerChoice]

    enum CodingKeys: String, CodingKey {
        case gateway, listener, route, status, backends, filters, backendTLS, nginx, candidates, otherListeners
    }

    /// `route`, `status` and `backendTLS` are written as null when absent, as the format says.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(gateway, forKey: .gateway)
        try c.encode(listener, forKey: .listener)
        try c.encode(route, forKey: .route)
        try c.encode(status, forKey: .status)
        try c.encode(backends, forKey: .backends)
        try c.encode(filters, forKey: .filters)
        try c.encode(backendTLS, forKey: .backendTLS)
        try c.encode(nginx, forKey: .nginx)
        try c.encode(candidates, forKey: .candidates)
        try c.encode(otherListeners, forKey: .otherListeners)
    }

    /// The request on `gateway`'s listener port `port` (declared), as the graph and the rendered config decide it.
    public static func explain(
        _ request: RoutedRequest, port: Int, sni: String? = nil, gateway: GatewayNode, graph: Graph
    )
        -> Explanation?
    {
        let onPort = gateway.listeners.filter {
            Int($0.port) == port && $0.valid && [.http, .https].contains($0.protocol)
        }
        let host = (sni ?? request.host).lowercased()
        guard
            let chosenHost = HostnameMatching.mostSpecificListener(onPort.map(\.hostname), covering: host),
            let listener = onPort.first(where: { $0.hostname == chosenHost })
        else { return nil }
        var others: [ListenerChoice] = []
        for other in gateway.listeners where other.name != listener.name {
            let reason: String
            if !other.valid {
                reason = "not programmed (\(other.conditions.first { !$0.isHealthy }?.reason?.rawValue ?? "invalid"))"
            } else if Int(other.port) != port {
                reason = "port \(other.port), not \(port)"
            } else if !HostnameMatching.covers(listener: other.hostname, host: host) {
                reason = "hostname \(other.hostname ?? "(any)") does not match \(host)"
            } else {
                reason =
                    "listener isolation: \(listener.name)'s hostname \(listener.hostname ?? "(any)") is more specific"
            }
            others.append(ListenerChoice(listener: DoctorRules.listenerObject(other, gateway: gateway), reason: reason))
        }
        let decision = RequestRouter.decide(request, port: port, gateway: gateway, graph: graph)
        var explanation = Explanation(
            gateway: gateway.ref.namespacedName, listener: listener.source.name, route: nil, status: 404, backends: [],
            filters: [], backendTLS: nil,
            nginx: Nginx(
                server: "listen \(port); server_name \(decision.serverName ?? "(default server)")",
                location: decision.location?.nginxSpec),
            candidates: decision.losers.map {
                Candidate(
                    kind: $0.match.route.ref.kind, route: $0.match.route.ref.namespacedName, rule: $0.match.rule.index,
                    match: $0.match.matchIndex,
                    reason: $0.reason)
            },
            otherListeners: others)
        guard let match = decision.match else { return explanation }
        let rule = match.rule
        explanation.route = RouteChoice(
            kind: match.route.ref.kind, name: match.route.ref.namespacedName, rule: rule.index,
            match: match.matchIndex)
        explanation.filters = (rule.source.filters ?? []).map(describe)
        explanation.backends = rule.backends.map { backend in
            Backend(
                name: backend.service?.namespacedName ?? backend.source.name, port: backend.port.map(Int.init),
                weight: Int(backend.weight), problem: backend.problem?.message)
        }
        if let policyRef = rule.backends.compactMap(\.policy).first, let policy = graph.policy(policyRef) {
            let validation = policy.source.spec.validation
            explanation.backendTLS = BackendTLS(
                policy: policyRef.namespacedName, hostname: validation.hostname,
                ca: (validation.caCertificateRefs ?? []).map { "\($0.kind) \(policyRef.namespace)/\($0.name)" }
                    + (validation.wellKnownCACertificates.map { [$0] } ?? []),
                valid: policy.inEffect)
        }
        explanation.status = status(rule)
        return explanation
    }

    /// What nginx answers by itself for a rule: a redirect's code, 500 when a filter or every backend fails to
    /// resolve, nil when the backend decides.
    static func status(_ rule: RuleNode) -> Int? {
        if rule.filterProblem != nil { return 500 }
        if let redirect = rule.source.filters?.first(where: { $0.type == .requestRedirect })?.requestRedirect {
            return Int(redirect.statusCode ?? 302)
        }
        let live = rule.backends.filter { $0.problem == nil && $0.weight > 0 }
        if rule.backends.isEmpty || live.isEmpty { return 500 }
        return nil
    }

    /// A filter in a line: its type and what it does.
    static func describe(_ filter: HTTPRouteFilter) -> String {
        switch filter.type {
        case .requestHeaderModifier, .responseHeaderModifier:
            let modifier = filter.requestHeaderModifier ?? filter.responseHeaderModifier
            var parts: [String] = []
            if let set = modifier?.set, !set.isEmpty { parts.append("set " + set.map(\.name).joined(separator: ", ")) }
            if let add = modifier?.add, !add.isEmpty { parts.append("add " + add.map(\.name).joined(separator: ", ")) }
            if let remove = modifier?.remove, !remove.isEmpty {
                parts.append("remove " + remove.joined(separator: ", "))
            }
            return "\(filter.type.rawValue): " + parts.joined(separator: "; ")
        case .requestRedirect:
            let redirect = filter.requestRedirect
            return "RequestRedirect: \(redirect?.statusCode ?? 302)"
                + (redirect?.scheme.map { " scheme \($0)" } ?? "") + (redirect?.hostname.map { " host \($0)" } ?? "")
        case .requestMirror:
            return "RequestMirror: to \(filter.requestMirror?.backendRef.name ?? "?")"
        case .extensionRef:
            return "ExtensionRef: \(filter.extensionRef?.kind ?? "?") \(filter.extensionRef?.name ?? "?")"
        default:
            return filter.type.rawValue
        }
    }

    /// What a line of the explanation is, for the console's colours.
    public enum LineKind: Sendable {
        case heading, taken, notTaken, detail
    }

    /// As `gwconsole explain` prints it.
    public var text: String { lines.map(\.text).joined(separator: "\n") + "\n" }

    /// The explanation's lines, each with what it is.
    public var lines: [(text: String, kind: LineKind)] {
        var lines: [(String, LineKind)] = [("Gateway \(gateway), listener \(listener)", .heading)]
        for other in otherListeners { lines.append(("  not \(other.listener): \(other.reason)", .detail)) }
        lines.append(
            ("nginx: \(nginx.server)" + (nginx.location.map { ", location \($0)" } ?? ", no location"), .heading))
        if let route {
            lines.append(("Taken by \(route.kind) \(route.name) rule \(route.rule) match \(route.match)", .taken))
            for filter in filters { lines.append(("  filter: \(filter)", .detail)) }
            for backend in backends {
                lines.append(
                    (
                        "  backend: Service \(backend.name)\(backend.port.map { ":\($0)" } ?? "") weight \(backend.weight)"
                            + (backend.problem.map { " — does not resolve: \($0)" } ?? ""), .detail
                    ))
            }
            if let tls = backendTLS {
                lines.append(
                    (
                        "  backend TLS: BackendTLSPolicy \(tls.policy): SNI \(tls.hostname), verified with \(tls.ca.joined(separator: ", "))"
                            + (tls.valid ? "" : " (the policy is not in effect)"), .detail
                    ))
            } else {
                lines.append(("  backend TLS: none (plain HTTP to the backend)", .detail))
            }
        } else {
            lines.append(("Taken by no route", .notTaken))
        }
        lines.append(("Expected status: " + (status.map(String.init) ?? "the backend's"), .heading))
        if !candidates.isEmpty {
            lines.append(("Other candidates:", .heading))
            for candidate in candidates {
                lines.append(
                    (
                        "  \(candidate.kind) \(candidate.route) rule \(candidate.rule) match \(candidate.match): \(candidate.reason)",
                        .detail
                    ))
            }
        }
        return lines
    }
}
