import Foundation
import GatewayAPI
import Testing

@Suite("cert-manager kinds")
struct CertManagerDecodingTests {
    func decode(_ yaml: String) throws -> [DecodedObject] {
        try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: "certs.yaml"))
    }

    @Test("Go durations as cert-manager writes them")
    func durations() {
        #expect(GoDuration.seconds("2160h") == 7_776_000.0)
        #expect(GoDuration.seconds("1h30m") == 5_400.0)
        #expect(GoDuration.seconds("59m58s") == 3_598.0)
        #expect(GoDuration.seconds("90") == nil && GoDuration.seconds("1d") == nil && GoDuration.seconds("") == nil)
    }

    @Test("a Certificate decodes strictly; its request takes the key, names and validity; defaults are cert-manager's")
    func certificate() throws {
        let objects = try decode(
            """
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: cafe-cert, namespace: certificate}
            spec:
              secretName: cafe-secret
              issuerRef: {name: local-ca-issuer, kind: ClusterIssuer}
              commonName: cafe.example.com
              dnsNames: [cafe.example.com, "*.cafe.example.com"]
              ipAddresses: [10.0.0.1]
              privateKey: {algorithm: ECDSA, size: 384}
            """)
        let certificate = try Certificate.decode(try #require(objects.first).object)
        let request = CertificateIssueRequest(certificate.spec, issuer: nil)
        #expect(request.subjectAltNames == ["DNS:cafe.example.com", "DNS:*.cafe.example.com", "IP:10.0.0.1"])
        #expect(request.key == .ecdsa(bits: 384) && request.commonName == "cafe.example.com" && !request.isCA)
        #expect(certificate.spec.validity == 90 * 86_400 && certificate.spec.renewalMargin == 30 * 86_400)
        let minimal = try decode(
            "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: m}\nspec: {secretName: s, issuerRef: {name: i}, commonName: m}\n"
        )
        let plain = try Certificate.decode(try #require(minimal.first).object)
        #expect(
            CertificateIssueRequest(plain.spec, issuer: nil).key == .rsa(bits: 2048), "RSA 2048 unless asked otherwise")
        // Usages: none asked, cert-manager's default (digital signature, key encipherment, no extended usage, so a
        // certificate serves as a client's too); asked, in OpenSSL's names.
        let defaults = CertificateIssueRequest(plain.spec, issuer: nil)
        #expect(defaults.keyUsages.isEmpty && defaults.extendedKeyUsages.isEmpty)
        let withUsages = try Certificate.decode(
            try #require(
                try decode(
                    "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: u}\nspec: {secretName: s, issuerRef: {name: i}, commonName: u, usages: [digital signature, client auth, server auth]}\n"
                ).first
            ).object)
        let asked = CertificateIssueRequest(withUsages.spec, issuer: nil)
        #expect(asked.keyUsages == ["digitalSignature"] && asked.extendedKeyUsages == ["clientAuth", "serverAuth"])
        // An unknown field is an error naming it, as for every modelled kind.
        #expect(throws: ManifestErrors.self) {
            try decode(
                "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {secretName: s, issuerRef: {name: i}, commonName: c, bogus: 1}\n"
            )
        }
    }

    @Test("what cert-manager's webhook refuses: two issuer types, no names, a short duration, an unknown key algorithm")
    func validation() throws {
        func problems(_ yaml: String) -> String {
            do {
                _ = try decode(yaml)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(
            problems(
                "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: i}\nspec: {selfSigned: {}, ca: {secretName: ca}}\n"
            )
            .contains("may not specify more than one issuer type"))
        #expect(
            problems("apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: i}\nspec: {}\n").contains(
                "at least one issuer type"))
        let certificate = problems(
            """
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: c}
            spec: {secretName: s, issuerRef: {name: i, kind: Other}, duration: 30m, privateKey: {algorithm: DSA}}
            """)
        #expect(certificate.contains("spec.issuerRef.kind") && certificate.contains("spec.duration"), "\(certificate)")
        #expect(
            certificate.contains("spec.privateKey.algorithm") && certificate.contains("at least one of commonName"),
            "\(certificate)")
        let percentage = problems(
            "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {secretName: s, issuerRef: {name: i}, commonName: c, renewBeforePercentage: 100}\n"
        )
        #expect(
            percentage.contains("spec.renewBeforePercentage"),
            "a renewal at issuance would issue forever: \(percentage)")
        // Other issuers' fields are kept, not refused: the manifests apply, the issuer is reported not supported.
        #expect(
            problems(
                "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\nspec: {acme: {server: https://acme.example/dir}}\n"
            ) == "")
    }
}
