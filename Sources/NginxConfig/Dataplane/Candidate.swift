import GatewayAPI
import GatewayCore

/// One match of one rule of one route: a way a request can be served.
struct Candidate {
    var route: RouteNode
    var rule: RuleNode
    var matchIndex: Int
    var pathType: PathMatchType
    var pathValue: String
    var method: String?
    var headers: [HTTPHeaderMatch]
    var queryParams: [HTTPQueryParamMatch]

    static func all(route: RouteNode) -> [Candidate] {
        route.rules.filter { $0.dropped == nil }.flatMap { rule in
            guard let matches = rule.source.matches, !matches.isEmpty else {
                return [
                    Candidate(
                        route: route, rule: rule, matchIndex: 0, pathType: .pathPrefix, pathValue: "/", method: nil,
                        headers: [], queryParams: [])
                ]
            }
            return matches.enumerated().map { index, match in
                Candidate(
                    route: route, rule: rule, matchIndex: index, pathType: match.path?.type ?? .pathPrefix,
                    pathValue: match.path?.value ?? "/", method: match.method, headers: match.headers ?? [],
                    queryParams: match.queryParams ?? [])
            }
        }
    }

    var hasConditions: Bool { method != nil || !headers.isEmpty || !queryParams.isEmpty }

    /// The Gateway API precedence: exact path, longest prefix, method, most headers, most query params,
    /// oldest route, route namespace/name, then rule and match order.
    static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        func rank(_ c: Candidate) -> Int {
            switch c.pathType {
            case .exact: 0
            case .pathPrefix: 1
            default: 2
            }
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        if a.pathValue.count != b.pathValue.count { return a.pathValue.count > b.pathValue.count }
        if (a.method != nil) != (b.method != nil) { return a.method != nil }
        if a.headers.count != b.headers.count { return a.headers.count > b.headers.count }
        if a.queryParams.count != b.queryParams.count { return a.queryParams.count > b.queryParams.count }
        let ta = a.route.source.metadata.creationTimestamp ?? ""
        let tb = b.route.source.metadata.creationTimestamp ?? ""
        if ta != tb { return ta < tb }
        if a.route.ref.namespacedName != b.route.ref.namespacedName {
            return a.route.ref.namespacedName < b.route.ref.namespacedName
        }
        if a.rule.index != b.rule.index { return a.rule.index < b.rule.index }
        return a.matchIndex < b.matchIndex
    }

    /// The nginx location specs that carry this match. PathPrefix is segment-wise: `/foo` serves `/foo` and `/foo/…`.
    var locationSpecs: [String] {
        switch pathType {
        case .exact: return ["= " + NginxString.literal(pathValue)]
        case .regularExpression: return ["~ " + NginxString.literal(pathValue)]
        default:
            var prefix = pathValue
            while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
            if prefix == "/" { return [NginxString.literal("/")] }
            return ["= " + NginxString.literal(prefix), NginxString.literal(prefix + "/")]
        }
    }

    var comment: String {
        "\(route.ref.kind) \(route.ref.namespacedName) rule \(rule.index) match \(matchIndex)"
    }
}
