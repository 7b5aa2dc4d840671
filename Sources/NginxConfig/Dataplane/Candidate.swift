import GatewayAPI
import GatewayCore

/// One match of one rule of one route, as the renderer places it: GatewayCore's `RouteMatch`, the one matcher.
typealias Candidate = RouteMatch

extension RouteMatch {
    /// The nginx location specs that carry this match (`locations`, written as nginx reads them).
    var locationSpecs: [String] { locations.map(\.nginxSpec) }

    var comment: String { description }
}

extension LocationKey {
    /// The location as nginx.conf writes it: `= /exact`, `/prefix/`, `~ regex`.
    public var nginxSpec: String {
        switch self {
        case .exact(let value): return "= " + NginxString.literal(value)
        case .prefix(let value): return NginxString.literal(value)
        case .regex(let pattern): return "~ " + NginxString.literal(pattern)
        }
    }
}
