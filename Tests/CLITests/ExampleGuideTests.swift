import Foundation
import Testing

/// NGF's example folders imported as scenarios and run on the embedded default, step by step.
@Suite("Example guides", .serialized)
struct ExampleGuideTests {
    static let examples = ImageProfileTests.examples
    static var haveExamples: Bool { FileManager.default.fileExists(atPath: examples + "/cafe-example/README.md") }

    @Test(
        "cafe-example and traffic-splitting run from their folders: pods, routes, each backend's answer, the split",
        .enabled(if: haveExamples, "needs ../shared/ngf-examples"))
    func readmeGuides() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let cafe = try live.run(["scenario", "run", Self.examples + "/cafe-example"])
        #expect(cafe.status == 0, "\(cafe.stdout)\(cafe.stderr)")
        #expect(cafe.stdout.contains("✓ pod coffee: Ready is True"))
        #expect(
            cafe.stdout.contains(
                "/coffee printing \"Server address: {address} / Server name: {pod:coffee}\""), "\(cafe.stdout)")
        #expect(cafe.stdout.contains("↳ by hand: kubectl -n default edit httproute tea"))
        #expect(cafe.stdout.hasSuffix("Scenario cafe-example: all 8 steps passed\n"))
        // A healthy example gives doctor nothing to say (no false alarms).
        let doctor = try live.run(["doctor", "-A"])
        #expect(
            doctor.status == 0
                && doctor.stdout == "No findings: every Gateway, route and backend checked is healthy.\n",
            "\(doctor.stdout)")
        #expect(try live.run(["scenario", "reset", Self.examples + "/cafe-example"]).status == 0)
        let split = try live.run(["scenario", "run", Self.examples + "/traffic-splitting"])
        #expect(split.status == 0, "\(split.stdout)\(split.stderr)")
        #expect(split.stdout.contains("printing each of \"Server address: {address} / Server name: {pod:coffee-v1}\""))
        #expect(split.stdout.hasSuffix("Scenario traffic-splitting: all 7 steps passed\n"))
    }

    @Test(
        "https-termination from its manifests: cert-manager issues, redirect and HTTPS answer; without the ReferenceGrant HTTPS stops and describe says RefNotPermitted",
        .enabled(if: haveExamples, "needs ../shared/ngf-examples"))
    func httpsTermination() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let folder = Self.examples + "/https-termination"
        let run = try live.run(["scenario", "run", folder])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("✓ certificate cafe-cert: Ready is True"))
        #expect(run.stdout.contains("http://cafe.example.com:\(80 + live.portOffset)/ answers 302"), "\(run.stdout)")
        #expect(run.stdout.contains("https://cafe.example.com:\(443 + live.portOffset)/coffee answers 200"))
        let status = try live.run(["status"]).stdout
        #expect(
            status.contains("GW_HTTP_PORT=\(80 + live.portOffset)\nGW_HTTPS_PORT=\(443 + live.portOffset)\n"),
            "\(status)")
        // Deleting the grant: the listener's Secret is no longer permitted.
        #expect(try live.run(["delete", "-f", folder + "/reference-grant.yaml"]).status == 0)
        let described = try live.run(["describe", "gateway", "gateway"]).stdout
        #expect(described.contains("Reason:                RefNotPermitted"), "\(described)")
        let guide = live.backendDir + "-refgrant.md"
        try """
        Check the listener:

        ```shell
        kubectl describe gateway gateway
        ```

        ```text
            Conditions:
              Last Transition Time:  2024-05-15T12:02:38Z
              Message:               Certificate ref to secret certificate/cafe-secret not permitted by any ReferenceGrant
              Reason:                RefNotPermitted
              Status:                False
              Type:                  ResolvedRefs
        ```

        HTTPS no longer answers:

        ```shell
        curl -k --resolve cafe.example.com:$GW_HTTPS_PORT:$GW_IP https://cafe.example.com:$GW_HTTPS_PORT/coffee
        ```

        ```text
        curl: (7) Failed to connect to cafe.example.com port 443 after 0 ms: Couldn't connect to server
        ```
        """.write(toFile: guide, atomically: true, encoding: .utf8)
        let checked = try live.run(["scenario", "run", guide])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(
            checked.stdout.contains("✓ gateway gateway: ResolvedRefs is False (RefNotPermitted)"), "\(checked.stdout)")
        #expect(checked.stdout.contains("fails with curl error 7"))
    }

    static let guides = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/guides").path

    @Test(
        "guides in NGF's shape: a route to another namespace with its grant (headers shown with -i), the grant deleted (RefNotPermitted, 500); a folder of manifests probed rule by rule (header, query, method)"
    )
    func fixtureGuides() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let cross = try live.run(["scenario", "run", Self.guides + "/cross-namespace"])
        #expect(cross.status == 0, "\(cross.stdout)\(cross.stderr)")
        #expect(cross.stdout.contains("✓ pod coffee: Ready is True"))
        #expect(cross.stdout.contains("curl -i --resolve cafe.example.com:"), "\(cross.stdout)")
        #expect(cross.stdout.contains("✓ httproute coffee: ResolvedRefs is False (RefNotPermitted)"))
        #expect(cross.stdout.contains("/coffee answers 500"))
        #expect(cross.stdout.hasSuffix("Scenario cross-namespace: all 9 steps passed\n"))
        let matching = try live.run(["scenario", "run", Self.guides + "/matching"])
        #expect(matching.status == 0, "\(matching.stdout)\(matching.stderr)")
        for line in [
            "/coffee answers 200 printing \"Server name: {pod:coffee-v1}\"",
            "curl -H 'version: v2' --resolve cafe.example.com:",
            "/coffee?TEST=v2 answers 200 printing \"Server name: {pod:coffee-v2}\"",
            "curl -X POST --resolve test.example.com:",
            "/tea answers 200 printing \"Server name: {pod:tea-post}\"",
        ] {
            #expect(matching.stdout.contains(line), "\(line) in \(matching.stdout)")
        }
    }

    @Test(
        "Secret values stay hidden in scenario show and import, however the Secret is written (quoted kind, flow data, JSON)"
    )
    func secretsHidden() throws {
        let cli = CLI()
        let folder = cli.state + "-secrets"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let value = Data("very-secret-token-value".utf8).base64EncodedString()
        try "apiVersion: v1\nkind: \"Secret\"\nmetadata: {name: one}\ndata: {token: \(value)}\n".write(
            toFile: folder + "/one.yaml", atomically: true, encoding: .utf8)
        try #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"two"},"data":{"token":"\#(value)"}}"#.write(
            toFile: folder + "/two.json", atomically: true, encoding: .utf8)
        try "# Secrets\n\n```shell\nkubectl apply -f one.yaml -f two.json\n```\n".write(
            toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        for command in [["scenario", "show", folder], ["scenario", "import", folder]] {
            let result = try cli.run(command)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                !result.stdout.contains(value) && result.stdout.contains("<hidden>"), "\(command): \(result.stdout)")
        }
        let shown = try cli.run(["scenario", "show", folder, "--show-secrets"]).stdout
        #expect(shown.contains(value), "--show-secrets shows them")
    }

    @Test("bad guides: a missing file or an unknown command is named with its line, and nothing is applied")
    func badGuides() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let folder = live.backendDir + "-guide"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: first\n".write(
            toFile: folder + "/first.yaml", atomically: true, encoding: .utf8)
        try "# Guide\n\n```shell\nkubectl apply -f first.yaml\nkubectl apply -f second.yaml\n```\n".write(
            toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        let missing = try live.run(["scenario", "run", folder])
        #expect(missing.status == 1)
        #expect(
            missing.stderr
                == "error: \(folder)/README.md:5:1: kubectl apply -f second.yaml: no file second.yaml next to the guide\n"
        )
        try "# Guide\n\n```shell\nkubectl apply -f first.yaml\nkubectl cordon node-1\n```\n".write(
            toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        let unknown = try live.run(["scenario", "import", folder, "-o", folder + "/out.yaml"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: \(folder)/README.md:5:1: unknown command \"kubectl cordon node-1\""))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.yaml"))
        #expect(try live.run(["get", "namespace", "first"]).status != 0, "nothing was applied")
        // A good guide imports to a file only its owner reads.
        try "# Guide\n\n```shell\nkubectl apply -f first.yaml\n```\n".write(
            toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        #expect(try live.run(["scenario", "import", folder, "-o", folder + "/out.yaml"]).status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/out.yaml")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        guard Self.haveExamples else { return }
        let listed = try live.run(["scenario", "list", "--from", Self.examples])
        #expect(
            listed.stdout.contains("cafe-example") && listed.stdout.contains("traffic-splitting"), "\(listed.stdout)")
    }
}
