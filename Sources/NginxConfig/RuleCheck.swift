import GatewayAPI

/// Whether a route rule can be rendered safely; the controller drops rules that cannot, with this reason.
public enum RuleCheck {
    public static let check: @Sendable (HTTPRouteRule) -> String? = { rule in problem(rule) }

    public static func problem(_ rule: HTTPRouteRule) -> String? {
        for (index, match) in (rule.matches ?? []).enumerated() {
            let place = "matches[\(index)]"
            if let path = match.path, let value = path.value {
                if path.type == .regularExpression {
                    if let problem = NginxString.regexProblem(value) {
                        return "\(place).path.value regular expression \(problem)"
                    }
                } else if let problem = NginxString.problem(value) {
                    return "\(place).path.value \(problem)"
                }
            }
            for header in match.headers ?? [] {
                if NginxString.headerVariable(header.name) == nil {
                    return
                        "\(place) header name \"\(header.name)\" cannot be matched (use letters, digits, '-' and '_')"
                }
                if let problem = header.type == .regularExpression
                    ? NginxString.regexProblem(header.value) : NginxString.problem(header.value)
                {
                    return "\(place) header \(header.name) value \(problem)"
                }
            }
            for param in match.queryParams ?? [] {
                if NginxString.argVariable(param.name) == nil {
                    return
                        "\(place) query parameter name \"\(param.name)\" cannot be matched (use letters, digits and '_')"
                }
                if let problem = param.type == .regularExpression
                    ? NginxString.regexProblem(param.value) : NginxString.problem(param.value)
                {
                    return "\(place) query parameter \(param.name) value \(problem)"
                }
            }
        }
        for filter in rule.filters ?? [] {
            for modifier in [filter.requestHeaderModifier, filter.responseHeaderModifier].compactMap({ $0 }) {
                for header in (modifier.set ?? []) + (modifier.add ?? []) {
                    if let problem = NginxString.headerNameProblem(header.name) { return problem }
                    if let problem = NginxString.problem(header.value) {
                        return "header \(header.name) value \(problem)"
                    }
                }
                for name in modifier.remove ?? [] {
                    if let problem = NginxString.headerNameProblem(name) { return problem }
                }
            }
            for path in [filter.requestRedirect?.path, filter.urlRewrite?.path].compactMap({ $0 }) {
                for value in [path.replaceFullPath, path.replacePrefixMatch].compactMap({ $0 }) {
                    if let problem = NginxString.problem(value) { return "path modifier \(problem)" }
                    if value.contains(" ") { return "path modifier \"\(value)\" contains spaces" }
                }
            }
        }
        return nil
    }
}
