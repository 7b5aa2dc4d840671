import Foundation
import Testing

@Suite("Scenarios", .serialized)
struct ScenarioTests {
    @Test(
        "scenario run secure-backend passes every step: pod Running, the 400, the policy Accepted, hello from pod secure-app"
    )
    func secureBackend() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let result = try live.run(["scenario", "run", "secure-backend"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("✓ pod secure-app: status.phase is Running"))
        #expect(result.stdout.contains("answers 400 with \"The plain HTTP request was sent to HTTPS port\""))
        #expect(result.stdout.contains("✓ backendtlspolicy backend-tls: Accepted is True"))
        #expect(result.stdout.contains("answers 200 with \"hello from pod secure-app\""))
        #expect(result.stdout.hasSuffix("Scenario secure-backend: all 7 steps passed\n"))
        let address = LiveDataplane.gatewayVariables(try live.run(["status"]).stdout)?.ip
        let reset = try live.run(["scenario", "reset", "secure-backend"])
        #expect(reset.stdout.contains("deployment.apps \"secure-app\" deleted"))
        #expect(try live.run(["get", "pods"]).stderr == "No resources found in default namespace.\n")
        // Replayed, the Gateway comes back on the same loopback address.
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        #expect(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout)?.ip == address)
    }

    @Test("--step N applies the first N steps")
    func upToStep() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        let result = try live.run(["scenario", "run", "secure-backend", "--step", "3"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("applied steps 1-3\n"))
        #expect(
            try live.run(["get", "httproute", "-o", "name"]).stdout
                == "httproute.gateway.networking.k8s.io/secure-app\n")
        #expect(try live.run(["get", "btlspolicy"]).stderr.hasPrefix("No resources found"))
    }

    @Test("importing the guide gives a scenario that passes")
    func importedGuide() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        let file = live.backendDir + "-imported.yaml"
        let imported = try live.run([
            "scenario", "import",
            CLI.repositoryRoot.appendingPathComponent("scenarios/securing-backend-traffic.md").path, "-o", file,
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let result = try live.run(["scenario", "run", file])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("with \"hello from pod secure-app\""))
    }

    @Test("a wrong expectation fails with what was expected and what came")
    func wrongExpectation() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        let builtin = try String(
            contentsOf: CLI.repositoryRoot.appendingPathComponent("docs/scenarios/secure-backend.yaml"), encoding: .utf8
        )
        let wrong = builtin.replacingOccurrences(of: "status: 400", with: "status: 418")
        let file = live.backendDir + "-wrong.yaml"
        try wrong.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try live.run(["scenario", "run", file])
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ curl --resolve"))
        #expect(
            result.stderr.contains(
                "failed at step 4 (Send traffic without backend TLS configuration): expected status 418, got 400"))
    }

    @Test("the built-in scenario is the one in docs/scenarios")
    func builtinMatchesDocs() throws {
        let docs = try String(
            contentsOf: CLI.repositoryRoot.appendingPathComponent("docs/scenarios/secure-backend.yaml"), encoding: .utf8
        )
        let shown = try CLI().run(["scenario", "show", "secure-backend", "--show-secrets"], withState: false).stdout
        #expect(shown == docs)
    }
}
