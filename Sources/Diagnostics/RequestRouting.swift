import GatewayAPI
import GatewayCore
import NginxConfig

/// Which route and rule of a Gateway served a request, found from the graph (`RequestRouter`, the one matcher) by
/// method, host and path: for data planes whose log does not say (an NGF pod's default access log). When the log
/// has no host and routes on several hostnames would take the request, the first in precedence is named and the
/// rule is marked `?`.
public enum RequestRouting {
    public static func assign(
        _ record: RequestRecord, gateway: ObjectRef, graph: Graph, index: RequestRouter.Index? = nil
    ) -> RequestRecord {
        guard record.route.isEmpty, let node = graph.gateway(gateway) else { return record }
        let found = candidates(record, gateway: node, index: index ?? RequestRouter.Index(gateway: node, graph: graph))
            .map(\.match)
        guard let best = found.sorted(by: RouteMatch.precedes).first else { return record }
        var assigned = record
        assigned.route = best.route.ref.kind == "HTTPRoute" ? best.route.ref.namespacedName : best.route.ref.description
        let ambiguous = record.host.isEmpty && Set(found.map(\.route.ref)).count > 1
        assigned.rule = ambiguous ? "\(best.rule.index)?" : String(best.rule.index)
        return assigned
    }

    /// The listener port and host a request with no host or port in its log (an NGF pod's) most likely came to:
    /// those of the match that takes it first in precedence; nil when no route of the Gateway takes it.
    public static func locate(_ record: RequestRecord, gateway: GatewayNode, index: RequestRouter.Index)
        -> (host: String, port: Int)?
    {
        candidates(record, gateway: gateway, index: index).sorted { RouteMatch.precedes($0.match, $1.match) }.first
            .map { ($0.host, $0.port) }
    }

    /// Every distinct match that takes the request on one of the Gateway's HTTP ports, for its host or, when the
    /// log has none, for any host that reaches a server.
    static func candidates(_ record: RequestRecord, gateway node: GatewayNode, index: RequestRouter.Index)
        -> [(match: RouteMatch, host: String, port: Int)]
    {
        let ports = Set(
            node.listeners.filter { $0.valid && [.http, .https].contains($0.protocol) }.map { Int($0.port) }
        ).sorted()
        let hosts = record.host.isEmpty ? RequestRouter.hosts(index) : [record.host]
        var found: [(match: RouteMatch, host: String, port: Int)] = []
        for port in ports {
            for host in hosts {
                let request = RoutedRequest(method: record.method, host: host, target: record.uri)
                guard let match = RequestRouter.decide(request, port: port, index: index, losers: false).match,
                    !found.contains(where: { $0.match.description == match.description })
                else { continue }
                found.append((match, host, port))
            }
        }
        return found
    }
}
