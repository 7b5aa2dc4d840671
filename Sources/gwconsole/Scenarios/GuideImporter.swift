import Foundation
import GatewayAPI

/// Turns a Markdown how-to into a scenario: each `kubectl apply -f - <<EOF` block a step (titled by the section it
/// is in), each `curl --resolve HOST:$GW_PORT:$GW_IP http://HOST:$GW_PORT/PATH` a probe step whose expected output is
/// the code block that follows it.
enum GuideImporter {
    static func importGuide(_ text: String, file: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var title = (file as NSString).lastPathComponent.replacingOccurrences(of: ".md", with: "")
        if let line = lines.first(where: { $0.hasPrefix("title:") }) {
            title = line.dropFirst(6).trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\"'"))
        }
        let name = title.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        var section = title
        var steps: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("## ") { section = String(line.dropFirst(3)) }
            if line.contains("kubectl apply -f - <<EOF") {
                var body: [String] = []
                index += 1
                while index < lines.count, lines[index] != "EOF" {
                    body.append(lines[index])
                    index += 1
                }
                steps.append(
                    "  - title: \(yamlString(section))\n    apply: |\n"
                        + body.map { $0.isEmpty ? "" : "      " + $0 }.joined(separator: "\n") + "\n")
            } else if line.trimmingCharacters(in: .whitespaces).hasPrefix("curl "), let probe = probe(line) {
                // The expected output: the next fenced block.
                var expected: [String] = []
                var j = index + 1
                while j < lines.count, !lines[j].hasPrefix("```") || lines[j] == "```" { j += 1 }
                if j < lines.count, lines[j].hasPrefix("```") {
                    j += 1
                    while j < lines.count, lines[j] != "```" {
                        expected.append(lines[j])
                        j += 1
                    }
                }
                let check =
                    expected.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                        !$0.isEmpty && !$0.contains("nginx/")
                    }
                    .max { $0.count < $1.count } ?? ""
                steps.append(
                    "  - title: \(yamlString(section))\n    checks:\n      - probe: {host: \(probe.host), path: \(yamlString(probe.path))\(check.isEmpty ? "" : ", body: \(yamlString(check))")}\n"
                )
            }
            index += 1
        }
        if steps.isEmpty { throw CLIError("error: \(file): no kubectl apply blocks or curl commands to import") }
        return
            "name: \(name)\ntitle: \(yamlString(title))\nsource: imported from \(yamlString((file as NSString).lastPathComponent))\nsteps:\n"
            + steps.joined()
    }

    /// Host and path of `curl --resolve HOST:$GW_PORT:$GW_IP http://HOST:$GW_PORT/PATH`.
    static func probe(_ line: String) -> (host: String, path: String)? {
        guard let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else { return nil }
        let rest = url.dropFirst("http://".count)
        let hostPort = rest.prefix(while: { $0 != "/" })
        let path = rest.dropFirst(hostPort.count)
        let host = hostPort.split(separator: ":").first.map(String.init) ?? String(hostPort)
        return (host, path.isEmpty ? "/" : String(path))
    }

    static func yamlString(_ s: String) -> String {
        var out = ""
        JSONWriter.writeString(s, into: &out)
        return out
    }
}
