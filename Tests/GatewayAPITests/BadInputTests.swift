import Foundation
import Testing

@testable import GatewayAPI

@Suite("Bad input is rejected with file, line, column and field")
struct BadInputTests {
    @Test("a wrong type names the field and the value")
    func wrongType() {
        let errors = decodeErrors(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gw
            spec:
              gatewayClassName: nginx
              listeners:
              - name: http
                port: eighty
                protocol: HTTP
            """, file: "guide.md")
        #expect(errors == ["guide.md:9:11: spec.listeners[0].port: expected an integer, got \"eighty\""])
    }

    @Test("a listener protocol: any name the CRD's pattern allows is stored; a broken domain-prefixed one is refused")
    func listenerProtocols() {
        func gateway(_ proto: String) -> String {
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: nginx
              listeners: [{name: l, port: 80, protocol: "\(proto)"}]
            """
        }
        #expect(decodeErrors(gateway("INVALID")).isEmpty)
        #expect(decodeErrors(gateway("example.com/proto")).isEmpty)
        for broken in ["example.com/", "/x", "example.com/a/b", "-x"] {
            #expect(
                decodeErrors(gateway(broken)).first?.contains("spec.listeners[0].protocol: Invalid value") == true,
                "\(broken)")
        }
    }

    @Test("a quoted number where an integer belongs, and a number where a string belongs")
    func quotedAndUnquoted() {
        let errors = decodeErrors(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: svc
              labels:
                version: 2
            spec:
              ports:
              - port: "80"
            """)
        // Decoding stops at the first wrong type, as the API server's does.
        #expect(errors == ["test.yaml:6:14: metadata.labels.version: expected a string, got 2 (quote it: \"2\")"])
        #expect(
            decodeErrors("apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: \"80\"\n")
                == ["test.yaml:7:11: spec.ports[0].port: expected an integer, got \"80\""])
    }

    @Test("unknown fields are reported as strict decoding does, each with its position")
    func unknownFields() {
        let errors = decodeErrors(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: r
            spec:
              parentRefs:
              - name: gateway
                sectionname: http
              hostname: example.com
            """)
        #expect(
            Set(errors) == [
                "test.yaml:8:5: spec.parentRefs[0].sectionname: unknown field \"spec.parentRefs[0].sectionname\"",
                "test.yaml:9:3: spec.hostname: unknown field \"spec.hostname\"",
            ])
        #expect(errors.count == 2)
    }

    @Test("malformed YAML")
    func malformedYAML() {
        let errors = decodeErrors("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n")
        #expect(errors.count == 1)
        #expect(errors[0].hasPrefix("test.yaml:7:1: invalid YAML:"))
    }

    @Test("malformed JSON")
    func malformedJSON() {
        let errors = decodeErrors(
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\"\n  \"metadata\": {}\n}", file: "x.json")
        #expect(errors == ["x.json:4:3: invalid JSON: expected ',' or '}'"])
    }

    @Test("a document without apiVersion, kind or metadata.name")
    func missingHeader() {
        #expect(
            decodeErrors("kind: ConfigMap\nmetadata:\n  name: x\n") == [
                "test.yaml:1:1: apiVersion: Required value: object has no apiVersion"
            ])
        #expect(
            decodeErrors("apiVersion: v1\nmetadata:\n  name: x\n") == [
                "test.yaml:1:1: kind: Required value: object has no kind"
            ])
        #expect(
            decodeErrors("apiVersion: v1\nkind: ConfigMap\n") == [
                "test.yaml:1:1: metadata: Required value: object has no metadata"
            ])
        #expect(
            decodeErrors("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n")
                == ["test.yaml:4:3: metadata.name: Required value: name is required"])
        #expect(
            decodeErrors("---\n- a\n- b\n") == [
                "test.yaml:2:1: expected an object with apiVersion, kind and metadata, got a list"
            ])
    }

    @Test("invalid names, including path traversal")
    func invalidNames() {
        let errors = decodeErrors("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ../../etc\n")
        #expect(errors.count == 1)
        #expect(
            errors[0].hasPrefix(
                "test.yaml:4:9: metadata.name: Invalid value: \"../../etc\": a lowercase RFC 1123 subdomain"))
        let service = decodeErrors(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1svc\nspec:\n  ports:\n  - port: 80\n")
        #expect(
            service.first?.hasPrefix("test.yaml:4:9: metadata.name: Invalid value: \"1svc\": a DNS-1035 label") == true)
        let namespace = decodeErrors("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: Bad_NS\n")
        #expect(namespace.first?.hasPrefix("test.yaml:5:14: metadata.namespace: Invalid value: \"Bad_NS\"") == true)
    }

    @Test("duplicate objects in one apply, across files and documents")
    func duplicates() {
        let errors = decodeErrors(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        )
        #expect(
            errors == [
                "test.yaml:6:1: metadata.name: duplicate object configmap/x in namespace default in one apply (first at test.yaml:1:1)"
            ])
        // The same name in two namespaces is not a duplicate.
        #expect(
            decodeErrors(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: other\n"
            ).isEmpty)
    }

    @Test("duplicate keys in one mapping")
    func duplicateKeys() {
        #expect(
            decodeErrors("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n") == [
                "test.yaml:4:3: duplicate key \"name\" in one mapping"
            ])
        #expect(
            decodeErrors("{\"apiVersion\": \"v1\", \"apiVersion\": \"v2\"}", file: "d.json") == [
                "d.json:1:22: apiVersion: duplicate key \"apiVersion\" in one object"
            ])
    }

    @Test("a YAML alias bomb is rejected quickly, before expansion")
    func aliasBomb() throws {
        var text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let clock = ContinuousClock()
        var errors: [String] = []
        let elapsed = clock.measure { errors = decodeErrors(text) }
        #expect(errors.count == 1)
        #expect(errors[0].contains("YAML aliases expand to more than 100000 values (alias bomb?)"))
        #expect(elapsed < .seconds(5), "expansion was not bounded")
        // A modest alias use is fine.
        #expect(
            decodeErrors(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels: &l {a: b}\n  annotations: *l\n"
            ).isEmpty)
    }

    @Test("a document over 16 MiB")
    func hugeDocument() {
        let text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: \""
            + String(repeating: "x", count: 16 * 1024 * 1024) + "\"\n"
        let errors = decodeErrors("---\n" + text)
        #expect(errors.count == 1)
        #expect(errors[0].hasPrefix("test.yaml:2:1: document is 1677"))
        #expect(errors[0].hasSuffix("bytes, over the limit of 16777216 bytes (16 MiB)"))
    }

    @Test("invalid UTF-8 is located")
    func invalidUTF8() {
        var data = Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"".utf8)
        data.append(contentsOf: [0xFF, 0xFE])
        data.append(contentsOf: Array("\"\n".utf8))
        #expect(
            throws: ManifestError(
                position: SourcePosition(file: "bin.yaml", line: 6, column: 7), message: "input is not valid UTF-8")
        ) {
            _ = try ManifestReader.documents(from: data, file: "bin.yaml")
        }
    }

    @Test("an unreadable path")
    func unreadablePath() {
        #expect(
            throws: ManifestError(
                position: nil, message: "/nonexistent/guide.md: cannot read: no such file or directory")
        ) {
            _ = try ManifestReader().read(paths: ["/nonexistent/guide.md"])
        }
    }

    @Test("Gateway API rules the API server enforces")
    func gatewayAPIRules() {
        let errors = decodeErrors(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: r
            spec:
              hostnames: ["Bad_Host", "*.ok.example.com"]
              rules:
              - matches:
                - path: {type: Prefix, value: /x}
                - path: {type: PathPrefix, value: relative}
                  method: FETCH
                backendRefs:
                - name: svc
                  weight: 2000000
            """)
        #expect(errors.contains { $0.hasPrefix("test.yaml:6:15: spec.hostnames[0]: Invalid value: \"Bad_Host\"") })
        #expect(
            errors.contains(
                "test.yaml:9:20: spec.rules[0].matches[0].path.type: Unsupported value: \"Prefix\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\""
            ))
        #expect(
            errors.contains {
                $0.hasPrefix("test.yaml:10:39: spec.rules[0].matches[1].path.value: Invalid value: \"relative\"")
            })
        #expect(
            errors.contains {
                $0.hasPrefix("test.yaml:11:15: spec.rules[0].matches[1].method: Unsupported value: \"FETCH\"")
            })
        #expect(
            errors.contains(
                "test.yaml:13:7: spec.rules[0].backendRefs[0]: Invalid value: Must have port for Service reference"))
        #expect(
            errors.contains {
                $0.hasPrefix("test.yaml:14:15: spec.rules[0].backendRefs[0].weight: Invalid value: \"2000000\"")
            })
    }

    @Test("an apiVersion the kind is not served in")
    func unservedVersion() {
        #expect(
            decodeErrors("apiVersion: gateway.networking.k8s.io/v9\nkind: Gateway\nmetadata:\n  name: g\n")
                == [
                    "test.yaml:1:13: apiVersion: no matches for kind \"Gateway\" in version \"gateway.networking.k8s.io/v9\" (served: gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1)"
                ])
    }

    @Test("BackendTLSPolicy needs a CA source and a hostname")
    func policyRules() {
        let errors = decodeErrors(
            """
            apiVersion: gateway.networking.k8s.io/v1alpha3
            kind: BackendTLSPolicy
            metadata:
              name: p
            spec:
              targetRefs:
              - {group: '', kind: Service, name: s}
              validation:
                hostname: 10.0.0.1
            """)
        #expect(
            errors.contains(
                "test.yaml:9:5: spec.validation: Invalid value: must specify either CACertificateRefs or WellKnownCACertificates"
            ))
        #expect(
            errors.contains(
                "test.yaml:9:15: spec.validation.hostname: Invalid value: \"10.0.0.1\": must be a hostname, not an IP address"
            ))
    }

    @Test("Secret data that is not base64 is rejected without echoing it")
    func secretBase64() {
        let errors = decodeErrors("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  key: not*base64!\n")
        #expect(errors == ["test.yaml:6:8: data.key: Invalid value: illegal base64 data (value not shown)"])
    }
}
