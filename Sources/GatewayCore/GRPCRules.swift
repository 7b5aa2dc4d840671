import GatewayAPI

/// What NGF refuses or ignores in a GRPCRoute beyond the CRD's own rules.
enum GRPCRules {
    /// Why a rule's method matches cannot be served, in the API server's field-error wording: NGF serves a method
    /// match only as an exact `/SERVICE/METHOD` path, so it needs both names and the `Exact` type.
    static func unsupportedMatch(_ rule: GRPCRouteRule, rule index: Int) -> String? {
        var problems: [String] = []
        for (m, match) in (rule.matches ?? []).enumerated() {
            guard let method = match.method else { continue }
            let path = "spec.rules[\(index)].matches[\(m)].method"
            let type = method.type ?? .exact
            if type != .exact {
                problems.append("\(path).type: Unsupported value: \"\(type)\": supported values: \"Exact\"")
                continue
            }
            if (method.service ?? "").isEmpty {
                problems.append("\(path).service: Required value: service is required")
            }
            if (method.method ?? "").isEmpty { problems.append("\(path).method: Required value: method is required") }
        }
        return problems.isEmpty ? nil : problems.joined(separator: ", ")
    }

    /// The fields NGF ignores, reported in the route's Accepted condition (reason UnsupportedField): rule names.
    static func ignoredFields(_ route: GRPCRoute) -> String? {
        let named = (route.spec.rules ?? []).enumerated().filter { $0.element.name != nil }.map(\.offset)
        guard !named.isEmpty else { return nil }
        return named.map { "spec.rules[\($0)].name: Forbidden: Name" }.joined(separator: ", ")
    }
}
