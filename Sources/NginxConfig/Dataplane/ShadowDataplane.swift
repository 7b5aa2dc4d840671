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

    /// The socket of the stand-in server: one for the upstreams whose backends speak TLS, one for the others.
    public static func standInSocket(directory: String, tls: Bool) -> String {
        "\(directory)/\(tls ? "standin-tls" : "standin").sock"
    }

    /// The shadow of `configuration`: listeners on `listenerSocket(directory:port:)`, upstreams on their stand-ins.
    /// The proxies to `keepTLS` upstreams keep their BackendTLSPolicy, verified with `trustedCA` (the stand-ins' CA
    /// bundle); the others speak plain HTTP to a plain stand-in. Both answer alike where the two configs compared
    /// agree on an upstream's TLS, and plain skips a handshake per request and an SSL context per location.
    public static func shadow(
        _ configuration: DataplaneConfiguration, directory: String, standIns: [String: StandIn], keepTLS: Set<String>,
        trustedCA: String
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
            server.locations = server.locations.map { location in
                location.mappingProxies { proxy in
                    var proxy = proxy
                    if keepTLS.contains(proxy.upstream) {
                        proxy.tls?.trustedCertificate = trustedCA
                    } else {
                        proxy.tls = nil
                    }
                    return proxy
                }
            }
            return server
        }
        shadow.upstreams = configuration.upstreams.map { upstream in
            var upstream = upstream
            if let standIn = standIns[upstream.name] { upstream.servers = ["unix:" + standIn.socket] }
            return upstream
        }
        return shadow
    }

    /// The stand-in servers (for `servers.conf`), one per socket the stand-ins use: each answers every request 200
    /// and logs nothing; a TLS one presents `certificate` (certificate and key in one PEM, its names the policies'
    /// hostnames) and answers plain HTTP as nginx does (400 "The plain HTTP request was sent to HTTPS port"). One
    /// server for all the upstreams, not one each: the shadow parses in the time the Gateway's own config does.
    public static func standInServers(_ standIns: [StandIn], certificate: String) -> String {
        var w = ConfigWriter()
        var seen: Set<String> = []
        for standIn in standIns.sorted(by: { $0.socket < $1.socket }) where seen.insert(standIn.socket).inserted {
            w.block("server") { w in
                w.line(
                    "# what-if stand-in for the upstreams whose backends speak \(standIn.tls ? "TLS" : "plain HTTP")")
                w.line("listen \(NginxString.literal("unix:" + standIn.socket))\(standIn.tls ? " ssl" : "");")
                w.line("access_log off;")
                if standIn.tls {
                    w.line("ssl_certificate \(NginxString.literal(certificate));")
                    w.line("ssl_certificate_key \(NginxString.literal(certificate));")
                }
                w.block("location /") {
                    $0.line("return 200 \(NginxString.quoted("what-if stand-in backend\n"));")
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
