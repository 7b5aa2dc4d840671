import Foundation
import Testing

/// cert-manager, locally: NGF's https-termination example issues its certificate with a self-signed CA.
@Suite("cert-manager", .serialized)
struct CertManagerTests {
    static let example = ImageProfileTests.examples + "/https-termination"

    /// A Secret's key, decoded.
    static func secretValue(_ live: LiveDataplane, _ name: String, namespace: String, key: String) throws -> String {
        let json = try live.run(["get", "secret", name, "-n", namespace, "-o", "json"]).stdout
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let data = object?["data"] as? [String: String]
        return String(decoding: Data(base64Encoded: data?[key] ?? "") ?? Data(), as: UTF8.self)
    }

    @Test(
        "NGF's https-termination example: the CA and the cafe certificate are issued, HTTPS verifies with the CA, HTTP redirects",
        .enabled(if: FileManager.default.fileExists(atPath: example + "/gateway.yaml"), "needs ../shared/ngf-examples"))
    func httpsTermination() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        for file in [
            "certificate-ns-and-cafe-secret.yaml", "cafe.yaml", "gateway.yaml", "reference-grant.yaml",
            "cafe-routes.yaml",
        ] {
            let applied = try live.run(["apply", "-f", Self.example + "/" + file])
            #expect(applied.status == 0, "\(file): \(applied.stderr)")
        }
        let certificates = try live.run(["get", "certificates", "-A"]).stdout
        #expect(certificates.contains("cert-manager   local-ca    True    local-ca-secret"), "\(certificates)")
        #expect(certificates.contains("certificate    cafe-cert   True    cafe-secret"), "\(certificates)")
        let issuers = try live.run(["get", "clusterissuers", "-o", "wide"]).stdout
        #expect(issuers.contains("local-ca-issuer") && issuers.contains("Signing CA verified"), "\(issuers)")
        // The Secret is a TLS Secret signed by the local CA, with the names asked for.
        let ca = try Self.secretValue(live, "cafe-secret", namespace: "certificate", key: "ca.crt")
        let localCA = try Self.secretValue(live, "local-ca-secret", namespace: "cert-manager", key: "tls.crt")
        #expect(!ca.isEmpty && ca == localCA, "ca.crt is the issuing CA")
        let caFile = live.cli.state + "-ca.crt"
        try ca.write(toFile: caFile, atomically: true, encoding: .utf8)
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let status = try live.run(["status"]).stdout
        let httpsPort = try #require(
            status.split(separator: "\n").first { $0.contains("listener https") }?.split(separator: ":").last.map {
                Int($0)!
            })
        let https = try LiveDataplane.curl(
            host: "cafe.example.com", ip: vars.ip, port: httpsPort, path: "/coffee", extra: ["--cacert", caFile],
            scheme: "https")
        #expect(
            https.status == 200 && https.body.contains("Server name: coffee-") && https.body.contains("URI: /coffee"),
            "\(https)")
        let plain = try LiveDataplane.curl(host: "cafe.example.com", ip: vars.ip, port: vars.port, path: "/coffee")
        #expect(plain.status == 302, "the HTTP listener redirects to HTTPS: \(plain)")
        // probe follows the redirect to port 443 where this machine serves it (the port offset's listener).
        let probe = try live.run([
            "probe", "http://cafe.example.com:\(vars.port)/coffee", "--resolve",
            "cafe.example.com:\(vars.port):\(vars.ip)",
            "--cacert", caFile,
        ])
        #expect(probe.stdout.contains("followed the redirect to https://cafe.example.com/coffee"), "\(probe.stdout)")
        #expect(probe.stdout.contains("listener https on \(vars.ip):\(httpsPort)"), "\(probe.stdout)")
        #expect(
            probe.stdout.contains("Status:   200") && probe.stdout.contains("Server name: coffee-"), "\(probe.stdout)")
        let described = try live.run(["describe", "certificate", "cafe-cert", "-n", "certificate"]).stdout
        // The chain the Gateway presents, read from the Secret: the leaf for cafe.example.com under LocalCA.
        #expect(
            described.contains("Issued Chain:") && described.contains("CN=cafe.example.com")
                || described.contains("CN = cafe.example.com"), "\(described)")
        #expect(described.contains("LocalCA") && described.contains("DNS:cafe.example.com"), "\(described)")
        #expect(try live.run(["down"]).status == 0)
    }

    @Test(
        "a listener whose Secret waits for its Certificate says so; a Certificate is renewed at its renewal time; bad specs are refused"
    )
    func waitingRenewalAndValidation() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let waiting = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: nginx
                  listeners:
                  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{kind: Secret, name: site-tls}]}}
                ---
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: site}
                spec:
                  secretName: site-tls
                  issuerRef: {name: missing-issuer, kind: ClusterIssuer}
                  dnsNames: [site.example.com]
                """)
        #expect(waiting.status == 0, "\(waiting.stderr)")
        let gateway = try live.run(["describe", "gateway", "gw"]).stdout
        #expect(
            gateway.contains("Secret default/site-tls does not exist: Certificate default/site issues it, not yet"),
            "\(gateway)")
        #expect(gateway.contains("Referenced \"ClusterIssuer\" not found"), "why not yet: \(gateway)")
        // With an issuer, it is issued; renewBefore close to its duration renews it within a few seconds.
        let issued = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: cert-manager.io/v1
                kind: ClusterIssuer
                metadata: {name: missing-issuer}
                spec: {selfSigned: {}}
                ---
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: site}
                spec:
                  secretName: site-tls
                  issuerRef: {name: missing-issuer, kind: ClusterIssuer}
                  dnsNames: [site.example.com]
                  duration: 1h
                  renewBefore: 59m58s
                  privateKey: {algorithm: ECDSA, size: 256}
                """)
        #expect(issued.status == 0, "\(issued.stderr)")
        let first = try Self.secretValue(live, "site-tls", namespace: "default", key: "tls.crt")
        #expect(first.hasPrefix("-----BEGIN CERTIFICATE-----"))
        var renewed = ""
        let deadline = Date().addingTimeInterval(20)
        repeat {
            usleep(200_000)
            renewed = try live.run(["get", "certificate", "site", "-o", "yaml"]).stdout
        } while !renewed.contains("revision: 2") && !renewed.contains("revision: 3") && Date() < deadline
        #expect(renewed.contains("revision: 2") || renewed.contains("revision: 3"), "renewed: \(renewed)")
        #expect(
            try Self.secretValue(live, "site-tls", namespace: "default", key: "tls.crt") != first, "a new certificate")
        let listener = try live.run(["get", "gateway", "gw", "-o", "yaml"]).stdout
        #expect(listener.contains("reason: ResolvedRefs"), "the listener resolves the issued Secret: \(listener)")
        // What cert-manager's webhook refuses is refused here, naming the field; nothing is stored.
        let bad = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: bad}
                spec:
                  secretName: bad-tls
                  issuerRef: {name: missing-issuer, kind: ClusterIssuer}
                  dnsNames: [bad.example.com]
                  duration: 30m
                  privateKey: {algorithm: DSA}
                """)
        #expect(bad.status != 0, "\(bad.stdout)")
        #expect(bad.stderr.contains("stdin:8:") && bad.stderr.contains("spec.duration"), "\(bad.stderr)")
        #expect(bad.stderr.contains("spec.privateKey.algorithm"), "\(bad.stderr)")
        #expect(try live.run(["get", "certificate", "bad"]).status != 0)
        #expect(try live.run(["down"]).status == 0)
    }

    @Test(
        "without a resident controller one apply issues a CA and the certificate it signs (issuance runs to a fixed point)",
        .enabled(if: FileManager.default.fileExists(atPath: example + "/gateway.yaml"), "needs ../shared/ngf-examples"))
    func chainWithoutController() throws {
        let cli = CLI()
        var environment = ProcessInfo.processInfo.environment
        environment["GWCONSOLE_CONTROLLER"] = "0"
        let applied = try cli.run(
            ["apply", "-f", Self.example + "/certificate-ns-and-cafe-secret.yaml"], environment: environment)
        #expect(applied.status == 0, "\(applied.stderr)")
        let certificates = try cli.run(["get", "certificates", "-A"], environment: environment).stdout
        #expect(
            certificates.contains("local-ca    True") && certificates.contains("cafe-cert   True"), "\(certificates)")
        let chain = try cli.run(
            ["describe", "certificate", "cafe-cert", "-n", "certificate"], environment: environment
        ).stdout
        #expect(chain.contains("CN=cafe.example.com") && chain.contains("CN=LocalCA"), "\(chain)")
    }
}
