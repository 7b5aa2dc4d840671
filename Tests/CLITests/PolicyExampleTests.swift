import Foundation
import Testing

/// NGF's policy and filter examples (Fixtures/guides/ngf-policies, unchanged) run on the embedded default with
/// `scenario run`, then the effects their guides document, through the Gateway with the real curl: a body over the
/// limit is refused with 413, 401 without credentials and 200 with the guide's, 503s past a rate, an upstream's
/// zone and keep-alive, a snippet's 403, CORS headers, an authorization service's verdict.
@Suite("NGF's policy examples", .serialized)
struct PolicyExampleTests {
    static let folder = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/guides/ngf-policies").path

    /// `up` (with `extra`), the example's scenario (every step must pass), then `body` with the Gateway's address.
    static func run(
        _ example: String, up extra: [String] = [], _ body: (LiveDataplane, _ ip: String, _ port: Int) throws -> Void
    ) throws {
        let live = LiveDataplane()
        defer {
            _ = try? live.run(["down"])
            live.keepRunning = true
            try? FileManager.default.removeItem(atPath: live.cli.state)
        }
        #expect(try live.run(["up"] + extra).status == 0)
        let run = try live.run(["scenario", "run", folder + "/" + example])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Scenario \(example): all "), "\(run.stdout)")
        let status = try live.run(["status"]).stdout
        let gateway = try #require(LiveDataplane.gatewayVariables(status), "\(status)")
        try body(live, gateway.ip, gateway.port)
    }

    /// `gwconsole probe` of a path on cafe.example.com through the Gateway.
    static func probe(_ live: LiveDataplane, _ ip: String, _ port: Int, _ path: String, _ extra: [String] = []) throws
        -> String
    {
        try live.run(
            ["probe", "http://cafe.example.com:\(port)\(path)", "--resolve", "cafe.example.com:\(port):\(ip)"] + extra
        ).stdout
    }

    static func post(_ ip: String, _ port: Int, _ path: String, bytes: Int, extra: [String] = []) throws -> (
        status: Int, body: String
    ) {
        try LiveDataplane.curl(
            host: "cafe.example.com", ip: ip, port: port, path: path,
            extra: ["-X", "POST", "--data", String(repeating: "x", count: bytes)] + extra)
    }

    @Test("client-settings-policy: the Gateway's 50-byte limit, the tea route's 75 over it, and their status")
    func clientSettings() throws {
        try Self.run("client-settings-policy") { live, ip, port in
            // The guide's payloads: 54 bytes over the Gateway's 50, 33 under, 67 between 50 and tea's 75.
            let over = try Self.post(ip, port, "/coffee", bytes: 54)
            #expect(over.status == 413)
            #expect(over.body.contains("<head><title>413 Request Entity Too Large</title></head>"), "\(over.body)")
            #expect(over.body.contains("<hr><center>nginx</center>"), "\(over.body)")
            let under = try Self.post(ip, port, "/coffee", bytes: 33)
            #expect(under.status == 200 && under.body.contains("Server name: coffee-"), "\(under)")
            #expect(try Self.post(ip, port, "/tea", bytes: 67).status == 200)
            #expect(try Self.post(ip, port, "/coffee", bytes: 67).status == 413)
            #expect(try Self.post(ip, port, "/tea", bytes: 80).status == 413)
            // The route's policy has the route as its ancestor; the Gateway's, the Gateway; the GRPCRoute one
            // targets a route that does not exist and gets no status (as NGF writes none).
            let tea = try live.run(["get", "clientsettingspolicy", "tea-client-settings", "-o", "json"]).stdout
            #expect(tea.contains("\"kind\": \"HTTPRoute\"") && tea.contains("\"The Policy is accepted\""), "\(tea)")
            let grpc = try live.run(["get", "clientsettingspolicy", "grpc-client-settings", "-o", "json"]).stdout
            #expect(!grpc.contains("\"ancestors\""), "\(grpc)")
            let route = try live.run(["get", "httproute", "tea", "-o", "json"]).stdout
            #expect(route.contains("\"ClientSettingsPolicyAffected\""), "\(route)")
            let config = try live.run(["render"]).stdout
            #expect(
                config.contains("# ClientSettingsPolicy default/tea-client-settings\n        client_max_body_size 75;"))
            // probe says which policy refused the body.
            let probe = try Self.probe(
                live, ip, port, "/coffee", ["-d", "this payload is greater than fifty bytes by four bytes"])
            #expect(
                probe.contains(
                    "413: the body (54 bytes) is over client_max_body_size 50 bytes, from body.maxSize 50 of ClientSettingsPolicy default/gateway-client-settings (on its Gateway)"
                ), "\(probe)")
            let teaProbe = try Self.probe(live, ip, port, "/tea", ["-d", String(repeating: "x", count: 80)])
            #expect(
                teaProbe.contains("body.maxSize 75 of ClientSettingsPolicy default/tea-client-settings (on the route)"))
        }
    }

    @Test("basic-authentication: 401 without credentials or with a wrong password, the guide's user1 gets coffee")
    func basicAuthentication() throws {
        try Self.run("basic-authentication") { live, ip, port in
            let anonymous = try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/coffee")
            #expect(anonymous.status == 401)
            #expect(anonymous.body.contains("<title>401 Authorization Required</title>"), "\(anonymous.body)")
            let wrong = try LiveDataplane.curl(
                host: "cafe.example.com", ip: ip, port: port, path: "/coffee", extra: ["-u", "user1:wrong"])
            #expect(wrong.status == 401)
            let user = try LiveDataplane.curl(
                host: "cafe.example.com", ip: ip, port: port, path: "/coffee", extra: ["-u", "user1:password1"])
            #expect(user.status == 200 && user.body.contains("Server name: coffee-"), "\(user)")
            let tea = try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/tea")
            #expect(tea.status == 200 && tea.body.contains("Server name: tea-"), "\(tea)")
            let probe = try Self.probe(live, ip, port, "/coffee")
            #expect(
                probe.contains(
                    "401: AuthenticationFilter default/basic-auth (Basic, realm \"Restricted basic-auth\") on HTTPRoute default/cafe-routes rule 0"
                ), "\(probe)")
            #expect(try Self.probe(live, ip, port, "/coffee", ["-u", "user1:password1"]).contains("Status:   200"))
            let filter = try live.run(["get", "authenticationfilter", "basic-auth", "-o", "json"]).stdout
            #expect(filter.contains("\"The AuthenticationFilter is accepted\""), "\(filter)")
            // The htpasswd file is a secret: written 0600, its content never in `render`.
            let files = try live.run(["render"]).stdout
            #expect(files.contains("auth_basic \"Restricted basic-auth\";"), "\(files)")
        }
    }

    @Test("rate-limit-policy: tea past the Gateway's 10r/s gets 503s; coffee's 1r/s with burst 3 delays, never refuses")
    func rateLimit() throws {
        try Self.run("rate-limit-policy") { live, ip, port in
            var statuses: [Int] = []
            for _ in 0..<10 {
                statuses.append(
                    try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/tea").status)
            }
            // A curl process per request may take over 100 ms on a busy machine (under the rate): only what it
            // answers is checked here; the 503s come from the burst below, ten requests in one process.
            #expect(statuses.contains(200), "\(statuses)")
            #expect(Set(statuses).isSubset(of: [200, 503]), "\(statuses)")
            let burst = try Self.probe(live, ip, port, "/tea", ["--repeat", "10"])
            #expect(
                burst.contains(
                    "requests refused by RateLimitPolicy default/gateway-rate-limit (on its Gateway): rate 10r/s per $binary_remote_addr (limit_req_status 503)"
                ), "\(burst)")
            // 1r/s with a burst of 3: the 4 requests after the first are queued, each about 1 s after the last.
            let start = Date()
            var coffee: [Int] = []
            for _ in 0..<4 {
                coffee.append(
                    try LiveDataplane.curl(
                        host: "cafe.example.com", ip: ip, port: port, path: "/coffee", extra: ["-m", "10"]
                    )
                    .status)
            }
            #expect(coffee.allSatisfy { $0 == 200 }, "\(coffee)")
            #expect(Date().timeIntervalSince(start) > 2, "burst 3 at 1r/s queues the requests")
            let config = try live.run(["render"]).stdout
            #expect(
                config.contains(
                    "limit_req_zone $binary_remote_addr zone=default_rl_route-rate-limit_rule0:10m rate=1r/s;"),
                "\(config)")
            #expect(config.contains("limit_req zone=default_rl_route-rate-limit_rule0 burst=3;"))
        }
    }

    @Test("upstream-settings-policy: the 1m zone on both Services' upstreams, 32 keep-alive connections to coffee")
    func upstreamSettings() throws {
        try Self.run("upstream-settings-policy") { live, ip, port in
            let config = try live.run(["render"]).stdout
            #expect(config.contains("zone default_coffee_80 1m;"), "\(config)")
            #expect(config.contains("zone default_tea_80 1m;"))
            #expect(config.contains("# UpstreamSettingsPolicy default/upstream-keepalives\n    keepalive 32;"))
            let coffee = try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/coffee")
            #expect(coffee.status == 200 && coffee.body.contains("Server name: coffee-"), "\(coffee)")
            // The guide's NGINX Plus method: invalid on NGINX OSS, with the methods it has.
            let plus = try live.run(
                ["apply", "-f", "-"],
                stdin: """
                    apiVersion: gateway.nginx.org/v1alpha1
                    kind: UpstreamSettingsPolicy
                    metadata: {name: lb-method}
                    spec:
                      targetRefs: [{group: core, kind: Service, name: coffee}]
                      loadBalancingMethod: "random two least_time=header"
                    """)
            #expect(plus.status == 0, "\(plus.stderr)")
            let policy = try live.run(["get", "upstreamsettingspolicy", "lb-method", "-o", "json"]).stdout
            #expect(
                policy.contains(
                    "spec.loadBalancingMethod: Invalid value: \\\"random two least_time=header\\\": NGINX OSS supports the following load balancing methods:"
                ), "\(policy)")
        }
    }

    @Test("snippets (with --snippets): the SnippetsFilter's limit_except refuses coffee's POST with 403")
    func snippets() throws {
        try Self.run("snippets", up: ["--snippets"]) { live, ip, port in
            let post = try LiveDataplane.curl(
                host: "cafe.example.com", ip: ip, port: port, path: "/coffee", extra: ["-X", "POST"])
            #expect(post.status == 403)
            #expect(post.body.contains("<title>403 Forbidden</title>"), "\(post.body)")
            #expect(try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/coffee").status == 200)
            let tea = try LiveDataplane.curl(
                host: "cafe.example.com", ip: ip, port: port, path: "/tea", extra: ["-X", "POST"])
            #expect(tea.status == 200 && tea.body.contains("Server name: tea-"), "\(tea)")
            let config = try live.run(["render"]).stdout
            #expect(
                config.contains(
                    "# SnippetsPolicy default/limit-conn-sp\n    limit_conn_zone $binary_remote_addr zone=addr:10m;"))
            let policy = try live.run(["get", "httproute", "coffee", "-o", "json"]).stdout
            #expect(policy.contains("\"All references are resolved\""), "\(policy)")
        }
    }

    @Test("cors-filter: an allowed origin is echoed with credentials; another origin gets no Allow-Origin")
    func cors() throws {
        try Self.run("cors-filter") { live, ip, port in
            func preflight(_ origin: String) throws -> String {
                try LiveDataplane.curl(
                    host: "cafe.example.com", ip: ip, port: port, path: "/coffee",
                    extra: ["-X", "OPTIONS", "-D", "-", "-o", "/dev/null", "-H", "Origin: \(origin)"]
                ).body
            }
            let allowed = try preflight("https://www.foo.com")
            #expect(allowed.hasPrefix("HTTP/1.1 200 OK"), "\(allowed)")
            for line in [
                "Access-Control-Allow-Origin: https://www.foo.com", "Access-Control-Allow-Methods: GET, POST",
                "Access-Control-Allow-Headers: Keep-Alive, Content-Type, User-Agent, Authorization",
                "Access-Control-Expose-Headers: Content-Security-Policy", "Access-Control-Allow-Credentials: true",
                "Access-Control-Max-Age: 10",
            ] {
                #expect(allowed.contains(line), "\(line) in \(allowed)")
            }
            #expect(try preflight("https://api.bar.com").contains("Access-Control-Allow-Origin: https://api.bar.com"))
            let other = try preflight("https://example.com")
            #expect(!other.contains("Access-Control-Allow-Origin") && !other.contains("Allow-Credentials"), "\(other)")
            #expect(other.contains("Access-Control-Allow-Methods: GET, POST"))
            let probe = try Self.probe(
                live, ip, port, "/coffee", ["-X", "OPTIONS", "-H", "Origin: https://www.foo.com"])
            #expect(
                probe.contains(
                    "CORS filter on HTTPRoute default/coffee-cors rule 0 (allowOrigins https://www.foo.com, https://*.bar.com): Access-Control-Allow-Origin: https://www.foo.com"
                ),
                "\(probe)")
        }
    }

    @Test("external-authentication: the auth service's verdict by X-Api-Key, 413 past forwardBody's 1024 bytes")
    func externalAuthentication() throws {
        try Self.run("external-authentication") { _, ip, port in
            let denied = try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/coffee")
            #expect(denied.status == 401)
            #expect(denied.body.contains("<title>401 Authorization Required</title>"), "\(denied.body)")
            let wrong = try LiveDataplane.curl(
                host: "cafe.example.com", ip: ip, port: port, path: "/coffee", extra: ["-H", "X-Api-Key: nope"])
            #expect(wrong.status == 401)
            let allowed = try LiveDataplane.curl(
                host: "cafe.example.com", ip: ip, port: port, path: "/coffee",
                extra: ["-H", "X-Api-Key: my-custom-secret"])
            #expect(allowed.status == 200 && allowed.body.contains("Server name: coffee-"), "\(allowed)")
            let large = try Self.post(ip, port, "/coffee", bytes: 1100, extra: ["-H", "X-Api-Key: my-custom-secret"])
            #expect(large.status == 413)
            let tea = try LiveDataplane.curl(host: "cafe.example.com", ip: ip, port: port, path: "/tea")
            #expect(tea.status == 200 && tea.body.contains("Server name: tea-"), "\(tea)")
        }
    }

    @Test(
        "proxy-settings-policy's policies on a backend with 12 KB of headers: 502 with nginx's buffer, still 502 with the Gateway's 4k, 200 with coffee's 16k"
    )
    func proxySettings() throws {
        // The example's app (golang running main.go) listens on every address: it needs a network of its own (a
        // sandboxed pod). Its policies are applied as they are to a local backend that sends the same large header.
        let live = LiveDataplane()
        defer {
            _ = try? live.run(["down"])
            live.keepRunning = true
            try? FileManager.default.removeItem(atPath: live.cli.state)
        }
        let backend = live.backendAddress(1)
        try live.startBackend(
            name: "large-header", address: backend, port: 8080,
            // 12 KB of headers (nginx takes at most 4 KB per parameter): over the 4k and 8k buffers, under 16k.
            body: "location / { "
                + (1...4).map { "add_header X-Large-\($0) \(String(repeating: "X", count: 3000));" }.joined(
                    separator: " ")
                + " return 200 \"coffee\\n\"; }")
        #expect(try live.run(["up"]).status == 0)
        let example = Self.folder + "/proxy-settings-policy"
        for file in ["gateway.yaml", "httproutes.yaml"] {
            #expect(try live.run(["apply", "-f", example + "/" + file]).status == 0)
        }
        let services = """
            apiVersion: v1
            kind: Service
            metadata: {name: coffee}
            spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
            ---
            \(LiveDataplane.endpointSlice(service: "coffee", portName: "http", port: 8080, addresses: [backend]))
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: services).status == 0)
        let gateway = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        func coffee() throws -> Int {
            try LiveDataplane.curl(host: "cafe.example.com", ip: gateway.ip, port: gateway.port, path: "/coffee").status
        }
        #expect(try coffee() == 502)
        #expect(try live.run(["apply", "-f", example + "/gateway-proxy-settings.yaml"]).status == 0)
        #expect(try coffee() == 502)
        #expect(
            try live.run(["render"]).stdout.contains(
                "# ProxySettingsPolicy default/gateway-proxy-settings\n    proxy_buffer_size 4k;"))
        #expect(try live.run(["apply", "-f", example + "/coffee-proxy-settings.yaml"]).status == 0)
        #expect(try coffee() == 200)
        let route = try live.run(["get", "httproute", "coffee", "-o", "json"]).stdout
        #expect(route.contains("\"ProxySettingsPolicyAffected\""), "\(route)")
    }
}
