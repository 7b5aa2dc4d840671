/// Writes a `RequestRedirect`: the status, and the location from scheme, host, port and path (full or prefix).
enum RedirectWriter {
    static func write(_ redirect: Redirect, into w: inout ConfigWriter) {
        let filter = redirect.filter
        let code = filter.statusCode ?? 302
        let scheme = filter.scheme.map { NginxString.quoted($0).dropFirst().dropLast() } ?? "$scheme"
        let host = filter.hostname.map { NginxString.quoted($0).dropFirst().dropLast() } ?? "$host"
        var port = ""
        if let explicit = filter.port {
            let wellKnown = (filter.scheme == "https" && explicit == 443) || (filter.scheme == "http" && explicit == 80)
            port = wellKnown ? "" : ":\(explicit)"
        } else if filter.scheme == nil {
            // The listener's port as the Gateway declares it (not where a port offset binds it here), left out
            // when it is its scheme's own.
            let wellKnown = redirect.listenerTLS ? 443 : 80
            port = redirect.listenerPort == wellKnown ? "" : ":\(redirect.listenerPort)"
        }
        w.line("set $gw_redirect_path $uri;")
        if let path = filter.path {
            if path.type == .replaceFullPath, let full = path.replaceFullPath {
                w.line("set $gw_redirect_path \(NginxString.quoted(full));")
            } else if path.type == .replacePrefixMatch, let replacement = path.replacePrefixMatch {
                let pattern = PathPrefix.pattern(redirect.matchedPath)
                let trimmed = NginxString.quoted(PathPrefix.trimmed(replacement)).dropLast()
                w.line("set $gw_redirect_path \(NginxString.quoted(replacement.isEmpty ? "/" : replacement));")
                w.block("if ($uri ~ \(NginxString.literal("^" + pattern + "(/.+)$")))") {
                    $0.line("set $gw_redirect_path \(trimmed)$1\";")
                }
            }
        }
        w.line("return \(code) \"\(scheme)://\(host)\(port)$gw_redirect_path$is_args$args\";")
    }
}
