import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import NginxConfig

/// The one matcher: which route, rule and match take a request, as the rendered config decides (server by host,
/// location by path, then conditions in precedence order), and why each other match lost.
@Suite("Request router")
struct RequestRouterTests {
    static func decide(
        _ yaml: String, host: String = "example.com", target: String, method: String = "GET", headers: [String] = []
    ) throws -> RequestRouter.Decision {
        let graph = GraphBuilder.build(try snapshot(yaml), config: ControllerConfig())
        let gateway = try #require(graph.gateways.first)
        return RequestRouter.decide(
            RoutedRequest(method: method, host: host, target: target, headerLines: headers), port: 80,
            gateway: gateway, graph: graph)
    }

    static func route(_ name: String, hostnames: String = "", _ rules: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: \(name)}
        spec:
          parentRefs: [{name: gw}]
        \(hostnames.isEmpty ? "" : "  hostnames: [\(hostnames)]\n")  rules:
        \(rules)
        ---

        """
    }

    static let backend = "backendRefs: [{name: svc, port: 80}]"

    @Test("the most specific rule takes the request, not the first that matches (the backend probe's old bug)")
    func mostSpecific() throws {
        let yaml =
            baseObjects
            + Self.route(
                "r",
                """
                  - matches: [{path: {value: /}}]
                    \(Self.backend)
                  - matches: [{path: {value: /api}}]
                    \(Self.backend)
                  - matches: [{path: {type: Exact, value: /api/v1}}]
                    \(Self.backend)
                """)
        #expect(try Self.decide(yaml, target: "/api/x").match?.rule.index == 1)
        #expect(try Self.decide(yaml, target: "/api").match?.rule.index == 1)
        #expect(try Self.decide(yaml, target: "/apis").match?.rule.index == 0, "PathPrefix is segment-wise")
        // As nginx's $uri: decoded, slashes merged, dot segments resolved.
        #expect(try Self.decide(yaml, target: "/x/../api/v1").match?.rule.index == 2)
        #expect(try Self.decide(yaml, target: "//api//x").match?.rule.index == 1)
        #expect(try Self.decide(yaml, target: "/%61pi/v1").match?.rule.index == 2)
        let exact = try Self.decide(yaml, target: "/api/v1")
        #expect(exact.match?.rule.index == 2)
        let prefix = try #require(exact.losers.first { $0.match.rule.index == 1 })
        #expect(prefix.reason == "Exact beats PathPrefix", "\(prefix.reason)")
        let root = try #require(try Self.decide(yaml, target: "/api/x").losers.first { $0.match.rule.index == 0 })
        #expect(root.reason == "longer path /api beats /", "\(root.reason)")
        let other = try #require(try Self.decide(yaml, target: "/api/x").losers.first { $0.match.rule.index == 2 })
        #expect(other.reason == "path /api/x is not Exact /api/v1")
    }

    @Test("a dropped rule never takes a request (the backend probe's other bug)")
    func droppedRule() throws {
        let yaml =
            baseObjects
            + Self.route(
                "r",
                """
                  - matches: [{path: {value: /}}]
                    \(Self.backend)
                  - matches: [{path: {value: /x}}]
                    filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Unknown, name: f}}]
                    \(Self.backend)
                """)
        let decision = try Self.decide(yaml, target: "/x/y")
        #expect(decision.match?.rule.index == 0)
        #expect(!decision.losers.contains { $0.match.rule.index == 1 })
    }

    @Test("conditions: method, then more headers, then more query parameters; a mismatch names the value")
    func conditions() throws {
        let yaml =
            baseObjects
            + Self.route(
                "r",
                """
                  - matches: [{path: {value: /p}}]
                    \(Self.backend)
                  - matches: [{path: {value: /p}, headers: [{name: A, value: "1"}, {name: B, value: "2"}]}]
                    \(Self.backend)
                  - matches: [{path: {value: /p}, method: POST}]
                    \(Self.backend)
                  - matches: [{path: {value: /p}, queryParams: [{name: q, value: "x"}]}]
                    \(Self.backend)
                """)
        #expect(try Self.decide(yaml, target: "/p", method: "POST", headers: ["A: 1", "B: 2"]).match?.rule.index == 2)
        let two = try Self.decide(yaml, target: "/p", headers: ["a: 1", "B: 2"])
        #expect(two.match?.rule.index == 1, "header names are case-insensitive")
        #expect(
            two.losers.first { $0.match.rule.index == 2 }?.reason == "method GET is not POST")
        let one = try Self.decide(yaml, target: "/p?q=x", headers: ["A: 1"])
        #expect(one.match?.rule.index == 3)
        #expect(
            one.losers.first { $0.match.rule.index == 1 }?.reason
                == "header B: absent does not match \"2\"")
        #expect(try Self.decide(yaml, target: "/p?q=y").match?.rule.index == 0)
    }

    @Test(
        "header names as nginx's $http_ reads them: '-' and '_' alike in the route, a request header with '_' ignored; a regular expression that matches empty matches an absent header"
    )
    func headerNames() throws {
        let yaml =
            baseObjects
            + Self.route(
                "r",
                """
                  - matches: [{path: {value: /h}, headers: [{name: X-Env, value: canary}]}]
                    \(Self.backend)
                  - matches: [{path: {value: /h}, headers: [{name: X-Opt, type: RegularExpression, value: ".*"}]}]
                    \(Self.backend)
                """)
        #expect(try Self.decide(yaml, target: "/h", headers: ["x-env: canary"]).match?.rule.index == 0)
        #expect(
            try Self.decide(yaml, target: "/h", headers: ["X_Env: canary"]).match?.rule.index == 1,
            "nginx drops a header with an underscore; the absent X-Opt matches .*")
    }

    @Test("across routes: the older route wins a tie, then namespace/name; hostnames: exact before wildcard")
    func acrossRoutes() throws {
        let yaml =
            baseObjects + Self.route("b-route", "  - matches: [{path: {value: /same}}]\n    \(Self.backend)")
            + Self.route("a-route", "  - matches: [{path: {value: /same}}]\n    \(Self.backend)")
        let decision = try Self.decide(yaml, target: "/same")
        #expect(decision.match?.route.ref.name == "b-route", "created first")
        #expect(decision.losers.first?.reason.hasPrefix("older route (created ") == true)
        let untimed = GraphBuilder.build(try snapshot(yaml, timestamps: false), config: ControllerConfig())
        let byName = RequestRouter.decide(
            RoutedRequest(host: "example.com", path: "/same"), port: 80, gateway: untimed.gateways[0], graph: untimed)
        #expect(byName.match?.route.ref.name == "a-route")
        #expect(byName.losers.first?.reason == "alphabetical order of namespace/name")

        let hosts =
            baseObjects
            + Self.route("wild", hostnames: "\"*.example.com\"", "  - \(Self.backend)")
            + Self.route("exact", hostnames: "a.example.com", "  - \(Self.backend)")
        #expect(try Self.decide(hosts, host: "a.example.com", target: "/").match?.route.ref.name == "exact")
        #expect(try Self.decide(hosts, host: "b.example.com", target: "/").match?.route.ref.name == "wild")
        let none = try Self.decide(hosts, host: "other.org", target: "/")
        #expect(none.match == nil && none.serverFound && none.serverName == nil, "the default server: 404")
    }

    @Test("the recipe writes a request each rule takes: host the listener admits, path, exact headers, query, method")
    func recipe() throws {
        let yaml =
            baseObjects
            + Self.route(
                "r", hostnames: "\"*.example.com\", other.org",
                """
                  - matches: [{path: {type: RegularExpression, value: "^/re"}}, {path: {value: /p}, method: PUT, headers: [{name: X, value: "1"}], queryParams: [{name: q, value: v}]}]
                    \(Self.backend)
                  - matches: [{path: {type: RegularExpression, value: "^/only"}}]
                    \(Self.backend)
                """)
        let graph = GraphBuilder.build(try snapshot(yaml), config: ControllerConfig())
        let gateway = try #require(graph.gateways.first)
        let route = try #require(graph.routes.first)
        let request = try #require(RouteRequestRecipe.request(for: route, listener: gateway.listeners.first))
        #expect(request.host == "test.example.com" && request.target == "/p?q=v" && request.method == "PUT")
        #expect(request.headerLines == ["X: 1"])
        #expect(RouteRequestRecipe.request(for: route, listener: gateway.listeners.first, rule: 1) == nil)
        // What the recipe writes, the router sends to that rule.
        let decided = RequestRouter.decide(request, port: 80, gateway: gateway, graph: graph)
        #expect(decided.match?.rule.index == 0 && decided.match?.matchIndex == 1)
    }
}
