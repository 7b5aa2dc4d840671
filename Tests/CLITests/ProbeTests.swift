import Foundation
import GatewayAPI
import Testing

@Suite("Probe", .serialized)
struct ProbeTests {
    @Test(
        "the guide before the policy: the probe shows the 400 and a backend that speaks TLS to a gateway that sends plain HTTP"
    )
    func plainVersusTLS() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend", "--step", "3"]).status == 0)
        let before = try live.run(["probe", "--route", "secure-app"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("Status:   400"))
        #expect(before.stdout.contains("<center>The plain HTTP request was sent to HTTPS port</center>"))
        #expect(before.stdout.contains("gateway sends:  plain HTTP"))
        #expect(before.stdout.contains("TLS:            200 hello from pod secure-app"))
        #expect(before.stdout.contains("backend speaks: TLS — MISMATCH with what the gateway sends"))

        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let json = try live.run(["probe", "--route", "secure-app", "-o", "json"]).stdout
        let report = try JSONReader.parse(json, file: "probe.json").toJSON()
        #expect(report["result"]?["status"] == 200)
        #expect(report["result"]?["body"] == "hello from pod secure-app\n")
        let backend = report["backends"]?.arrayValue?.first
        #expect(backend?["agrees"] == true)
        #expect(backend?["tls"]?["verifyResult"] == 0)
        let subject = backend?["tls"]?["peerChain"]?.arrayValue?.first?["subject"]?.stringValue ?? ""
        #expect(subject.contains("secure-app.example.com"), "\(subject)")
    }
}
