import Dataplane
import Foundation
import Testing

/// The console in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.
@Suite("Console in tmux", .serialized)
struct ConsoleTests {
    /// Runs tmux. Not with Foundation's Process and a pipe: the first command starts the tmux server, a daemon that
    /// would inherit the pipe and keep it open; Spawn closes every descriptor above stderr in the child.
    func tmux(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try Spawn.run("/usr/bin/tmux", arguments, outputPath: output)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Polls the pane until `text` shows (or a few seconds pass); returns the last capture.
    func waitFor(_ text: String, session: String) throws -> String {
        var screen = ""
        for _ in 0..<50 {
            screen = try tmux(["capture-pane", "-t", session, "-p"])
            if screen.contains(text) { return screen }
            usleep(100_000)
        }
        return screen
    }

    @Test("opens on the guide's state, navigates to the route, shows its description, follows another process's change, quits")
    func navigate() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let session = "gwconsole-test-\(UUID().uuidString.prefix(8))"
        _ = try tmux(["new-session", "-d", "-s", session, "-x", "140", "-y", "30", "\(CLI.binary) --state \(cli.state)"])
        defer { _ = try? tmux(["kill-session", "-t", session]) }
        let first = try waitFor("GatewayClass nginx", session: session)
        #expect(first.contains("… Gateway default/gateway"))
        #expect(first.contains("✓ HTTPRoute default/secure-app"))
        #expect(first.contains("BackendTLSPolicy default/backend-tls (Accepted)"))
        _ = try tmux(["send-keys", "-t", session, "j", "j", "j"])
        let route = try waitFor("Kind:         HTTPRoute", session: session)
        #expect(route.contains("Section Name:  http"))
        // Another process deletes the policy: the console follows within a second.
        try cli.run(["delete", "btlspolicy", "backend-tls"])
        var live = ""
        for _ in 0..<50 {
            live = try tmux(["capture-pane", "-t", session, "-p"])
            if !live.contains("BackendTLSPolicy default/backend-tls") { break }
            usleep(100_000)
        }
        #expect(!live.contains("BackendTLSPolicy default/backend-tls") && live.contains("Service default/secure-app:8443"), "\(live)")
        _ = try tmux(["send-keys", "-t", session, "q"])
        var exited = false
        for _ in 0..<30 {
            let sessions = try tmux(["list-sessions", "-F", "#{session_name}"])
            if !sessions.contains(session) { exited = true; break }
            usleep(100_000)
        }
        #expect(exited, "q quits and the session ends")
    }
}
