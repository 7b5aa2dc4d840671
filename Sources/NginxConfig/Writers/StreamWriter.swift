/// Writes `stream.conf`: the layer-4 upstreams, splits, SNI maps and servers of the Gateway's `stream` block.
enum StreamWriter {
    /// The stream log's per-server variables: the route that took the connection and its listener.
    static let variables = ["$gw_route", "$gw_listener"]

    /// The stream log_format: keys as `RequestRecord` decodes them (a session has no method or URI).
    static let logTemplate =
        #"{"time":"$time_iso8601","kind":"stream","protocol":"$protocol","client":"$remote_addr","#
        + #""status":"$status","upstream":"$upstream_addr","duration":"$session_time","#
        + #""bytesSent":"$bytes_sent","bytesReceived":"$bytes_received","sni":"$ssl_preread_server_name","#
        + #""route":"$gw_route$gw_sni_route","listener":"$gw_listener","server":"$gw_port","#
        + #""clientPort":"$remote_port"}"#

    /// A map value: an upstream name or split variable as it is, a unix socket quoted.
    static func value(_ target: String) -> String {
        target.hasPrefix("unix:") ? NginxString.literal(target) : target
    }

    static func write(_ stream: StreamConfiguration) -> String {
        var w = ConfigWriter()
        for upstream in stream.upstreams {
            w.block("upstream \(upstream.name)") { w in
                let parts = upstream.name.split(separator: "_")
                if parts.count == 3 { w.line("# Service \(parts[0])/\(parts[1]):\(parts[2])") }
                for address in upstream.servers { w.line("server \(address);") }
            }
            w.line()
        }
        for split in stream.splits {
            w.line("# \(split.route.kind) \(split.route.namespacedName): its backends by weight")
            w.block("split_clients \"${remote_addr}${remote_port}\" \(split.variable)") { w in
                for (index, share) in split.shares.enumerated() {
                    let last = index == split.shares.count - 1
                    w.line("\(last ? "*" : "\(share.percent)%") \(share.upstream);")
                }
            }
            w.line()
        }
        for map in stream.sniMaps {
            let catchAll = map.entries.first { $0.hostname == "*" }
            w.block("map $ssl_preread_server_name \(map.variable)") { w in
                w.line("hostnames;")
                for entry in map.entries where entry.hostname != "*" {
                    w.line(
                        "\(NginxString.literal(entry.hostname)) \(value(entry.target)); # \(entry.route.kind) \(entry.route.namespacedName)"
                    )
                }
                w.line("default \(value(catchAll?.target ?? map.fallback));")
            }
            w.block("map $ssl_preread_server_name \(map.variable)_route") { w in
                w.line("hostnames;")
                for entry in map.entries where entry.hostname != "*" {
                    w.line("\(NginxString.literal(entry.hostname)) \(NginxString.literal(entry.route.description));")
                }
                w.line("default \(catchAll.map { NginxString.literal($0.route.description) } ?? "\"\"");")
            }
            w.line()
        }
        // The TLSRoute that took a passthrough connection, for the session log (read when the session ends).
        w.block("map $server_port $gw_sni_route") { w in
            for map in stream.sniMaps {
                let port = stream.servers.first { $0.target == .sni(variable: map.variable) }?.port
                if let port { w.line("\(port) \(map.variable)_route;") }
            }
            w.line("default \"\";")
        }
        w.line()
        let splits = stream.servers.compactMap { server -> (Int, ProtocolSplitSockets)? in
            if case .protocolSplit(let sockets) = server.target { return (server.port, sockets) }
            return nil
        }
        if !splits.isEmpty {
            // Ports with GRPCRoutes: the first bytes of a connection say HTTP/2 with prior knowledge or not.
            w.line("js_import gw_protocol from \(NginxString.literal(stream.protocolScript));")
            w.line("js_var $gw_protocol http1;")
            for (port, sockets) in splits {
                w.block("map $gw_protocol $gw_split_\(port)") { w in
                    w.line("http2 \(NginxString.literal(sockets.http2));")
                    w.line("default \(NginxString.literal(sockets.http1));")
                }
            }
            w.line()
        }
        for server in stream.servers {
            w.block("server") { w in
                w.line("# Gateway \(server.gateway.namespacedName), \(server.protocol) listener \(server.listener)")
                if let socket = server.socket {
                    w.line("listen \(NginxString.literal(socket)) proxy_protocol;")
                } else {
                    w.line("listen \(server.address):\(server.port)\(server.protocol == .udp ? " udp" : "");")
                }
                if server.sendsProxyProtocol { w.line("proxy_protocol on;") }
                // The listener's port as this machine serves it (a second hop listens on a unix socket).
                w.line("set $gw_port \"\(server.port)\";")
                // A UDP session ends 10 s after its last datagram (nginx's default, 10 min, would hold two
                // connections per client address and port that long).
                if server.protocol == .udp { w.line("proxy_timeout 10s;") }
                w.line("set $gw_listener \(NginxString.literal(server.listener));")
                switch server.target {
                case .proxy(let target, let route):
                    w.line("# \(route.kind) \(route.namespacedName)")
                    w.line("set $gw_route \(NginxString.literal(route.description));")
                    w.line("proxy_pass \(target);")
                case .sni(let variable):
                    // No `set` may read the SNI map here: it runs before the preread phase and would fix the name
                    // as empty. The log reads the route through $gw_sni_route, after the handshake's first bytes.
                    w.line("ssl_preread on;")
                    w.line("set $gw_route \"\";")
                    w.line("proxy_pass \(variable);")
                case .close(let reason):
                    w.line("# \(reason): connections are closed")
                    w.line("set $gw_route \"\";")
                    w.line("return \"\";")
                case .protocolSplit:
                    // Each request is in the request log; the hop itself is not a session of its own.
                    w.line("access_log off;")
                    w.line("set $gw_route \"\";")
                    w.line("js_preread gw_protocol.detect;")
                    w.line("proxy_protocol on;")
                    w.line("proxy_pass $gw_split_\(server.port);")
                }
            }
            w.line()
        }
        if !stream.sniMaps.isEmpty {
            w.block("server") { w in
                w.line("# TLS connections whose SNI no TLSRoute takes end here")
                w.line("listen \(NginxString.literal(stream.closeSocket));")
                w.line("set $gw_port \"\";")
                w.line("set $gw_listener \"\";")
                w.line("set $gw_route \"\";")
                w.line("return \"\";")
            }
        }
        return w.text
    }
}
