import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Testing

/// `explain` on graphs made from manifests: the listener, the route and rule, the status the config answers by
/// itself, the backends and their TLS, and why every other candidate and listener lost. No nginx.
@Suite("Explain")
struct ExplanationTests {
    static func explain(
        _ yaml: String, host: String, target: String, method: String = "GET", port: Int = 80
    ) throws -> Explanation? {
        let input = try DoctorRulesTests.input(yaml)
        let gateway = try #require(input.graph.gateways.first)
        return Explanation.explain(
            RoutedRequest(method: method, host: host, target: target), port: port, gateway: gateway,
            graph: input.graph)
    }

    @Test("the guide after its policy: the route, its backend, and the TLS nginx speaks to it")
    func guide() throws {
        let e = try #require(
            try Self.explain(
                DoctorRulesTests.gateway + DoctorRulesTests.policy, host: "secure-app.example.com", target: "/"))
        #expect(e.gateway == "default/gateway" && e.listener == "http")
        #expect(
            e.route?.kind == "HTTPRoute" && e.route?.name == "default/secure-app" && e.route?.rule == 0
                && e.route?.match == 0)
        #expect(e.status == nil, "the backend decides")
        #expect(
            e.backends.map { "\($0.name):\($0.port ?? 0) \($0.weight) \($0.problem ?? "")" } == [
                "default/secure-app:8443 1 "
            ])
        #expect(e.backendTLS?.policy == "default/backend-tls" && e.backendTLS?.hostname == "secure-app.example.com")
        #expect(e.backendTLS?.ca == ["ConfigMap default/backend-cert"])
        #expect(e.nginx.server == "listen 80; server_name secure-app.example.com")
        #expect(e.text.contains("Taken by HTTPRoute default/secure-app rule 0 match 0"))
        // A host the listener does not take: no explanation (the CLI says which Gateway and port).
        #expect(try Self.explain(DoctorRulesTests.gateway, host: "other.org", target: "/") == nil)
    }

    static let rules = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: nginx}
        spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: nginx
          listeners:
          - {name: http, port: 80, protocol: HTTP}
          - {name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}
          - {name: tls, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: none}]}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app}
        spec:
          parentRefs: [{name: gw, sectionName: http}]
          rules:
          - matches: [{path: {value: /old}}]
            filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /new}, statusCode: 301}}]
          - matches: [{path: {value: /missing}}]
            backendRefs: [{name: nowhere, port: 80}]
          - matches: [{path: {value: /m}, method: POST}]
            backendRefs: [{name: nowhere, port: 80}]
        """

    @Test("the status the config answers itself: a redirect's code, 500 for a backend that does not resolve, 404")
    func statuses() throws {
        #expect(try Self.explain(Self.rules, host: "a.example.com", target: "/old/x")?.status == 301)
        let missing = try #require(try Self.explain(Self.rules, host: "a.example.com", target: "/missing"))
        #expect(missing.status == 500 && missing.backends.first?.problem?.contains("does not exist") == true)
        let none = try #require(try Self.explain(Self.rules, host: "a.example.com", target: "/m"))
        #expect(none.status == 404 && none.route == nil)
        #expect(none.candidates.contains { $0.rule == 2 && $0.reason == "method GET is not POST" })
        #expect(none.candidates.contains { $0.rule == 0 && $0.reason == "path /m is not PathPrefix /old" })
        #expect(
            none.otherListeners.contains {
                $0.listener.hasSuffix("listener shop")
                    && $0.reason.hasPrefix("hostname shop.example.com does not match")
            })
    }

    @Test("listener isolation: the most specific listener takes its host; the others say why not")
    func listeners() throws {
        let shop = try #require(try Self.explain(Self.rules, host: "shop.example.com", target: "/old"))
        #expect(shop.listener == "shop" && shop.route == nil, "no route on the shop listener: 404")
        #expect(
            shop.otherListeners.contains {
                $0.listener.hasSuffix("listener http") && $0.reason.hasPrefix("listener isolation")
            })
        #expect(
            shop.otherListeners.contains {
                $0.listener.hasSuffix("listener tls") && $0.reason.hasPrefix("not programmed")
            })
    }
}
