/// Writes `servers.conf`: each virtual server with its listen, name and certificate, then its locations
/// (`LocationWriter`).
enum ServerWriter {
    static func write(_ servers: [VirtualServer], policies: PolicyDirectives = PolicyDirectives()) -> String {
        var w = ConfigWriter()
        for server in servers { write(server, policies: policies, into: &w) }
        return w.text
    }

    static func write(_ server: VirtualServer, policies: PolicyDirectives, into w: inout ConfigWriter) {
        w.block("server") { w in
            w.line(
                "# Gateway \(server.gateway.namespacedName), \(server.ssl ? "HTTPS" : "HTTP") port \(server.port), "
                    + (server.hostname.map { "hostname \($0)" } ?? "default server"))
            let defaultServer = server.hostname == nil ? " default_server" : ""
            let http2 = server.http2 ? " http2" : ""
            if let socket = server.listenSocket {
                // A what-if shadow: the listener's port on a unix socket of its own.
                w.line("listen \(NginxString.literal(socket))\(server.ssl ? " ssl" : "")\(http2)\(defaultServer);")
                w.line("set $gw_socket_port \"\(server.port)\";")
            } else if let socket = server.handoffSocket {
                // A TLS passthrough listener shares the port: its stream server hands over the other handshakes.
                w.line("listen \(NginxString.literal(socket)) ssl\(http2) proxy_protocol\(defaultServer);")
                writeProxyProtocol(port: server.port, into: &w)
            } else if let split = server.protocolSplit {
                // GRPCRoutes on a plain port: the stream server in front sends HTTP/2 with prior knowledge (h2c) to
                // one socket and HTTP/1.1 to the other (nginx 1.22 cannot tell them apart on one listen).
                w.line("listen \(NginxString.literal(split.http1)) proxy_protocol\(defaultServer);")
                w.line("listen \(NginxString.literal(split.http2)) http2 proxy_protocol\(defaultServer);")
                writeProxyProtocol(port: server.port, into: &w)
            } else {
                w.line("listen \(server.address):\(server.port)\(server.ssl ? " ssl" : "")\(http2)\(defaultServer);")
            }
            w.line("server_name \(server.hostname.map { NginxString.literal($0) } ?? "\"\"");")
            if server.ssl {
                if let file = server.certificateFile {
                    w.line("ssl_certificate \(NginxString.literal(file));")
                    w.line("ssl_certificate_key \(NginxString.literal(file));")
                } else {
                    w.line("ssl_reject_handshake on;")
                }
            }
            if let misdirected = server.misdirected {
                w.line("# the TLS handshake chose another listener than this Host's: 421 Misdirected Request")
                w.block("if (\(misdirected.variable) != \(NginxString.quoted(misdirected.listener)))") {
                    $0.line("return 421;")
                }
            }
            w.write(policies.server)
            if server.defaultNotFound { w.block("location /") { $0.line("return 404;") } }
            let shared = LocationWriter.sharedBodies(server.locations)
            for (index, location) in server.locations.enumerated() {
                if let name = shared[index] {
                    LocationWriter.writeJump(location, to: name, rules: policies.rules, into: &w)
                    if name == LocationWriter.sharedName(index) {
                        LocationWriter.writeShared(location, name: name, rules: policies.rules, into: &w)
                    }
                } else {
                    LocationWriter.write(location, rules: policies.rules, into: &w)
                }
            }
            for mirror in server.mirrors { write(mirror, into: &w) }
            w.write(policies.serverLocations)
            if server.grpcErrors { GRPCErrorWriter.writeLocations(into: &w) }
        }
        w.line()
    }

    /// A server behind a stream hop: the client's address from the PROXY protocol, and the listener's port for the
    /// request log (a unix socket has none).
    static func writeProxyProtocol(port: Int, into w: inout ConfigWriter) {
        w.line("set_real_ip_from unix:;")
        w.line("real_ip_header proxy_protocol;")
        w.line("set $gw_socket_port \"\(port)\";")
    }

    /// A request mirror's internal location: the copy goes to the mirror's backend with the original URI, or is
    /// dropped (204) when it is outside the sampled share or the backend has no endpoints.
    static func write(_ mirror: MirrorLocation, into w: inout ConfigWriter) {
        w.block("location = \(NginxString.literal(mirror.location))") { w in
            w.line("# RequestMirror to \(mirror.target)")
            w.line("internal;")
            if let sample = mirror.sampleVariable { w.block("if (\(sample) = \"\")") { $0.line("return 204;") } }
            guard let upstream = mirror.upstream else {
                w.line("return 204;")
                return
            }
            if mirror.grpc {
                // The subrequest's URI is this location's: the call goes on with the original path.
                w.line("rewrite ^ $request_uri break;")
                w.line("grpc_set_header Host $gw_host;")
                w.line("grpc_pass grpc://\(upstream);")
                return
            }
            w.line("proxy_http_version 1.1;")
            w.line("proxy_set_header Host $gw_host;")
            w.line("proxy_set_header Connection \"\";")
            w.line("proxy_pass http://\(upstream)$request_uri;")
        }
    }
}
