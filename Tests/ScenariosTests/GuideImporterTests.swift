import Foundation
import GatewayAPI
import Testing

@testable import Scenarios

/// The repository root and `../shared/ngf-examples` beside it.
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let examples = root.deletingLastPathComponent().appendingPathComponent("shared/ngf-examples").path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        .path
    static var haveExamples: Bool { FileManager.default.fileExists(atPath: examples + "/cafe-example/README.md") }
}

@Suite("Importing guides")
struct GuideImporterTests {
    @Test(
        "cafe-example: files applied from beside the README, pods by Deployment, curl output made robust, edits by hand",
        .enabled(if: Paths.haveExamples, "needs ../shared/ngf-examples"))
    func cafeExample() throws {
        let scenario = try ScenarioLoader.importPath(Paths.examples + "/cafe-example")
        #expect(scenario.name == "cafe-example")
        #expect(
            scenario.steps.map(\.title) == [
                "Create the coffee and the tea Deployments and Services",
                "Check that the Pods are running in the `default` Namespace", "Create the Gateway",
                "Create the HTTPRoute resources", "To get coffee", "To get tea", "Using different hostnames",
                "Using different hostnames",
            ])
        let cafe = try String(contentsOfFile: Paths.examples + "/cafe-example/cafe.yaml", encoding: .utf8)
        #expect(scenario.steps[0].apply == cafe)
        #expect(
            scenario.steps[1].checks?.compactMap(\.object) == [
                .init(kind: "pod", name: "coffee", namespace: "default", field: "status.phase", equals: "Running"),
                .init(kind: "pod", name: "coffee", namespace: "default", condition: "Ready"),
                .init(kind: "pod", name: "tea", namespace: "default", field: "status.phase", equals: "Running"),
                .init(kind: "pod", name: "tea", namespace: "default", condition: "Ready"),
            ])
        let coffee = try #require(scenario.steps[4].checks?.first?.probe)
        #expect(coffee.host == "cafe.example.com" && coffee.path == "/coffee" && coffee.scheme == nil)
        #expect(coffee.output == ["Server address: {address}\nServer name: {pod:coffee}"])
        #expect(
            scenario.steps[6].manual
                == .init(
                    command: "kubectl -n default edit httproute tea",
                    edit: .init(kind: "httproute", name: "tea", namespace: "default")))
    }

    @Test(
        "traffic-splitting: both backends' outputs, each to be seen; the second route file; a bare curl wants 200",
        .enabled(if: Paths.haveExamples, "needs ../shared/ngf-examples"))
    func trafficSplitting() throws {
        let scenario = try ScenarioLoader.importPath(Paths.examples + "/traffic-splitting")
        let split = try #require(scenario.steps[4].checks?.first?.probe)
        #expect(
            split.output == [
                "Server address: {address}\nServer name: {pod:coffee-v1}",
                "Server address: {address}\nServer name: {pod:coffee-v2}",
            ])
        #expect(scenario.steps[5].apply?.contains("weight: 80") == true)
        #expect(scenario.steps[6].checks?.first?.probe?.status == 200)
    }

    @Test(
        "https-termination's README has no commands: its files make the steps, in dependency order, with checks",
        .enabled(if: Paths.haveExamples, "needs ../shared/ngf-examples"))
    func manifestFolder() throws {
        let scenario = try ScenarioLoader.importPath(Paths.examples + "/https-termination")
        #expect(
            scenario.steps.map(\.title) == [
                "Apply certificate-ns-and-cafe-secret.yaml", "Apply cafe.yaml", "Apply reference-grant.yaml",
                "Apply gateway.yaml", "Apply cafe-routes.yaml", "Send traffic to every route",
            ])
        #expect(
            scenario.steps[0].checks?.compactMap(\.object).map(\.name) == ["local-ca", "cafe-cert"])
        // Objects without a namespace are checked in the namespace the scenario runs in.
        #expect(scenario.steps[1].checks?.compactMap(\.object).allSatisfy { $0.namespace == nil } == true)
        let probes = try #require(scenario.steps.last?.checks).compactMap(\.probe)
        #expect(probes.map(\.status) == [302, 200, 200])
        #expect(probes.map(\.scheme) == [nil, "https", "https"])
        #expect(probes.map(\.path) == ["/", "/coffee", "/tea"])
    }

    @Test("the guide in heredoc form: kubectl get pods,svc rows, describe's conditions, the 400 page's status")
    func heredocGuide() throws {
        let path = Paths.root.appendingPathComponent("scenarios/securing-backend-traffic.md").path
        let scenario = try ScenarioLoader.importPath(path)
        #expect(scenario.name == "securing-backend-traffic")
        let objects = scenario.steps.flatMap { $0.checks ?? [] }.compactMap(\.object)
        #expect(objects.contains(.init(kind: "pod", name: "secure-app", field: "status.phase", equals: "Running")))
        #expect(
            objects.contains(
                .init(
                    kind: "backendtlspolicies.gateway.networking.k8s.io", name: "backend-tls", condition: "Accepted",
                    reason: "Accepted")))
        let probes = scenario.steps.flatMap { $0.checks ?? [] }.compactMap(\.probe)
        #expect(probes.map(\.status) == [400, nil])
        #expect(probes.first?.output?.first?.contains("<hr><center>nginx{any}</center>") == true)
        #expect(probes.last?.body == "hello from pod secure-app" && probes.last?.output == nil)
    }

    @Test("curl options: -i, -k, https with GW_HTTPS_PORT, -H, -X, a query, a Host header instead of --resolve")
    func curlOptions() throws {
        let guide = """
            ```shell
            curl -ik --resolve cafe.example.com:$GW_HTTPS_PORT:$GW_IP "https://cafe.example.com:$GW_HTTPS_PORT/coffee?TEST=v2" -H "version: v2" -X POST
            ```

            ```text
            HTTP/1.1 200 OK
            Server: nginx/1.27.4
            Date: Mon, 01 Dec 2026 10:00:00 GMT
            ...
            Server name: coffee-v2-68bd55f798-s9z5q
            ```

            ```shell
            curl -H "Host: cafe.example.com" http://$GW_IP:$GW_PORT/tea
            ```

            ```text
            curl: (7) Failed to connect to 10.0.0.1 port 80
            ```
            """
        let scenario = try GuideImporter.importGuide(guide, file: "guide.md", read: { _ in nil })
        let first = try #require(scenario.steps.first?.checks?.first?.probe)
        #expect(first.scheme == "https" && first.insecure == true && first.include == true)
        #expect(first.path == "/coffee?TEST=v2" && first.method == "POST" && first.headers == ["version: v2"])
        #expect(first.status == 200)
        #expect(first.output == ["HTTP/1.1 200 OK\nServer: {any}\nDate: {any}\n...\nServer name: {pod:coffee-v2}"])
        let second = try #require(scenario.steps.last?.checks?.first?.probe)
        #expect(second.host == "cafe.example.com" && second.headers == nil && second.curlError == 7)
    }

    @Test("two curls in one block: each keeps its own expectations (the output after the block is the last one's)")
    func curlsInOneBlock() throws {
        let guide = """
            ```shell
            curl --resolve cafe.example.com:$GW_PORT:$GW_IP http://cafe.example.com:$GW_PORT/coffee
            curl --resolve cafe.example.com:$GW_PORT:$GW_IP http://cafe.example.com:$GW_PORT/tea
            ```

            ```text
            Server name: tea-7cd44fcb4d-xfw2x
            ```
            """
        let probes = try GuideImporter.importGuide(guide, file: "g.md", read: { _ in nil }).steps.compactMap {
            $0.checks?.first?.probe
        }
        #expect(probes.map(\.path) == ["/coffee", "/tea"])
        #expect(probes[0].status == 200 && probes[0].output == nil, "no output shown for /coffee: it must answer 200")
        #expect(probes[1].output == ["Server name: {pod:tea}"])
    }

    @Test("a missing file, an unknown command, a bad option: the guide's line named, nothing imported")
    func badInput() throws {
        let missing = "# Guide\n\n```shell\nkubectl apply -f nothere.yaml\n```\n"
        #expect(
            throws: ScenarioError.guide(
                SourcePosition(file: "g.md", line: 4, column: 1),
                "kubectl apply -f nothere.yaml: no file nothere.yaml next to the guide")
        ) {
            try GuideImporter.importGuide(missing, file: "g.md", read: { _ in nil })
        }
        let unknown = "Intro.\n\n```shell\nkubectl apply -f a.yaml\nkubectl scale deployment coffee --replicas=2\n```\n"
        let error = #expect(throws: ScenarioError.self) {
            try GuideImporter.importGuide(
                unknown, file: "g.md", read: { _ in "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n" })
        }
        #expect(
            error?.description.hasPrefix(
                "error: g.md:5:1: unknown command \"kubectl scale deployment coffee --replicas=2\"") == true)
        let option = "```shell\ncurl -L http://cafe.example.com/\n```\n"
        let optionError = #expect(throws: ScenarioError.self) {
            try GuideImporter.importGuide(option, file: "g.md", read: { _ in nil })
        }
        #expect(optionError?.description.contains("g.md:2:1: curl -L http://cafe.example.com/: the option -L") == true)
        // A file that is not a valid manifest: its own position.
        let bad = "```shell\nkubectl apply -f bad.yaml\n```\n"
        let badError = #expect(throws: (any Error).self) {
            try GuideImporter.importGuide(
                bad, file: "g.md", read: { _ in "apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\n" })
        }
        #expect("\(badError!)".contains("bad.yaml:4"), "\(badError!)")
        #expect(throws: ScenarioError.nothingToImport("empty.md")) {
            try GuideImporter.importGuide("# Nothing\n\nJust prose.\n", file: "empty.md", read: { _ in nil })
        }
    }

    @Test(
        "what import writes reads back as the same scenario",
        .enabled(if: Paths.haveExamples, "needs ../shared/ngf-examples"))
    func roundTrip() throws {
        for folder in ["cafe-example", "traffic-splitting", "https-termination"] {
            let scenario = try ScenarioLoader.importPath(Paths.examples + "/" + folder)
            let text = ScenarioWriter.write(scenario)
            #expect(try Scenario.decode(text, file: folder) == scenario, "\(text)")
        }
        let guide = try ScenarioLoader.importPath(
            Paths.root.appendingPathComponent("scenarios/securing-backend-traffic.md").path)
        let read = try Scenario.decode(ScenarioWriter.write(guide), file: "guide")
        #expect(read == guide)
    }

    @Test(
        "scenario list --from: every example folder under a root",
        .enabled(if: Paths.haveExamples, "needs ../shared/ngf-examples"))
    func listFrom() throws {
        let guides = ScenarioLoader.guides(under: Paths.examples)
        #expect(
            guides.map { ($0.path as NSString).lastPathComponent } == [
                "cafe-example", "https-termination", "traffic-splitting",
            ])
        #expect(guides.allSatisfy { (try? $0.result.get()) != nil })
    }
}

@Suite("Expected output")
struct ExpectedOutputTests {
    @Test("patterns: lines in order with gaps, addresses by form, pods by Deployment, literal braces")
    func patterns() {
        let pattern = OutputPattern("Server address: {address}\n...\nServer name: {pod:coffee}")
        #expect(pattern.matches("Server address: 127.0.0.1:8080\nServer name: coffee-5b9c74f9d9-x7n2q\nDate: x\n"))
        #expect(!pattern.matches("Server address: 127.0.0.1:8080\nServer name: tea-5b9c74f9d9-x7n2q\n"))
        #expect(!pattern.matches("Server address: 127.0.0.1:8080\nServer name: coffee-v2-5b9c74f9d9-x7n2q\n"))
        #expect(!pattern.matches("Server name: coffee-5b9c74f9d9-x7n2q\nServer address: 127.0.0.1:8080\n"))
        #expect(OutputPattern("{\"path\": \"/\"}").matches("{\"path\": \"/\"}"))
        #expect(OutputPattern("Server name: {pod:coffee}").firstUnmatched(in: "nothing") == "Server name: {pod:coffee}")
    }

    @Test("kubectl describe: each condition's type, status and reason")
    func describe() {
        let lines = """
            Name:         gateway
            Status:
              Listeners:
                Conditions:
                  Last Transition Time:  2024-05-15T12:02:38Z
                  Message:               Certificate ref to secret certificate/cafe-secret not permitted by any ReferenceGrant
                  Observed Generation:   1
                  Reason:                RefNotPermitted
                  Status:                False
                  Type:                  ResolvedRefs
            """.split(separator: "\n").map(String.init)
        #expect(
            ExpectedOutput.describeChecks(lines, kind: "gateway", name: nil, namespace: nil).compactMap(\.object) == [
                .init(
                    kind: "gateway", name: "gateway", condition: "ResolvedRefs", status: "False",
                    reason: "RefNotPermitted")
            ])
    }
}

@Suite("Layer-4 commands in guides")
struct Layer4GuideImportTests {
    static let guide = """
        # TCP and TLS

        Talk to the TCP listener:

        ```shell
        echo "PING" | nc $GW_IP $GW_PORT_1
        ```

        ```text
        PONG from tea-7cd44fcb4d-xfw2x
        ```

        Check it is open:

        ```shell
        nc -zv ${GW_IP} ${GW_PORT_2}
        ```

        Ask the DNS backend:

        ```shell
        dig @${GW_IP} -p ${GW_PORT} cafe.example.com
        ```

        ```text
        ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 13260
        ;; QUESTION SECTION:
        ;cafe.example.com.		IN	A
        ```

        See the backend's certificate:

        ```shell
        openssl s_client -connect $GW_IP:$GW_TLS_PORT -servername app.example.com
        ```

        ```text
        CONNECTED(00000003)
        depth=0 CN = app.example.com
        subject=CN = app.example.com
        issuer=CN = LocalCA
        ```
        """

    @Test("nc, dig and openssl s_client become stream and DNS checks with their expected output; they read back")
    func commands() throws {
        let scenario = try GuideImporter.importGuide(Self.guide, file: "g.md", read: { _ in nil })
        let checks = scenario.steps.compactMap { $0.checks?.first }
        #expect(checks.count == 4)
        #expect(checks[0].stream?.port == "GW_PORT_1" && checks[0].stream?.send == "PING\n")
        #expect(checks[0].stream?.output == "PONG from {pod:tea}")
        #expect(checks[1].stream?.port == "GW_PORT_2" && checks[1].stream?.connectOnly == true)
        #expect(checks[1].stream?.output == nil)
        #expect(
            checks[2].dns
                == {
                    var dns = Scenario.DNSProbe(name: "cafe.example.com")
                    dns.port = "GW_PORT"
                    dns.status = "NOERROR"
                    return dns
                }())
        #expect(checks[3].stream?.tls == true && checks[3].stream?.host == "app.example.com")
        #expect(checks[3].stream?.port == "GW_TLS_PORT")
        #expect(checks[3].stream?.output == "subject=CN = app.example.com\nissuer=CN = LocalCA")
        let text = ScenarioWriter.write(scenario)
        #expect(try Scenario.decode(text, file: "g") == scenario, "\(text)")
    }

    @Test("options nc and openssl cannot replay are named with the guide's line")
    func badOptions() {
        let udp = #expect(throws: ScenarioError.self) {
            try GuideImporter.importGuide("```shell\nnc -u $GW_IP $GW_PORT\n```\n", file: "g.md", read: { _ in nil })
        }
        #expect(udp?.description.contains("g.md:2:1: nc -u $GW_IP $GW_PORT: nc -u (UDP) cannot be replayed") == true)
        let option = #expect(throws: ScenarioError.self) {
            try GuideImporter.importGuide(
                "```shell\nopenssl s_client -connect $GW_IP:$GW_TLS_PORT -tls1_3\n```\n", file: "g.md",
                read: { _ in nil })
        }
        #expect(option?.description.contains("the option -tls1_3 is not one a scenario can replay") == true)
        let literal = #expect(throws: ScenarioError.self) {
            try GuideImporter.importGuide("```shell\nnc 10.0.0.1 81\n```\n", file: "g.md", read: { _ in nil })
        }
        #expect(literal?.description.contains("give the port as a variable") == true)
    }
}
