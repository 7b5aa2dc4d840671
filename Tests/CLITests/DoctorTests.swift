import Foundation
import GatewayAPI
import Testing

@Suite("Doctor", .serialized)
struct DoctorTests {
    @Test("before the policy: PlainHTTPToTLSBackend with the 400 as evidence; its fix, applied as printed, makes the probe return hello")
    func plainToTLS() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend", "--step", "5"]).status == 0)
        let text = try live.run(["doctor"]).stdout
        #expect(text.hasPrefix("ERROR PlainHTTPToTLSBackend: the gateway speaks plain HTTP to default/secure-app, which only speaks TLS: requests get 400"), "\(text)")
        #expect(text.contains("400 The plain HTTP request was sent to HTTPS port"))
        #expect(text.contains("WARNING BackendCertCommonNameOnly"))
        let json = try JSONReader.parse(try live.run(["doctor", "-o", "json"]).stdout, file: "doctor.json").toJSON()
        let finding = try #require(json["findings"]?.arrayValue?.first { $0["code"] == "PlainHTTPToTLSBackend" })
        #expect(finding["severity"] == "error")
        let fix = try #require(finding["fix"]?.stringValue)
        let manifest = try #require(fix.components(separatedBy: "\n").drop { !$0.hasPrefix("apiVersion:") }.joined(separator: "\n") as String?)
        #expect(manifest.contains("name: backend-cert") && manifest.contains("hostname: secure-app.example.com"))
        let applied = try live.run(["apply", "-f", "-"], stdin: manifest + "\n")
        #expect(applied.status == 0, "\(applied.stderr)")
        let probe = try live.run(["probe", "--route", "secure-app"]).stdout
        #expect(probe.contains("Status:   200") && probe.contains("hello from pod secure-app"), "\(probe)")
        let after = try live.run(["doctor"]).stdout
        #expect(!after.contains("ERROR"), "\(after)")
    }

    @Test("a wrong hostname in the policy: BackendHostnameMismatch; a missing CA ConfigMap: CACertificateRefNotFound")
    func verificationFaults() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let wrong = """
            apiVersion: gateway.networking.k8s.io/v1alpha3
            kind: BackendTLSPolicy
            metadata:
              name: backend-tls
            spec:
              targetRefs:
              - {group: '', kind: Service, name: secure-app}
              validation:
                caCertificateRefs: [{group: '', kind: ConfigMap, name: backend-cert}]
                hostname: other.example.com
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: wrong + "\n").status == 0)
        #expect(try live.run(["doctor"]).stdout.contains("ERROR BackendHostnameMismatch"))
        try live.run(["delete", "configmap", "backend-cert"])
        #expect(try live.run(["doctor"]).stdout.contains("ERROR CACertificateRefNotFound"))
    }
}
