import Dataplane
import Foundation
import GatewayAPI
import Testing

/// `gwconsole explain` on a live data plane: the guide's request explained, sent, and the route that served it (from
/// the request log) the one explained; a path no route takes is a 404 with each candidate's reason.
@Suite("Explain", .serialized)
struct ExplainTests {
    @Test("the guide: explain names the route, rule, backend and its TLS; --send agrees; JSON in the documented shape")
    func guide() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let text = try live.run(["explain", "http://secure-app.example.com/", "--send"])
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.hasPrefix("Gateway default/gateway, listener http\n"), "\(text.stdout)")
        #expect(text.stdout.contains("Taken by HTTPRoute default/secure-app rule 0 match 0"))
        #expect(
            text.stdout.contains(
                "backend TLS: BackendTLSPolicy default/backend-tls: SNI secure-app.example.com, verified with ConfigMap default/backend-cert"
            ), "\(text.stdout)")
        #expect(text.stdout.contains("Sent: 200, served by HTTPRoute default/secure-app rule 0: as explained"))

        let json = try JSONReader.parse(
            try live.run(["explain", "http://secure-app.example.com/nothing/here", "-o", "json"]).stdout,
            file: "explain.json"
        ).toJSON()
        #expect(json["gateway"] == "default/gateway" && json["listener"] == "http")
        #expect(
            json["route"]?["name"] == "default/secure-app" && json["route"]?["rule"] == .int(0), "PathPrefix / takes it"
        )
        #expect(json["status"] == .null, "the backend decides: status is null")
        #expect(json["backendTLS"]?["hostname"] == "secure-app.example.com")
        #expect(json["nginx"]?["server"] == "listen 80; server_name secure-app.example.com")
        #expect(json["candidates"]?.arrayValue != nil && json["backends"]?.arrayValue?.count == 1)
        let header = try live.run(["explain", "-H", "NoColon", "http://secure-app.example.com/"])
        #expect(header.status == 1 && header.stderr.contains("-H NoColon: give 'Name: value'"))
        let hostless = try live.run(["explain", "http:///path"])
        #expect(hostless.status == 1 && hostless.stderr.contains("give an http:// or https:// URL"))
        let missing = try live.run(["explain", "http://nowhere.example.org:8081/"])
        #expect(missing.status == 1 && missing.stderr.contains("no Gateway has a listener on port 8081"))
    }

    /// The Gateway API's precedence between rules of different routes and of one route, as explain cases: the rule
    /// chosen, the loser's reason, and the data plane agreeing when each is sent.
    @Test("precedence transcribed from the spec: age, Exact, header count, longer prefix, method, name; each sent")
    func precedence() throws {
        let live = LiveDataplane()
        let base = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: nginx
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: zeta}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [prec.example.com]
              rules:
              - matches: [{path: {type: PathPrefix, value: /same}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /x}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /h}, headers: [{name: X-A, value: "1"}]}]
                backendRefs: [{name: svc, port: 80}]
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: base).status == 0)
        // The next routes are created a second later (the store's timestamps have seconds): zeta is older.
        let zeta = try Store(directory: live.cli.state).get(
            ObjectKey(groupKind: ResourceRegistry.httpRoute.groupKind, namespace: "default", name: "zeta"))
        let created = try #require(zeta).creationTimestamp
        let deadline = Date().addingTimeInterval(5)
        while Store.timestamp(Date()) == created && Date() < deadline { usleep(20_000) }
        let later = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: alpha}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [prec.example.com]
              rules:
              - matches: [{path: {type: PathPrefix, value: /same}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: Exact, value: /x}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /h}, headers: [{name: X-A, value: "1"}, {name: X-B, value: "2"}]}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /p}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /p/q}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /mm}, method: POST}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /mm}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /tie}}]
                backendRefs: [{name: svc, port: 80}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: beta}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [prec.example.com]
              rules:
              - matches: [{path: {type: PathPrefix, value: /tie}}]
                backendRefs: [{name: svc, port: 80}]
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: later).status == 0)
        #expect(try live.run(["up"]).status == 0)
        // (method, path, headers) → the route and rule that take it; a loser and its reason.
        let cases: [(String, String, [String], String, Int, String, Int, String)] = [
            ("GET", "/same/1", [], "default/zeta", 0, "default/alpha", 0, "older route (created "),
            ("GET", "/x", [], "default/alpha", 1, "default/zeta", 1, "Exact beats PathPrefix"),
            ("GET", "/h", ["X-A: 1", "X-B: 2"], "default/alpha", 2, "default/zeta", 2, "2 header matches beat 1"),
            ("GET", "/p/q/r", [], "default/alpha", 4, "default/alpha", 3, "longer path /p/q beats /p"),
            ("POST", "/mm", [], "default/alpha", 5, "default/alpha", 6, "a method match beats none"),
            ("GET", "/tie", [], "default/alpha", 7, "default/beta", 0, "alphabetical order of namespace/name"),
        ]
        for (method, path, headers, route, rule, loser, loserRule, reason) in cases {
            let arguments =
                ["explain", "-X", method] + headers.flatMap { ["-H", $0] } + [
                    "http://prec.example.com\(path)", "--send", "-o", "json",
                ]
            let result = try live.run(arguments)
            #expect(result.status == 0, "\(method) \(path): \(result.stdout)\(result.stderr)")
            let json = try JSONReader.parse(result.stdout, file: "explain.json").toJSON()
            #expect(
                json["route"]?["name"] == .string(route) && json["route"]?["rule"] == .int(Int64(rule)),
                "\(method) \(path): \(result.stdout)")
            let lost = (json["candidates"]?.arrayValue ?? []).first {
                $0["route"] == .string(loser) && $0["rule"] == .int(Int64(loserRule))
            }
            #expect(
                lost?["reason"]?.stringValue?.hasPrefix(reason) == true,
                "\(method) \(path): \(loser) rule \(loserRule) lost with: \(lost?["reason"]?.stringValue ?? "nothing")")
            #expect(json["sent"]?["agrees"] == .bool(true), "\(method) \(path): \(json["sent"] ?? .null)")
        }
    }
}
