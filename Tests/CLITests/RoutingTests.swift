import Dataplane
import Diagnostics
import Foundation
import GatewayCore
import Testing

/// Routing through a live Gateway: hostnames, paths, precedence, matches, filters and weights.
@Suite("Routing through the data plane", .serialized)
struct RoutingTests {
    func setUp(_ routes: String) throws -> (LiveDataplane, ip: String, port: Int) {
        let live = LiveDataplane()
        for (name, n) in [("a", 1), ("b", 2)] {
            try live.startBackend(
                name: name, address: live.backendAddress(n), port: 8080,
                body: """
                    location / { add_header X-Backend \(name); return 200 "\(name) uri=$uri args=$args host=$host x=$http_x_added h=$http_x_remove\\n"; }
                    """)
        }
        var manifests = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: nginx
              listeners:
              - {name: http, port: 80, protocol: HTTP}
              - {name: wild, port: 81, protocol: HTTP, hostname: "*.wild.example.com"}
            ---

            """
        for (name, n) in [("svc-a", 1), ("svc-b", 2)] {
            manifests +=
                "apiVersion: v1\nkind: Service\nmetadata: {name: \(name)}\nspec:\n  ports: [{name: http, port: 80, targetPort: 8080}]\n---\n"
            manifests +=
                LiveDataplane.endpointSlice(
                    service: name, portName: "http", port: 8080, addresses: [live.backendAddress(n)]) + "---\n"
        }
        let applied = try live.run(["apply", "-f", "-"], stdin: manifests + routes)
        #expect(applied.status == 0, "\(applied.stderr)")
        let up = try live.run(["up"])
        let vars = try #require(LiveDataplane.gatewayVariables(up.stdout), "\(up.stdout)\(up.stderr)")
        return (live, vars.ip, vars.port)
    }

    func get(
        _ env: (LiveDataplane, ip: String, port: Int), _ host: String, _ path: String = "/", port: Int? = nil,
        _ extra: [String] = []
    ) throws -> (status: Int, body: String) {
        try LiveDataplane.curl(host: host, ip: env.ip, port: port ?? env.port, path: path, extra: extra)
    }

    @Test("hostnames (exact, wildcard, none), path types and precedence, method, header and query matches")
    func matching() throws {
        let env = try setUp(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: exact-host}
            spec:
              parentRefs: [{name: gw, sectionName: http}]
              hostnames: [app.example.com]
              rules:
              - matches: [{path: {type: PathPrefix, value: /api}}]
                backendRefs: [{name: svc-b, port: 80}]
              - matches: [{path: {type: Exact, value: /api/exact}}]
                backendRefs: [{name: svc-a, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /m}, method: POST}]
                backendRefs: [{name: svc-b, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /m}, headers: [{name: X-Env, value: canary}]}]
                backendRefs: [{name: svc-b, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /m}, queryParams: [{name: v, value: "2"}]}]
                backendRefs: [{name: svc-b, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /m}}]
                backendRefs: [{name: svc-a, port: 80}]
              - matches: [{path: {type: RegularExpression, value: "/re/[0-9]+$"}}]
                backendRefs: [{name: svc-b, port: 80}]
              - backendRefs: [{name: svc-a, port: 80}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: wildcard}
            spec:
              parentRefs: [{name: gw, sectionName: wild}]
              rules:
              - backendRefs: [{name: svc-b, port: 80}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: any-host}
            spec:
              parentRefs: [{name: gw, sectionName: http}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /anyhost}}]
                backendRefs: [{name: svc-b, port: 80}]
            """)
        func backend(_ r: (status: Int, body: String)) -> String {
            r.status == 200 ? String(r.body.prefix(1)) : String(r.status)
        }
        #expect(backend(try get(env, "app.example.com", "/")) == "a")
        #expect(backend(try get(env, "app.example.com", "/api")) == "b")
        #expect(backend(try get(env, "app.example.com", "/api/x")) == "b")
        #expect(backend(try get(env, "app.example.com", "/apix")) == "a", "PathPrefix is segment-wise")
        #expect(backend(try get(env, "app.example.com", "/api/exact")) == "a", "Exact beats a longer-matching prefix")
        #expect(backend(try get(env, "app.example.com", "/m")) == "a")
        #expect(backend(try get(env, "app.example.com", "/m", ["-X", "POST"])) == "b", "method match")
        #expect(backend(try get(env, "app.example.com", "/m", ["-H", "X-Env: canary"])) == "b", "header match")
        #expect(backend(try get(env, "app.example.com", "/m", ["-H", "X-Env: stable"])) == "a")
        #expect(backend(try get(env, "app.example.com", "/m?v=2")) == "b", "query match")
        #expect(backend(try get(env, "app.example.com", "/re/42")) == "b", "regular expression")
        #expect(backend(try get(env, "app.example.com", "/re/x")) == "a")
        #expect(
            backend(try get(env, "other.example.com", "/anyhost")) == "b", "a route without hostnames serves any host")
        #expect(backend(try get(env, "other.example.com", "/")) == "404")
        #expect(backend(try get(env, "x.wild.example.com", "/", port: env.port + 1)) == "b", "wildcard listener")
        #expect(backend(try get(env, "a.b.wild.example.com", "/", port: env.port + 1)) == "b")
        #expect(backend(try get(env, "wild.example.com", "/", port: env.port + 1)) == "404")

        // The one matcher agrees with nginx: for every request the Gateway logged, the route and rule it served are
        // the ones the core's router decides for the same method, host and target.
        let store = try Store(directory: env.0.cli.state)
        let graph = try Reconciler(store: store, config: ControllerConfig()).currentGraph()
        let gateway = try #require(graph.gateways.first)
        let log = try #require(DataplaneManager(stateDirectory: store.directory).requestLog(gateway: "default/gw"))
        let records = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap {
            RequestRecord.parse($0)
        }
        #expect(records.count >= 16)
        // The log has no request headers: requests a header match took are left out.
        let headerRules = Set(
            graph.routes.flatMap { route in
                route.rules.filter { ($0.source.matches ?? []).contains { !($0.headers ?? []).isEmpty } }.map {
                    "\(route.ref.namespacedName) \($0.index)"
                }
            })
        for record in records where !record.route.isEmpty && !headerRules.contains("\(record.route) \(record.rule)") {
            var unserved = record
            unserved.route = ""
            unserved.rule = ""
            let decided = RequestRouting.assign(unserved, gateway: gateway.ref, graph: graph)
            #expect(
                decided.route == record.route && decided.rule == record.rule,
                "\(record.method) \(record.host)\(record.uri): nginx served \(record.route) rule \(record.rule), the router says \(decided.route) rule \(decided.rule)"
            )
        }
    }

    @Test("filters: request and response headers, redirect, rewrite; weights; 500 and 503")
    func filtersAndWeights() throws {
        let env = try setUp(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: filters}
            spec:
              parentRefs: [{name: gw, sectionName: http}]
              hostnames: [f.example.com]
              rules:
              - matches: [{path: {value: /headers}}]
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [{name: X-Added, value: "v$1 \\"q\\" ; return 200 pwned;"}]
                    remove: [X-Remove]
                - type: ResponseHeaderModifier
                  responseHeaderModifier:
                    add: [{name: X-Resp, value: yes}]
                    remove: [X-Backend]
                backendRefs: [{name: svc-a, port: 80}]
              - matches: [{path: {value: /old}}]
                filters: [{type: RequestRedirect, requestRedirect: {hostname: new.example.com, statusCode: 301, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]
              - matches: [{path: {value: /rewrite}}]
                filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /inner}}}]
                backendRefs: [{name: svc-a, port: 80}]
              - matches: [{path: {value: /split}}]
                backendRefs: [{name: svc-a, port: 80, weight: 80}, {name: svc-b, port: 80, weight: 20}]
              - matches: [{path: {value: /broken}}]
                backendRefs: [{name: missing, port: 80}]
              - matches: [{path: {value: /empty}}]
                backendRefs: [{name: svc-empty, port: 80}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc-empty}
            spec:
              ports: [{port: 80}]
            """)
        let headers = try get(env, "f.example.com", "/headers", ["-H", "X-Remove: gone", "-i"])
        #expect(headers.status == 200)
        #expect(
            headers.body.contains("x=v$1 \"q\" ; return 200 pwned; h=\n"),
            "the value arrives literally: \(headers.body)")
        #expect(headers.body.lowercased().contains("x-resp: yes"))
        #expect(!headers.body.lowercased().contains("x-backend:"))
        let redirect = try get(env, "f.example.com", "/old/page?q=1", ["-i"])
        #expect(redirect.status == 301)
        // The listener's port as the Gateway declares it (80: left out), not where the port offset binds it.
        #expect(redirect.body.contains("Location: http://new.example.com/new/page?q=1"), "\(redirect.body)")
        #expect(try get(env, "f.example.com", "/rewrite/x").body.hasPrefix("a uri=/inner/x "))
        var counts = ["a": 0, "b": 0]
        for _ in 0..<200 {
            let r = try get(env, "f.example.com", "/split")
            counts[String(r.body.prefix(1)), default: 0] += 1
        }
        #expect((130...190).contains(counts["a"]!), "80/20 split: \(counts)")
        #expect(counts["a"]! + counts["b"]! == 200)
        #expect(try get(env, "f.example.com", "/broken").status == 500)
        #expect(try get(env, "f.example.com", "/empty").status == 503)
    }
}
