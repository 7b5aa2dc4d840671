import GatewayAPI
import GatewayCore

/// NGF's policies and filters as nginx directives, at the levels NGF's generators put them
/// (`internal/controller/nginx/config/policies/*/generator.go`): Gateway-targeted policies at http (proxy settings,
/// rate limit zones) and server level (client settings, `limit_req`), route-targeted ones in the route's locations
/// (nginx's inheritance makes them override the Gateway's), filters in their rule's locations, upstream settings in
/// the Service's upstreams. Every value here passed the CRDs' patterns; user text is quoted.
struct PolicyDirectiveBuilder {
    let gateway: GatewayNode
    let graph: Graph
    let settings: RenderSettings
    var directives = PolicyDirectives()
    /// Files nginx reads (htpasswd), by path relative to the generation directory.
    var files: [String: String] = [:]
    /// Upstreams the filters need (ExternalAuth services), by name.
    var upstreams: [String: [String]] = [:]
    var counter = 0
    private var zones: Set<String> = []
    private var httpOrigins: Set<ObjectRef> = []
    private var serverOrigins: Set<String> = []
    private var authLocations: Set<String> = []

    init(gateway: GatewayNode, graph: Graph, settings: RenderSettings) {
        self.gateway = gateway
        self.graph = graph
        self.settings = settings
    }

    /// Builds the blocks for the Gateway and the rules it serves, and the upstreams' settings.
    mutating func build(
        rules: [(route: RouteNode, rule: RuleNode)], upstreamNames: [String], snapshot: ResourceSnapshot
    ) {
        let gatewayPolicies = gateway.policies.compactMap { graph.ngfPolicy($0) }
        for policy in gatewayPolicies { gatewayLevel(policy) }
        let locationSnippets = gatewayPolicies.compactMap { policy -> DirectiveBlock? in
            guard case .snippets(let spec) = policy.spec else { return nil }
            return snippetBlock(policy.ref, spec.snippets ?? [], context: "http.server.location")
        }
        var routeBlocks: [ObjectRef: [DirectiveBlock]] = [:]
        for (route, rule) in rules {
            if routeBlocks[route.ref] == nil {
                var blocks: [DirectiveBlock] = []
                for policy in route.policies.compactMap({ graph.ngfPolicy($0) }) {
                    if let block = routeLevel(policy) { blocks.append(block) }
                }
                routeBlocks[route.ref] = blocks
            }
            var blocks = locationSnippets + routeBlocks[route.ref]!
            // A rule whose filters did not resolve answers 500: its filters' directives are not written.
            if rule.filterProblem == nil { blocks += extensionBlocks(route: route, rule: rule, snapshot: snapshot) }
            if !blocks.isEmpty { directives.rules[RuleKey(route: route.ref, rule: rule.index)] = blocks }
        }
        for name in upstreamNames { upstream(name) }
    }

    // MARK: Gateway level

    mutating func gatewayLevel(_ policy: NGFPolicyNode) {
        switch policy.spec {
        case .clientSettings(let spec):
            let lines = clientSettings(spec)
            Self.append(&directives.server, policy.ref, lines)
        case .proxySettings(let spec):
            let lines = proxySettings(spec)
            Self.append(&directives.http, policy.ref, lines)
        case .rateLimit(let spec):
            rateLimitZones(policy.ref, spec)
            let lines = rateLimit(policy.ref, spec)
            Self.append(&directives.server, policy.ref, lines)
        case .snippets(let spec):
            let snippets = spec.snippets ?? []
            if let block = snippetBlock(policy.ref, snippets, context: "main") { directives.main.append(block) }
            if let block = snippetBlock(policy.ref, snippets, context: "http") { directives.http.append(block) }
            if let block = snippetBlock(policy.ref, snippets, context: "http.server") {
                directives.server.append(block)
            }
        case .upstreamSettings, .observability, .waf:
            break
        }
    }

    /// A route-targeted policy's location lines (its rate limit zone goes to http).
    mutating func routeLevel(_ policy: NGFPolicyNode) -> DirectiveBlock? {
        let lines: [String]
        switch policy.spec {
        case .clientSettings(let spec): lines = clientSettings(spec)
        case .proxySettings(let spec): lines = proxySettings(spec)
        case .rateLimit(let spec):
            rateLimitZones(policy.ref, spec)
            lines = rateLimit(policy.ref, spec)
        default: lines = []
        }
        return lines.isEmpty ? nil : DirectiveBlock(origin: policy.ref, lines: lines)
    }

    static func append(_ level: inout [DirectiveBlock], _ origin: ObjectRef, _ lines: [String]) {
        if !lines.isEmpty { level.append(DirectiveBlock(origin: origin, lines: lines)) }
    }

    // MARK: Policies

    func clientSettings(_ spec: ClientSettingsPolicySpec) -> [String] {
        var lines: [String] = []
        if let value = spec.body?.maxSize { lines.append("client_max_body_size \(value);") }
        if let value = spec.body?.bufferSize { lines.append("client_body_buffer_size \(value);") }
        if let value = spec.body?.timeout { lines.append("client_body_timeout \(value);") }
        if let value = spec.keepAlive?.requests { lines.append("keepalive_requests \(value);") }
        if let value = spec.keepAlive?.time { lines.append("keepalive_time \(value);") }
        if let server = spec.keepAlive?.timeout?.server {
            lines.append("keepalive_timeout \(server)\(spec.keepAlive?.timeout?.header.map { " \($0)" } ?? "");")
        }
        return lines
    }

    func proxySettings(_ spec: ProxySettingsPolicySpec) -> [String] {
        var lines: [String] = []
        if let disable = spec.buffering?.disable { lines.append("proxy_buffering \(disable ? "off" : "on");") }
        if let value = spec.buffering?.bufferSize { lines.append("proxy_buffer_size \(value);") }
        if let buffers = spec.buffering?.buffers { lines.append("proxy_buffers \(buffers.number) \(buffers.size);") }
        if let value = spec.buffering?.busyBuffersSize { lines.append("proxy_busy_buffers_size \(value);") }
        if let value = spec.timeout?.connect { lines.append("proxy_connect_timeout \(value);") }
        if let value = spec.timeout?.read { lines.append("proxy_read_timeout \(value);") }
        if let value = spec.timeout?.send { lines.append("proxy_send_timeout \(value);") }
        return lines
    }

    /// NGF's zone name for a rule of a RateLimitPolicy.
    static func zoneName(_ policy: ObjectRef, rule: Int) -> String {
        "\(policy.namespace)_rl_\(policy.name)_rule\(rule)"
    }

    /// `limit_req_zone` lines, once per policy, at http level.
    mutating func rateLimitZones(_ policy: ObjectRef, _ spec: RateLimitPolicySpec) {
        guard zones.insert(policy.namespacedName).inserted else { return }
        let lines = (spec.rateLimit?.local?.rules ?? []).enumerated().map { index, rule in
            "limit_req_zone \(rule.key) zone=\(Self.zoneName(policy, rule: index)):\(rule.zoneSize ?? "10m") rate=\(rule.rate);"
        }
        Self.append(&directives.http, policy, lines)
    }

    func rateLimit(_ policy: ObjectRef, _ spec: RateLimitPolicySpec) -> [String] {
        guard let limit = spec.rateLimit else { return [] }
        var lines = (limit.local?.rules ?? []).enumerated().map { index, rule in
            var line = "limit_req zone=\(Self.zoneName(policy, rule: index))"
            if let burst = rule.burst, burst > 0 { line += " burst=\(burst)" }
            if rule.noDelay == true { line += " nodelay" }
            if let delay = rule.delay, delay > 0 { line += " delay=\(delay)" }
            return line + ";"
        }
        guard !lines.isEmpty else { return [] }
        if let level = limit.logLevel { lines.append("limit_req_log_level \(level);") }
        if let code = limit.rejectCode { lines.append("limit_req_status \(code);") }
        if limit.dryRun == true { lines.append("limit_req_dry_run on;") }
        return lines
    }

    /// A snippet of one context, split into lines (each stays one line in the file).
    func snippetBlock(_ origin: ObjectRef, _ snippets: [Snippet], context: String) -> DirectiveBlock? {
        guard let snippet = snippets.first(where: { $0.context == context }) else { return nil }
        // Each line on its own, indented by the snippet's own blocks.
        var depth = 0
        var lines: [String] = []
        for raw in snippet.value.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            if line.hasPrefix("}") { depth = max(0, depth - 1) }
            lines.append(String(repeating: "    ", count: depth) + line)
            let opens = line.filter { $0 == "{" }.count
            let closes = line.filter { $0 == "}" }.count - (line.hasPrefix("}") ? 1 : 0)
            depth = max(0, depth + opens - closes)
        }
        return lines.isEmpty ? nil : DirectiveBlock(origin: origin, lines: lines)
    }

    // MARK: Upstreams

    /// An upstream's UpstreamSettingsPolicy lines (the Service's valid policies, merged: they never set the same
    /// field). The name is `namespace_service_port` (Kubernetes names have no `_`).
    mutating func upstream(_ name: String) {
        let parts = name.split(separator: "_")
        guard parts.count == 3 else { return }
        let service = ObjectRef.service(String(parts[0]), String(parts[1]))
        var blocks: [DirectiveBlock] = []
        var zoneSet = false
        for policy in (graph.servicePolicies[service] ?? []).compactMap({ graph.ngfPolicy($0) }) {
            guard case .upstreamSettings(let spec) = policy.spec else { continue }
            var lines: [String] = []
            switch spec.loadBalancingMethod {
            case "hash": lines.append("hash \(spec.hashMethodKey ?? "$request_uri");")
            case "hash consistent": lines.append("hash \(spec.hashMethodKey ?? "$request_uri") consistent;")
            case .some(let method) where method != "round_robin": lines.append("\(method);")
            default: break
            }
            if let size = spec.zoneSize {
                lines.append("zone \(name) \(size);")
                zoneSet = true
            }
            if let keepAlive = spec.keepAlive {
                // `keepalive 0` (NGF: no keep-alive) is an error for nginx before 1.29.7, which keeps none unless told.
                if let connections = keepAlive.connections, connections > 0 {
                    lines.append("keepalive \(connections);")
                }
                if keepAlive.connections.map({ $0 > 0 }) ?? true {
                    if let requests = keepAlive.requests, requests > 0 {
                        lines.append("keepalive_requests \(requests);")
                    }
                    if let time = keepAlive.time { lines.append("keepalive_time \(time);") }
                    if let timeout = keepAlive.timeout { lines.append("keepalive_timeout \(timeout);") }
                }
            }
            if !lines.isEmpty { blocks.append(DirectiveBlock(origin: policy.ref, lines: lines)) }
        }
        if !zoneSet, let size = graph.nginxProxies[gateway.ref]?.zoneSize {
            let origin = graph.nginxProxyRef(for: gateway) ?? gateway.ref
            blocks.append(DirectiveBlock(origin: origin, lines: ["zone \(name) \(size);"]))
        }
        if !blocks.isEmpty { directives.upstreams[name] = blocks }
    }

    // MARK: Filters

    mutating func extensionBlocks(route: RouteNode, rule: RuleNode, snapshot: ResourceSnapshot) -> [DirectiveBlock] {
        var blocks: [DirectiveBlock] = []
        let origin = DirectiveBlock.ruleOrigin(route.ref, rule.index)
        for item in rule.extensions {
            switch item {
            case .snippets(let ref):
                guard let filter = graph.ngfFilter(ref) else { continue }
                if httpOrigins.insert(ref).inserted {
                    if let block = snippetBlock(ref, filter.snippets, context: "main") { directives.main.append(block) }
                    if let block = snippetBlock(ref, filter.snippets, context: "http") { directives.http.append(block) }
                }
                if let block = snippetBlock(ref, filter.snippets, context: "http.server"),
                    serverOrigins.insert(ref.description).inserted
                {
                    directives.server.append(block)
                }
                if let block = snippetBlock(ref, filter.snippets, context: "http.server.location") {
                    blocks.append(block)
                }
            case .authentication(let ref):
                guard let auth = graph.ngfFilter(ref)?.basicAuth else { continue }
                let file = "secrets/basic_auth_\(auth.secret.namespace)_\(auth.secret.name)"
                files[file] = auth.htpasswd.hasSuffix("\n") ? auth.htpasswd : auth.htpasswd + "\n"
                blocks.append(
                    DirectiveBlock(
                        origin: ref,
                        lines: [
                            "auth_basic \(NginxString.quoted(auth.realm));",
                            "auth_basic_user_file \(NginxString.literal(settings.configDirectory + "/" + file));",
                        ]))
            case .cors(let cors):
                blocks.append(DirectiveBlock(origin: origin, lines: corsLines(cors)))
            case .externalAuth(let auth, let backend):
                blocks.append(
                    DirectiveBlock(
                        origin: origin,
                        lines: externalAuthLines(
                            auth, backend: backend, route: route.ref, rule: rule.index,
                            snapshot: snapshot)))
            }
        }
        return blocks
    }

    /// NGF's CORS: the allowed origins matched by a map (an origin that matches is echoed, none is sent otherwise),
    /// every OPTIONS request answered 200 with the headers.
    mutating func corsLines(_ cors: HTTPCORSFilter) -> [String] {
        counter += 1
        let id = counter
        var lines = ["if ($request_method = OPTIONS) {", "    return 200;", "}"]
        let origins = cors.allowOrigins ?? []
        if !origins.isEmpty {
            let originVariable = "$gw_cors_origin_\(id)"
            let map = originMap(originVariable, origins, value: "$http_origin")
            Self.append(&directives.http, DirectiveBlock.corsOrigin, map)
            lines.append("add_header Access-Control-Allow-Origin \(originVariable) always;")
        }
        if let methods = cors.allowMethods, !methods.isEmpty {
            let value =
                methods == ["*"]
                ? "$http_access_control_request_method" : NginxString.quoted(methods.joined(separator: ", "))
            lines.append("add_header Access-Control-Allow-Methods \(value) always;")
        }
        if let headers = cors.allowHeaders, !headers.isEmpty {
            let value =
                headers == ["*"]
                ? "$http_access_control_request_headers" : NginxString.quoted(headers.joined(separator: ", "))
            lines.append("add_header Access-Control-Allow-Headers \(value) always;")
        }
        if let headers = cors.exposeHeaders, !headers.isEmpty {
            lines.append(
                "add_header Access-Control-Expose-Headers \(NginxString.quoted(headers.joined(separator: ", "))) always;"
            )
        }
        if cors.allowCredentials == true && !origins.isEmpty {
            let variable = "$gw_cors_credentials_\(id)"
            let map = originMap(variable, origins, value: "true")
            Self.append(&directives.http, DirectiveBlock.corsOrigin, map)
            lines.append("add_header Access-Control-Allow-Credentials \(variable) always;")
        }
        let maxAge = cors.maxAge ?? 5
        if maxAge > 0 {
            lines.append("add_header Access-Control-Max-Age \(maxAge) always;")
        }
        return lines
    }

    /// `map $http_origin VARIABLE { "~^https://.*\.bar\.com$" VALUE; }`: the origin patterns as anchored regexes.
    func originMap(_ variable: String, _ origins: [String], value: String) -> [String] {
        var lines = ["map $http_origin \(variable) {"]
        for origin in origins {
            let pattern = origin.map { ch -> String in
                switch ch {
                case ".": return "\\."
                case "*": return ".*"
                default: return String(ch)
                }
            }.joined()
            lines.append("    \(NginxString.literal("~^" + pattern + "$")) \(value);")
        }
        lines.append("}")
        return lines
    }

    /// NGF's ExternalAuth: `auth_request` to an internal location that asks the authorization service with the
    /// request's Host, path, method, Authorization and the allowed headers; its allowed response headers go on to the
    /// backend.
    mutating func externalAuthLines(
        _ auth: HTTPExternalAuthFilter, backend: BackendNode, route: ObjectRef, rule: Int, snapshot: ResourceSnapshot
    ) -> [String] {
        let location = "/_gw_ext_auth#\(route.namespace)_\(route.name)_rule\(rule)"
        var lines: [String] = []
        let maxSize = auth.forwardBody?["maxSize"]?.intValue ?? 0
        if maxSize > 0 { lines.append("client_max_body_size \(maxSize);") }
        lines.append("auth_request \(NginxString.literal(location));")
        for header in auth.http?["allowedResponseHeaders"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let variable = NginxString.headerVariable(header) else { continue }
            let name = "$gw_ext_auth_" + variable.dropFirst("$http_".count)
            lines.append("auth_request_set \(name) $upstream_http_\(variable.dropFirst("$http_".count));")
            lines.append("proxy_set_header \(NginxString.literal(header)) \(name);")
        }
        guard authLocations.insert(location).inserted, let service = backend.service, let port = backend.port else {
            return lines
        }
        let endpoints = Endpoints.addresses(
            service: service, port: port, portName: backend.portName, snapshot: snapshot)
        let upstream = "\(service.namespace)_\(service.name)_\(port)"
        var body = ["location = \(NginxString.literal(location)) {", "    internal;"]
        if endpoints.isEmpty {
            body.append("    return 503;")
        } else {
            upstreams[upstream] = endpoints
            body += [
                "    proxy_pass_request_headers off;",
                "    proxy_set_header Host $gw_host;",
                "    proxy_set_header Path $request_uri;",
                "    proxy_set_header Method $request_method;",
                "    proxy_set_header Authorization $http_authorization;",
            ]
            for header in auth.http?["allowedHeaders"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                guard let variable = NginxString.headerVariable(header) else { continue }
                body.append("    proxy_set_header \(NginxString.literal(header)) \(variable);")
            }
            if maxSize == 0 {
                body.append("    proxy_pass_request_body off;")
                body.append("    proxy_set_header Content-Length \"\";")
            }
            // The path as a literal URI: `$` (which the CRD allows) percent-encoded, so it is never a variable.
            let path = (auth.http?["path"]?.stringValue ?? "").replacingOccurrences(of: "$", with: "%24")
            body.append("    proxy_http_version 1.1;")
            body.append("    proxy_pass \(NginxString.literal("http://\(upstream)\(path)"));")
        }
        body.append("}")
        directives.serverLocations.append(DirectiveBlock(origin: route, lines: body))
        return lines
    }
}

extension DirectiveBlock {
    /// The origin of a rule's own filters (CORS, ExternalAuth): the route; the comment names the rule.
    static func ruleOrigin(_ route: ObjectRef, _ rule: Int) -> ObjectRef {
        ObjectRef(group: route.group, kind: route.kind, namespace: route.namespace, name: "\(route.name) rule \(rule)")
    }

    /// The origin of CORS origin maps.
    static let corsOrigin = ObjectRef(
        group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "", name: "CORS filters' allowed origins")
}

extension Graph {
    /// The NginxProxy whose settings a Gateway has (its own, else its class's).
    func nginxProxyRef(for gateway: GatewayNode) -> ObjectRef? {
        if let ref = gateway.source.spec.infrastructure?.parametersRef {
            return ObjectRef(group: ref.group, kind: ref.kind, namespace: gateway.ref.namespace, name: ref.name)
        }
        return nil
    }
}
