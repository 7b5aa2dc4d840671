import GatewayAPI
import GatewayCore

/// The servers of one Gateway: per listener port, one per hostname plus a default server.
struct ServerPlan {
    var port: Int
    var ssl: Bool
    /// nil: the default server of the port (catch-all routes, else 404).
    var hostname: String?
    var certificate: ObjectRef?
    var candidates: [Candidate] = []

    /// The servers of every listener port; with `port` and `host`, only those nginx could choose for a request
    /// to that host on that port (its exact name, the wildcards covering it, the default server), whose routes are
    /// the only ones looked at: one request is decided in time that grows with its host's routes, not the
    /// Gateway's.
    static func servers(
        for gateway: GatewayNode, graph: Graph, portOffset: Int, only port: Int? = nil, host: String? = nil
    ) -> [ServerPlan] {
        let wanted = host?.lowercased()
        func relevant(_ name: String?) -> Bool {
            guard let wanted, let name = name?.lowercased() else { return true }
            return name == wanted || (name.hasPrefix("*.") && wanted.hasSuffix(String(name.dropFirst())))
        }
        var byKey: [String: ServerPlan] = [:]
        var order: [String] = []
        // Listener isolation (GatewayHTTPListenerIsolation): a request is served only by routes of the most
        // specific listener on its port whose hostname matches it. Servers a listener declares always stay.
        var declared: Set<String> = []
        var listenerHosts: [Int: [String?]] = [:]
        var origins: [String: [(listener: String?, candidates: [Candidate])]] = [:]
        func server(_ port: Int, _ ssl: Bool, _ host: String?, _ cert: ObjectRef?) -> String {
            let key = "\(port)|\(host ?? "")"
            if byKey[key] == nil {
                byKey[key] = ServerPlan(port: port, ssl: ssl, hostname: host, certificate: cert)
                order.append(key)
            }
            return key
        }
        for listener in gateway.listeners where listener.valid && [.http, .https].contains(listener.protocol) {
            if let only = port, Int(listener.port) + portOffset != only { continue }
            let port = Int(listener.port) + portOffset
            let ssl = listener.protocol == .https
            declared.insert(server(port, ssl, nil, ssl ? listener.certificate : nil))
            if let host = listener.hostname { declared.insert(server(port, ssl, host, listener.certificate)) }
            listenerHosts[port, default: []].append(listener.hostname)
            for routeRef in listener.attachedRoutes {
                guard let route = graph.route(routeRef) else { continue }
                let hostnames = route.source.spec.hostnames ?? []
                var effective: [String?] = []
                if hostnames.isEmpty {
                    effective = [listener.hostname]
                } else {
                    for host in hostnames {
                        if case .some(let both) = HostnameMatching.intersection(host, listener.hostname) {
                            effective.append(both)
                        }
                    }
                }
                for host in Set(effective.map { $0 ?? "" }).sorted() where relevant(host.isEmpty ? nil : host) {
                    let key = server(port, ssl, host.isEmpty ? nil : host, listener.certificate)
                    if byKey[key]!.certificate == nil && ssl { byKey[key]!.certificate = listener.certificate }
                    origins[key, default: []].append((listener.hostname, Candidate.all(route: route)))
                }
            }
        }
        return order.compactMap { key -> ServerPlan? in
            var plan = byKey[key]!
            if !relevant(plan.hostname) { return nil }
            let best = HostnameMatching.mostSpecificListener(listenerHosts[plan.port] ?? [], covering: plan.hostname)
                .map(HostnameMatching.specificity)
            for origin in origins[key] ?? [] where HostnameMatching.specificity(origin.listener) == best {
                plan.candidates += origin.candidates
            }
            // A route's hostname that a more specific listener takes has no server of its own: nginx leaves such
            // requests to that listener's servers.
            if plan.candidates.isEmpty && !(origins[key] ?? []).isEmpty && !declared.contains(key) { return nil }
            plan.candidates.sort(by: Candidate.precedes)
            return plan
        }.sorted {
            ($0.port, $0.hostname == nil ? 0 : 1, $0.hostname ?? "") < (
                $1.port, $1.hostname == nil ? 0 : 1, $1.hostname ?? ""
            )
        }
    }
}
