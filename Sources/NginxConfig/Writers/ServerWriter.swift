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
            w.line(
                "listen \(server.address):\(server.port)\(server.ssl ? " ssl" : "")\(server.hostname == nil ? " default_server" : "");"
            )
            w.line("server_name \(server.hostname.map { NginxString.literal($0) } ?? "\"\"");")
            if server.ssl {
                if let file = server.certificateFile {
                    w.line("ssl_certificate \(NginxString.literal(file));")
                    w.line("ssl_certificate_key \(NginxString.literal(file));")
                } else {
                    w.line("ssl_reject_handshake on;")
                }
            }
            if server.defaultNotFound { w.block("location /") { $0.line("return 404;") } }
            for location in server.locations { LocationWriter.write(location, into: &w) }
        }
        w.line()
    }
}
