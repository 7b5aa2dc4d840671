import Foundation
import GatewayAPI
import Probing

/// A guide's `grpcurl` as a gRPC check: `-plaintext`, `-insecure`, `-proto FILE` (read next to the guide and kept
/// in the scenario), `-import-path`, `-authority`, `-H 'name: value'`, `-d JSON`, then `ADDRESS` (`$GW_IP:$GW_PORT`)
/// and `SERVICE/METHOD`. The output block after it is the response; `ERROR:` with `Code:` a failing status.
enum GRPCurlCommand {
    static func probe(_ command: ShellCommand, file: String, read: GuideImporter.FileReader) throws
        -> Scenario.GRPCProbe
    {
        func fail(_ message: String) -> ScenarioError {
            .guide(SourcePosition(file: file, line: command.line, column: 1), "\(command.text): \(message)")
        }
        var rest = command.words.dropFirst()[...]
        var positional: [String] = []
        var probe = Scenario.GRPCProbe(port: "", method: "")
        var plaintext = false
        var protoFiles: [String] = []
        var importPaths: [String] = []
        var metadata: [String] = []
        func value(_ flag: String) throws -> String {
            guard let value = rest.popFirst() else { throw fail("\(flag) needs a value") }
            return value
        }
        while let word = rest.popFirst() {
            // grpcurl takes -flag and --flag, and -flag=value.
            var flag = word
            if flag.hasPrefix("--") { flag.removeFirst() }
            if flag.hasPrefix("-"), let equals = flag.firstIndex(of: "=") {
                rest.insert(String(flag[flag.index(after: equals)...]), at: rest.startIndex)
                flag = String(flag[..<equals])
            }
            switch flag {
            case "-plaintext": plaintext = true
            case "-insecure": probe.insecure = true
            case "-proto": protoFiles.append(try value(word))
            case "-import-path": importPaths.append(try value(word))
            case "-authority": probe.authority = try value(word)
            case "-H", "-rpc-header": metadata.append(try value(word))
            case "-d":
                let data = try value(word)
                if data == "@" {
                    throw fail("-d @ reads the request from standard input, which a scenario cannot replay")
                }
                probe.data = data
            case "-max-time", "-connect-timeout", "-keepalive-time", "-format":
                _ = try value(word)
            case "-v", "-vv", "-format-error", "-emit-defaults": continue
            default:
                if flag.hasPrefix("-") {
                    throw fail(
                        "the option \(word) is not one a scenario can replay (-plaintext, -insecure, -proto, -import-path, -authority, -H, -d)"
                    )
                }
                positional.append(word)
            }
        }
        guard positional.count == 2 else {
            throw fail(
                positional.count < 2
                    ? "grpcurl needs an address and a method (list and describe are not calls)"
                    : "grpcurl takes one address and one method")
        }
        let address = positional[0]
        guard let colon = address.lastIndex(of: ":") else { throw fail("the address needs a port ($GW_IP:$GW_PORT)") }
        probe.port = try StreamCommands.variable(String(address[address.index(after: colon)...]), fail)
        probe.method = positional[1]
        if !plaintext { probe.tls = true }
        if !metadata.isEmpty {
            for line in metadata where !line.contains(":") { throw fail("-H \(line): give a header as 'name: value'") }
            probe.metadata = metadata
        }
        var protos: [Scenario.GRPCProbe.Proto] = []
        for name in protoFiles {
            let candidates = importPaths.map { ($0 as NSString).appendingPathComponent(name) } + [name]
            guard let text = candidates.lazy.compactMap(read).first else {
                throw fail("-proto \(name): no such file next to the guide")
            }
            protos.append(.init(name: name, text: text))
        }
        if !protos.isEmpty { probe.protos = protos }
        // The schema, the method and the request are checked now: a guide that cannot be replayed is refused with
        // its line, not at the step.
        let call = GRPCCall(
            host: "", port: 0, method: probe.method, json: probe.data ?? "",
            protos: protos.map { GRPCCall.ProtoSource(name: $0.name, text: $0.text) })
        do {
            _ = try call.prepare()
        } catch {
            throw fail(error.description.replacingOccurrences(of: "error: ", with: ""))
        }
        return probe
    }

    /// What the guide printed after the call: the response (JSON), or `ERROR:` with its `Code:`.
    static func expectation(_ lines: [String]) -> (output: String?, code: String?) {
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        if trimmed.first == "ERROR:" {
            let code = trimmed.first { $0.hasPrefix("Code:") }.map {
                $0.dropFirst(5).trimmingCharacters(in: .whitespaces)
            }
            return (nil, code)
        }
        let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return (text.isEmpty ? nil : text, nil)
    }
}
