/// A GRPCRoute as the HTTP rules that serve it, as NGF converts one: a gRPC call is an HTTP/2 POST to
/// `/SERVICE/METHOD`, so a method match is a path match and header matches stay as they are. The graph, the renderer
/// and the request log then treat both kinds with one matcher.
public enum GRPCRouteConversion {
    /// The route with its rules as HTTPRoute rules; kind, apiVersion, metadata and status kept.
    public static func httpRoute(_ route: GRPCRoute) -> HTTPRoute {
        let rules = (route.spec.rules ?? [GRPCRouteRule()]).map { rule in
            HTTPRouteRule(
                name: rule.name, matches: matches(rule.matches ?? []), filters: rule.filters,
                backendRefs: rule.backendRefs, sessionPersistence: rule.sessionPersistence)
        }
        return HTTPRoute(
            apiVersion: route.apiVersion, kind: route.kind, metadata: route.metadata,
            spec: HTTPRouteSpec(
                parentRefs: route.spec.parentRefs, useDefaultGateways: route.spec.useDefaultGateways,
                hostnames: route.spec.hostnames, rules: rules),
            status: route.status.map { HTTPRouteStatus(parents: $0.parents) })
    }

    /// No match takes every call (`PathPrefix /`); each match becomes its path and headers.
    static func matches(_ matches: [GRPCRouteMatch]) -> [HTTPRouteMatch] {
        guard !matches.isEmpty else { return [HTTPRouteMatch(path: HTTPPathMatch(type: .pathPrefix, value: "/"))] }
        return matches.map { match in
            HTTPRouteMatch(path: path(match.method), headers: match.headers)
        }
    }

    /// The path a method match selects.
    public static func path(_ method: GRPCMethodMatch?) -> HTTPPathMatch {
        guard let method, method.service != nil || method.method != nil else {
            return HTTPPathMatch(type: .pathPrefix, value: "/")
        }
        if (method.type ?? .exact) == .exact {
            switch (method.service, method.method) {
            case (let service?, let name?): return HTTPPathMatch(type: .exact, value: "/\(service)/\(name)")
            case (let service?, nil): return HTTPPathMatch(type: .pathPrefix, value: "/\(service)")
            default:
                return HTTPPathMatch(
                    type: .regularExpression, value: "/[^/]+/" + regexEscaped(method.method ?? ""))
            }
        }
        return HTTPPathMatch(
            type: .regularExpression, value: "/(\(method.service ?? "[^/]+"))/(\(method.method ?? "[^/]+"))")
    }

    static func regexEscaped(_ value: String) -> String {
        var out = ""
        for ch in value {
            if "\\^$.|?*+()[]{}".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// `helloworld.Greeter/SayHello`, `helloworld.Greeter/*`, `*/SayHello` or `*`: a method match for display.
    public static func describe(_ method: GRPCMethodMatch?) -> String {
        guard let method, method.service != nil || method.method != nil else { return "*" }
        let text = "\(method.service ?? "*")/\(method.method ?? "*")"
        return (method.type ?? .exact) == .regularExpression ? "~ \(text)" : text
    }
}
