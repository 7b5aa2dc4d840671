import Foundation
import Testing

/// GRPCRoutes end to end: NGF's grpc-routing example replayed on the embedded default with grpc-swift greeters in
/// the pods, gRPC probes through the Gateway's plain port (which still answers HTTP/1.1), bad probe input, what
/// `get`, the pods' logs and the request log say.
@Suite("gRPC routing", .serialized)
struct GRPCRoutingTests {
    static let example = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/guides/ngf-grpc-routing")
        .path
    static let proto = example + "/grpc.proto"

    /// LiveDataplane's harness (`up` in the test, `down` when done); its state directory is removed after `down`.
    static func withDataplane(_ body: (LiveDataplane) throws -> Void) throws {
        let live = LiveDataplane()
        defer {
            _ = try? live.run(["down"])
            // Stopped above: its deinit must not run `down` again (which would make the state directory anew).
            live.keepRunning = true
            try? FileManager.default.removeItem(atPath: live.cli.state)
        }
        try body(live)
    }

    /// Runs `body` until it gives a value or `seconds` pass; the last attempt's value (nil) otherwise.
    static func eventually<T>(_ seconds: Double = 30, _ body: () throws -> T?) rethrows -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let value = try body() { return value }
            if Date() >= deadline { return nil }
            usleep(200_000)
        }
    }

    /// The greeter's log lines (`Received: NAME`), by the Deployment's name.
    static func received(_ live: LiveDataplane, _ deployment: String) throws -> [String] {
        try live.run(["logs", deployment]).stdout.split(separator: "\n").compactMap { line in
            line.range(of: "Received: ").map { String(line[$0.lowerBound...]) }
        }
    }

    /// `probe grpc://ADDRESS/helloworld.Greeter/METHOD` with the example's .proto.
    static func call(
        _ live: LiveDataplane, _ address: String, authority: String, data: String? = nil,
        method: String = "helloworld.Greeter/SayHello", proto: String = proto, extra: [String] = []
    ) throws -> CLI.Result {
        try live.run(
            ["probe", "grpc://\(address)/\(method)", "--proto", proto, "--authority", authority]
                + (data.map { ["-d", $0] } ?? []) + extra)
    }

    @Test(
        "NGF's grpc-routing example: every step passes, and each call reached the greeter the README's pod logs show"
    )
    func example() throws {
        try Self.withDataplane { live in
            #expect(try live.run(["up"]).status == 0)
            let run = try live.run(["scenario", "run", Self.example])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.hasPrefix("Scenario ngf-grpc-routing: gRPC Routing Example\n"), "\(run.stdout)")
            #expect(run.stdout.hasSuffix("Scenario ngf-grpc-routing: all 15 steps passed\n"), "\(run.stdout)")
            let port = 80 + live.portOffset
            for call in [
                "-authority bar.com -d '{\"name\": \"exact\"}'",
                "-authority foo.bar.com -d '{\"name\": \"foo bar server\"}'",
                "-authority bar.com -H 'version: two' -H 'color: orange' -d '{\"name\": \"version two orange\"}'",
            ] {
                #expect(
                    run.stdout.contains("✓ grpcurl -plaintext -proto grpc.proto \(call) \(live.base)."), "\(call)")
            }
            #expect(run.stdout.contains(":\(port) helloworld.Greeter/SayHello\n"), "\(run.stdout)")
            #expect(run.stdout.contains("✓ pod grpc-infra-backend-v2: Ready is True"))

            // What the README's kubectl logs show: bar.com and the exact method on v1, foo.bar.com on v2; by header,
            // version one and (more header matches win) version two with orange on v1, version two and the regex on v2.
            let v1 = try Self.received(live, "grpc-infra-backend-v1")
            let v2 = try Self.received(live, "grpc-infra-backend-v2")
            #expect(
                v1 == [
                    "Received: exact", "Received: bar server", "Received: version one", "Received: version two orange",
                ], "\(v1)")
            #expect(
                v2 == ["Received: foo bar server", "Received: version two", "Received: version two regex"], "\(v2)")
            // Each cleanup step deleted its Gateway and routes.
            let left = try live.run(["get", "gateways,grpcroutes", "-o", "name"]).stdout
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test(
        "probe makes the call through the plain port and names the route that served it; the port still answers HTTP/1.1; get, pod logs and the request log"
    )
    func exactMethodProbe() throws {
        try Self.withDataplane { live in
            #expect(try live.run(["up"]).status == 0)
            let applied = try live.run([
                "apply", "-f", Self.example + "/helloworld.yaml", "-f", Self.example + "/exact-method.yaml",
            ])
            #expect(applied.status == 0, "\(applied.stderr)")
            let variables = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
            #expect(variables.port == 80 + live.portOffset)
            let address = "\(variables.ip):\(variables.port)"

            // The call, once the greeter is up: grpcurl's output, the status and what served it.
            let probe = try Self.eventually {
                let result = try Self.call(live, address, authority: "bar.com", data: #"{"name":"exact"}"#)
                return result.status == 0 ? result : nil
            }
            let answered = try #require(probe, "no successful call within 30 s")
            #expect(answered.stdout.hasPrefix("{\n  \"message\": \"Hello exact\"\n}\n"), "\(answered.stdout)")
            #expect(
                answered.stdout.contains(
                    "plaintext (h2c) \(address) authority bar.com /helloworld.Greeter/SayHello\ngrpc-status 0 OK in "),
                "\(answered.stdout)")
            #expect(
                answered.stdout.contains(
                    "served by: GRPCRoute default/exact-matching rule 0 → Service default/grpc-infra-backend-v1:8080 ("),
                "\(answered.stdout)")
            #expect(try Self.received(live, "grpc-infra-backend-v1").contains("Received: exact"))

            // The same port speaks HTTP/1.1 (and HTTP/2 without gRPC): nginx's own 404 where no route is.
            let http1 = try LiveDataplane.curl(
                host: "bar.com", ip: variables.ip, port: variables.port, path: "/", extra: ["--http1.1", "-i"])
            #expect(http1.status == 404, "\(http1.body)")
            #expect(
                http1.body.hasPrefix("HTTP/1.1 404 Not Found\n") && http1.body.contains("<center>nginx"),
                "\(http1.body)")
            let h2c = try LiveDataplane.curl(
                host: "bar.com", ip: variables.ip, port: variables.port, path: "/nowhere",
                extra: ["--http2-prior-knowledge", "-i"])
            #expect(h2c.status == 404 && h2c.body.hasPrefix("HTTP/2 404"), "\(h2c.body)")

            // The route by name: its method, through its listener.
            let byRoute = try live.run(["probe", "--route", "grpcroute/exact-matching", "-d", #"{"name":"by route"}"#])
            #expect(byRoute.status == 0, "\(byRoute.stdout)\(byRoute.stderr)")
            #expect(byRoute.stdout.contains("\"message\": \"Hello by route\""), "\(byRoute.stdout)")
            #expect(byRoute.stdout.contains("served by: GRPCRoute default/exact-matching rule 0"))

            let routes = try live.run(["get", "grpcroutes"]).stdout.split(separator: "\n").map(String.init)
            #expect(routes.count == 2, "\(routes)")
            #expect(
                routes.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                    "NAME", "HOSTNAMES", "PARENTS", "ACCEPTED", "RESOLVED", "AGE",
                ], "\(routes)")
            #expect(
                routes.last?.hasPrefix("exact-matching               same-namespace   True       True       ") == true,
                "\(routes)")

            // The request log: the calls with their route and grpc-status, the HTTP/1.1 request without one.
            let log = try #require(
                Self.eventually(5) {
                    let text = try live.run(["logs", "--gateway", "same-namespace"]).stdout
                    return text.contains("/nowhere") ? text : nil
                })
            let calls = log.split(separator: "\n").filter { $0.contains("POST bar.com/helloworld.Greeter/SayHello") }
            #expect(!calls.isEmpty, "\(log)")
            #expect(
                calls.last?.contains("  200 ← ") == true
                    && calls.last?.hasSuffix("GRPCRoute default/exact-matching rule 0  grpc-status 0 OK") == true,
                "\(log)")
            let get = log.split(separator: "\n").first { $0.contains("GET bar.com/  404") }
            #expect(get?.contains("grpc-status") == false, "\(log)")
            let json = try live.run(["logs", "--gateway", "same-namespace", "-o", "json"]).stdout
            #expect(
                json.contains(#""grpcStatus":"0""#) && json.contains(#""route":"GRPCRoute default/exact-matching""#))
        }
    }

    @Test("an authority no listener serves: exit 1 with grpcurl's Unimplemented, and no route named")
    func unknownAuthority() throws {
        try Self.withDataplane { live in
            #expect(try live.run(["up"]).status == 0)
            #expect(
                try live.run(["apply", "-f", Self.example + "/helloworld.yaml", "-f", Self.example + "/hostname.yaml"])
                    .status == 0)
            let variables = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
            let address = "\(variables.ip):\(variables.port)"
            let served = try Self.eventually {
                let result = try Self.call(live, address, authority: "foo.bar.com", data: #"{"name":"foo"}"#)
                return result.status == 0 ? result : nil
            }
            #expect(
                served?.stdout.contains(
                    "served by: GRPCRoute default/backend-v2 rule 0 → Service default/grpc-infra-backend-v2:8080")
                    == true, "\(served?.stdout ?? "no successful call")")

            let unknown = try Self.call(live, address, authority: "nope.example.com", data: #"{"name":"nobody"}"#)
            #expect(unknown.status == 1, "\(unknown.stdout)\(unknown.stderr)")
            #expect(unknown.stdout.hasPrefix("ERROR:\n  Code: Unimplemented\n  Message: "), "\(unknown.stdout)")
            #expect(unknown.stdout.contains("grpc-status 12 Unimplemented"), "\(unknown.stdout)")
            #expect(unknown.stdout.contains("served by: no route (nginx answered 404)"), "\(unknown.stdout)")
            #expect(try !Self.received(live, "grpc-infra-backend-v1").contains("Received: nobody"))
            #expect(try !Self.received(live, "grpc-infra-backend-v2").contains("Received: nobody"))
        }
    }

    @Test(
        "bad probe input is named before anything is sent: a .proto syntax error at file:line:column, an unknown method with the service's methods, a JSON field the message lacks"
    )
    func badInput() throws {
        try Self.withDataplane { live in
            #expect(try live.run(["up"]).status == 0)
            #expect(
                try live.run([
                    "apply", "-f", Self.example + "/helloworld.yaml", "-f", Self.example + "/exact-method.yaml",
                ])
                .status == 0)
            let variables = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
            let address = "\(variables.ip):\(variables.port)"
            #expect(
                try Self.eventually { try Self.call(live, address, authority: "bar.com").status == 0 ? true : nil }
                    == true)
            // The request log once it has that call (nginx writes a line as the call ends).
            let before = try #require(
                Self.eventually(5) {
                    let text = try live.run(["logs", "--gateway", "same-namespace"]).stdout
                    return text.contains("grpc-status 0 OK") ? text : nil
                })

            let broken = live.backendDir + "-broken.proto"
            defer { try? FileManager.default.removeItem(atPath: broken) }
            try """
            syntax = "proto3";
            package helloworld;
            service Greeter {
              rpc SayHello (HelloRequest) returns HelloReply {}
            }
            """.write(toFile: broken, atomically: true, encoding: .utf8)
            let syntax = try Self.call(live, address, authority: "bar.com", proto: broken)
            #expect(syntax.status == 1)
            #expect(
                syntax.stderr
                    == "error: cannot parse \(broken):4:39: expected '(' after 'returns', found 'HelloReply'\n",
                "\(syntax.stderr)")

            let method = try Self.call(live, address, authority: "bar.com", method: "helloworld.Greeter/SayGoodbye")
            #expect(method.status == 1)
            #expect(
                method.stderr == "error: service helloworld.Greeter has no method SayGoodbye (methods: SayHello)\n",
                "\(method.stderr)")

            let field = try Self.call(live, address, authority: "bar.com", data: #"{"nam": "typo"}"#)
            #expect(field.status == 1)
            #expect(
                field.stderr.hasPrefix("error: the request (-d) does not fit the method's input message: ")
                    && field.stderr.contains("helloworld.HelloRequest has no known field named nam"), "\(field.stderr)")
            #expect(field.stdout.isEmpty && method.stdout.isEmpty && syntax.stdout.isEmpty)

            // None of them reached nginx.
            #expect(try live.run(["logs", "--gateway", "same-namespace"]).stdout == before)
            #expect(try !Self.received(live, "grpc-infra-backend-v1").contains("Received: typo"))
        }
    }
}
