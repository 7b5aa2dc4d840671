import Foundation
import Testing

@testable import GatewayAPI

/// TLSRoute, TCPRoute and UDPRoute: decoded strictly, validated as each version's CRD, defaulted as the API server
/// does.
@Suite("Layer-4 route kinds")
struct L4RouteDecodingTests {
    func route(_ kind: String, version: String = "v1", spec: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/\(version)
        kind: \(kind)
        metadata: {name: r}
        spec:
        \(spec)
        """
    }

    @Test("defaults: parentRef group and kind, backendRef group, kind and weight")
    func defaults() throws {
        let yaml = route(
            "TCPRoute", spec: "  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: coffee, port: 8081}]}]")
        let objects = try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: "r.yaml"))
        let decoded = try TCPRoute.decode(objects[0].object)
        #expect(decoded.spec.parentRefs?.first?.kind == "Gateway")
        #expect(decoded.spec.parentRefs?.first?.group == "gateway.networking.k8s.io")
        let backend = try #require(decoded.spec.rules.first?.backendRefs?.first)
        #expect(backend.group == "" && backend.kind == "Service" && backend.weight == 1)
    }

    @Test("v1 has one rule; v1alpha2 up to 16")
    func ruleCount() {
        let two = "  rules:\n  - backendRefs: [{name: a, port: 1}]\n  - backendRefs: [{name: b, port: 1}]"
        #expect(
            decodeErrors(route("UDPRoute", spec: two), file: "u.yaml")
                == ["u.yaml:6:3: spec.rules: Too many: 2: must have at most 1 items"])
        #expect(decodeErrors(route("UDPRoute", version: "v1alpha2", spec: two)).isEmpty)
    }

    @Test("a Service backendRef needs a port; weights stay in range; rules need backendRefs")
    func backends() {
        let errors = decodeErrors(
            route("TCPRoute", spec: "  rules: [{backendRefs: [{name: a}, {name: b, port: 1, weight: -1}]}]"),
            file: "t.yaml")
        #expect(
            errors.contains {
                $0.contains("spec.rules[0].backendRefs[0]: Invalid value: Must have port for Service reference")
            }, "\(errors)")
        #expect(
            errors.contains { $0.contains("spec.rules[0].backendRefs[1].weight: Invalid value: \"-1\"") }, "\(errors)")
        #expect(
            decodeErrors(route("TCPRoute", spec: "  rules: [{backendRefs: []}]")).first?.contains(
                "spec.rules[0].backendRefs: Required value") == true)
    }

    @Test("TLSRoute v1 needs hostnames, none an IP, each a DNS name or a leading wildcard; v1alpha2 may have none")
    func tlsHostnames() {
        let rules = "\n  rules: [{backendRefs: [{name: a, port: 1}]}]"
        #expect(
            decodeErrors(route("TLSRoute", spec: "  hostnames: []" + rules)).first?.contains(
                "spec.hostnames: Required value") == true)
        #expect(
            decodeErrors(route("TLSRoute", spec: "  hostnames: [10.0.0.1]" + rules)).first?.contains(
                "Hostnames cannot contain an IP") == true)
        #expect(
            decodeErrors(route("TLSRoute", spec: "  hostnames: [\"a.*.example.com\"]" + rules)).first?.contains(
                "spec.hostnames[0]") == true)
        #expect(decodeErrors(route("TLSRoute", spec: "  hostnames: [\"*.example.com\"]" + rules)).isEmpty)
        #expect(decodeErrors(route("TLSRoute", version: "v1alpha2", spec: String(rules.dropFirst()))).isEmpty)
    }

    @Test("an unknown field is named with its position")
    func unknownField() {
        let errors = decodeErrors(
            route("TCPRoute", spec: "  rules: [{backendRefs: [{name: a, port: 1}], matches: []}]"), file: "t.yaml")
        #expect(errors.first?.hasPrefix("t.yaml:5:") == true && errors.first?.contains("matches") == true, "\(errors)")
    }
}
