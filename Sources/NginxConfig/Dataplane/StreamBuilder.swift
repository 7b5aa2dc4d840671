import GatewayAPI
import GatewayCore

/// Builds a Gateway's `StreamConfiguration` from the graph (pure): a stream server per TCP and UDP listener that a
/// route holds, and per TLS passthrough port an `ssl_preread` server whose SNI map picks the TLSRoute.
struct StreamBuilder {
    let graph: Graph
    let snapshot: ResourceSnapshot
    let settings: RenderSettings
    var configuration = StreamConfiguration()
    var upstreamNames: Set<String> = []

    /// The unix socket where connections that no TLSRoute takes are closed.
    var closeSocket: String { "unix:" + settings.runtimeDirectory + "/stream-close.sock" }

    static func build(gateway: GatewayNode, graph: Graph, snapshot: ResourceSnapshot, settings: RenderSettings)
        -> StreamConfiguration
    {
        var builder = StreamBuilder(graph: graph, snapshot: snapshot, settings: settings)
        builder.configuration.closeSocket = builder.closeSocket
        let valid = gateway.listeners.filter(\.valid)
        for listener in valid where listener.protocol == .tcp || listener.protocol == .udp {
            builder.layer4Server(listener, gateway: gateway)
        }
        let tls = valid.filter { $0.protocol == .tls }
        for (port, listeners) in Dictionary(grouping: tls, by: { Int($0.port) }).sorted(by: { $0.key < $1.key }) {
            let sharesHTTPS = valid.contains { $0.protocol == .https && Int($0.port) == port }
            builder.passthroughServer(port: port, listeners: listeners, gateway: gateway, handoff: sharesHTTPS)
        }
        return builder.configuration
    }

    func routes(_ listener: ListenerNode) -> [L4RouteNode] {
        listener.attachedRoutes.compactMap { graph.l4Route($0) }
    }

    /// A TCP or UDP listener: the route that holds it (the graph gives each such listener one) to its backends.
    mutating func layer4Server(_ listener: ListenerNode, gateway: GatewayNode) {
        let target: StreamTarget
        // Every route on a TCP or UDP listener is accepted; the oldest with a ready backend takes its connections.
        if let route = routes(listener).first(where: { $0.servable && hasEndpoints($0) })
            ?? routes(listener).first(
                where: \.servable)
        {
            target = self.target(route)
        } else {
            target = .close(reason: "no \(listener.protocol == .udp ? "UDPRoute" : "TCPRoute") is attached")
        }
        configuration.servers.append(
            StreamServer(
                gateway: gateway.ref, listener: listener.name, protocol: listener.protocol,
                address: settings.address, port: Int(listener.port) + settings.portOffset, target: target))
    }

    /// The TLS listeners of one port: an `ssl_preread` server whose map sends each TLSRoute hostname (as its
    /// listener allows it) to the route's backends, and any other name to the port's HTTPS servers or to a close.
    mutating func passthroughServer(port: Int, listeners: [ListenerNode], gateway: GatewayNode, handoff: Bool) {
        let served = port + settings.portOffset
        let variable = "$gw_sni_\(served)"
        var entries: [SNIMap.Entry] = []
        var seen: Set<String> = []
        // More specific listeners first, so their names win in the map's order for equal patterns.
        for listener in listeners.sorted(by: {
            HostnameMatching.specificity($0.hostname) > HostnameMatching.specificity($1.hostname)
        }) {
            for route in routes(listener) where route.servable {
                guard case .proxy(let upstream, _) = target(route) else { continue }
                let names = route.hostnames.isEmpty ? [nil] : route.hostnames.map { Optional($0) }
                for name in names {
                    guard case .some(let effective) = HostnameMatching.intersection(name, listener.hostname) else {
                        continue
                    }
                    let pattern = effective ?? "*"
                    guard seen.insert(pattern).inserted else { continue }
                    entries.append(SNIMap.Entry(hostname: pattern, target: upstream, route: route.ref))
                }
            }
        }
        var fallback = closeSocket
        let listenerNames = listeners.map(\.name).joined(separator: ",")
        if handoff {
            let socket = "unix:" + settings.runtimeDirectory + "/https-\(served).sock"
            configuration.handoffs[served] = socket
            fallback = socket
            // The first hop sends the PROXY protocol to every target: each TLSRoute's connections go through a
            // second hop that reads it and passes the bare TLS stream on to the backend (as NGF does).
            var hops: [String: String] = [:]
            for index in entries.indices {
                let upstream = entries[index].target
                let hop =
                    hops[upstream]
                    ?? {
                        let socket = "unix:" + settings.runtimeDirectory + "/tls-\(served)-\(hops.count).sock"
                        hops[upstream] = socket
                        var server = StreamServer(
                            gateway: gateway.ref, listener: listenerNames, protocol: .tls, address: settings.address,
                            port: served, target: .proxy(upstream, route: entries[index].route))
                        server.socket = socket
                        configuration.servers.append(server)
                        return socket
                    }()
                entries[index].target = hop
            }
        }
        configuration.sniMaps.append(SNIMap(variable: variable, entries: entries, fallback: fallback))
        var server = StreamServer(
            gateway: gateway.ref, listener: listenerNames, protocol: .tls, address: settings.address, port: served,
            target: .sni(variable: variable))
        server.sendsProxyProtocol = handoff
        configuration.servers.append(server)
    }

    /// Whether a backend of the route with a weight has ready endpoints.
    func hasEndpoints(_ route: L4RouteNode) -> Bool {
        route.backends.contains { backend in
            guard backend.valid, backend.weight > 0, let service = backend.service, let port = backend.port else {
                return false
            }
            return !Endpoints.addresses(service: service, port: port, portName: backend.portName, snapshot: snapshot)
                .isEmpty
        }
    }

    /// A route's backends: one upstream, a split over several by weight, or a close when none has endpoints.
    mutating func target(_ route: L4RouteNode) -> StreamTarget {
        var shares: [(upstream: String, weight: Int32)] = []
        for backend in route.backends where backend.valid && backend.weight > 0 {
            guard let service = backend.service, let port = backend.port else { continue }
            let endpoints = Endpoints.addresses(
                service: service, port: port, portName: backend.portName, snapshot: snapshot)
            guard !endpoints.isEmpty else { continue }
            let name = "\(service.namespace)_\(service.name)_\(port)"
            if upstreamNames.insert(name).inserted {
                configuration.upstreams.append(Upstream(name: name, servers: endpoints))
            }
            shares.append((name, backend.weight))
        }
        guard !shares.isEmpty else {
            let invalid = route.backends.first { !$0.valid }?.problem?.message
            return .close(
                reason: invalid ?? "no backend of \(route.ref.kind) \(route.ref.namespacedName) has ready endpoints")
        }
        if shares.count == 1 { return .proxy(shares[0].upstream, route: route.ref) }
        let total = Double(shares.reduce(0) { $0 + Int($1.weight) })
        // Percentages rounded down to 0.01 (nginx refuses a sum over 100% and a 0% entry); the last backend takes
        // the rest (`*`), and a share that rounds to 0 is left out.
        var split = shares.dropLast().map {
            ($0.upstream, (Double($0.weight) * 100 / total * 100).rounded(.down) / 100)
        }
        .filter { $0.1 > 0 }
        split.append((shares.last!.upstream, 0))
        if split.count == 1 { return .proxy(split[0].0, route: route.ref) }
        let variable = "$gw_split_\(route.kind.rawValue.lowercased())_\(configuration.splits.count)"
        configuration.splits.append(
            StreamSplit(variable: variable, route: route.ref, shares: split.map { (upstream: $0.0, percent: $0.1) }))
        return .proxy(variable, route: route.ref)
    }
}
