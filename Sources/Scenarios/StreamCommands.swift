import Foundation
import GatewayAPI

/// A guide's `nc` and `openssl s_client` through a TCP or TLS passthrough listener, as stream checks: `nc $GW_IP
/// $GW_PORT` (with `echo TEXT |` before it, the text is sent), `nc -z` (the connection only), `openssl s_client
/// -connect $GW_IP:$GW_TLS_PORT -servername NAME` (the handshake, and the certificate the backend presents).
enum StreamCommands {
    static func netcat(_ command: ShellCommand, file: String) throws -> Scenario.StreamProbe {
        func fail(_ message: String) -> ScenarioError {
            .guide(SourcePosition(file: file, line: command.line, column: 1), "\(command.text): \(message)")
        }
        var words = command.words[...]
        var send: String?
        // `echo TEXT | nc …` and `printf 'TEXT' | nc …`: the text is what nc sends.
        if let pipe = words.firstIndex(of: "|") {
            let before = words[..<pipe]
            guard let first = before.first, ["echo", "printf"].contains(first) else {
                throw fail("only echo or printf can feed nc in a scenario")
            }
            let flags = before.dropFirst().prefix { $0 == "-n" || $0 == "-e" || $0 == "-ne" || $0 == "-en" }
            var text = before.dropFirst(1 + flags.count).joined(separator: " ")
            // printf and echo -e turn \r and \n into the characters; echo ends with a newline unless -n.
            if first == "printf" || flags.contains(where: { $0.contains("e") }) {
                text = text.replacingOccurrences(of: "\\r", with: "\r").replacingOccurrences(of: "\\n", with: "\n")
            }
            send = first == "echo" && !flags.contains(where: { $0.contains("n") }) ? text + "\n" : text
            words = words[(pipe + 1)...]
        }
        guard words.first == "nc" || words.first == "netcat" else { throw fail("not an nc command") }
        var positional: [String] = []
        var probe = Scenario.StreamProbe(port: "")
        var rest = words.dropFirst()
        while let word = rest.popFirst() {
            switch word {
            case "-v", "-vv", "-n", "-N", "-q0": continue
            case "-z", "-zv", "-vz": probe.connectOnly = true
            case "-w", "-q":
                guard rest.popFirst() != nil else { throw fail("\(word) needs a value") }
            case "-u": throw fail("nc -u (UDP) cannot be replayed: use dig for a DNS backend")
            default:
                if word.hasPrefix("-") {
                    throw fail("the option \(word) is not one a scenario can replay (-z, -v, -w)")
                }
                positional.append(word)
            }
        }
        guard positional.count == 2 else { throw fail("nc needs a host and a port") }
        probe.port = try variable(positional[1], fail)
        probe.send = send
        return probe
    }

    static func openssl(_ command: ShellCommand, file: String) throws -> Scenario.StreamProbe {
        func fail(_ message: String) -> ScenarioError {
            .guide(SourcePosition(file: file, line: command.line, column: 1), "\(command.text): \(message)")
        }
        var rest = command.words.dropFirst()[...]
        guard rest.popFirst() == "s_client" else { throw fail("only openssl s_client can be replayed") }
        var probe = Scenario.StreamProbe(port: "")
        probe.tls = true
        while let word = rest.popFirst() {
            switch word {
            case "-connect":
                guard let target = rest.popFirst(), let colon = target.lastIndex(of: ":") else {
                    throw fail("-connect needs HOST:PORT")
                }
                probe.port = try variable(String(target[target.index(after: colon)...]), fail)
            case "-servername":
                guard let name = rest.popFirst() else { throw fail("-servername needs a name") }
                probe.host = name
            case "-showcerts", "-brief", "-quiet", "-no_ign_eof": continue
            default:
                throw fail(
                    "the option \(word) is not one a scenario can replay (it replays -connect HOST:PORT, -servername)")
            }
        }
        guard !probe.port.isEmpty else { throw fail("no -connect") }
        return probe
    }

    /// `$GW_PORT`, `${GW_TLS_PORT}`: the variable's name.
    static func variable(_ port: String, _ fail: (String) -> ScenarioError) throws -> String {
        let name = port.replacingOccurrences(of: "${", with: "$").replacingOccurrences(of: "}", with: "")
        guard name.hasPrefix("$") else { throw fail("give the port as a variable ($GW_PORT, $GW_TLS_PORT)") }
        return String(name.dropFirst())
    }

    /// What the guide shows after openssl s_client that holds anywhere: the certificate's `subject=` and
    /// `issuer=` lines (OpenSSL 3's form, `subject=CN = app.example.com`).
    static func certificateLines(_ lines: [String]) -> [String] {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0.hasPrefix("subject=") || $0.hasPrefix("issuer=")
        }
    }
}
