import Foundation
import Testing

@testable import GatewayAPI

@Suite("The guide's objects")
struct GuideDecodingTests {
    func guideObjects() throws -> [DecodedObject] {
        let documents = try ManifestReader().read(paths: [guidePath])
        return try ManifestDecoder().decode(documents)
    }

    @Test("all 8 objects of the guide's apply blocks decode, in order, in the default namespace")
    func eightObjects() throws {
        let objects = try guideObjects()
        #expect(
            objects.map { "\($0.type.kind)/\($0.name)" } == [
                "Deployment/secure-app", "Service/secure-app", "ConfigMap/secure-config", "Secret/app-tls-secret",
                "Gateway/gateway", "HTTPRoute/secure-app", "ConfigMap/backend-cert", "BackendTLSPolicy/backend-tls",
            ])
        #expect(objects.allSatisfy { $0.namespace == "default" })
        #expect(objects.allSatisfy { $0.type.supported })
        // Positions point into the Markdown file, at each document's first line.
        #expect(objects[0].position?.file == guidePath)
        let guideLines = try String(contentsOfFile: guidePath, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(guideLines[objects[0].position!.line - 1] == "apiVersion: apps/v1")
        #expect(guideLines[objects[7].position!.line - 1] == "apiVersion: gateway.networking.k8s.io/v1alpha3")
    }

    @Test("the certificate and key decode from the Secret's base64 data")
    func secretData() throws {
        let secret = try Secret.decode(try guideObjects()[3].object)
        let crtText = try #require(secret.data?["tls.crt"])
        let keyText = try #require(secret.data?["tls.key"])
        let crt = String(decoding: try #require(Base64.decode(crtText)), as: UTF8.self)
        let key = String(decoding: try #require(Base64.decode(keyText)), as: UTF8.self)
        #expect(crt.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(crt.hasSuffix("-----END CERTIFICATE-----"))
        #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(secret.type == "Opaque")
    }

    @Test("typed fields of every guide object")
    func typedFields() throws {
        let objects = try guideObjects()
        let deployment = try Deployment.decode(objects[0].object)
        #expect(deployment.spec.replicas == 1)
        #expect(deployment.spec.template.spec.containers[0].image == "nginxinc/nginx-unprivileged:latest")
        #expect(
            deployment.spec.template.spec.containers[0].volumeMounts?.map(\.mountPath) == [
                "/etc/nginx/ssl", "/etc/nginx/conf.d",
            ])
        #expect(deployment.spec.template.spec.volumes?[0].secret?.secretName == "app-tls-secret")
        #expect(deployment.spec.template.spec.volumes?[1].configMap?.name == "secure-config")

        let service = try Service.decode(objects[1].object)
        #expect(service.spec?.ports?[0].port == 8443)
        #expect(service.spec?.ports?[0].targetPort == .int(8443))
        #expect(service.spec?.ports?[0].name == "https")
        #expect(service.spec?.type == "ClusterIP")

        let config = try ConfigMap.decode(objects[2].object)
        let appConf = try #require(config.data?["app.conf"])
        #expect(appConf.hasPrefix("server {\n  listen 8443 ssl;"))
        #expect(appConf.contains("return 200 \"hello from pod secure-app\\n\";"))
        #expect(!appConf.hasSuffix("\n"))  // |- strips the final newline

        let gateway = try Gateway.decode(objects[4].object)
        #expect(gateway.spec.gatewayClassName == "nginx")
        #expect(gateway.spec.listeners.map(\.name) == ["http"])
        #expect(gateway.spec.listeners[0].port == 80)
        #expect(gateway.spec.listeners[0].allowedRoutes?.namespaces?.from == "Same")  // CRD default

        let route = try HTTPRoute.decode(objects[5].object)
        #expect(
            route.spec.parentRefs?[0]
                == ParentReference(
                    group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", sectionName: "http"))
        #expect(route.spec.hostnames == ["secure-app.example.com"])
        #expect(route.spec.rules?[0].matches?[0].path?.type == "PathPrefix")
        #expect(route.spec.rules?[0].backendRefs?[0].port == 8443)
        #expect(route.spec.rules?[0].backendRefs?[0].weight == 1)

        let ca = try ConfigMap.decode(objects[6].object)
        #expect(ca.data?["ca.crt"]?.hasPrefix("-----BEGIN CERTIFICATE-----\nMIIFlzCCA3+gAwIBAgIU") == true)
        #expect(ca.data?["ca.crt"]?.hasSuffix("-----END CERTIFICATE-----\n") == true)

        let policy = try BackendTLSPolicy.decode(objects[7].object)
        #expect(policy.apiVersion == "gateway.networking.k8s.io/v1alpha3")
        #expect(
            policy.spec.targetRefs == [
                LocalPolicyTargetReferenceWithSectionName(group: "", kind: "Service", name: "secure-app")
            ])
        #expect(
            policy.spec.validation.caCertificateRefs == [
                LocalObjectReference(group: "", kind: "ConfigMap", name: "backend-cert")
            ])
        #expect(policy.spec.validation.hostname == "secure-app.example.com")
    }

    @Test("every object round-trips through JSON text")
    func jsonRoundTrip() throws {
        for object in try guideObjects() {
            let text = JSONWriter.pretty(object.object)
            let back = try JSONReader.parse(text, file: "roundtrip.json").toJSON()
            #expect(back == object.object)
            // And decoding the JSON as a manifest gives the same object.
            let again = try decode(text, file: "roundtrip.json")
            #expect(again.count == 1)
            #expect(again[0].object == object.object)
        }
    }

    @Test("a BackendTLSPolicy in v1 decodes the same fields")
    func v1Policy() throws {
        let objects = try decode(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata:
              name: backend-tls
            spec:
              targetRefs:
              - group: ''
                kind: Service
                name: secure-app
                sectionName: https
              validation:
                wellKnownCACertificates: System
                hostname: secure-app.example.com
                subjectAltNames:
                - type: Hostname
                  hostname: secure-app.example.com
              options:
                example.com/ciphers: strong
            """)
        let policy = try BackendTLSPolicy.decode(objects[0].object)
        #expect(policy.spec.targetRefs[0].sectionName == "https")
        #expect(policy.spec.validation.wellKnownCACertificates == "System")
        #expect(policy.spec.validation.subjectAltNames?[0].hostname == "secure-app.example.com")
        #expect(policy.spec.options?["example.com/ciphers"] == "strong")
    }
}
