import Dataplane
import Foundation
import Testing

/// A terminal for the console: a private tmux server; send-keys types, capture-pane reads the screen.
final class TmuxTerminal {
    let socket = "gwconsole-test-\(UUID().uuidString.prefix(8))"
    let session = "console"
    let exitFile = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-tty-\(UUID().uuidString)")
        .path

    /// Starts `command` (a shell command line) in a terminal of the given size. After the command ends, the
    /// terminal's modes (stty -a) are written to `exitFile`, so tests can check the console restored them.
    init(_ command: String, environment: [String: String] = [:], columns: Int = 140, rows: Int = 40) throws {
        let env = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let line = "env \(env) \(command); echo \"status $?\" > \(exitFile); stty -a >> \(exitFile); sleep 600"
        _ = try tmux(["new-session", "-d", "-s", session, "-x", String(columns), "-y", String(rows), line])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: exitFile)
    }

    /// Runs tmux with posix_spawn: the tmux server is a daemon that would hold a pipe of Foundation's Process open.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-tmux-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try Spawn.run("/usr/bin/tmux", ["-L", socket] + arguments, outputPath: output)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    var screen: String { (try? tmux(["capture-pane", "-t", session, "-p"])) ?? "" }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", session] + keys) }

    /// Types text literally (no key-name lookup).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", session, "-l", text]) }

    /// Polls the screen until `predicate` holds (or `seconds` pass); returns the last screen.
    @discardableResult
    func waitUntil(_ seconds: Double = 10, _ predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = screen
        while !predicate(text) && Date() < deadline {
            usleep(100_000)
            text = screen
        }
        return text
    }

    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) -> String { waitUntil(seconds) { $0.contains(text) } }

    /// Waits until every text shows at once (a capture can catch a frame half drawn).
    @discardableResult
    func waitForAll(_ texts: [String], seconds: Double = 10) -> String {
        waitUntil(seconds) { screen in texts.allSatisfy { screen.contains($0) } }
    }

    /// The terminal's modes after the console exited, once it has.
    func exitReport(seconds: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: exitFile, encoding: .utf8), text.contains("speed") { return text }
            usleep(100_000)
        }
        return nil
    }

    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", String(columns), "-y", String(rows)])
    }
}

/// The console in a real terminal, on real state, with a real data plane where traffic flows.
@Suite("Console in tmux", .serialized)
struct ConsoleTests {
    /// Checks `stty -a` shows a cooked terminal again (canonical mode and echo on).
    func expectRestored(_ report: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let report else {
            Issue.record("the console did not exit", sourceLocation: sourceLocation)
            return
        }
        let modes = report.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init)
        #expect(
            modes.contains("icanon") && modes.contains("echo") && modes.contains("icrnl"),
            "terminal modes after exit: \(report)", sourceLocation: sourceLocation)
    }

    @Test(
        "opens on the guide's state; navigates; filters; follows another process's change; survives a resize; quits restoring the terminal"
    )
    func navigate() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let term = try TmuxTerminal("\(CLI.binary) --state \(cli.state)")
        let first = term.waitFor("GatewayClass nginx")
        #expect(first.contains("… Gateway default/gateway"), "not programmed: the data plane is down\n\(first)")
        #expect(first.contains("✓ HTTPRoute default/secure-app"))
        #expect(first.contains("BackendTLSPolicy default/backend-tls (Accepted)"))
        #expect(first.contains("data plane down"))
        try term.send("j", "j", "j")
        let route = term.waitForAll(["Kind:         HTTPRoute", "Section Name:  http"])
        #expect(route.contains("Section Name:  http"), "\(route)")
        // The YAML and Conditions tabs of the route.
        try term.send("y")
        #expect(term.waitForAll(["kind: HTTPRoute", "sectionName: http"]).contains("sectionName: http"))
        try term.send("3")
        let conditions = term.waitForAll(["ResolvedRefs", "parent default/gateway/http", "Accepted"])
        #expect(conditions.contains("parent default/gateway/http") && conditions.contains("Accepted"), "\(conditions)")
        try term.send("d")
        // A filter: only the policy's branch.
        try term.send("/")
        try term.type("backend-cert")
        try term.send("Enter")
        let filtered = term.waitForAll(["/backend-cert", "ConfigMap default/backend-cert (CA)"])
        #expect(filtered.contains("ConfigMap default/backend-cert (CA)") && filtered.contains("GatewayClass nginx"))
        try term.send("Escape")
        term.waitFor("Topology (8)")
        // A flat list by kind.
        try term.send(":")
        try term.type("svc")
        try term.send("Enter")
        let list = term.waitForAll(["services (1)", "ClusterIP"])
        #expect(list.contains("secure-app") && list.contains("ClusterIP"), "\(list)")
        try term.send("Escape")
        term.waitFor("Topology")
        // :apply a file: a second route shows in the tree.
        let extra = cli.state + "/../gwconsole-extra-\(UUID().uuidString.prefix(6)).yaml"
        try """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop}
        spec:
          parentRefs: [{name: gateway, sectionName: http}]
          hostnames: [shop.example.com]
          rules: [{backendRefs: [{name: secure-app, port: 8443}]}]
        """.write(toFile: extra, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: extra) }
        try term.send(":")
        try term.type("apply \(extra)")
        try term.send("Enter")
        let applied = term.waitFor("HTTPRoute default/shop")
        #expect(applied.contains("httproute.gateway.networking.k8s.io/shop created"), "\(applied)")
        try term.send(":")
        try term.type("apply /nonexistent.yaml")
        try term.send("Enter")
        #expect(term.waitForAll(["nothing was applied", "/nonexistent.yaml"]).contains("/nonexistent.yaml"))
        // Another process deletes the policy: the console follows within a second.
        try cli.run(["delete", "btlspolicy", "backend-tls"])
        let live = term.waitUntil(3) { !$0.contains("BackendTLSPolicy default/backend-tls") }
        #expect(
            !live.contains("BackendTLSPolicy default/backend-tls") && live.contains("Service default/secure-app:8443"),
            "\(live)")
        // Resize to 80x24 and back: the layout follows.
        try term.resize(columns: 80, rows: 24)
        let small = term.waitUntil(5) {
            $0.split(separator: "\n", omittingEmptySubsequences: false).count <= 24 && $0.contains("Topology")
        }
        #expect(
            small.split(separator: "\n").allSatisfy { $0.count <= 80 } && small.contains("q quit") == false,
            "80 columns cut the footer:\n\(small)")
        #expect(small.contains("GatewayClass nginx"))
        try term.resize(columns: 160, rows: 48)
        let large = term.waitUntil(5) { screen in
            screen.contains("q quit") && screen.split(separator: "\n", omittingEmptySubsequences: false).count >= 48
        }
        #expect(large.contains("Topology"), "\(large)")
        // Help lists every key; any key closes it. (A capture can catch the overlay half drawn: wait for all of it.)
        try term.send("?")
        let help = term.waitForAll(["Keys", "Ctrl-d"])
        #expect(help.contains("Keys") && help.contains("Ctrl-d"), "\(help)")
        try term.send("Escape")
        try term.send("q")
        expectRestored(term.exitReport())
    }

    /// A live data plane with the guide's first four steps applied (the 400), and the console on it in scenario
    /// mode at 160x48.
    static func guideAtStep4() throws -> (LiveDataplane, TmuxTerminal) {
        let live = LiveDataplane()
        try live.run(["up"])
        try live.run(["scenario", "run", "secure-backend", "--step", "4"])
        let env = ["GWCONSOLE_ADDRESS_BASE": live.base, "GWCONSOLE_PORT_OFFSET": String(live.portOffset)]
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(live.cli.state) --scenario secure-backend", environment: env, columns: 160,
            rows: 48)
        return (live, term)
    }

    @Test(
        "scenario mode on a live data plane: the 400 and its diagnosis, then n to the policy and hello from pod secure-app; themes switch"
    )
    func scenario() throws {
        let (live, term) = try Self.guideAtStep4()
        // The console opens on step 5 with the probe of the route: the guide's 400 page, the plain-vs-TLS comparison, the finding.
        let opened = term.waitForAll(
            [
                "PlainHTTPToTLSBackend", "▸ 5. Create the CA ConfigMap", "MISMATCH with the gateway",
                "200 hello from pod secure-app",
            ], seconds: 20)
        #expect(opened.contains("▸ 5. Create the CA ConfigMap"), "\(opened)")
        #expect(opened.contains("400 Bad Request"))
        #expect(opened.contains("<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>"))
        #expect(
            opened.contains("MISMATCH with the gateway")
                && opened.contains("gateway sends plain HTTP; backend speaks TLS"), "\(opened)")
        #expect(opened.contains("200 hello from pod secure-app"), "the TLS column shows the backend answers TLS")
        // Doctor for the namespace, from the command line.
        try term.send(":")
        try term.type("doctor")
        try term.send("Enter")
        let doctor = term.waitFor("Doctor (namespace default)", seconds: 20)
        #expect(doctor.contains("ERROR PlainHTTPToTLSBackend"), "\(doctor)")
        // The NGINX tab of the route shows the location it produced.
        try term.send("j", "j", "j", "c")
        let nginx = term.waitForAll([
            "HTTPRoute default/secure-app rule 0 match 0", "proxy_pass http://default_secure-app_8443;",
        ])
        #expect(nginx.contains("proxy_pass http://default_secure-app_8443;"), "\(nginx)")
        try term.send("6")
        // Steps 5 (CA), 6 (policy) and 7 (traffic): n three times.
        try term.send("n")
        term.waitFor("✓ 5. Create the CA ConfigMap", seconds: 20)
        try term.send("n")
        term.waitFor("✓ 6. Create the BackendTLSPolicy", seconds: 20)
        try term.send("n")
        let done = term.waitFor("All 7 steps done.", seconds: 30)
        let after = term.waitForAll(
            ["hello from pod secure-app", "→  200 OK", "BackendTLSPolicy default/backend-tls"], seconds: 10)
        #expect(done.contains("All 7 steps done."), "\(done)")
        #expect(after.contains("→  200 OK"), "\(after)")
        #expect(after.contains("BackendTLSPolicy default/backend-tls"))
        // The probe of the route now: 200 through the Gateway, the backend agrees.
        try term.send("p")
        let probed = term.waitForAll(
            ["probed HTTPRoute default/secure-app: 200 OK", "agrees with the gateway"], seconds: 20)
        #expect(probed.contains("agrees with the gateway"), "\(probed)")
        // :explain URL: the listener, the route and rule, the backend TLS, in the diagnostics pane.
        try term.send(":")
        try term.type("explain http://secure-app.example.com/")
        try term.send("Enter")
        let explained = term.waitForAll(
            ["explain: HTTPRoute default/secure-app rule 0", "Taken by HTTPRoute default/secure-app rule 0"],
            seconds: 20)
        #expect(explained.contains("SNI secure-app.example.com"), "\(explained)")
        // :whatif FILE: what applying a route would change, nothing applied.
        let routeFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-whatif-route-\(UUID().uuidString).yaml"
        ).path
        try WhatIfTests.otherRoute.write(toFile: routeFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: routeFile) }
        try term.send(":")
        try term.type("whatif \(routeFile)")
        try term.send("Enter")
        let whatIf = term.waitForAll(
            ["conditions change", "(nothing applied)", "HTTPRoute default/other, parent"], seconds: 30)
        #expect(whatIf.contains("What-if: apply httproute"), "\(whatIf)")
        #expect(try live.run(["get", "httproute", "other"]).status != 0, "nothing applied")
        // :at TIME: doctor as of a century on, when the backend's certificate has expired.
        try term.send(":")
        try term.type("at +36500d")
        try term.send("Enter")
        let later = term.waitForAll(
            ["Doctor (namespace default, at +36500d)", "ERROR CertificateExpired"], seconds: 30)
        #expect(later.contains("answer 502"), "\(later)")
        // Themes by command, with completion.
        try term.send(":")
        try term.type("theme sol")
        try term.send("Tab", "Enter")
        #expect(term.waitFor("theme solarized-dark").contains("theme solarized-dark"))
        try term.send(":")
        try term.type("theme nope")
        try term.send("Enter")
        #expect(term.waitForAll(["not found", "theme \"nope\" not found"]).contains("theme \"nope\" not found"))
        // u stops the data plane (and its nginx processes); u again starts it.
        try term.send("u")
        #expect(term.waitFor("data plane stopped", seconds: 20).contains("data plane down"))
        #expect((try live.run(["status"])).stdout.contains("# data plane: stopped"))
        try term.send("u")
        #expect(term.waitFor("data plane up", seconds: 20).contains("GW_PORT="))
        try term.send("C-c")
        expectRestored(term.exitReport())
    }

    @Test(
        "the Requests tab shows the guide's 400 as it happens (plain HTTP to a TLS backend), then the 200 after n; x explains one; the header counts the failing route; logs --gateway prints the same"
    )
    func liveRequests() throws {
        let (live, term) = try Self.guideAtStep4()
        term.waitFor("▸ 5. Create the CA ConfigMap", seconds: 20)
        try term.send("r")
        let failing = term.waitForAll(
            ["Requests of", "400  GET secure-app.example.com/", "the backend answered 400 to plain HTTP"], seconds: 20)
        #expect(failing.contains("← 400 from "), "\(failing)")
        #expect(failing.contains("HTTPRoute default/secure-app: 4xx"), "\(failing)")
        #expect(!failing.contains("no problems"), "the failing route counts as a problem: \(failing)")
        // The CA, the policy, the request (on the Scenario tab): the 200 arrives in the list.
        try term.send("6")
        for step in 5...7 {
            try term.send("n")
            term.waitFor("✓ \(step).", seconds: 30)
        }
        try term.send("r")
        let fixed = term.waitFor("200  GET secure-app.example.com/", seconds: 20)
        #expect(fixed.contains("(TLS SNI secure-app.example.com, verified)"), "\(fixed)")
        // Only the failures; Enter on the Requests tab probes the route of the request at the top.
        try term.send(":")
        try term.type("requests 4xx")
        try term.send("Enter")
        let filtered = term.waitFor("matching \"4xx\"", seconds: 10)
        #expect(filtered.contains("400  GET") && !filtered.contains("200  GET secure-app.example.com/"), "\(filtered)")
        try term.send("Tab")
        try term.send("Enter")
        let probed = term.waitFor("probed HTTPRoute default/secure-app", seconds: 20)
        #expect(probed.contains("probed HTTPRoute default/secure-app"), "\(probed)")
        // x explains the request at the top: its listener, route and rule.
        try term.send("x")
        let explained = term.waitForAll(
            ["explain: HTTPRoute default/secure-app rule 0", "Taken by HTTPRoute default/secure-app"], seconds: 20)
        #expect(explained.contains("Taken by HTTPRoute default/secure-app rule 0"), "\(explained)")
        try term.send("C-c")
        expectRestored(term.exitReport())
        let logs = try live.run(["logs", "--gateway", "gateway"]).stdout
        #expect(logs.contains("400 ← ") && logs.contains("200 ← "), "\(logs)")
        let json = try live.run(["logs", "--gateway", "gateway", "-o", "json", "--filter", "4xx"]).stdout
        #expect(json.contains("\"status\":400") && !json.contains("\"status\":200"), "\(json)")
        #expect(json.contains("\"backendTLS\":\"plain\"") && json.contains("\"route\":\"default/secure-app\""))
    }

    @Test(
        "NGF's cafe example step by step in the console: n applies its files and checks its curls; its kubectl edit step opens the route in $EDITOR",
        .enabled(
            if: FileManager.default.fileExists(atPath: ImageProfileTests.examples + "/cafe-example/README.md"),
            "needs ../shared/ngf-examples"))
    func exampleScenario() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        let marker = live.backendDir + "-edited"
        // The editor keeps a copy of the file it was given and changes nothing.
        let editor = live.backendDir + "-editor.sh"
        try "#!/bin/sh\ncp \"$1\" \(marker)\n".write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        let env = [
            "GWCONSOLE_ADDRESS_BASE": live.base, "GWCONSOLE_PORT_OFFSET": String(live.portOffset), "EDITOR": editor,
        ]
        let folder = ImageProfileTests.examples + "/cafe-example"
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(live.cli.state) --scenario \(folder)", environment: env, columns: 160, rows: 48)
        term.waitFor("▸ 1. Create the coffee and the tea Deployments and Services", seconds: 20)
        for (number, title) in [
            (1, "Create the coffee and the tea Deployments and Services"),
            (2, "Check that the Pods are running in the `default` Namespace"), (3, "Create the Gateway"),
            (4, "Create the HTTPRoute resources"), (5, "To get coffee"), (6, "To get tea"),
        ] {
            try term.send("n")
            let done = term.waitFor("✓ \(number). \(title)", seconds: 30)
            #expect(done.contains("✓ \(number). \(title)"), "step \(number): \(done)")
        }
        let tea = term.waitFor("Server name: {pod:tea}", seconds: 10)
        #expect(tea.contains("✓ curl --resolve cafe.example.com:"), "\(tea)")
        // Step 7 is the guide's kubectl edit: the route opens in the editor; step 8 edits the Gateway.
        try term.send("n")
        term.waitFor("✓ 7. Using different hostnames", seconds: 20)
        let edited = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
        #expect(edited.contains("kind: HTTPRoute") && edited.contains("name: tea"), "\(edited)")
        try term.send("n")
        let all = term.waitFor("All 8 steps done.", seconds: 20)
        #expect(all.contains("All 8 steps done."), "\(all)")
        try term.send("C-c")
        expectRestored(term.exitReport())
    }

    @Test(
        "e edits in $EDITOR and applies on save; an invalid edit applies nothing and says why; W shows an edit's what-if first; Ctrl-d asks, then deletes"
    )
    func editAndDelete() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let editor = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-editor-\(UUID().uuidString).sh"
        ).path
        defer { try? FileManager.default.removeItem(atPath: editor) }
        // The "editor" rewrites the file as the test says (via a mode file), like a user typing.
        let mode = editor + ".mode"
        try """
        #!/bin/sh
        case "$(cat \(mode))" in
          host) sed -i 's/secure-app.example.com/shop.example.com/' "$1" ;;
          bad) sed -i 's/port: 8443/port: eighty/' "$1" ;;
          none) ;;
        esac
        """.write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        defer { try? FileManager.default.removeItem(atPath: mode) }
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(cli.state)", environment: ["EDITOR": editor], columns: 160, rows: 48)
        term.waitFor("GatewayClass nginx")
        try term.send("j", "j", "j")
        term.waitFor("Kind:         HTTPRoute")

        try "bad".write(toFile: mode, atomically: true, encoding: .utf8)
        try term.send("e")
        let invalid = term.waitForAll(["not applied", "nothing was applied"])
        #expect(invalid.contains("port") && invalid.contains("nothing was applied"), "\(invalid)")
        #expect(
            try cli.run(["get", "httproute", "secure-app", "-o", "yaml"]).stdout.contains("port: 8443"),
            "nothing applied")

        try "none".write(toFile: mode, atomically: true, encoding: .utf8)
        try term.send("e")
        // Reopened with the errors on top; saved unchanged, so cancelled.
        #expect(term.waitForAll(["edit cancelled", "no changes"]).contains("no changes"))

        // W: the edit's what-if, nothing applied; e reopens it, and saved as it is, it applies.
        try "host".write(toFile: mode, atomically: true, encoding: .utf8)
        try term.send("W")
        let assessed = term.waitForAll(["What-if: edit of HTTPRoute default/secure-app", "(nothing applied)"])
        #expect(assessed.contains("not running"), "no data plane: nothing to replay, said so:\n\(assessed)")
        #expect(
            try cli.run(["get", "httproute", "secure-app", "-o", "yaml"]).stdout.contains("secure-app.example.com"),
            "nothing applied")
        try "none".write(toFile: mode, atomically: true, encoding: .utf8)
        try term.send("e")
        let applied = term.waitForAll(["httproute.gateway.networking.k8s.io/secure-app configured", "shop.example.com"])
        #expect(applied.contains("shop.example.com"), "the description shows the new hostname:\n\(applied)")
        #expect(try cli.run(["get", "httproute", "secure-app", "-o", "yaml"]).stdout.contains("shop.example.com"))

        try term.send("C-d")
        #expect(
            term.waitForAll(["(y/N)", "Delete HTTPRoute default/secure-app?"]).contains(
                "Delete HTTPRoute default/secure-app?"))
        try term.send("n")
        term.waitFor("cancelled")
        #expect(try cli.run(["get", "httproutes"]).stdout.contains("secure-app"))
        try term.send("C-d")
        term.waitFor("(y/N)")
        try term.send("y")
        term.waitFor("deleted")
        #expect(try cli.run(["get", "httproutes"]).stderr.contains("No resources found"))
        try term.send("q")
        expectRestored(term.exitReport())
    }

    @Test("without a UTF-8 locale the console draws ASCII; NO_COLOR is honoured; killed, it restores the terminal")
    func asciiAndSignals() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(cli.state)", environment: ["LANG": "C", "LC_ALL": "C", "NO_COLOR": "1"],
            columns: 120, rows: 30)
        let screen = term.waitFor("GatewayClass nginx")
        #expect(screen.contains("+ GatewayClass nginx") && screen.contains("~ Gateway default/gateway"), "\(screen)")
        #expect(!screen.contains("✓") && !screen.contains("│"))
        // SIGTERM (as when the terminal's window closes): the handler restores the terminal.
        let pids = try term.tmux(["list-panes", "-t", term.session, "-F", "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let output = term.exitFile + ".pgrep"
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try Spawn.run("/usr/bin/pgrep", ["-P", pids], outputPath: output)
        let children = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").compactMap {
            Int32($0)
        }
        #expect(!children.isEmpty)
        for child in children { kill(child, SIGTERM) }
        expectRestored(term.exitReport())
    }
}
