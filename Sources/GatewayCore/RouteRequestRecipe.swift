import GatewayAPI

/// The one route → request recipe: a request a route's rule takes, as a user would write it with curl. Probe,
/// doctor's probes, the console's `p` and imported scenarios all write their requests with it.
public enum RouteRequestRecipe {
    /// A request for `rule` of a route (nil: its first rule that has a match a request can be written for): the host
    /// is the route's first hostname the listener's hostname admits (a wildcard's `*` written `test`), else the
    /// listener's, else example.com; the path, exact headers and query parameters and the method of the rule's
    /// first match with a literal path (Exact or PathPrefix) and exact header and query matches. Nil when no match
    /// of the rule can be written so (regular expressions only).
    public static func request(
        hostnames: [String], listenerHostname: String?, rules: [HTTPRouteRule], rule index: Int? = nil
    ) -> RoutedRequest? {
        let host = self.host(hostnames: hostnames, listenerHostname: listenerHostname)
        let chosen: [HTTPRouteRule] = index.map { rules.indices.contains($0) ? [rules[$0]] : [] } ?? rules
        for rule in chosen {
            guard let matches = rule.matches, !matches.isEmpty else { return RoutedRequest(host: host, path: "/") }
            guard let match = matches.first(where: writable) else { continue }
            return RoutedRequest(
                method: match.method ?? "GET", host: host, path: match.path?.value ?? "/",
                query: (match.queryParams ?? []).map { ($0.name, $0.value) },
                headers: (match.headers ?? []).map { ($0.name, $0.value) })
        }
        return index == nil && rules.isEmpty ? RoutedRequest(host: host, path: "/") : nil
    }

    /// The recipe for a route of the graph, through one of its listeners.
    public static func request(for route: RouteNode, listener: ListenerNode?, rule: Int? = nil) -> RoutedRequest? {
        let rules = route.rules.filter { $0.dropped == nil }
        let index = rule.flatMap { wanted in rules.firstIndex { $0.index == wanted } }
        if rule != nil && index == nil { return nil }
        return request(
            hostnames: route.source.spec.hostnames ?? [], listenerHostname: listener?.hostname,
            rules: rules.map(\.source), rule: index)
    }

    /// The host a request for the route names: a hostname the listener admits, a wildcard's `*` as `test`.
    public static func host(hostnames: [String], listenerHostname: String?) -> String {
        let effective =
            hostnames.lazy.compactMap { HostnameMatching.intersection($0, listenerHostname) ?? nil }.first
            ?? listenerHostname ?? hostnames.first ?? "example.com"
        return effective.hasPrefix("*.") ? "test" + effective.dropFirst() : effective
    }

    /// A match a request can be written for: a literal path, exact headers and query parameters.
    static func writable(_ match: HTTPRouteMatch) -> Bool {
        [.exact, .pathPrefix].contains(match.path?.type ?? .pathPrefix)
            && (match.headers ?? []).allSatisfy { ($0.type ?? .exact) == .exact }
            && (match.queryParams ?? []).allSatisfy { ($0.type ?? .exact) == .exact }
    }
}
