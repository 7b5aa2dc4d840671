/// A Gateway's data plane made into a shadow for what-if replays (pure): the same servers, locations, maps and
/// upstreams, but every listener on a unix socket of the shadow's directory, every upstream answered by a stand-in
/// server of the same nginx (which names the backend and never reaches it), and every BackendTLSPolicy verifying
/// against the stand-ins' CA. The TCP, UDP and TLS passthrough listeners (the `stream` block) are left out: only HTTP
/// requests are replayed.
public enum ShadowDataplane {
    /// The stand-in for one upstream: where it listens, and whether it speaks TLS as the real backend does.
    public struct StandIn: Sendable, Equatable {
        public var upstream: String
        public var socket: String
        public var tls: Bool

        public init(upstream: String, socket: String, tls: Bool) {
            self.upstream = upstream
            self.socket = socket
            self.tls = tls
        }
    }

    /// The socket a listener port listens on in the shadow.
    public static func listenerSocket(directory: String, port: Int) -> String { "\(directory)/l\(port).sock" }

    /// The socket of the `index`th stand-in.
    public static func standInSocket(directory: String, index: Int) -> String { "\(directory)/u\(index).sock" }

    /// The shadow of `configuration`: listeners on `listenerSocket(directory:port:)`, upstreams on their stand-ins,
    /// BackendTLSPolicies verified with `trustedCA` (the stand-ins' CA bundle).
    public static func shadow(
        _ configuration: DataplaneConfiguration, directory: String, standIns: [String: StandIn], trustedCA: String
    ) -> DataplaneConfiguration {
        var shadow = configuration
        shadow.stream = StreamConfiguration()
        shadow.servers = configuration.servers.map { server in
            var server = server
            server.handoffSocket = nil
            server.protocolSplit = nil
            // A plain listen with http2 would serve HTTP/2 only (nginx 1.22); gRPC calls are not replayed.
            if !server.ssl { server.http2 = false }
            server.listenSocket = "unix:" + listenerSocket(directory: directory, port: server.port)
            server.locations = server.locations.map { $0.mappingProxies { verified($0, trustedCA: trustedCA) } }
            return server
        }
        shadow.upstreams = configuration.upstreams.map { upstream in
            var upstream = upstream
            if let standIn = standIns[upstream.name] { upstream.servers = ["unix:" + standIn.socket] }
            return upstream
        }
        return shadow
    }

    static func verified(_ proxy: Proxy, trustedCA: String) -> Proxy {
        var proxy = proxy
        proxy.tls?.trustedCertificate = trustedCA
        return proxy
    }

    /// The stand-in servers (for `servers.conf`): each answers every request 200 with the backend's name and logs
    /// nothing; a TLS one presents `certificate` (certificate and key in one PEM, its names the policies' hostnames),
    /// and answers plain HTTP as nginx does (400 "The plain HTTP request was sent to HTTPS port").
    public static func standInServers(_ standIns: [StandIn], certificate: String) -> String {
        var w = ConfigWriter()
        for standIn in standIns.sorted(by: { $0.socket < $1.socket }) {
            w.block("server") { w in
                w.line("# what-if stand-in for upstream \(standIn.upstream)")
                w.line("listen \(NginxString.literal("unix:" + standIn.socket))\(standIn.tls ? " ssl" : "");")
                w.line("access_log off;")
                if standIn.tls {
                    w.line("ssl_certificate \(NginxString.literal(certificate));")
                    w.line("ssl_certificate_key \(NginxString.literal(certificate));")
                }
                w.block("location /") {
                    $0.line("return 200 \(NginxString.quoted("stand-in for upstream \(standIn.upstream)\n"));")
                }
            }
        }
        return w.text
    }

    /// The upstreams whose every proxy speaks TLS (a BackendTLSPolicy), with the hostnames nginx verifies.
    public static func tlsUpstreams(_ configuration: DataplaneConfiguration) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for server in configuration.servers {
            for location in server.locations {
                _ = location.mappingProxies { proxy in
                    if let tls = proxy.tls { result[proxy.upstream, default: []].insert(tls.hostname) }
                    return proxy
                }
            }
        }
        return result
    }
}

extension Location {
    /// The location with `transform` applied to every proxy its rules send to.
    func mappingProxies(_ transform: (Proxy) -> Proxy) -> Location {
        func map(_ action: BackendAction) -> BackendAction {
            if case .proxy(let proxy) = action { return .proxy(transform(proxy)) }
            return action
        }
        func map(_ action: RuleAction) -> RuleAction {
            if case .backend(let backend) = action { return .backend(map(backend)) }
            return action
        }
        var location = self
        switch body {
        case .direct(let source, let action): location.body = .direct(source, map(action))
        case .selector(let variable, let branches):
            location.body = .selector(
                variable: variable,
                branches: branches.map { branch in
                    var branch = branch
                    branch.action = map(branch.action)
                    return branch
                })
        }
        location.splitBackends = splitBackends.map { backend in
            var backend = backend
            backend.action = map(backend.action)
            return backend
        }
        return location
    }
}
