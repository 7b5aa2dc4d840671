import Foundation
import Testing

@testable import GatewayAPI

/// GRPCRoute (gateway.networking.k8s.io/v1): decoded strictly, validated as the CRD's schema and CEL rules do, each
/// problem named with its file, line, column and field; defaulted as the API server does.
@Suite("GRPCRoute decoding")
struct GRPCRouteDecodingTests {
    /// A GRPCRoute `r` on Gateway `gw`: `rules` is the YAML under `rules:`, indented two spaces. Its first rule is
    /// on line 7.
    func route(_ rules: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: r}
        spec:
          parentRefs: [{name: gw}]
          rules:
        \(rules)
        """
    }

    func decoded(_ yaml: String) throws -> GRPCRoute {
        let objects = try decode(yaml, file: "r.yaml")
        #expect(objects.count == 1 && objects[0].type.kind == "GRPCRoute")
        return try GRPCRoute.decode(objects[0].object)
    }

    @Test("NGF's exact-method route decodes as written")
    func exactMethod() throws {
        let route = try decoded(
            route(
                """
                  - matches:
                    - method: {service: helloworld.Greeter, method: SayHello}
                    backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
                """))
        let rule = try #require(route.spec.rules?.first)
        #expect(rule.matches?.first?.method?.service == "helloworld.Greeter")
        #expect(rule.matches?.first?.method?.method == "SayHello")
        #expect(rule.backendRefs?.first?.name == "grpc-infra-backend-v1" && rule.backendRefs?.first?.port == 8080)
    }

    @Test("defaults: method and header match type Exact; backendRef group, kind and weight; parentRef group and kind")
    func defaults() throws {
        let route = try decoded(
            route(
                """
                  - matches:
                    - method: {service: helloworld.Greeter, method: SayHello}
                      headers: [{name: version, value: one}]
                    - headers: [{name: color, value: "blu.", type: RegularExpression}]
                    backendRefs: [{name: v1, port: 8080}, {name: v2, port: 8080, weight: 3, kind: Service}]
                  - backendRefs: [{name: v2, port: 8080}]
                """))
        let parent = try #require(route.spec.parentRefs?.first)
        #expect(parent.group == "gateway.networking.k8s.io" && parent.kind == "Gateway")
        #expect(parent.namespace == nil && parent.sectionName == nil)
        let rules = try #require(route.spec.rules)
        let matches = try #require(rules[0].matches)
        #expect(matches[0].method?.type == .exact)
        #expect(matches[0].headers?.first?.type == .exact)
        // A type the manifest gives is kept; a match without a method gets none.
        #expect(matches[1].headers?.first?.type == .regularExpression)
        #expect(matches[1].method == nil)
        let backends = try #require(rules[0].backendRefs)
        #expect(backends[0].group == "" && backends[0].kind == "Service" && backends[0].weight == 1)
        #expect(backends[1].weight == 3)
        // A rule without matches keeps none (it takes every call), and its backend is defaulted too.
        #expect(rules[1].matches == nil)
        #expect(rules[1].backendRefs?.first?.kind == "Service" && rules[1].backendRefs?.first?.weight == 1)
    }

    @Test("a method match with neither service nor method is refused at the method")
    func emptyMethodMatch() {
        let errors = decodeErrors(
            route(
                """
                  - matches:
                    - method: {type: Exact}
                    backendRefs: [{name: v1, port: 8080}]
                """), file: "r.yaml")
        #expect(
            errors == [
                "r.yaml:8:15: spec.rules[0].matches[0].method: Invalid value: One or both of 'service' or 'method' must be specified"
            ])
        // Without a type too (it defaults to Exact, where the rule applies).
        let untyped = decodeErrors(route("  - matches: [{method: {}}]\n    backendRefs: [{name: v1, port: 8080}]"))
        #expect(untyped.count == 1 && untyped[0].contains("One or both of 'service' or 'method' must be specified"))
    }

    @Test("an Exact service or method with characters gRPC names cannot have is refused; a RegularExpression is not")
    func invalidNames() {
        let errors = decodeErrors(
            route(
                """
                  - matches:
                    - method:
                        service: helloworld/Greeter
                        method: SayHello
                    - method:
                        service: helloworld.Greeter
                        method: Say-Hello
                    backendRefs: [{name: v1, port: 8080}]
                """), file: "r.yaml")
        #expect(
            errors == [
                #"r.yaml:9:9: spec.rules[0].matches[0].method: Invalid value: service must only contain valid characters (matching ^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$)"#,
                #"r.yaml:12:9: spec.rules[0].matches[1].method: Invalid value: method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)"#,
            ])
        // gRPC's names: a leading dot, underscores and digits after the first character.
        #expect(
            decodeErrors(
                route(
                    "  - matches: [{method: {service: .pkg_1.v2.Greeter_, method: _Say2}}]\n    backendRefs: [{name: v1, port: 8080}]"
                )
            ).isEmpty)
        for bad in ["1pkg.Greeter", "pkg..Greeter", "pkg.Greeter.", "pkg.Gréeter"] {
            let found = decodeErrors(
                route(
                    "  - matches: [{method: {service: \"\(bad)\", method: SayHello}}]\n    backendRefs: [{name: v1, port: 8080}]"
                ))
            #expect(found.count == 1 && found[0].contains("service must only contain valid characters"), "\(bad)")
        }
        // A RegularExpression service is a pattern, not a name: the CRD does not check its characters.
        #expect(
            decodeErrors(
                route(
                    "  - matches: [{method: {type: RegularExpression, service: \"helloworld/.*\", method: \"Say.*\"}}]\n    backendRefs: [{name: v1, port: 8080}]"
                )
            ).isEmpty)
    }

    @Test("a filter type GRPCRoute does not take (RequestRedirect, URLRewrite) is refused with the types it takes")
    func unsupportedFilters() {
        let supported =
            #"supported values: "ResponseHeaderModifier", "RequestHeaderModifier", "RequestMirror", "ExtensionRef""#
        let errors = decodeErrors(
            route(
                """
                  - filters:
                    - type: RequestRedirect
                      requestRedirect: {hostname: example.com}
                    - type: URLRewrite
                      urlRewrite: {hostname: example.com}
                    backendRefs: [{name: v1, port: 8080}]
                """), file: "r.yaml")
        #expect(
            errors == [
                "r.yaml:8:13: spec.rules[0].filters[0].type: Unsupported value: \"RequestRedirect\": \(supported)",
                "r.yaml:10:13: spec.rules[0].filters[1].type: Unsupported value: \"URLRewrite\": \(supported)",
            ])
        // On a backendRef too.
        let backend = decodeErrors(
            route(
                """
                  - backendRefs:
                    - name: v1
                      port: 8080
                      filters: [{type: RequestRedirect, requestRedirect: {statusCode: 301}}]
                """), file: "r.yaml")
        #expect(
            backend == [
                "r.yaml:10:24: spec.rules[0].backendRefs[0].filters[0].type: Unsupported value: \"RequestRedirect\": \(supported)"
            ])
        // The four it takes decode.
        #expect(
            decodeErrors(
                route(
                    """
                      - filters:
                        - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-a, value: b}]}}
                        - {type: ResponseHeaderModifier, responseHeaderModifier: {remove: [x-b]}}
                        - {type: RequestMirror, requestMirror: {backendRef: {name: v2, port: 8080}}}
                        - {type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: SnippetsFilter, name: s}}
                        backendRefs: [{name: v1, port: 8080}]
                    """)
            ).isEmpty)
    }

    /// `count` rules, each with `matches` header matches.
    func rules(_ count: Int, matches: Int = 0) -> String {
        (0..<count).map { index in
            let list = (0..<matches).map { "{headers: [{name: h, value: v\($0)}]}" }.joined(separator: ", ")
            return (matches > 0 ? "  - matches: [\(list)]\n    " : "  - ")
                + "backendRefs: [{name: v\(index), port: 8080}]"
        }.joined(separator: "\n")
    }

    @Test("at most 16 rules")
    func tooManyRules() {
        #expect(decodeErrors(route(rules(16))).isEmpty)
        #expect(
            decodeErrors(route(rules(17)), file: "r.yaml") == [
                "r.yaml:7:3: spec.rules: Too many: 17: must have at most 16 items"
            ])
    }

    @Test("at most 128 matches across all rules (64 in one rule)")
    func tooManyMatches() {
        // Two rules of 64: 128, the most the CEL rule allows.
        #expect(decodeErrors(route(rules(2, matches: 64))).isEmpty)
        let errors = decodeErrors(route(rules(2, matches: 64) + "\n" + rules(1, matches: 1)), file: "r.yaml")
        #expect(
            errors == [
                "r.yaml:7:3: spec.rules: Invalid value: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128"
            ])
        let one = decodeErrors(route(rules(1, matches: 65)), file: "r.yaml")
        #expect(one == ["r.yaml:7:14: spec.rules[0].matches: Too many: 65: must have at most 64 items"])
    }

    @Test("rule names are unique within the route; the second one is named")
    func duplicateRuleNames() {
        let errors = decodeErrors(
            route(
                """
                  - name: greeter
                    backendRefs: [{name: v1, port: 8080}]
                  - name: other
                    backendRefs: [{name: v1, port: 8080}]
                  - name: greeter
                    backendRefs: [{name: v2, port: 8080}]
                """), file: "r.yaml")
        #expect(errors == ["r.yaml:11:11: spec.rules[2].name: Duplicate value: \"greeter\""])
        #expect(
            decodeErrors(
                route(
                    "  - name: a\n    backendRefs: [{name: v1, port: 1}]\n  - name: b\n    backendRefs: [{name: v1, port: 1}]"
                )
            ).isEmpty)
    }

    @Test("an HTTPRoute's fields on a GRPCRoute are unknown fields, named with their position")
    func httpFields() {
        let errors = decodeErrors(
            route(
                "  - matches: [{path: {value: /helloworld.Greeter/SayHello}}]\n    backendRefs: [{name: v1, port: 1}]"),
            file: "r.yaml")
        #expect(
            errors.count == 1 && errors[0].hasPrefix("r.yaml:7:16: spec.rules[0].matches[0].path: unknown field"),
            "\(errors)")
    }
}
