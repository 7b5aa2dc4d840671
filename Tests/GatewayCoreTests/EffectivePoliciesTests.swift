import Foundation
import GatewayAPI
import Testing

@testable import GatewayCore

/// The NGF settings in effect on a route, a Gateway and a Service, and which policy each came from.
@Suite struct EffectivePoliciesTests {
    static func ngfPolicy(_ kind: String, _ name: String, target: String, spec: String) -> String {
        let targetKind = target.split(separator: "/")[0]
        let targetName = target.split(separator: "/")[1]
        let group = targetKind == "Service" ? "''" : "gateway.networking.k8s.io"
        let ref =
            kind == "ClientSettingsPolicy"
            ? "  targetRef: {group: \(group), kind: \(targetKind), name: \(targetName)}"
            : "  targetRefs: [{group: \(group), kind: \(targetKind), name: \(targetName)}]"
        return """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: \(kind)
            metadata: {name: \(name), namespace: default}
            spec:
            \(ref)
            \(spec)
            ---

            """
    }

    static let htpasswd = "YWRtaW46JGFwcjEkYWJjZGVmZ2gkMDEyMzQ1Njc4OTAxMjM0NTY3ODkwMQ=="

    static let yaml =
        gateway() + route("with-own", hostnames: "[\"a.example.com\"]")
        + route(
            "inherits", hostnames: "[\"b.example.com\"]",
            rules: """
                  - filters:
                    - {type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: basic}}
                    - {type: CORS, cors: {allowOrigins: ["https://*.example.com"], allowMethods: [GET, POST]}}
                    backendRefs: [{name: secure-app, port: 8443}]
                """)
        + service()
            + """
            apiVersion: v1
            kind: Secret
            metadata: {name: users, namespace: default}
            type: Opaque
            data: {auth: \(htpasswd)}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: AuthenticationFilter
            metadata: {name: basic, namespace: default}
            spec: {type: Basic, basic: {secretRef: {name: users}, realm: Restricted}}
            ---

            """
        + ngfPolicy(
            "ClientSettingsPolicy", "gateway-csp", target: "Gateway/gateway",
            spec: "  body: {maxSize: \"50\", timeout: 30s}")
        + ngfPolicy(
            "ClientSettingsPolicy", "route-csp", target: "HTTPRoute/with-own", spec: "  body: {maxSize: \"75\"}")
        + ngfPolicy(
            "RateLimitPolicy", "gateway-rl", target: "Gateway/gateway",
            spec:
                "  rateLimit: {logLevel: warn, local: {rules: [{rate: 10r/s, key: $binary_remote_addr}, {rate: 100r/s, key: $server_name}]}}"
        )
        + ngfPolicy(
            "RateLimitPolicy", "route-rl", target: "HTTPRoute/with-own",
            spec: "  rateLimit: {local: {rules: [{rate: 1r/s, burst: 3, key: $binary_remote_addr}]}}")
        + ngfPolicy(
            "UpstreamSettingsPolicy", "upstream", target: "Service/secure-app",
            spec: "  zoneSize: 1m\n  keepAlive: {connections: 16}\n  loadBalancingMethod: least_conn")

    static let gatewayCSP = ObjectRef(
        group: "gateway.nginx.org", kind: "ClientSettingsPolicy", namespace: "default", name: "gateway-csp")
    static let routeCSP = ObjectRef(
        group: "gateway.nginx.org", kind: "ClientSettingsPolicy", namespace: "default", name: "route-csp")
    static let gatewayRL = ObjectRef(
        group: "gateway.nginx.org", kind: "RateLimitPolicy", namespace: "default", name: "gateway-rl")
    static let routeRL = ObjectRef(
        group: "gateway.nginx.org", kind: "RateLimitPolicy", namespace: "default", name: "route-rl")

    func graph() throws -> Graph { GraphBuilder.build(try snapshot(Self.yaml), config: ControllerConfig()) }

    func routeNode(_ graph: Graph, _ name: String) throws -> RouteNode {
        try #require(
            graph.route(ObjectRef(group: Gateway.group, kind: "HTTPRoute", namespace: "default", name: name)))
    }

    @Test("a route's own ClientSettingsPolicy overrides its Gateway's maxSize; the Gateway's other fields stay")
    func routeOverrides() throws {
        let graph = try graph()
        let settings = EffectivePolicies.route(try routeNode(graph, "with-own"), in: graph)
        let maxSize = try #require(settings.first { $0.field == "body.maxSize" })
        #expect(
            maxSize
                == EffectiveSetting(
                    kind: .clientSettings, field: "body.maxSize", value: "75", origin: Self.routeCSP,
                    overridden: [Self.gatewayCSP]))
        #expect(settings.filter { $0.field == "body.maxSize" }.count == 1)
        #expect(
            settings.first { $0.field == "body.timeout" }
                == EffectiveSetting(kind: .clientSettings, field: "body.timeout", value: "30s", origin: Self.gatewayCSP)
        )
    }

    @Test("a route without a policy of its own gets its Gateway's settings")
    func routeInherits() throws {
        let graph = try graph()
        let settings = EffectivePolicies.routePolicies(try routeNode(graph, "inherits"), in: graph)
        #expect(
            settings.first { $0.field == "body.maxSize" }
                == EffectiveSetting(kind: .clientSettings, field: "body.maxSize", value: "50", origin: Self.gatewayCSP))
        #expect(
            settings.filter { $0.kind == .rateLimit }.map { "\($0.field)=\($0.value)" } == [
                "rateLimit.local.rules[0]=10r/s key $binary_remote_addr",
                "rateLimit.local.rules[1]=100r/s key $server_name", "rateLimit.logLevel=warn",
            ])
    }

    @Test("a route's limit_req rules replace all its Gateway's rules; the Gateway's log level stays")
    func rateLimitRulesReplaceAsAWhole() throws {
        let graph = try graph()
        let settings = EffectivePolicies.route(try routeNode(graph, "with-own"), in: graph).filter {
            $0.kind == .rateLimit
        }
        #expect(
            settings == [
                EffectiveSetting(
                    kind: .rateLimit, field: "rateLimit.local.rules[0]", value: "1r/s burst 3 key $binary_remote_addr",
                    origin: Self.routeRL, overridden: [Self.gatewayRL]),
                EffectiveSetting(kind: .rateLimit, field: "rateLimit.logLevel", value: "warn", origin: Self.gatewayRL),
            ])
    }

    @Test("a Gateway's settings are its own policies'")
    func gatewaySettings() throws {
        let graph = try graph()
        let gateway = try #require(graph.gateway(.gateway("default", "gateway")))
        let settings = EffectivePolicies.gateway(gateway, in: graph)
        #expect(settings.map(\.origin).allSatisfy { $0 == Self.gatewayCSP || $0 == Self.gatewayRL })
        #expect(settings.map(\.field).prefix(2) == ["body.maxSize", "body.timeout"])
        #expect(settings.allSatisfy { $0.overridden.isEmpty })
    }

    @Test("a Service's UpstreamSettingsPolicy settings")
    func serviceSettings() throws {
        let graph = try graph()
        let settings = EffectivePolicies.service(.service("default", "secure-app"), in: graph)
        #expect(
            settings.map { "\($0.field)=\($0.value)" } == [
                "zoneSize=1m", "keepAlive.connections=16", "loadBalancingMethod=least_conn",
            ])
        #expect(settings.allSatisfy { $0.kind == .upstreamSettings && $0.origin.name == "upstream" })
        #expect(EffectivePolicies.service(.service("default", "nothing"), in: graph).isEmpty)
    }

    @Test("a rule's filters: the AuthenticationFilter's realm from the filter, CORS from the route")
    func ruleFilters() throws {
        let graph = try graph()
        let route = try routeNode(graph, "inherits")
        let settings = EffectivePolicies.ruleFilters(route, in: graph)
        #expect(
            settings == [
                EffectiveSetting(
                    kind: nil, field: "rules[0].basic.realm", value: "Restricted",
                    origin: ObjectRef(
                        group: "gateway.nginx.org", kind: "AuthenticationFilter", namespace: "default", name: "basic")),
                EffectiveSetting(
                    kind: nil, field: "rules[0].cors.allowOrigins", value: "https://*.example.com", origin: route.ref),
                EffectiveSetting(kind: nil, field: "rules[0].cors.allowMethods", value: "GET,POST", origin: route.ref),
            ])
        #expect(EffectivePolicies.route(route, in: graph).suffix(3) == settings[...])
    }

    @Test("a conflicted policy sets nothing; its Accepted condition says why")
    func conflicted() throws {
        let yaml =
            Self.yaml
            + Self.ngfPolicy(
                "ClientSettingsPolicy", "late", target: "Gateway/gateway", spec: "  body: {maxSize: \"10\"}")
        let graph = GraphBuilder.build(try snapshot(yaml), config: ControllerConfig())
        let settings = EffectivePolicies.route(try routeNode(graph, "inherits"), in: graph)
        #expect(settings.filter { $0.field == "body.maxSize" }.map(\.value) == ["50"])
        let late = try #require(graph.ngfPolicies.first { $0.ref.name == "late" })
        let accepted = late.accepted(target: .gateway("default", "gateway"))
        #expect(accepted.status == .false && accepted.reason?.rawValue == "Conflicted")
        let upstream = try #require(graph.ngfPolicies.first { $0.ref.name == "upstream" })
        #expect(upstream.accepted(target: .service("default", "secure-app")).status == .true)
    }
}
