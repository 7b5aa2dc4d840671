import Foundation
import GatewayAPI
import Testing

/// `gwconsole explain` on a live data plane: the guide's request explained, sent, and the route that served it (from
/// the request log) the one explained; a path no route takes is a 404 with each candidate's reason.
@Suite("Explain", .serialized)
struct ExplainTests {
    @Test("the guide: explain names the route, rule, backend and its TLS; --send agrees; JSON in the documented shape")
    func guide() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let text = try live.run(["explain", "http://secure-app.example.com/", "--send"])
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.hasPrefix("Gateway default/gateway, listener http\n"), "\(text.stdout)")
        #expect(text.stdout.contains("Taken by HTTPRoute default/secure-app rule 0 match 0"))
        #expect(
            text.stdout.contains(
                "backend TLS: BackendTLSPolicy default/backend-tls: SNI secure-app.example.com, verified with ConfigMap default/backend-cert"
            ), "\(text.stdout)")
        #expect(text.stdout.contains("Sent: 200, served by HTTPRoute default/secure-app rule 0: as explained"))

        let json = try JSONReader.parse(
            try live.run(["explain", "http://secure-app.example.com/nothing/here", "-o", "json"]).stdout,
            file: "explain.json"
        ).toJSON()
        #expect(json["gateway"] == "default/gateway" && json["listener"] == "http")
        #expect(
            json["route"]?["name"] == "default/secure-app" && json["route"]?["rule"] == .int(0), "PathPrefix / takes it"
        )
        #expect(json["status"] == .null, "the backend decides: status is null")
        #expect(json["backendTLS"]?["hostname"] == "secure-app.example.com")
        #expect(json["nginx"]?["server"] == "listen 80; server_name secure-app.example.com")
        #expect(json["candidates"]?.arrayValue != nil && json["backends"]?.arrayValue?.count == 1)
        let header = try live.run(["explain", "-H", "NoColon", "http://secure-app.example.com/"])
        #expect(header.status == 1 && header.stderr.contains("-H NoColon: give 'Name: value'"))
        let hostless = try live.run(["explain", "http:///path"])
        #expect(hostless.status == 1 && hostless.stderr.contains("give an http:// or https:// URL"))
        let missing = try live.run(["explain", "http://nowhere.example.org:8081/"])
        #expect(missing.status == 1 && missing.stderr.contains("no Gateway has a listener on port 8081"))
    }
}
