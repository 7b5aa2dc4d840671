import GatewayAPI
import GatewayCore

/// Which route, rule and match take a request on a Gateway's port, decided as the rendered nginx config decides it:
/// the server by hostname (exact name, then the longest wildcard, then the port's default server), the location by
/// path (exact, then a regular expression, then the longest prefix), then the first match of that location, in the
/// Gateway API's precedence, whose method, headers and query match. The renderer builds its servers and locations
/// from the same `ServerPlan` and `RouteMatch.locations`, so the answer is the data plane's.
public enum RequestRouter {
    /// The decision for one request.
    public struct Decision: Sendable {
        /// The server's hostname (nil: the port's default server); nil server when no listener serves the port.
        public var serverFound: Bool
        public var serverName: String?
        /// The location chosen (nil: none, 404).
        public var location: LocationKey?
        /// The match that takes the request (nil: nothing does; the request gets 404).
        public var match: RouteMatch?
        /// Every other match of the server's routes, with why it did not take the request.
        public var losers: [(match: RouteMatch, reason: String)]
    }

    /// A Gateway's servers and their matches, built once for many decisions (the request log's records).
    public struct Index: Sendable {
        let plans: [ServerPlan]

        public init(gateway: GatewayNode, graph: Graph) {
            plans = ServerPlan.servers(for: gateway, graph: graph, portOffset: 0)
        }

        /// Only the servers a request to `host` on `port` could meet (what one decision reads).
        init(gateway: GatewayNode, graph: Graph, port: Int, host: String) {
            plans = ServerPlan.servers(for: gateway, graph: graph, portOffset: 0, only: port, host: host)
        }
    }

    /// The decision for `request` arriving on the Gateway's listener port `port` (as declared, without an offset):
    /// only the routes of the servers that request could meet are looked at.
    public static func decide(_ request: RoutedRequest, port: Int, gateway: GatewayNode, graph: Graph) -> Decision {
        decide(request, port: port, index: Index(gateway: gateway, graph: graph, port: port, host: request.host))
    }

    /// The decision with the Gateway's index; without `losers`, only the choice (no reasons for the others).
    public static func decide(_ request: RoutedRequest, port: Int, index: Index, losers withLosers: Bool = true)
        -> Decision
    {
        let plans = index.plans.filter { $0.port == port }
        guard let plan = server(for: request.host, among: plans) else {
            return Decision(serverFound: false, serverName: nil, location: nil, match: nil, losers: [])
        }
        let candidates = plan.candidates
        let location = self.location(for: request.nginxPath, candidates: candidates)
        var match: RouteMatch?
        if let location {
            let here = candidates.filter { $0.locations.contains(location) }
            for candidate in here {
                if candidate.conditionMismatch(request) == nil {
                    match = candidate
                    break
                }
                // Only matches up to the first without conditions can be chosen (the renderer's `reachable`).
                if !candidate.hasConditions { break }
            }
        }
        let losers =
            withLosers
            ? candidates.filter { $0.description != match?.description }.map { candidate in
                (candidate, reason(candidate, winner: match, location: location, request: request))
            } : []
        return Decision(
            serverFound: true, serverName: plan.hostname, location: location, match: match, losers: losers)
    }

    /// Why `candidate` did not take the request: its own mismatch, or the winner's precedence over it.
    static func reason(_ candidate: RouteMatch, winner: RouteMatch?, location: LocationKey?, request: RoutedRequest)
        -> String
    {
        if let mismatch = candidate.mismatch(request) { return mismatch }
        if let winner, let decided = RouteMatch.decide(winner, candidate), decided.aFirst {
            return RouteMatch.reason(decided.step, winner: winner, loser: candidate)
        }
        if let location, !candidate.locations.contains(location) {
            return "nginx chose the location of a more specific path"
        }
        return "an earlier match of the same location takes every request (it has no conditions)"
    }

    /// A host that reaches each server of the Gateway (a wildcard's `*` as `test`; "" for the default servers): for
    /// a request whose host is not known (an access log without it).
    public static func hosts(_ index: Index) -> [String] {
        var hosts: [String] = [""]
        for plan in index.plans {
            guard let name = plan.hostname else { continue }
            let host = name.hasPrefix("*.") ? "test" + name.dropFirst() : name
            if !hosts.contains(host) { hosts.append(host) }
        }
        return hosts
    }

    /// nginx's server selection: the exact name, then the longest leading wildcard, then the default server.
    static func server(for host: String, among plans: [ServerPlan]) -> ServerPlan? {
        let host = host.lowercased()
        if let exact = plans.first(where: { $0.hostname?.lowercased() == host }) { return exact }
        let wildcards = plans.filter { plan in
            guard let name = plan.hostname?.lowercased(), name.hasPrefix("*.") else { return false }
            return host.hasSuffix(String(name.dropFirst()))
        }
        if let longest = wildcards.max(by: { ($0.hostname?.count ?? 0) < ($1.hostname?.count ?? 0) }) {
            return longest
        }
        return plans.first { $0.hostname == nil }
    }

    /// nginx's location selection among the server's locations: an exact one, else a regular expression (in the
    /// config's order) unless none matches, else the longest prefix.
    static func location(for path: String, candidates: [RouteMatch]) -> LocationKey? {
        var keys: [LocationKey] = []
        var seen: Set<LocationKey> = []
        for key in candidates.flatMap(\.locations) where seen.insert(key).inserted { keys.append(key) }
        if let exact = keys.first(where: { $0 == .exact(path) }) { return exact }
        for key in keys {
            if case .regex(let pattern) = key, RouteMatch.search(pattern, in: path) { return key }
        }
        var best: (key: LocationKey, length: Int)?
        for key in keys {
            guard case .prefix(let prefix) = key, path.hasPrefix(prefix) else { continue }
            if best == nil || prefix.count > best!.length { best = (key, prefix.count) }
        }
        return best?.key
    }
}
