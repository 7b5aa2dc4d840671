import Foundation
import Testing

/// The guide's private key never shows in gwconsole's output, logs or files, except where the user asks for the
/// Secret itself; key files are 0600 in 0700 directories.
@Suite("Secrets stay secret", .serialized)
struct SecretsTests {
    @Test("every command's output, the console and the state's logs are free of the guide's private key")
    func grep() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        try live.run(["scenario", "run", "secure-backend"])
        let key = try LiveDataplane.guideCertificateAndKey().key
        // Needles: a line from inside the PEM body, and the same key base64-encoded as the Secret holds it.
        let pemLine = String(key.split(separator: "\n")[3])
        let encoded = String(Data(key.utf8).base64EncodedString().dropFirst(80).prefix(60))
        func leaks(_ text: String) -> Bool { text.contains(pemLine) || text.contains(encoded) }

        let explicit = try live.run(["get", "secret", "app-tls-secret", "-o", "yaml"])
        #expect(
            leaks(explicit.stdout), "the needles find the key where the user asks for the Secret (the test can fail)")

        let pod =
            try live.run(["get", "pods", "-o", "name"]).stdout.split(separator: "\n").first.map {
                String($0.split(separator: "/").last ?? "")
            } ?? ""
        let commands: [[String]] = [
            ["get", "deploy,svc,cm,secret,gtw,httproute,backendtlspolicy,pods,endpointslices", "-A"],
            ["get", "secrets", "-o", "wide"], ["get", "secrets", "-o", "name"],
            ["describe", "secret"], ["describe", "deploy"], ["describe", "pod"], ["describe", "gateway"],
            ["describe", "httproute"],
            ["render"], ["status"], ["status", "-o", "json"], ["doctor", "-A"], ["doctor", "-o", "json"],
            ["probe", "--route", "secure-app"], ["probe", "--route", "secure-app", "-o", "json"],
            ["config", "history"], ["config", "diff", "1", "2"], ["logs", pod], ["scenario", "show", "secure-backend"],
            ["apply", "-f", CLI.guide, "--dry-run"], [],
        ]
        var checked = 0
        for arguments in commands {
            let result = try live.run(arguments)
            #expect(
                !leaks(result.stdout) && !leaks(result.stderr),
                "gwconsole \(arguments.joined(separator: " ")) printed the private key")
            checked += 1
        }
        #expect(checked == commands.count)

        // The console: the Secret's YAML tab and the scenario tab.
        let env = ["GWCONSOLE_ADDRESS_BASE": live.base, "GWCONSOLE_PORT_OFFSET": String(live.portOffset)]
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(live.cli.state) --scenario secure-backend", environment: env, columns: 200,
            rows: 60)
        term.waitFor("Topology")
        try term.send(":")
        try term.type("secrets")
        try term.send("Enter")
        term.waitFor("secrets (1)")
        try term.send("y")
        let yaml = term.waitForAll(["data hidden", "tls.key: \"<hidden: "])
        #expect(yaml.contains("tls.key: \"<hidden: ") && !leaks(yaml), "\(yaml)")
        try term.send("q")

        // Files: nothing under the state directory holds the key except the Secret's own volume file and the store,
        // both 0600 in 0700 directories.
        let root = live.cli.state
        let enumerator = FileManager.default.enumerator(atPath: root)
        var keyFiles: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            if leaks(String(decoding: data, as: UTF8.self)) { keyFiles.append(relative) }
        }
        #expect(!keyFiles.isEmpty, "the pod's tls.key volume file and the store hold it")
        for file in keyFiles {
            #expect(file.hasSuffix("tls.key") || file.hasPrefix("state.db"), "unexpected copy of the key in \(file)")
            let mode = try FileManager.default.attributesOfItem(atPath: root + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) is \(String(mode ?? 0, radix: 8))")
            let parent = (root + "/" + file as NSString).deletingLastPathComponent
            let parentMode = try FileManager.default.attributesOfItem(atPath: parent)[.posixPermissions] as? Int
            #expect(parentMode == 0o700, "\(parent) is \(String(parentMode ?? 0, radix: 8))")
        }
    }
}
