import Foundation
import GatewayAPI

/// A guide's `dig @$GW_IP -p $GW_PORT NAME [A]` as a DNS check through the Gateway's UDP listener; what it
/// printed gives the status to expect. Options that would change the question (`+tcp`, another type, `-x`) are
/// errors naming the line.
enum DigCommand {
    static func probe(_ command: ShellCommand, file: String) throws -> Scenario.DNSProbe {
        func fail(_ message: String) -> ScenarioError {
            .guide(SourcePosition(file: file, line: command.line, column: 1), "\(command.text): \(message)")
        }
        var name: String?
        var port: String?
        var words = command.words.dropFirst()[...]
        while let word = words.popFirst() {
            if word.hasPrefix("@") { continue }  // the server: the Gateway's address
            if word == "-p" {
                guard let value = words.popFirst() else { throw fail("-p needs a port") }
                port = value
                continue
            }
            if ["+short", "+noall", "+answer", "+nocmd", "+nostats", "+nocomments"].contains(word) { continue }
            if word.hasPrefix("+") || word.hasPrefix("-") {
                throw fail("the option \(word) is not one a scenario can replay (it replays @SERVER, -p PORT, NAME, A)")
            }
            if ["A", "IN"].contains(word.uppercased()) { continue }
            guard name == nil else { throw fail("only A questions for one name can be replayed (\(word))") }
            name = word
        }
        guard let name else { throw fail("no name to ask") }
        var probe = Scenario.DNSProbe(name: name)
        if let port {
            let variable = port.replacingOccurrences(of: "${", with: "$").replacingOccurrences(of: "}", with: "")
            guard variable.hasPrefix("$") else { throw fail("-p \(port): give the port as $GW_PORT (or GW_PORT_N)") }
            probe.port = String(variable.dropFirst())
        }
        return probe
    }

    /// The status line (`;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: …`) of the answer whose question is
    /// `name`; the last one when several answers are printed.
    static func status(_ lines: [String], name: String) -> String? {
        var status: String?
        var found: String?
        let wanted = name.hasSuffix(".") ? name : name + "."
        for line in lines {
            if let range = line.range(of: "status: ") {
                status = String(line[range.upperBound...].prefix { $0.isLetter })
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(";"),
                trimmed.dropFirst().hasPrefix(wanted) || trimmed.dropFirst().hasPrefix(wanted + "\t")
            {
                found = status
            }
        }
        return found
    }
}
