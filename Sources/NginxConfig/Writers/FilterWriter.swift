import GatewayAPI

/// Writes a rule's request and response header modifiers and its URL rewrite, before `proxy_pass`.
enum FilterWriter {
    static func write(_ filters: RequestFilters, module: UpstreamModule = .proxy, into w: inout ConfigWriter) {
        let directive = module.rawValue
        let request = filters.request
        let response = filters.response
        let rewrite = filters.rewrite
        // proxy_set_header at this level replaces inherited ones: always set the standard ones here.
        let setNames = Set((request?.set ?? []).map { $0.name.lowercased() })
        let removed = Set((request?.remove ?? []).map { $0.lowercased() })
        if let host = rewrite?.hostname {
            w.line("\(directive)_set_header Host \(NginxString.quoted(host));")
        } else if !setNames.contains("host") {
            w.line("\(directive)_set_header Host $gw_host;")
        }
        for (name, value) in [
            ("X-Forwarded-For", "$proxy_add_x_forwarded_for"), ("X-Real-IP", "$remote_addr"),
            ("X-Forwarded-Proto", "$scheme"), ("X-Forwarded-Host", "$host"), ("X-Forwarded-Port", "$server_port"),
        ]
        where !setNames.contains(name.lowercased()) && !removed.contains(name.lowercased()) {
            w.line("\(directive)_set_header \(name) \"\(value)\";")
        }
        // Header names are quoted too: `#` and `'` are legal in an HTTP token, and would start a comment or a
        // string in nginx's config.
        for header in request?.set ?? [] {
            w.line("\(directive)_set_header \(NginxString.literal(header.name)) \(NginxString.quoted(header.value));")
        }
        for header in request?.add ?? [] {
            if let combined = filters.appendVariables[header.name] {
                w.line("\(directive)_set_header \(NginxString.literal(header.name)) \(combined);")
            } else {
                w.line(
                    "\(directive)_set_header \(NginxString.literal(header.name)) \(NginxString.quoted(header.value));")
            }
        }
        for name in request?.remove ?? [] {
            w.line("\(directive)_set_header \(NginxString.literal(name)) \"\";")
        }
        for name in (response?.remove ?? []) + (response?.set ?? []).map(\.name) {
            w.line("\(directive)_hide_header \(NginxString.literal(name));")
        }
        for header in (response?.set ?? []) + (response?.add ?? []) {
            w.line("add_header \(NginxString.literal(header.name)) \(NginxString.quoted(header.value)) always;")
        }
        if let path = rewrite?.path { writePathRewrite(path, matchedPath: filters.matchedPath, into: &w) }
    }

    static func writePathRewrite(_ path: HTTPPathModifier, matchedPath: String, into w: inout ConfigWriter) {
        if path.type == .replaceFullPath, let full = path.replaceFullPath {
            w.line("rewrite ^ \(NginxString.quoted(full.isEmpty ? "/" : full)) break;")
        } else if path.type == .replacePrefixMatch, let replacement = path.replacePrefixMatch {
            let pattern = PathPrefix.pattern(matchedPath)
            let trimmed = NginxString.quoted(PathPrefix.trimmed(replacement)).dropLast()
            w.line("rewrite \(NginxString.literal("^" + pattern + "(/.*)$")) \(trimmed)$1\" break;")
            w.line(
                "rewrite \(NginxString.literal("^" + pattern + "$")) \(NginxString.quoted(replacement.isEmpty ? "/" : replacement)) break;"
            )
        }
    }
}

/// The nginx module that talks to a backend, which prefixes its directives: `proxy_set_header`, `grpc_pass`.
enum UpstreamModule: String {
    /// HTTP backends (`proxy_pass http://`, `https://`).
    case proxy
    /// gRPC backends (`grpc_pass grpc://`, `grpcs://`).
    case grpc
}

/// A matched prefix as a regular expression, and a replacement without trailing slashes (for ReplacePrefixMatch).
enum PathPrefix {
    static func pattern(_ matchedPath: String) -> String {
        NginxString.regexEscaped(trimmed(matchedPath))
    }

    static func trimmed(_ path: String) -> String {
        var value = path
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}
