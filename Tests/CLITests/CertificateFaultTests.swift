import Foundation
import Probing
import Testing

/// Backend TLS faults with certificates generated here, served by real nginx backends.
@Suite("Doctor: certificate faults", .serialized)
struct CertificateFaultTests {
    static let ca = CertificateInspector.issue(
        commonName: "Test Root CA", dnsName: nil, notBeforeDays: -10, notAfterDays: 3650, isCA: true)!
    static let otherCA = CertificateInspector.issue(
        commonName: "Other CA", dnsName: nil, notBeforeDays: -10, notAfterDays: 3650, isCA: true)!

    /// Stages a TLS backend with `leaf`, a route to it, and a BackendTLSPolicy trusting `trusted`; returns doctor's text.
    func doctor(leaf: (cert: String, key: String), trusted: String, hostname: String = "app.example.com") throws
        -> String
    {
        let live = LiveDataplane()
        try live.startBackend(
            name: "tls", address: live.backendAddress(1), port: 8443, ssl: leaf,
            body: "location / { return 200 \"tls backend\\n\"; }")
        try live.run(["up"])
        let manifests =
            DoctorFaultTests.gatewayAndRoute + """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec: {ports: [{name: https, port: 80, targetPort: 8443}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-1, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: https, port: 8443}]
                endpoints: [{addresses: [\(live.backendAddress(1))]}]
                ---
                kind: ConfigMap
                apiVersion: v1
                metadata: {name: ca}
                data:
                  ca.crt: |
                \(trusted.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: tls}
                spec:
                  targetRefs: [{group: '', kind: Service, name: app}]
                  validation:
                    caCertificateRefs: [{group: '', kind: ConfigMap, name: ca}]
                    hostname: \(hostname)

                """
        let applied = try live.run(["apply", "-f", "-"], stdin: manifests)
        #expect(applied.status == 0, "\(applied.stderr)")
        return try live.run(["doctor"]).stdout
    }

    @Test("a healthy TLS backend: no error-level finding")
    func healthy() throws {
        let leaf = try #require(
            CertificateInspector.issue(commonName: "app.example.com", dnsName: "app.example.com", issuer: Self.ca))
        let out = try doctor(leaf: leaf, trusted: Self.ca.cert)
        #expect(!out.contains("ERROR"), "\(out)")
    }

    @Test("a certificate from another CA: BackendCertUntrusted")
    func untrusted() throws {
        let leaf = try #require(
            CertificateInspector.issue(commonName: "app.example.com", dnsName: "app.example.com", issuer: Self.ca))
        let out = try doctor(leaf: leaf, trusted: Self.otherCA.cert)
        #expect(out.hasPrefix("ERROR BackendCertUntrusted"), "\(out)")
        #expect(out.contains("through the Gateway → 502"), "\(out)")
        #expect(out.contains("nginx error log:") && out.contains("upstream SSL certificate verify error"), "\(out)")
    }

    @Test("an expired certificate: BackendCertExpired; one not valid yet: BackendCertNotYetValid")
    func validity() throws {
        let expired = try #require(
            CertificateInspector.issue(
                commonName: "app.example.com", dnsName: "app.example.com", issuer: Self.ca, notBeforeDays: -30,
                notAfterDays: -1))
        #expect(try doctor(leaf: expired, trusted: Self.ca.cert).hasPrefix("ERROR BackendCertExpired"))
        let future = try #require(
            CertificateInspector.issue(
                commonName: "app.example.com", dnsName: "app.example.com", issuer: Self.ca, notBeforeDays: 2,
                notAfterDays: 30))
        #expect(try doctor(leaf: future, trusted: Self.ca.cert).hasPrefix("ERROR BackendCertNotYetValid"))
    }

    @Test("a certificate for another name: BackendHostnameMismatch; CN only: BackendCertCommonNameOnly")
    func names() throws {
        let other = try #require(
            CertificateInspector.issue(commonName: "other.example.com", dnsName: "other.example.com", issuer: Self.ca))
        #expect(try doctor(leaf: other, trusted: Self.ca.cert).hasPrefix("ERROR BackendHostnameMismatch"))
        let cnOnly = try #require(
            CertificateInspector.issue(commonName: "app.example.com", dnsName: nil, issuer: Self.ca))
        let out = try doctor(leaf: cnOnly, trusted: Self.ca.cert)
        #expect(out.hasPrefix("WARNING BackendCertCommonNameOnly"), "\(out)")
        #expect(!out.contains("ERROR"))
    }
}
