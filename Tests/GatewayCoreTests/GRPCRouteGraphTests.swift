import Foundation
import GatewayAPI
import Testing

@testable import GatewayCore

/// A GRPCRoute `name` in `default`: `rules` is the YAML under `rules:`, indented two spaces.
func grpcRoute(
    _ name: String = "greeter", parent: String = "- name: gateway", hostnames: String? = nil,
    rules: String = "  - backendRefs: [{name: greeter, port: 8080}]"
) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: GRPCRoute
    metadata:
      name: \(name)
    spec:
      parentRefs:
      \(parent)
    \(hostnames.map { "  hostnames: \($0)\n" } ?? "")  rules:
    \(rules)
    ---

    """
}

let greeter = service("greeter", portName: "grpc", port: 8080)

/// GRPCRoutes in the graph as NGF builds them (internal/controller/state/graph/grpcroute.go): attached to HTTP and
/// HTTPS listeners, method matches NGF cannot serve dropped with its field errors, rule names ignored, backends
/// resolved as an HTTPRoute's are; and each route's rules as the HTTP rules that serve them.
@Suite("GRPCRoute in the graph")
struct GRPCRouteGraphTests {
    /// The conditions of the route's first parent, as `Type=Status/Reason`.
    func conditions(_ status: [String: JSONValue], _ route: String) -> [String] {
        summary(status["GRPCRoute default/\(route)"]?["parents"]?.arrayValue?.first?["conditions"])
    }

    func message(_ status: [String: JSONValue], _ route: String, type: String) -> String? {
        status["GRPCRoute default/\(route)"]?["parents"]?.arrayValue?.first?["conditions"]?.arrayValue?
            .first { $0["type"]?.stringValue == type }?["message"]?.stringValue
    }

    func kinds(_ listener: JSONValue?) -> [String] {
        (listener?["supportedKinds"]?.arrayValue ?? []).map {
            "\($0["group"]?.stringValue ?? "")/\($0["kind"]?.stringValue ?? "")"
        }
    }

    @Test("NGF's exact-method example is accepted; the status names the parent as the API server defaulted it")
    func exactMethod() throws {
        let (_, status) = try statuses(
            gateway()
                + grpcRoute(
                    "exact-matching",
                    rules: """
                          - matches:
                            - method: {service: helloworld.Greeter, method: SayHello}
                            backendRefs: [{name: greeter, port: 8080}]
                        """) + greeter)
        #expect(conditions(status, "exact-matching") == baseAccepted)
        let parent = status["GRPCRoute default/exact-matching"]?["parents"]?.arrayValue?.first
        #expect(parent?["parentRef"]?["kind"]?.stringValue == "Gateway")
        #expect(parent?["parentRef"]?["name"]?.stringValue == "gateway")
        #expect(parent?["controllerName"]?.stringValue == ControllerConfig.defaultControllerName)
    }

    @Test("HTTP and HTTPS listeners list HTTPRoute and GRPCRoute as supported kinds; allowedRoutes.kinds narrows them")
    func supportedKinds() throws {
        let (_, status) = try statuses(
            tlsSecret
                + gateway(
                    listeners: """
                          - name: http
                            port: 80
                            protocol: HTTP
                          - name: grpc-only
                            port: 8080
                            protocol: HTTP
                            allowedRoutes: {kinds: [{kind: GRPCRoute}]}
                        """ + "\n" + httpsListener))
        let listeners = status["Gateway default/gateway"]?["listeners"]?.arrayValue ?? []
        let byName = Dictionary(uniqueKeysWithValues: listeners.map { ($0["name"]?.stringValue ?? "", $0) })
        let both = ["gateway.networking.k8s.io/HTTPRoute", "gateway.networking.k8s.io/GRPCRoute"]
        #expect(kinds(byName["http"]) == both)
        #expect(kinds(byName["https"]) == both)
        #expect(kinds(byName["grpc-only"]) == ["gateway.networking.k8s.io/GRPCRoute"])
        #expect(summary(byName["grpc-only"]?["conditions"]) == listenerOK)
    }

    @Test("a listener whose allowedRoutes.kinds is [HTTPRoute] refuses a GRPCRoute: NotAllowedByListeners")
    func notAllowedByListeners() throws {
        let (graph, status) = try statuses(
            gateway(
                listeners: """
                      - name: http
                        port: 80
                        protocol: HTTP
                        allowedRoutes: {kinds: [{kind: HTTPRoute}]}
                    """) + grpcRoute() + greeter)
        #expect(
            conditions(status, "greeter") == ["Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs"])
        #expect(message(status, "greeter", type: "Accepted")?.contains("listener http") == true)
        let listener = status["Gateway default/gateway"]?["listeners"]?.arrayValue?.first
        #expect(listener?["attachedRoutes"]?.intValue == 0)
        #expect(graph.gateways.first?.listener("http")?.attachedRoutes == [])
    }

    @Test(
        "NGF's hostname example: a GRPCRoute-only listener and a listener of both kinds on one port, each route on its own"
    )
    func hostnameExample() throws {
        let (graph, status) = try statuses(
            gateway(
                "grpcroute-listener-hostname-matching",
                listeners: """
                      - name: listener-1
                        port: 80
                        protocol: HTTP
                        allowedRoutes: {namespaces: {from: Same}, kinds: [{kind: GRPCRoute}]}
                        hostname: bar.com
                      - name: listener-2
                        port: 80
                        protocol: HTTP
                        allowedRoutes: {namespaces: {from: Same}}
                        hostname: foo.bar.com
                    """)
                + grpcRoute(
                    "backend-v1",
                    parent: "- name: grpcroute-listener-hostname-matching\n    sectionName: listener-1",
                    rules: "  - backendRefs: [{name: greeter, port: 8080}]")
                + grpcRoute(
                    "backend-v2",
                    parent: "- name: grpcroute-listener-hostname-matching\n    sectionName: listener-2",
                    rules: "  - backendRefs: [{name: greeter, port: 8080}]") + greeter)
        #expect(conditions(status, "backend-v1") == baseAccepted)
        #expect(conditions(status, "backend-v2") == baseAccepted)
        let listeners = status["Gateway default/grpcroute-listener-hostname-matching"]?["listeners"]?.arrayValue ?? []
        #expect(listeners.map { $0["attachedRoutes"]?.intValue } == [1, 1])
        let route = try #require(
            graph.route(
                ObjectRef(group: GRPCRoute.group, kind: GRPCRoute.kind, namespace: "default", name: "backend-v1")))
        #expect(route.parents.first?.listeners == ["listener-1"])
    }

    @Test(
        "a RegularExpression method match drops its rule with NGF's field error: PartiallyInvalid when another rule stands"
    )
    func regexMethodDropped() throws {
        let (graph, status) = try statuses(
            gateway()
                + grpcRoute(
                    rules: """
                          - matches: [{method: {service: helloworld.Greeter, method: SayHello}}]
                            backendRefs: [{name: greeter, port: 8080}]
                          - matches: [{method: {type: RegularExpression, service: "helloworld\\\\..*", method: "Say.*"}}]
                            backendRefs: [{name: greeter, port: 8080}]
                        """) + greeter)
        #expect(
            conditions(status, "greeter") == [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs", "PartiallyInvalid=True/UnsupportedValue",
            ])
        #expect(
            message(status, "greeter", type: "PartiallyInvalid")
                == #"Dropped Rule(s): rule 1: spec.rules[1].matches[0].method.type: Unsupported value: "RegularExpression": supported values: "Exact""#
        )
        let route = try #require(graph.routes.first)
        #expect(route.rules.map { $0.dropped == nil } == [true, false])
    }

    @Test("a service-only method match is refused (NGF needs both names): all rules invalid → Accepted=False")
    func serviceOnlyAllInvalid() throws {
        let (_, status) = try statuses(
            gateway()
                + grpcRoute(
                    rules: """
                          - matches: [{method: {service: helloworld.Greeter}}]
                            backendRefs: [{name: greeter, port: 8080}]
                        """) + greeter)
        #expect(conditions(status, "greeter") == ["Accepted=False/UnsupportedValue", "ResolvedRefs=True/ResolvedRefs"])
        #expect(
            message(status, "greeter", type: "Accepted")
                == "All rules are invalid: rule 0: spec.rules[0].matches[0].method.method: Required value: method is required"
        )
        // A method-only match lacks the service; both problems of one rule are listed in one message.
        let (_, methodOnly) = try statuses(
            gateway()
                + grpcRoute(
                    rules: """
                          - matches:
                            - method: {method: SayHello}
                            - method: {type: RegularExpression, method: "Say.*"}
                            backendRefs: [{name: greeter, port: 8080}]
                        """) + greeter)
        #expect(
            message(methodOnly, "greeter", type: "Accepted")
                == #"All rules are invalid: rule 0: spec.rules[0].matches[0].method.service: Required value: service is required, spec.rules[0].matches[1].method.type: Unsupported value: "RegularExpression": supported values: "Exact""#
        )
        // Nothing is attached: the listener counts no route.
        let listener = methodOnly["Gateway default/gateway"]?["listeners"]?.arrayValue?.first
        #expect(listener?["attachedRoutes"]?.intValue == 0)
    }

    @Test("rule names are ignored: Accepted=True with reason UnsupportedField naming each named rule")
    func ruleNames() throws {
        let (graph, status) = try statuses(
            gateway()
                + grpcRoute(
                    rules: """
                          - name: first
                            backendRefs: [{name: greeter, port: 8080}]
                          - backendRefs: [{name: greeter, port: 8080}]
                          - name: third
                            backendRefs: [{name: greeter, port: 8080}]
                        """) + greeter)
        #expect(conditions(status, "greeter") == ["Accepted=True/UnsupportedField", "ResolvedRefs=True/ResolvedRefs"])
        #expect(
            message(status, "greeter", type: "Accepted")
                == "The following unsupported parameters were ignored: spec.rules[0].name: Forbidden: Name, spec.rules[2].name: Forbidden: Name"
        )
        // Ignored, not dropped: every rule is served, and the route counts on its listener.
        #expect(graph.routes.first?.rules.allSatisfy { $0.dropped == nil } == true)
        #expect(graph.gateways.first?.listener("http")?.attachedRoutes.map(\.name) == ["greeter"])
    }

    @Test("a rule name on a route no listener takes: the refusal stands (the ignored field is not news)")
    func ruleNameOnRefusedRoute() throws {
        let (_, status) = try statuses(
            gateway(
                listeners:
                    "  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes: {kinds: [{kind: HTTPRoute}]}")
                + grpcRoute(rules: "  - name: first\n    backendRefs: [{name: greeter, port: 8080}]") + greeter)
        #expect(
            conditions(status, "greeter") == ["Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs"])
    }

    @Test("backends resolve as an HTTPRoute's: a missing Service is BackendNotFound, a missing port too")
    func backendNotFound() throws {
        let (_, status) = try statuses(gateway() + grpcRoute(rules: "  - backendRefs: [{name: nowhere, port: 8080}]"))
        #expect(conditions(status, "greeter") == ["Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound"])
        #expect(message(status, "greeter", type: "ResolvedRefs") == "Backend Service default/nowhere does not exist")
        let (_, port) = try statuses(
            gateway() + grpcRoute(rules: "  - backendRefs: [{name: greeter, port: 50051}]") + greeter)
        #expect(conditions(port, "greeter") == ["Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound"])
        #expect(message(port, "greeter", type: "ResolvedRefs")?.contains("has no port 50051 (ports: 8080)") == true)
    }

    @Test("a Service in another namespace needs a ReferenceGrant from GRPCRoute; one from HTTPRoute does not do")
    func referenceGrant() throws {
        func grant(from kind: String) -> String {
            """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: grpc, namespace: other}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: \(kind), namespace: default}]
              to: [{group: '', kind: Service}]
            ---

            """
        }
        let base =
            gateway() + grpcRoute(rules: "  - backendRefs: [{name: greeter, namespace: other, port: 8080}]")
            + service("greeter", namespace: "other", portName: "grpc", port: 8080)
        let (_, none) = try statuses(base)
        #expect(conditions(none, "greeter") == ["Accepted=True/Accepted", "ResolvedRefs=False/RefNotPermitted"])
        let (_, httpGrant) = try statuses(base + grant(from: "HTTPRoute"))
        #expect(conditions(httpGrant, "greeter") == ["Accepted=True/Accepted", "ResolvedRefs=False/RefNotPermitted"])
        let (graph, grpcGrant) = try statuses(base + grant(from: "GRPCRoute"))
        #expect(conditions(grpcGrant, "greeter") == baseAccepted)
        #expect(graph.routes.first?.rules.first?.backends.first?.service == .service("other", "greeter"))
    }

    @Test("a listener counts its HTTPRoutes and GRPCRoutes together")
    func attachedRoutes() throws {
        let (graph, status) = try statuses(
            gateway(
                listeners: """
                      - name: http
                        port: 80
                        protocol: HTTP
                      - name: grpc
                        port: 8080
                        protocol: HTTP
                        allowedRoutes: {kinds: [{kind: GRPCRoute}]}
                    """)
                + route("web", parent: "- name: gateway\n    sectionName: http", hostnames: "[web.example.com]")
                + grpcRoute("greeter", parent: "- name: gateway\n    sectionName: http")
                + grpcRoute("both", parent: "- name: gateway") + service() + greeter)
        let listeners = status["Gateway default/gateway"]?["listeners"]?.arrayValue ?? []
        // http: web, greeter and both; grpc: both (the HTTPRoute is not its kind, and names no section there).
        #expect(listeners.map { $0["attachedRoutes"]?.intValue } == [3, 1])
        #expect(
            graph.gateways.first?.listener("http")?.attachedRoutes.map { "\($0.kind) \($0.name)" } == [
                "GRPCRoute both", "GRPCRoute greeter", "HTTPRoute web",
            ])
        #expect(conditions(status, "both") == baseAccepted)
        // A GRPCRoute and an HTTPRoute of one name are two routes.
        let (same, sameStatus) = try statuses(
            gateway() + route("greeter", parent: "- name: gateway", hostnames: "[web.example.com]")
                + grpcRoute("greeter") + service() + greeter)
        #expect(same.routes.map(\.ref.kind).sorted() == ["GRPCRoute", "HTTPRoute"])
        #expect(
            sameStatus["Gateway default/gateway"]?["listeners"]?.arrayValue?.first?["attachedRoutes"]?.intValue == 2)
        #expect(conditions(sameStatus, "greeter") == baseAccepted)
        #expect(
            summary(sameStatus["HTTPRoute default/greeter"]?["parents"]?.arrayValue?.first?["conditions"])
                == baseAccepted)
    }

    @Test(
        "a GRPCRoute's rules as the HTTP rules that serve it: exact /SERVICE/METHOD paths, headers kept, no match is PathPrefix /"
    )
    func conversion() throws {
        let (graph, _) = try statuses(
            gateway()
                + grpcRoute(
                    rules: """
                          - matches:
                            - method: {service: helloworld.Greeter, method: SayHello}
                              headers: [{name: version, value: two}, {name: color, value: "o.*", type: RegularExpression}]
                            - headers: [{name: version, value: one}]
                            backendRefs: [{name: greeter, port: 8080}]
                          - backendRefs: [{name: greeter, port: 8080, weight: 2}]
                          - matches: [{method: {service: helloworld.Greeter, method: SayHello}}]
                            filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-a, value: b}]}}]
                            backendRefs: [{name: greeter, port: 8080}]
                        """) + greeter)
        let route = try #require(graph.routes.first)
        #expect(route.ref.kind == "GRPCRoute" && route.grpc != nil)
        let rules = route.rules.map(\.source)
        let first = try #require(rules[0].matches)
        #expect(first[0].path?.type == .exact && first[0].path?.value == "/helloworld.Greeter/SayHello")
        #expect(first[0].headers?.map(\.name) == ["version", "color"])
        #expect(first[0].headers?.map(\.value) == ["two", "o.*"])
        #expect(first[0].headers?.map(\.type) == [.exact, .regularExpression])
        // A headers-only match takes any method.
        #expect(first[1].path?.type == .pathPrefix && first[1].path?.value == "/")
        #expect(first[1].headers?.first?.value == "one")
        // No match: every call.
        let every = try #require(rules[1].matches)
        #expect(every.count == 1 && every[0].path?.type == .pathPrefix && every[0].path?.value == "/")
        #expect(every[0].headers == nil && every[0].method == nil && every[0].queryParams == nil)
        #expect(rules[1].backendRefs?.first?.weight == 2)
        // Filters and backends go along unchanged.
        #expect(rules[2].filters?.first?.type == .requestHeaderModifier)
        #expect(rules[2].filters?.first?.requestHeaderModifier?.set?.first?.name == "x-a")
        #expect(route.rules[2].backends.first?.service == .service("default", "greeter"))
        // The route as written is kept beside its conversion.
        #expect(route.grpc?.spec.rules?[0].matches?[0].method?.service == "helloworld.Greeter")
    }
}
