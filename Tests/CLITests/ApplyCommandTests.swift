import Dataplane
import Foundation
import Testing

@Suite("gwconsole apply")
struct ApplyCommandTests {
    @Test("the guide applies in one go, object by object as kubectl reports it; again, all unchanged")
    func applyGuide() throws {
        let cli = CLI()
        let first = try cli.run(["apply", "-f", CLI.guide])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout == """
                deployment.apps/secure-app created
                service/secure-app created
                configmap/secure-config created
                secret/app-tls-secret created
                gateway.gateway.networking.k8s.io/gateway created
                httproute.gateway.networking.k8s.io/secure-app created
                configmap/backend-cert created
                backendtlspolicy.gateway.networking.k8s.io/backend-tls created

                """)
        let second = try cli.run(["apply", "-f", CLI.guide])
        #expect(second.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix(" unchanged") })
        #expect(second.stdout.split(separator: "\n").count == 8)
    }

    @Test("a changed object is configured; stdin works")
    func configured() throws {
        let cli = CLI()
        try cli.run(
            ["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n")
        let result = try cli.run(
            ["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: c\n")
        #expect(result.stdout == "configmap/c configured\n")
        let json = try cli.run(["get", "cm", "c", "-o", "json"])
        #expect(json.stdout.contains("\"generation\": 2"))
    }

    @Test("every bad input is rejected with a positioned message, exit 1, and an unchanged store")
    func badInputs() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let before = try cli.run(["get", "cm,secret,svc,deploy,gtw,httproute,backendtlspolicy", "-o", "json"]).stdout
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A valid object first in each file: it must not land either.
        let valid = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: must-not-land\n---\n"
        let cases: [(String, String, String)] = [
            (
                "port.yaml",
                valid
                    + "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gateway\nspec:\n  gatewayClassName: nginx\n  listeners:\n  - name: http\n    port: eighty\n    protocol: HTTP\n",
                "port.yaml:14:11: spec.listeners[0].port: expected an integer, got \"eighty\""
            ),
            (
                "malformed.yaml", valid + "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n",
                "malformed.yaml:9:1: invalid YAML"
            ),
            ("nokind.yaml", valid + "apiVersion: v1\nmetadata:\n  name: x\n", "nokind.yaml:6:1: kind: Required value"),
            (
                "unknown.yaml", valid + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndatta: {}\n",
                "unknown.yaml:10:1: datta: unknown field \"datta\""
            ),
            (
                "name.yaml", valid + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ../../etc\n",
                "name.yaml:9:9: metadata.name: Invalid value: \"../../etc\""
            ),
            (
                "dup.yaml", valid + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: must-not-land\n",
                "dup.yaml:6:1: metadata.name: duplicate object configmap/must-not-land"
            ),
            (
                "ns.yaml", valid + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nowhere\n",
                "ns.yaml:6:1: configmap/x: namespaces \"nowhere\" not found"
            ),
        ]
        for (file, text, expected) in cases {
            let path = dir.appendingPathComponent(file).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try cli.run(["apply", "-f", path])
            #expect(result.status == 1, "\(file)")
            #expect(
                result.stderr.contains(path.replacingOccurrences(of: file, with: "") + expected),
                "\(file): \(result.stderr)")
            #expect(result.stderr.contains("nothing was applied"), "\(file)")
            #expect(result.stdout.isEmpty, "\(file)")
        }
        let bytes =
            Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"".utf8) + Data([0xC3, 0x28])
            + Data("\"\n".utf8)
        try bytes.write(to: dir.appendingPathComponent("utf8.yaml"))
        let utf8 = try cli.run(["apply", "-f", dir.appendingPathComponent("utf8.yaml").path])
        #expect(utf8.status == 1 && utf8.stderr.contains("utf8.yaml:6:7: input is not valid UTF-8"))
        let missing = try cli.run(["apply", "-f", dir.appendingPathComponent("missing.yaml").path])
        #expect(missing.status == 1 && missing.stderr.contains("missing.yaml: cannot read: no such file or directory"))
        // Nothing changed.
        let after = try cli.run(["get", "cm,secret,svc,deploy,gtw,httproute,backendtlspolicy", "-o", "json"]).stdout
        #expect(after == before)
    }

    @Test("every file of the hostile corpus: apply exits 1 with the file's expected error and the store is unchanged")
    func hostileCorpus() throws {
        let directory = CLI.repositoryRoot.appendingPathComponent("Tests/GatewayAPITests/Fixtures/hostile").path
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasSuffix(".expect") }
            .sorted()
        #expect(files.count >= 15)
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let before = try cli.run(["get", "cm,secret,svc,deploy,gtw,httproute,backendtlspolicy", "-A", "-o", "json"])
            .stdout
        let revision = try Store(directory: cli.state).revision()
        for file in files {
            let path = directory + "/" + file
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            let expected =
                FileManager.default.fileExists(atPath: path + ".expect")
                ? try String(contentsOfFile: path + ".expect", encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                : String(text.prefix { $0 != "\n" }.dropFirst("# expect: ".count))
            let result = try cli.run(["apply", "-f", path])
            #expect(result.status == 1 && result.stderr.contains("nothing was applied"), "\(file): \(result.stderr)")
            #expect(result.stderr.contains(directory + "/" + expected), "\(file): \(result.stderr)")
        }
        #expect(try Store(directory: cli.state).revision() == revision, "no write at all")
        #expect(
            try cli.run(["get", "cm,secret,svc,deploy,gtw,httproute,backendtlspolicy", "-A", "-o", "json"]).stdout
                == before)
    }

    @Test("several processes applying at once: every object lands, none lost")
    func concurrentProcesses() async throws {
        let cli = CLI()
        try cli.run(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: load\n")
        let processes = 8
        let perProcess = 12
        try await withThrowingTaskGroup(of: CLI.Result.self) { group in
            for p in 0..<processes {
                group.addTask {
                    var text = ""
                    for i in 0..<perProcess {
                        text +=
                            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\(p)-\(i)\n  namespace: load\ndata:\n  writer: \"\(p)\"\n"
                    }
                    // Also all update one shared object, each with its own content.
                    text +=
                        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: load\ndata:\n  writer: \"\(p)\"\n"
                    return try cli.run(["apply", "-f", "-"], stdin: text)
                }
            }
            for try await result in group { #expect(result.status == 0, "\(result.stderr)") }
        }
        let listed = try cli.run(["get", "cm", "-n", "load", "-o", "name"]).stdout.split(separator: "\n")
        #expect(listed.count == processes * perProcess + 1)
        let shared = try cli.run(["get", "cm", "shared", "-n", "load", "-o", "json"]).stdout
        // The shared object went through one create and then only whole updates: generation counts them.
        #expect(shared.contains("\"writer\": \""))
    }
}
