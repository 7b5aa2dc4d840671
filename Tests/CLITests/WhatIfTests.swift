import Dataplane
import Foundation
import GatewayAPI
import Testing

/// `apply --what-if` and `delete --what-if` on a live data plane: the guide's requests replayed through shadow data
/// planes, and nothing applied — the store, the live config and the live traffic untouched.
@Suite("What-if", .serialized)
struct WhatIfTests {
    static let otherRoute = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: other}
        spec:
          parentRefs: [{name: gateway}]
          hostnames: [secure-app.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /other}}]
            backendRefs: [{name: missing, port: 80}]
        """

    /// What a what-if must leave as it was: the store's revision, the generation each Gateway serves, and the
    /// Gateway's request log.
    static func untouched(_ live: LiveDataplane) throws -> [String] {
        let manager = DataplaneManager(stateDirectory: live.cli.state)
        let log = try #require(manager.requestLog(gateway: "default/gateway"))
        let size = (try FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.intValue ?? -1
        return [
            "revision \(try Store(directory: live.cli.state).revision())",
            "generations \(manager.load().gateways.mapValues(\.generation))", "request log \(size) bytes",
        ]
    }

    /// Shadow nginx processes still running.
    static func shadows() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil,
                let cmdline = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                cmdline.contains("gwconsole-whatif-")
            else { return nil }
            return cmdline
        }
    }

    @Test("the guide: deleting the BackendTLSPolicy moves its requests from 200 to 400; a new route moves /other")
    func guide() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let gateway = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let log = try #require(DataplaneManager(stateDirectory: live.cli.state).requestLog(gateway: "default/gateway"))
        func logged() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let earlier = logged()
        for path in ["/", "/", "/", "/other"] {
            let answer = try LiveDataplane.curl(
                host: "secure-app.example.com", ip: gateway.ip, port: gateway.port, path: path)
            #expect(answer.status == 200 && answer.body.contains("hello from pod secure-app"))
        }
        // nginx logs a request after its answer is sent: the four lines are in the log before it is compared.
        let deadline = Date().addingTimeInterval(30)
        while logged() < earlier + 4 && Date() < deadline { usleep(20_000) }
        #expect(logged() == earlier + 4)
        let before = try Self.untouched(live)
        // What a killed what-if left (its process gone) is reclaimed by the next one.
        let stale = "/tmp/gwconsole-whatif-stale\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: stale + "/0a/r", withIntermediateDirectories: true)
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        try "\(gone.processIdentifier)\n".write(toFile: stale + "/owner.pid", atomically: true, encoding: .utf8)

        let deleted = try live.run(["delete", "--what-if", "backendtlspolicy", "backend-tls", "-o", "json"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let report = try JSONReader.parse(deleted.stdout, file: "what-if.json").toJSON()
        let changed = report["changed"]?.arrayValue ?? []
        let root = try #require(changed.first { $0["path"] == "/" }, "\(deleted.stdout)")
        #expect(root["method"] == "GET" && root["host"] == "secure-app.example.com")
        #expect(root["before"]?["status"] == .int(200) && root["after"]?["status"] == .int(400))
        #expect(root["after"]?["route"] == "HTTPRoute default/secure-app")
        #expect(root["after"]?["backend"] == "Service default/secure-app:8443")
        #expect((root["count"]?.intValue ?? 0) >= 3, "the scenario's request and ours")
        #expect(changed.contains { $0["path"] == "/other" && $0["after"]?["status"] == .int(400) })
        #expect(
            (report["status"]?.arrayValue ?? []).contains {
                $0["object"] == "BackendTLSPolicy default/backend-tls" && $0["after"] == "deleted"
            }, "\(deleted.stdout)")

        let moved = try live.run(["apply", "--what-if", "-f", "-"], stdin: Self.otherRoute)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(
            moved.stdout.contains("HTTPRoute default/other, parent default/gateway: Accepted absent → True (Accepted)"))
        #expect(
            moved.stdout.contains(
                """
                  1 × GET secure-app.example.com/other
                      before: HTTPRoute default/secure-app rule 0 → Service default/secure-app:8443: 200
                      after:  HTTPRoute default/other rule 0: 500
                """), "\(moved.stdout)")
        #expect(!moved.stdout.contains("GET secure-app.example.com/\n"), "/ stays where it is")

        let bad = try live.run(["apply", "--what-if", "-f", "-"], stdin: "kind: HTTPRoute\n")
        #expect(bad.status == 1 && bad.stderr.contains("apiVersion: Required value"), "\(bad.stderr)")
        let since = try live.run(["apply", "--what-if", "--since", "soon", "-f", "-"], stdin: Self.otherRoute)
        #expect(since.status != 0 && since.stderr.contains("--since soon: give a duration"))

        #expect(try Self.untouched(live) == before, "nothing applied, nothing served by the live data plane")
        #expect(Self.shadows().isEmpty, "the shadows stopped")
        #expect(!FileManager.default.fileExists(atPath: stale), "the stale scratch directory was reclaimed")
        #expect(try live.run(["get", "backendtlspolicy", "backend-tls"]).status == 0)
        #expect(try live.run(["get", "httproute", "other"]).status != 0)
        let after = try LiveDataplane.curl(host: "secure-app.example.com", ip: gateway.ip, port: gateway.port)
        #expect(after.status == 200 && after.body.contains("hello from pod secure-app"))
    }
}
