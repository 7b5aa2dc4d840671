import GatewayAPI
import GatewayCore

/// What NGF's policies and filters did to a request (pure): the probe's answer explained by the settings in effect on
/// the rule that took it: a 413 by a body limit, a 401 by an AuthenticationFilter or an authorization service, 503s
/// and 429s by a rate limit, a 403 by a snippet, CORS headers by a CORS filter, a 500 by a filter that did not
/// resolve. Each line names the object and its values.
public enum PolicyEffects {
    /// One request (or a burst of them) and its answers.
    public struct Request: Sendable {
        public var method: String
        public var bodyBytes: Int
        public var statuses: [Int]
        public var headers: [String]

        public init(method: String, bodyBytes: Int, statuses: [Int], headers: [String]) {
            self.method = method
            self.bodyBytes = bodyBytes
            self.statuses = statuses
            self.headers = headers
        }
    }

    public static func explain(_ request: Request, route: RouteNode, rule: Int, graph: Graph) -> [String] {
        guard let ruleNode = route.rules.first(where: { $0.index == rule }) else { return [] }
        let gateways = Set(route.parents.filter(\.accepted).compactMap(\.gateway)).sorted()
        let gatewayPolicies = gateways.flatMap { graph.gateway($0)?.policies ?? [] }.compactMap { graph.ngfPolicy($0) }
        let routePolicies = route.policies.compactMap { graph.ngfPolicy($0) }
        // The route's value of a field wins over its Gateway's (nginx's inheritance, as NGF renders them).
        func effective<T>(_ value: (NGFPolicySpec) -> T?) -> (T, NGFPolicyNode)? {
            for policy in routePolicies + gatewayPolicies {
                if let found = value(policy.spec) { return (found, policy) }
            }
            return nil
        }
        func name(_ policy: NGFPolicyNode) -> String {
            let scope = routePolicies.contains { $0.ref == policy.ref } ? "on the route" : "on its Gateway"
            return "\(policy.kind.rawValue) \(policy.ref.namespacedName) (\(scope))"
        }
        var lines: [String] = []
        let statuses = Set(request.statuses)
        if let problem = ruleNode.filterProblem, statuses.contains(500) {
            lines.append("500: a filter of \(route.ref.description) rule \(rule) did not resolve: \(problem)")
        }
        if statuses.contains(413) {
            var limit: (Int64, String)?
            for item in ruleNode.extensions {
                if case .externalAuth(let auth, _) = item, let size = auth.forwardBody?["maxSize"]?.intValue, size > 0 {
                    limit = (
                        size, "the ExternalAuth filter's forwardBody.maxSize on \(route.ref.description) rule \(rule)"
                    )
                }
            }
            if limit == nil,
                let (size, policy) = effective({ spec -> String? in
                    if case .clientSettings(let s) = spec { return s.body?.maxSize }
                    return nil
                })
            {
                limit = (
                    NGFPolicyValidation.bytes(size).map(Int64.init) ?? 0, "body.maxSize \(size) of \(name(policy))"
                )
            }
            if let (size, origin) = limit {
                lines.append(
                    "413: the body (\(request.bodyBytes) bytes) is over client_max_body_size \(size) bytes, from \(origin)"
                )
            }
        }
        if statuses.contains(401) {
            for item in ruleNode.extensions {
                switch item {
                case .authentication(let ref):
                    let realm = graph.ngfFilter(ref)?.basicAuth?.realm ?? ""
                    lines.append(
                        "401: AuthenticationFilter \(ref.namespacedName) (Basic, realm \"\(realm)\") on \(route.ref.description) rule \(rule): send credentials of its Secret's htpasswd (curl -u USER:PASSWORD)"
                    )
                case .externalAuth(let auth, let backend):
                    let service = backend.service.map { "Service \($0.namespacedName):\(backend.port ?? 0)" } ?? "?"
                    let headers = auth.http?["allowedHeaders"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    lines.append(
                        "401: the ExternalAuth filter on \(route.ref.description) rule \(rule) asked \(service), which refused"
                            + (headers.isEmpty ? "" : " (it sees \(headers.joined(separator: ", ")))"))
                default: break
                }
            }
        }
        if request.statuses.contains(where: { $0 >= 400 }),
            let (limit, policy) = effective({ spec -> RateLimit? in
                if case .rateLimit(let s) = spec { return s.rateLimit }
                return nil
            })
        {
            let code = Int(limit.rejectCode ?? 503)
            let refused = request.statuses.filter { $0 == code }.count
            if refused > 0 {
                let rules = (limit.local?.rules ?? []).map { rule in
                    "rate \(rule.rate)" + (rule.burst.map { " burst \($0)" } ?? "")
                        + (rule.noDelay == true ? " nodelay" : "")
                        + " per \(rule.key)"
                }
                lines.append(
                    "\(code): \(refused) of \(request.statuses.count) requests refused by \(name(policy)): \(rules.joined(separator: "; ")) (limit_req_status \(code))"
                )
            }
        }
        if statuses.contains(403) {
            for item in ruleNode.extensions {
                if case .snippets(let ref) = item, let filter = graph.ngfFilter(ref) {
                    let location = filter.snippets.first { $0.context == "http.server.location" }?.value ?? ""
                    lines.append(
                        "403: SnippetsFilter \(ref.namespacedName) on \(route.ref.description) rule \(rule) adds: \(location.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))"
                    )
                }
            }
        }
        for item in ruleNode.extensions {
            guard case .cors(let cors) = item else { continue }
            let sent = request.headers.filter { $0.lowercased().hasPrefix("access-control-") }
            let origins = (cors.allowOrigins ?? []).joined(separator: ", ")
            lines.append(
                "CORS filter on \(route.ref.description) rule \(rule) (allowOrigins \(origins.isEmpty ? "none" : origins)): "
                    + (sent.isEmpty ? "no Access-Control headers in the answer" : sent.joined(separator: "; ")))
        }
        return lines
    }
}
