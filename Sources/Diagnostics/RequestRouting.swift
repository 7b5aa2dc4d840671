import GatewayAPI
import GatewayCore

/// Which route and rule of a Gateway served a request, found from the graph by path (and host when the log has it):
/// for data planes whose log does not say (an NGF pod's default access log). Exact paths before the longest prefix,
/// as the Gateway API orders matches; when routes on several hostnames match a host-less request, the first is
/// named and the rule is marked `?`.
public enum RequestRouting {
    public static func assign(_ record: RequestRecord, gateway: ObjectRef, graph: Graph) -> RequestRecord {
        guard record.route.isEmpty, let node = graph.gateways.first(where: { $0.ref == gateway }) else { return record }
        let path = String(record.uri.prefix { $0 != "?" })
        var best: (route: RouteNode, rule: Int, rank: Int, length: Int)?
        var hosts: Set<String> = []
        for routeRef in Set(node.listeners.filter(\.valid).flatMap(\.attachedRoutes)).sorted(by: {
            $0.namespacedName < $1.namespacedName
        }) {
            guard let route = graph.route(routeRef) else { continue }
            let hostnames = route.source.spec.hostnames ?? []
            if !record.host.isEmpty, !hostnames.isEmpty,
                !hostnames.contains(where: { HostnameMatching.intersection($0, record.host) != nil })
            {
                continue
            }
            for rule in route.rules where rule.dropped == nil {
                let matches: [HTTPRouteMatch?] = rule.source.matches.map { $0.map(Optional.some) } ?? [nil]
                for match in matches {
                    let type = match?.path?.type ?? .pathPrefix
                    let value = match?.path?.value ?? "/"
                    let rank: Int
                    if type == .exact, path == value {
                        rank = 0
                    } else if type == .pathPrefix, matchesPrefix(path, value) {
                        rank = 1
                    } else {
                        continue
                    }
                    if best == nil || rank < best!.rank || (rank == best!.rank && value.count > best!.length) {
                        best = (route, rule.index, rank, value.count)
                        hosts = Set(hostnames)
                    } else if rank == best!.rank, value.count == best!.length, route.ref != best!.route.ref {
                        hosts.formUnion(hostnames)
                    }
                }
            }
        }
        guard let best else { return record }
        var assigned = record
        assigned.route = best.route.ref.namespacedName
        assigned.rule = record.host.isEmpty && hosts.count > 1 ? "\(best.rule)?" : String(best.rule)
        return assigned
    }

    /// PathPrefix is segment-wise: `/foo` matches `/foo` and `/foo/…`, not `/foobar`.
    static func matchesPrefix(_ path: String, _ prefix: String) -> Bool {
        var trimmed = prefix
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed == "/" { return true }
        return path == trimmed || path.hasPrefix(trimmed + "/")
    }
}
