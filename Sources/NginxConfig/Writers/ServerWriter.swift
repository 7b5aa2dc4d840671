/// Writes `servers.conf`: each virtual server with its listen, name and certificate, then its locations
/// (`LocationWriter`).
enum ServerWriter {
    static func write(_ servers: [VirtualServer]) -> String {
        var w = ConfigWriter()
        for server in servers { write(server, into: &w) }
        return w.text
    }

    static func write(_ server: VirtualServer, into w: inout ConfigWriter) {
        w.block("server") { w in
            w.line(
                "# Gateway \(server.gateway.namespacedName), \(server.ssl ? "HTTPS" : "HTTP") port \(server.port), "
                    + (server.hostname.map { "hostname \($0)" } ?? "default server"))
            if let socket = server.handoffSocket {
                // A TLS passthrough listener shares the port: its stream server hands over the other handshakes.
                w.line(
                    "listen \(NginxString.literal(socket)) ssl proxy_protocol\(server.hostname == nil ? " default_server" : "");"
                )
                w.line("set_real_ip_from unix:;")
                w.line("real_ip_header proxy_protocol;")
            } else {
                w.line(
                    "listen \(server.address):\(server.port)\(server.ssl ? " ssl" : "")\(server.hostname == nil ? " default_server" : "");"
                )
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
            if server.defaultNotFound { w.block("location /") { $0.line("return 404;") } }
            for location in server.locations { LocationWriter.write(location, into: &w) }
            for mirror in server.mirrors { write(mirror, into: &w) }
        }
        w.line()
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
            w.line("proxy_http_version 1.1;")
            w.line("proxy_set_header Host $gw_host;")
            w.line("proxy_set_header Connection \"\";")
            w.line("proxy_pass http://\(upstream)$request_uri;")
        }
    }
}
