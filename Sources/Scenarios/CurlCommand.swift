import Foundation
import GatewayAPI

/// A guide's `curl` as a probe through the Gateway: `--resolve HOST:$GW_PORT:$GW_IP` (or a `Host` header with
/// `$GW_IP` as the URL's host), `http` or `https` (`$GW_HTTPS_PORT`), `-H`, `-X`, `-I`, `--include`, `--insecure`,
/// query strings. Options that would change what the request means and that the probe cannot do are errors.
enum CurlCommand {
    static let ignored: Set<String> = ["-s", "--silent", "-S", "--show-error", "-sS", "-v", "--verbose", "-sv", "-vs"]

    static func probe(_ command: ShellCommand, file: String) throws -> Scenario.Probe {
        func fail(_ message: String) -> ScenarioError {
            .guide(SourcePosition(file: file, line: command.line, column: 1), "\(command.text): \(message)")
        }
        var url: String?
        var headers: [String] = []
        var method: String?
        var include = false
        var insecure = false
        var words = command.words.dropFirst()[...]
        while let word = words.popFirst() {
            switch word {
            case "--resolve", "-H", "--header", "-X", "--request":
                guard let value = words.popFirst() else { throw fail("\(word) needs a value") }
                if word == "-H" || word == "--header" { headers.append(value) }
                if word == "-X" || word == "--request" { method = value.uppercased() }
            case "-i", "--include": include = true
            case "-I", "--head":
                include = true
                method = "HEAD"
            case "-k", "--insecure": insecure = true
            case "-ik", "-ki":
                include = true
                insecure = true
            default:
                if ignored.contains(word) { continue }
                if word.hasPrefix("-") {
                    throw fail(
                        "the option \(word) is not one a scenario can replay (it replays --resolve, -H, -X, -I, -i, -k, -s, -v)"
                    )
                }
                guard url == nil else { throw fail("more than one URL") }
                url = word
            }
        }
        guard let url else { throw fail("no URL") }
        let expanded = url.replacingOccurrences(of: "${", with: "$").replacingOccurrences(of: "}", with: "")
        guard let schemeEnd = expanded.range(of: "://") else { throw fail("the URL \(url) has no scheme") }
        let scheme = expanded[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw fail("the URL \(url) is not http or https") }
        let rest = expanded[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest.dropFirst(authority.count))
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        var host = String(authority.split(separator: ":").first ?? "")
        let portPart = authority.split(separator: ":").dropFirst().first.map(String.init)
        let portVariable = portPart.flatMap { $0.hasPrefix("$") ? String($0.dropFirst()) : nil }
        if host == "$GW_IP" || host.isEmpty {
            if let index = headers.firstIndex(where: { $0.lowercased().hasPrefix("host:") }) {
                host = headers.remove(at: index).dropFirst(5).trimmingCharacters(in: .whitespaces)
            } else if portVariable != nil {
                host = ""  // the Gateway's address itself, at the listener the port variable names
            } else {
                throw fail("the request names no host: give --resolve HOST:$GW_PORT:$GW_IP or a Host header")
            }
        }
        var probe = Scenario.Probe(host: host, path: path)
        if let portVariable, host.isEmpty || !["GW_PORT", "GW_HTTP_PORT", "GW_HTTPS_PORT"].contains(portVariable) {
            probe.port = portVariable
        }
        if scheme == "https" || authority.contains("$GW_HTTPS_PORT") { probe.scheme = "https" }
        probe.method = method
        probe.headers = headers.isEmpty ? nil : headers
        probe.include = include ? true : nil
        probe.insecure = insecure ? true : nil
        return probe
    }
}
