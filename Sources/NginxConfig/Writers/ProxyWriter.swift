/// Writes a proxied backend: the rule's header filters and rewrite, then `proxy_pass` (over TLS with the
/// backend's policy, see `BackendTLSWriter`).
enum ProxyWriter {
    static func write(_ proxy: Proxy, into w: inout ConfigWriter) {
        // The request log's backend first: a path rewrite's `break` ends the rewrite directives after it.
        w.line("# backend \(proxy.target)")
        w.line("set $gw_backend \(NginxString.quoted(proxy.target));")
        w.line(
            "set $gw_backend_tls \(proxy.tls.map { NginxString.quoted("TLS SNI " + $0.hostname + ", verified") } ?? "plain");"
        )
        if proxy.grpc {
            writeGRPC(proxy, into: &w)
            return
        }
        FilterWriter.write(proxy.filters, into: &w)
        for mirror in proxy.mirrors {
            w.line("# RequestMirror to \(mirror.target)")
            w.line("mirror \(NginxString.literal(mirror.location));")
        }
        w.line("proxy_http_version 1.1;")
        // A WebSocket upgrade goes through (HTTPRouteBackendProtocolWebSocket); other requests keep the upstream
        // connection reusable.
        // The rule's own Upgrade or Connection header (a RequestHeaderModifier) wins.
        let touched = Set(
            ((proxy.filters.request?.set ?? []).map(\.name) + (proxy.filters.request?.add ?? []).map(\.name)
                + (proxy.filters.request?.remove ?? [])).map { $0.lowercased() })
        if !touched.contains("upgrade") && !touched.contains("connection") {
            w.line("proxy_set_header Upgrade $gw_upgrade;")
            w.line("proxy_set_header Connection $gw_connection_upgrade;")
        } else if !touched.contains("connection") {
            w.line("proxy_set_header Connection \"\";")
        }
        if let tls = proxy.tls {
            BackendTLSWriter.write(tls, upstream: proxy.upstream, into: &w)
        } else {
            w.line("proxy_pass http://\(proxy.upstream);")
        }
    }

    /// A GRPCRoute's backend: the call goes on over HTTP/2 with its path, `:authority` from the request's Host, and
    /// errors nginx answers become gRPC statuses.
    static func writeGRPC(_ proxy: Proxy, into w: inout ConfigWriter) {
        GRPCErrorWriter.writePages(into: &w)
        FilterWriter.write(proxy.filters, module: .grpc, into: &w)
        for mirror in proxy.mirrors {
            w.line("# RequestMirror to \(mirror.target)")
            w.line("mirror \(NginxString.literal(mirror.location));")
        }
        if let tls = proxy.tls {
            BackendTLSWriter.write(tls, upstream: proxy.upstream, module: .grpc, into: &w)
        } else {
            w.line("grpc_pass grpc://\(proxy.upstream);")
        }
    }
}
