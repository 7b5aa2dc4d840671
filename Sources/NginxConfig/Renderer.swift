import Foundation
import GatewayAPI
import GatewayCore

/// Renders one Gateway of the graph into nginx configuration (pure).
///
/// Layout per generation directory: `nginx.conf` (main, events, http), `conf.d/maps.conf`, `conf.d/upstreams.conf`,
/// `conf.d/servers.conf`, and `secrets/` (listener certificates and CA bundles, mode 0600).
public enum Renderer {
    /// Marks the one line that carries the generation number (ignored when comparing configs).
    public static let generationMarker = "# gw-generation"

    public static func render(gateway: GatewayNode, graph: Graph, snapshot: ResourceSnapshot, settings: RenderSettings)
        -> RenderedConfig
    {
        var state = RenderState(graph: graph, snapshot: snapshot, settings: settings)
        let servers = ServerPlan.servers(for: gateway, graph: graph, settings: settings)
        var serverText = ConfigWriter()
        for (index, server) in servers.enumerated() {
            state.writeServer(server, index: index, gateway: gateway, into: &serverText)
        }
        let bindings = gateway.listeners.filter(\.valid).map {
            ListenerBinding(
                listener: $0.name, protocol: $0.protocol, address: settings.address,
                port: Int($0.port) + settings.portOffset)
        }
        var files = [
            RenderedFile(
                path: RenderedConfig.mainFile, content: mainConfig(gateway: gateway.ref, settings: settings),
                secret: false),
            RenderedFile(path: "conf.d/maps.conf", content: state.maps.text, secret: false),
            RenderedFile(path: "conf.d/upstreams.conf", content: state.upstreamText(), secret: false),
            RenderedFile(path: "conf.d/servers.conf", content: serverText.text, secret: false),
        ]
        files += state.secretFiles.sorted { $0.key < $1.key }.map {
            RenderedFile(path: $0.key, content: $0.value, secret: true)
        }
        return RenderedConfig(gateway: gateway.ref, files: files, bindings: bindings)
    }

    static func mainConfig(gateway: ObjectRef, settings: RenderSettings) -> String {
        let rt = settings.runtimeDirectory
        let dir = settings.configDirectory
        var w = ConfigWriter()
        w.line("# gwconsole data plane for Gateway \(gateway.namespacedName)")
        if settings.workersAsRoot { w.line("user root;") }
        w.line("worker_processes 1;")
        w.line("pid \(NginxString.literal(rt + "/nginx.pid"));")
        w.line("error_log \(NginxString.literal(rt + "/logs/error.log")) notice;")
        w.block("events") { $0.line("worker_connections 1024;") }
        w.block("http") { w in
            w.line("access_log \(NginxString.literal(rt + "/logs/access.log"));")
            for (directive, name) in [
                ("client_body_temp_path", "client_body"), ("proxy_temp_path", "proxy"),
                ("fastcgi_temp_path", "fastcgi"),
                ("uwsgi_temp_path", "uwsgi"), ("scgi_temp_path", "scgi"),
            ] {
                w.line("\(directive) \(NginxString.literal(rt + "/temp/" + name));")
            }
            w.line("default_type text/plain;")
            w.line("server_names_hash_bucket_size 256;")
            w.line("map_hash_bucket_size 256;")
            w.line("variables_hash_bucket_size 256;")
            w.line("recursive_error_pages on;")
            w.line("# \"$\" for literal dollars in user values (nginx strings have no escape for it)")
            w.block("geo $gw_dollar") { $0.line("default \"$\";") }
            w.block("map $http_host $gw_host") { w in
                w.line("\"\" $host;")
                w.line("default $http_host;")
            }
            for file in ["maps.conf", "upstreams.conf", "servers.conf"] {
                w.line("include \(NginxString.literal(dir + "/conf.d/" + file));")
            }
            w.block("server") { w in
                w.line("# control endpoint: reports the generation nginx runs")
                w.line("listen \(NginxString.literal("unix:" + rt + "/control.sock"));")
                w.block("location = /generation") {
                    $0.line("return 200 \"\(settings.generation)\\n\"; \(generationMarker)")
                }
                w.block("location /") { $0.line("return 404;") }
            }
        }
        return w.text
    }
}

/// The servers of one Gateway: per listener port, one per hostname plus a default server.
struct ServerPlan {
    var port: Int
    var ssl: Bool
    /// nil: the default server of the port (catch-all routes, else 404).
    var hostname: String?
    var certificate: ObjectRef?
    var candidates: [Candidate] = []

    static func servers(for gateway: GatewayNode, graph: Graph, settings: RenderSettings) -> [ServerPlan] {
        var byKey: [String: ServerPlan] = [:]
        var order: [String] = []
        func server(_ port: Int, _ ssl: Bool, _ host: String?, _ cert: ObjectRef?) -> String {
            let key = "\(port)|\(host ?? "")"
            if byKey[key] == nil {
                byKey[key] = ServerPlan(port: port, ssl: ssl, hostname: host, certificate: cert)
                order.append(key)
            }
            return key
        }
        for listener in gateway.listeners where listener.valid {
            let port = Int(listener.port) + settings.portOffset
            let ssl = listener.protocol == .https
            _ = server(port, ssl, nil, ssl ? listener.certificate : nil)
            if let host = listener.hostname { _ = server(port, ssl, host, listener.certificate) }
            for routeRef in listener.attachedRoutes {
                guard let route = graph.route(routeRef) else { continue }
                let hostnames = route.source.spec.hostnames ?? []
                var effective: [String?] = []
                if hostnames.isEmpty {
                    effective = [listener.hostname]
                } else {
                    for host in hostnames {
                        if case .some(let both) = HostnameMatching.intersection(host, listener.hostname) {
                            effective.append(both)
                        }
                    }
                }
                for host in Set(effective.map { $0 ?? "" }).sorted() {
                    let key = server(port, ssl, host.isEmpty ? nil : host, listener.certificate)
                    if byKey[key]!.certificate == nil && ssl { byKey[key]!.certificate = listener.certificate }
                    byKey[key]!.candidates += Candidate.all(route: route)
                }
            }
        }
        return order.map { key in
            var plan = byKey[key]!
            plan.candidates.sort(by: Candidate.precedes)
            return plan
        }.sorted {
            ($0.port, $0.hostname == nil ? 0 : 1, $0.hostname ?? "") < (
                $1.port, $1.hostname == nil ? 0 : 1, $1.hostname ?? ""
            )
        }
    }
}

/// One match of one rule of one route: a way a request can be served.
struct Candidate {
    var route: RouteNode
    var rule: RuleNode
    var matchIndex: Int
    var pathType: PathMatchType
    var pathValue: String
    var method: String?
    var headers: [HTTPHeaderMatch]
    var queryParams: [HTTPQueryParamMatch]

    static func all(route: RouteNode) -> [Candidate] {
        route.rules.filter { $0.dropped == nil }.flatMap { rule in
            guard let matches = rule.source.matches, !matches.isEmpty else {
                return [
                    Candidate(
                        route: route, rule: rule, matchIndex: 0, pathType: .pathPrefix, pathValue: "/", method: nil,
                        headers: [], queryParams: [])
                ]
            }
            return matches.enumerated().map { index, match in
                Candidate(
                    route: route, rule: rule, matchIndex: index, pathType: match.path?.type ?? .pathPrefix,
                    pathValue: match.path?.value ?? "/", method: match.method, headers: match.headers ?? [],
                    queryParams: match.queryParams ?? [])
            }
        }
    }

    var hasConditions: Bool { method != nil || !headers.isEmpty || !queryParams.isEmpty }

    /// The Gateway API precedence: exact path, longest prefix, method, most headers, most query params,
    /// oldest route, route namespace/name, then rule and match order.
    static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        func rank(_ c: Candidate) -> Int {
            switch c.pathType {
            case .exact: 0
            case .pathPrefix: 1
            default: 2
            }
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        if a.pathValue.count != b.pathValue.count { return a.pathValue.count > b.pathValue.count }
        if (a.method != nil) != (b.method != nil) { return a.method != nil }
        if a.headers.count != b.headers.count { return a.headers.count > b.headers.count }
        if a.queryParams.count != b.queryParams.count { return a.queryParams.count > b.queryParams.count }
        let ta = a.route.source.metadata.creationTimestamp ?? ""
        let tb = b.route.source.metadata.creationTimestamp ?? ""
        if ta != tb { return ta < tb }
        if a.route.ref.namespacedName != b.route.ref.namespacedName {
            return a.route.ref.namespacedName < b.route.ref.namespacedName
        }
        if a.rule.index != b.rule.index { return a.rule.index < b.rule.index }
        return a.matchIndex < b.matchIndex
    }

    /// The nginx location specs that carry this match. PathPrefix is segment-wise: `/foo` serves `/foo` and `/foo/…`.
    var locationSpecs: [String] {
        switch pathType {
        case .exact: return ["= " + NginxString.literal(pathValue)]
        case .regularExpression: return ["~ " + NginxString.literal(pathValue)]
        default:
            var prefix = pathValue
            while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
            if prefix == "/" { return [NginxString.literal("/")] }
            return ["= " + NginxString.literal(prefix), NginxString.literal(prefix + "/")]
        }
    }

    var comment: String {
        "HTTPRoute \(route.ref.namespacedName) rule \(rule.index) match \(matchIndex)"
    }
}
