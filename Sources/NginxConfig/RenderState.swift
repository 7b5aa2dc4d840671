import Foundation
import GatewayAPI
import GatewayCore

/// What rendering accumulates across servers: maps, upstreams, secret files, and unique names.
struct RenderState {
    let graph: Graph
    let snapshot: ResourceSnapshot
    let settings: RenderSettings
    var maps = ConfigWriter()
    var upstreams: [String: [String]] = [:]
    var secretFiles: [String: String] = [:]
    /// CA bundle files by content (see `writeBackend`).
    var caBundleFiles: [String: String] = [:]
    private var conditionVariables: [String: String] = [:]
    private var counter = 0

    init(graph: Graph, snapshot: ResourceSnapshot, settings: RenderSettings) {
        self.graph = graph
        self.snapshot = snapshot
        self.settings = settings
    }

    mutating func next() -> Int {
        counter += 1
        return counter
    }

    // MARK: Servers and locations

    mutating func writeServer(_ server: ServerPlan, index: Int, gateway: GatewayNode, into w: inout ConfigWriter) {
        let listen = "\(settings.address):\(server.port)"
        w.block("server") { w in
            w.line(
                "# Gateway \(gateway.ref.namespacedName), \(server.ssl ? "HTTPS" : "HTTP") port \(server.port), "
                    + (server.hostname.map { "hostname \($0)" } ?? "default server"))
            w.line("listen \(listen)\(server.ssl ? " ssl" : "")\(server.hostname == nil ? " default_server" : "");")
            w.line("server_name \(server.hostname.map { NginxString.literal($0) } ?? "\"\"");")
            if server.ssl {
                if let cert = server.certificate, let file = certificateFile(cert) {
                    w.line("ssl_certificate \(NginxString.literal(settings.configDirectory + "/" + file));")
                    w.line("ssl_certificate_key \(NginxString.literal(settings.configDirectory + "/" + file));")
                } else {
                    w.line("ssl_reject_handshake on;")
                }
            }
            var byLocation: [String: [Candidate]] = [:]
            var locationOrder: [String] = []
            for candidate in server.candidates {
                for spec in candidate.locationSpecs {
                    if byLocation[spec] == nil { locationOrder.append(spec) }
                    byLocation[spec, default: []].append(candidate)
                }
            }
            if byLocation[NginxString.literal("/")] == nil {
                w.block("location /") { $0.line("return 404;") }
            }
            for (locationIndex, spec) in locationOrder.enumerated() {
                writeLocation(spec, candidates: byLocation[spec]!, id: "\(index)_\(locationIndex)", into: &w)
            }
        }
        w.line()
    }

    mutating func writeLocation(_ spec: String, candidates: [Candidate], id: String, into w: inout ConfigWriter) {
        // Only candidates up to the first unconditional one can ever be chosen.
        var reachable: [Candidate] = []
        for candidate in candidates {
            reachable.append(candidate)
            if !candidate.hasConditions { break }
        }
        if reachable.count == 1 && !reachable[0].hasConditions {
            w.block("location \(spec)") { w in
                w.line("# \(reachable[0].comment)")
                writeAction(reachable[0], id: id + "_0", into: &w)
            }
            flushPendingNamed(into: &w)
            return
        }
        // Several candidates or conditions: a selector map picks the first match; each goes to a named location.
        var flags: [String] = []
        var patterns: [String] = []
        for candidate in reachable {
            var required: [String] = []
            if let method = candidate.method { required.append(conditionVariable("$request_method", exact: method)) }
            for header in candidate.headers {
                let variable = NginxString.headerVariable(header.name) ?? "$gw_unmatchable"
                required.append(
                    header.type == .regularExpression
                        ? conditionVariable(variable, regex: header.value)
                        : conditionVariable(variable, exact: header.value))
            }
            for param in candidate.queryParams {
                let variable = NginxString.argVariable(param.name) ?? "$gw_unmatchable"
                required.append(
                    param.type == .regularExpression
                        ? conditionVariable(variable, regex: param.value)
                        : conditionVariable(variable, exact: param.value))
            }
            for variable in required where !flags.contains(variable) { flags.append(variable) }
            patterns.append(required.joined(separator: ","))
        }
        let selector = "$gw_select_\(id)"
        maps.block("map \"\(flags.joined())\" \(selector)") { m in
            m.line("default 0;")
            for (index, candidate) in reachable.enumerated() {
                let required = Set(patterns[index].split(separator: ",").map(String.init))
                let regex = "^" + flags.map { required.contains($0) ? "1" : "." }.joined()
                m.line("\(NginxString.literal("~" + regex)) \(560 + index); # \(candidate.comment)")
            }
        }
        maps.line()
        w.block("location \(spec)") { w in
            for (index, candidate) in reachable.enumerated() {
                w.line("error_page \(560 + index) = @gw_\(id)_\(index); # \(candidate.comment)")
            }
            for index in reachable.indices {
                w.block("if (\(selector) = \(560 + index))") { $0.line("return \(560 + index);") }
            }
            w.line("return 404;")
        }
        for (index, candidate) in reachable.enumerated() {
            w.block("location @gw_\(id)_\(index)") { w in
                w.line("# \(candidate.comment)")
                writeAction(candidate, id: "\(id)_\(index)", into: &w)
            }
        }
        flushPendingNamed(into: &w)
    }

    /// Writes the per-backend named locations that weighted rules jump to (named locations cannot nest).
    mutating func flushPendingNamed(into w: inout ConfigWriter) {
        while !pendingNamed.isEmpty {
            let pending = pendingNamed.removeFirst()
            w.block("location \(pending.name)") { w in
                w.line(
                    "# \(pending.candidate.comment), backend \(pending.backend.index) (weight \(pending.backend.weight))"
                )
                writeBackend(pending.backend, candidate: pending.candidate, into: &w)
            }
        }
    }

    /// A flag variable that is `1` when `source` equals `value` (case-sensitive), shared between locations.
    mutating func conditionVariable(_ source: String, exact value: String) -> String {
        conditionVariable(source, pattern: "^" + NginxString.regexEscaped(value) + "$")
    }

    mutating func conditionVariable(_ source: String, regex value: String) -> String {
        conditionVariable(source, pattern: value)
    }

    private mutating func conditionVariable(_ source: String, pattern: String) -> String {
        let key = source + "\u{0}" + pattern
        if let existing = conditionVariables[key] { return existing }
        let variable = "$gw_match_\(next())"
        conditionVariables[key] = variable
        maps.block("map \(source) \(variable)") { m in
            m.line("default 0;")
            m.line("\(NginxString.literal("~" + pattern)) 1;")
        }
        maps.line()
        return variable
    }

    // MARK: Actions

    /// What a chosen rule does: redirect, or proxy to its backends (weighted), with its filters.
    mutating func writeAction(_ candidate: Candidate, id: String, into w: inout ConfigWriter) {
        let filters = candidate.rule.source.filters ?? []
        if let redirect = filters.first(where: { $0.type == .requestRedirect })?.requestRedirect {
            writeRedirect(redirect, candidate: candidate, into: &w)
            return
        }
        let backends = candidate.rule.backends.filter { $0.weight > 0 }
        guard !backends.isEmpty else {
            w.line("# no backend can take traffic (none, or all with weight 0)")
            w.line("return 500;")
            return
        }
        if backends.count == 1 {
            writeBackend(backends[0], candidate: candidate, into: &w)
            return
        }
        let split = "$gw_split_\(id)"
        let total = backends.reduce(0) { $0 + Double($1.weight) }
        maps.block("split_clients \"$request_id\" \(split)") { m in
            var assigned = 0.0
            for (index, backend) in backends.enumerated() {
                if index == backends.count - 1 {
                    m.line("* \(index);")
                } else {
                    let share = (Double(backend.weight) / total * 10000).rounded(.down) / 100
                    assigned += share
                    m.line("\(String(format: "%.2f", share))% \(index);")
                }
            }
        }
        maps.line()
        for index in backends.indices {
            w.line("error_page \(570 + index) = @gw_\(id)_b\(index);")
        }
        for index in backends.indices {
            w.block("if (\(split) = \(index))") { $0.line("return \(570 + index);") }
        }
        w.line("return 500;")
        // Named locations cannot nest: they are written after this location by the caller's server block.
        pendingNamed.append(
            contentsOf: backends.enumerated().map { index, backend in
                (name: "@gw_\(id)_b\(index)", backend: backend, candidate: candidate)
            })
    }

    var pendingNamed: [(name: String, backend: BackendNode, candidate: Candidate)] = []

    mutating func writeBackend(_ backend: BackendNode, candidate: Candidate, into w: inout ConfigWriter) {
        let target =
            backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
            ?? backend.source.name
        if let problem = backend.problem {
            w.line("# backend \(target) is not usable: \(problem.reason)")
            w.line("return 500;")
            return
        }
        guard let service = backend.service, let port = backend.port else {
            w.line("return 500;")
            return
        }
        var policy: PolicyNode?
        if let ref = backend.policy {
            policy = graph.policy(ref)
            if policy == nil || !(policy!.valid) {
                w.line("# BackendTLSPolicy \(ref.namespacedName) is invalid: no plain-text fallback")
                w.line("return 500;")
                return
            }
        }
        let endpoints = Endpoints.addresses(
            service: service, port: port, portName: backend.portName, snapshot: snapshot)
        guard !endpoints.isEmpty else {
            w.line("# \(target) has no ready endpoints")
            w.line("return 503;")
            return
        }
        let upstream = "\(service.namespace)_\(service.name)_\(port)"
        upstreams[upstream] = endpoints
        writeFilters(candidate, into: &w)
        w.line("# backend \(target)")
        w.line("proxy_http_version 1.1;")
        w.line("proxy_set_header Connection \"\";")
        if let policy {
            w.line("# BackendTLSPolicy \(policy.ref.namespacedName)")
            w.line("proxy_pass https://\(upstream);")
            w.line("proxy_ssl_server_name on;")
            w.line("proxy_ssl_name \(NginxString.quoted(policy.source.spec.validation.hostname));")
            w.line("proxy_ssl_verify on;")
            w.line("proxy_ssl_verify_depth 4;")
            let bundle: String
            if policy.source.spec.validation.wellKnownCACertificates == "System" {
                bundle = settings.systemCABundle
            } else {
                // One file per distinct bundle, named after the first policy that uses it: thousands of policies
                // sharing a CA would otherwise write (and nginx read) thousands of copies per generation.
                let content = policy.caCertificates ?? ""
                let file = caBundleFiles[content] ?? "secrets/ca_\(policy.ref.namespace)_\(policy.ref.name).crt"
                caBundleFiles[content] = file
                secretFiles[file] = content
                bundle = settings.configDirectory + "/" + file
            }
            w.line("proxy_ssl_trusted_certificate \(NginxString.literal(bundle));")
        } else {
            w.line("proxy_pass http://\(upstream);")
        }
    }

    /// Request and response header modifiers and URL rewrites, before proxy_pass.
    mutating func writeFilters(_ candidate: Candidate, into w: inout ConfigWriter) {
        let filters = candidate.rule.source.filters ?? []
        let request = filters.first { $0.type == .requestHeaderModifier }?.requestHeaderModifier
        let response = filters.first { $0.type == .responseHeaderModifier }?.responseHeaderModifier
        let rewrite = filters.first { $0.type == .urlRewrite }?.urlRewrite
        // proxy_set_header at this level replaces inherited ones: always set the standard ones here.
        let setNames = Set((request?.set ?? []).map { $0.name.lowercased() })
        let removed = Set((request?.remove ?? []).map { $0.lowercased() })
        if let host = rewrite?.hostname {
            w.line("proxy_set_header Host \(NginxString.quoted(host));")
        } else if !setNames.contains("host") {
            w.line("proxy_set_header Host $gw_host;")
        }
        for (name, value) in [
            ("X-Forwarded-For", "$proxy_add_x_forwarded_for"), ("X-Real-IP", "$remote_addr"),
            ("X-Forwarded-Proto", "$scheme"), ("X-Forwarded-Host", "$host"), ("X-Forwarded-Port", "$server_port"),
        ]
        where !setNames.contains(name.lowercased()) && !removed.contains(name.lowercased()) {
            w.line("proxy_set_header \(name) \"\(value)\";")
        }
        // Header names are quoted too: `#` and `'` are legal in an HTTP token, and would start a comment or a
        // string in nginx's config.
        for header in request?.set ?? [] {
            w.line("proxy_set_header \(NginxString.literal(header.name)) \(NginxString.quoted(header.value));")
        }
        for header in request?.add ?? [] {
            guard let variable = NginxString.headerVariable(header.name) else {
                w.line("proxy_set_header \(NginxString.literal(header.name)) \(NginxString.quoted(header.value));")
                continue
            }
            let combined = "$gw_add_\(next())"
            maps.block("map \(variable) \(combined)") { m in
                m.line("\"\" \(NginxString.quoted(header.value));")
                m.line("default \"\(variable),\(NginxString.quoted(header.value).dropFirst().dropLast())\";")
            }
            maps.line()
            w.line("proxy_set_header \(NginxString.literal(header.name)) \(combined);")
        }
        for name in request?.remove ?? [] {
            w.line("proxy_set_header \(NginxString.literal(name)) \"\";")
        }
        for name in (response?.remove ?? []) + (response?.set ?? []).map(\.name) {
            w.line("proxy_hide_header \(NginxString.literal(name));")
        }
        for header in (response?.set ?? []) + (response?.add ?? []) {
            w.line("add_header \(NginxString.literal(header.name)) \(NginxString.quoted(header.value)) always;")
        }
        if let path = rewrite?.path {
            writePathRewrite(path, candidate: candidate, into: &w)
        }
    }

    func prefixPattern(_ candidate: Candidate) -> String {
        var prefix = candidate.pathValue
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return NginxString.regexEscaped(prefix)
    }

    func trimmedReplacement(_ replacement: String) -> String {
        var value = replacement
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }

    mutating func writePathRewrite(_ path: HTTPPathModifier, candidate: Candidate, into w: inout ConfigWriter) {
        if path.type == .replaceFullPath, let full = path.replaceFullPath {
            w.line("rewrite ^ \(NginxString.quoted(full.isEmpty ? "/" : full)) break;")
        } else if path.type == .replacePrefixMatch, let replacement = path.replacePrefixMatch {
            let pattern = prefixPattern(candidate)
            let trimmed = NginxString.quoted(trimmedReplacement(replacement)).dropLast()
            w.line("rewrite \(NginxString.literal("^" + pattern + "(/.*)$")) \(trimmed)$1\" break;")
            w.line(
                "rewrite \(NginxString.literal("^" + pattern + "$")) \(NginxString.quoted(replacement.isEmpty ? "/" : replacement)) break;"
            )
        }
    }

    mutating func writeRedirect(_ redirect: HTTPRequestRedirectFilter, candidate: Candidate, into w: inout ConfigWriter)
    {
        let code = redirect.statusCode ?? 302
        let scheme = redirect.scheme.map { NginxString.quoted($0).dropFirst().dropLast() } ?? "$scheme"
        let host = redirect.hostname.map { NginxString.quoted($0).dropFirst().dropLast() } ?? "$host"
        var port = ""
        if let explicit = redirect.port {
            let wellKnown =
                (redirect.scheme == "https" && explicit == 443) || (redirect.scheme == "http" && explicit == 80)
            port = wellKnown ? "" : ":\(explicit)"
        } else if redirect.scheme == nil {
            port = ":$server_port"
        }
        w.line("set $gw_redirect_path $uri;")
        if let path = redirect.path {
            if path.type == .replaceFullPath, let full = path.replaceFullPath {
                w.line("set $gw_redirect_path \(NginxString.quoted(full));")
            } else if path.type == .replacePrefixMatch, let replacement = path.replacePrefixMatch {
                let pattern = prefixPattern(candidate)
                let trimmed = NginxString.quoted(trimmedReplacement(replacement)).dropLast()
                w.line("set $gw_redirect_path \(NginxString.quoted(replacement.isEmpty ? "/" : replacement));")
                w.block("if ($uri ~ \(NginxString.literal("^" + pattern + "(/.+)$")))") {
                    $0.line("set $gw_redirect_path \(trimmed)$1\";")
                }
            }
        }
        w.line("return \(code) \"\(scheme)://\(host)\(port)$gw_redirect_path$is_args$args\";")
    }

    // MARK: Files

    mutating func certificateFile(_ secret: ObjectRef) -> String? {
        guard let object = snapshot.secret(secret.namespace, secret.name),
            let crt = object.data?["tls.crt"].flatMap(Base64.decode),
            let key = object.data?["tls.key"].flatMap(Base64.decode)
        else { return nil }
        let file = "secrets/tls_\(secret.namespace)_\(secret.name).pem"
        var pem = String(decoding: crt, as: UTF8.self)
        if !pem.hasSuffix("\n") { pem += "\n" }
        pem += String(decoding: key, as: UTF8.self)
        if !pem.hasSuffix("\n") { pem += "\n" }
        secretFiles[file] = pem
        return file
    }

    func upstreamText() -> String {
        var w = ConfigWriter()
        for name in upstreams.keys.sorted() {
            w.block("upstream \(name)") { w in
                // Kubernetes names have no "_": the name splits back into namespace, Service and port.
                let parts = name.split(separator: "_")
                if parts.count == 3 { w.line("# Service \(parts[0])/\(parts[1]):\(parts[2])") }
                for address in upstreams[name]! { w.line("server \(address);") }
            }
            w.line()
        }
        return w.text
    }
}
