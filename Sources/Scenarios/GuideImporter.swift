import Foundation
import GatewayAPI

/// Turns a Markdown guide into a scenario. Its shell blocks become steps: `kubectl apply -f FILE` (read next to the
/// guide) and `kubectl apply -f - <<EOF` apply manifests, `kubectl delete` deletes, `kubectl edit` is a manual step;
/// `kubectl get`/`describe` followed by an output block become object checks, and `curl` followed by output blocks a
/// probe whose expectations are made robust (`ExpectedOutput`). Anything else in a shell block is an error naming
/// its line, so nothing is half-imported.
public enum GuideImporter {
    /// Reads a file the guide names, relative to the guide; nil when there is none.
    public typealias FileReader = (String) -> String?

    /// Commands a guide runs to set up a cluster or print things: the embedded default needs none of them.
    static let setupCommands: Set<String> = ["helm", "export", "echo", "kind", "minikube", "sleep", "watch"]
    static let informationalVerbs: Set<String> = [
        "wait", "logs", "port-forward", "top", "version", "cluster-info", "config", "rollout", "api-resources",
        "kustomize",
    ]

    /// Imports `text`, the guide in `file` (used in messages and for the scenario's name). `folder` names the
    /// scenario after the folder the guide is in.
    public static func importGuide(_ text: String, file: String, folder: String? = nil, read: @escaping FileReader)
        throws
        -> Scenario
    {
        var importer = Importer(file: file, read: read)
        try importer.run(MarkdownItem.parse(text))
        guard !importer.steps.isEmpty else { throw ScenarioError.nothingToImport(file) }
        let base = folder ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let title = frontMatterTitle(text) ?? importer.heading.flatMap { $0 == "Example" ? nil : $0 } ?? base
        let name = slug(folder ?? (frontMatterTitle(text) ?? base))
        return Scenario(
            name: name, title: title, source: "imported from \((file as NSString).lastPathComponent)",
            steps: importer.steps)
    }

    static func frontMatterTitle(_ text: String) -> String? {
        guard text.hasPrefix("---\n") else { return nil }
        for line in text.split(separator: "\n").dropFirst() {
            if line == "---" { break }
            if line.hasPrefix("title:") {
                return line.dropFirst(6).trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }

    static func slug(_ text: String) -> String {
        text.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
    }

    /// The walk over a guide's items, with what it has gathered so far.
    struct Importer {
        let file: String
        let read: FileReader
        var steps: [Scenario.Step] = []
        /// The first level-1 heading.
        var heading: String?
        var section: String?
        /// Prose since the last code block.
        var prose: [String] = []
        /// Deployments the guide has applied, for pod names in expected output.
        var deployments: [String] = []
        /// A command waiting for the output block(s) after it.
        var pending: Pending?

        enum Pending {
            /// A probe step (its index) and the output blocks seen after it.
            case curl(step: Int, outputs: [[String]])
            case dig(step: Int)
            case stream(step: Int, outputs: [[String]])
            case grpc(step: Int, outputs: [[String]])
            case get(kinds: [String], namespace: String?, title: String, prose: String?)
            case describe(kind: String, name: String?, namespace: String?, title: String, prose: String?)
        }

        mutating func run(_ items: [MarkdownItem]) throws {
            for item in items {
                switch item {
                case .heading(let level, let text, _):
                    try finish()
                    if level == 1, heading == nil { heading = text }
                    section = text.drop { $0.isNumber || $0 == "." || $0 == " " }.description
                    prose = []
                case .prose(let text, _): prose.append(text)
                case .blank: break
                case .fence(let language, let lines, let line):
                    if isCommandBlock(language: language, lines: lines) {
                        try finish()
                        for command in ShellCommand.commands(lines, firstLine: line) { try handle(command) }
                        prose = []
                    } else {
                        try output(lines)
                    }
                }
            }
            try finish()
        }

        func isCommandBlock(language: String, lines: [String]) -> Bool {
            let first = lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
                .trimmingCharacters(in: .whitespaces)
            let word = first.map { ShellCommand.split($0.hasPrefix("$ ") ? String($0.dropFirst(2)) : $0) }?.first
            if ["kubectl", "curl", "grpcurl"].contains(word ?? "") { return true }
            return ["shell", "sh", "bash", "console", "zsh"].contains(language) && first != nil
        }

        /// The step's title: the prose line that introduces the block (`1. Create the Gateway:`), else the section.
        var title: String {
            if let line = prose.last {
                var text = Substring(line)
                if let marker = text.firstIndex(of: " "),
                    text[..<marker].allSatisfy({ $0.isNumber || $0 == "." })
                        || ["-", "*"].contains(text[..<marker])
                {
                    text = text[text.index(after: marker)...]
                }
                let cleaned = text.trimmingCharacters(in: CharacterSet(charactersIn: " :"))
                if !cleaned.isEmpty && cleaned.count <= 100 { return cleaned }
            }
            return section ?? heading ?? "Step \(steps.count + 1)"
        }

        var proseText: String? {
            let text = prose.dropLast().joined(separator: " ")
            return text.isEmpty ? section : text
        }

        func position(_ command: ShellCommand) -> SourcePosition {
            SourcePosition(file: file, line: command.line, column: 1)
        }

        mutating func handle(_ command: ShellCommand) throws {
            // A command in the same block closes the one before it (its output, if any, came before this one).
            try finish()
            guard let word = command.words.first else { return }
            if word.contains("=") && !word.hasPrefix("-") { return }  // GW_IP=… assignments
            // `echo TEXT | nc …`: nc sends what echo prints.
            if command.words.contains("|"), let last = command.words.split(separator: "|").last?.first,
                last == "nc" || last == "netcat"
            {
                return try stream(try StreamCommands.netcat(command, file: file))
            }
            if GuideImporter.setupCommands.contains(word) { return }
            switch word {
            case "nc", "netcat": try stream(try StreamCommands.netcat(command, file: file))
            case "openssl": try stream(try StreamCommands.openssl(command, file: file))
            case "grpcurl":
                var step = Scenario.Step(title: title, prose: proseText)
                step.checks = [Scenario.Check(grpc: try GRPCurlCommand.probe(command, file: file, read: read))]
                steps.append(step)
                pending = .grpc(step: steps.count - 1, outputs: [])
            case "kubectl": try kubectl(command)
            case "dig":
                var step = Scenario.Step(title: title, prose: proseText)
                step.checks = [Scenario.Check(dns: try DigCommand.probe(command, file: file))]
                steps.append(step)
                pending = .dig(step: steps.count - 1)
            case "curl":
                var step = Scenario.Step(title: title, prose: proseText)
                step.checks = [Scenario.Check(probe: try CurlCommand.probe(command, file: file))]
                steps.append(step)
                pending = .curl(step: steps.count - 1, outputs: [])
            default:
                throw ScenarioError.guide(
                    position(command),
                    "unknown command \"\(command.text)\": a guide's steps can be kubectl apply, delete, get, describe and edit, curl, grpcurl, dig, nc and openssl s_client"
                )
            }
        }

        /// A stream check step; the output blocks after it become what must come back.
        mutating func stream(_ probe: Scenario.StreamProbe) throws {
            var step = Scenario.Step(title: title, prose: proseText)
            step.checks = [Scenario.Check(stream: probe)]
            steps.append(step)
            pending = .stream(step: steps.count - 1, outputs: [])
        }

        mutating func kubectl(_ command: ShellCommand) throws {
            var namespace: String?
            var words: [String] = []
            var files: [String] = []
            var rest = command.words.dropFirst()[...]
            while let word = rest.popFirst() {
                if word == "-n" || word == "--namespace" {
                    namespace = rest.popFirst()
                } else if word.hasPrefix("--namespace=") {
                    namespace = String(word.dropFirst("--namespace=".count))
                } else if word == "-f" || word == "--filename" {
                    guard let file = rest.popFirst() else {
                        throw ScenarioError.guide(position(command), "\(command.text): -f needs a file")
                    }
                    files.append(file)
                } else if word.hasPrefix("-f=") || word.hasPrefix("--filename=") {
                    files.append(String(word.split(separator: "=", maxSplits: 1)[1]))
                } else if word == "-o" || word == "--output" {
                    _ = rest.popFirst()
                } else if !word.hasPrefix("-") {
                    words.append(word)
                }
            }
            guard let verb = words.first else { return }
            let arguments = Array(words.dropFirst())
            switch verb {
            case "apply", "create":
                if verb == "create", files.isEmpty {
                    throw ScenarioError.guide(
                        position(command), "\(command.text): only kubectl create -f FILE can be replayed")
                }
                var step = Scenario.Step(title: title, prose: proseText)
                step.apply = try manifests(files, command: command)
                steps.append(step)
            case "delete":
                var step = Scenario.Step(title: title, prose: proseText)
                if files.isEmpty {
                    step.delete = try namedObjects(arguments, namespace: namespace, command: command)
                } else {
                    step.delete = try manifests(files, command: command)
                }
                steps.append(step)
            case "edit":
                guard let object = try objectName(arguments, namespace: namespace, command: command) else {
                    throw ScenarioError.guide(position(command), "\(command.text): edit needs a kind and a name")
                }
                var step = Scenario.Step(title: title, prose: proseText)
                step.manual = Scenario.Manual(command: command.text, edit: object)
                steps.append(step)
            case "get":
                guard let kinds = arguments.first else { return }
                pending = .get(
                    kinds: kinds.split(separator: ",").map(String.init), namespace: namespace, title: title,
                    prose: proseText)
            case "describe":
                guard let kind = arguments.first else { return }
                let (kindName, name) = splitKindName(kind, arguments.dropFirst().first)
                pending = .describe(kind: kindName, name: name, namespace: namespace, title: title, prose: proseText)
            case "exec" where command.words.contains("nginx") && command.words.contains("-T"):
                // The NGF data plane pod's config: on this machine `gwconsole render` shows the Gateway's own (its
                // addresses and paths differ by design), so the step is informational.
                return
            default:
                if GuideImporter.informationalVerbs.contains(verb) { return }
                throw ScenarioError.guide(
                    position(command),
                    "unknown command \"\(command.text)\": a guide's steps can be kubectl apply, delete, get, describe and edit, and curl"
                )
            }
        }

        /// `gateway/gateway` or `gateway gateway`.
        func splitKindName(_ first: String, _ second: String?) -> (String, String?) {
            if let slash = first.firstIndex(of: "/") {
                return (String(first[..<slash]), String(first[first.index(after: slash)...]))
            }
            return (first, second)
        }

        func objectName(_ arguments: [String], namespace: String?, command: ShellCommand) throws
            -> Scenario.ObjectName?
        {
            guard let first = arguments.first else { return nil }
            let (kind, name) = splitKindName(first, arguments.dropFirst().first)
            guard let name else { return nil }
            return Scenario.ObjectName(kind: kind, name: name, namespace: namespace)
        }

        /// `kubectl delete KIND NAME…` as manifests naming the objects.
        func namedObjects(_ arguments: [String], namespace: String?, command: ShellCommand) throws -> String {
            guard let first = arguments.first else {
                throw ScenarioError.guide(
                    position(command), "\(command.text): delete needs -f FILE or a kind and names")
            }
            let (kind, firstName) = splitKindName(first, nil)
            let names = (firstName.map { [$0] } ?? []) + arguments.dropFirst()
            guard let type = ResourceRegistry.resolve(kind), !names.isEmpty else {
                throw ScenarioError.guide(position(command), "\(command.text): unknown kind \(kind) or no names")
            }
            return names.map { name in
                var document =
                    "apiVersion: \(type.preferredAPIVersion)\nkind: \(type.kind)\nmetadata:\n  name: \(name)\n"
                if let namespace, type.namespaced { document += "  namespace: \(namespace)\n" }
                return document
            }.joined(separator: "---\n")
        }

        /// The manifests of `-f` arguments (`-` is the command's here-document), checked as `apply` would check them.
        mutating func manifests(_ files: [String], command: ShellCommand) throws -> String {
            guard !files.isEmpty else {
                throw ScenarioError.guide(position(command), "\(command.text): give -f FILE (or -f - with <<EOF)")
            }
            var texts: [String] = []
            for name in files {
                let text: String
                if name == "-" {
                    guard let heredoc = command.heredoc else {
                        throw ScenarioError.guide(position(command), "\(command.text): -f - without a <<EOF document")
                    }
                    text = heredoc
                } else if name.hasPrefix("http://") || name.hasPrefix("https://") {
                    throw ScenarioError.guide(
                        position(command),
                        "\(command.text): gwconsole does not download manifests; save \(name) next to the guide and name it"
                    )
                } else {
                    guard let contents = read(name) else {
                        throw ScenarioError.guide(
                            position(command), "\(command.text): no file \(name) next to the guide")
                    }
                    text = contents
                }
                let label = name == "-" ? "\(file):\(command.line)" : name
                let objects = try ManifestDecoder().decode(ManifestReader.documents(from: Data(text.utf8), file: label))
                deployments += objects.filter { $0.type == ResourceRegistry.deployment }.map(\.name)
                var trimmed = Substring(text)
                while trimmed.hasSuffix("\n") { trimmed = trimmed.dropLast() }
                texts.append(trimmed + "\n")
            }
            return texts.joined(separator: "---\n")
        }

        /// An output block: expectations for the command waiting for it.
        mutating func output(_ lines: [String]) throws {
            switch pending {
            case .curl(let step, var outputs):
                outputs.append(lines)
                pending = .curl(step: step, outputs: outputs)
            case .get(let kinds, let namespace, let title, let prose):
                let checks = ExpectedOutput.tableChecks(
                    lines, kinds: kinds, namespace: namespace, deployments: deployments)
                if !checks.isEmpty { steps.append(Scenario.Step(title: title, prose: prose, checks: checks)) }
                pending = nil
            case .describe(let kind, let name, let namespace, let title, let prose):
                let checks = ExpectedOutput.describeChecks(lines, kind: kind, name: name, namespace: namespace)
                if !checks.isEmpty { steps.append(Scenario.Step(title: title, prose: prose, checks: checks)) }
                pending = nil
            case .stream(let step, var outputs):
                outputs.append(lines)
                pending = .stream(step: step, outputs: outputs)
            case .grpc(let step, var outputs):
                outputs.append(lines)
                pending = .grpc(step: step, outputs: outputs)
            case .dig(let step):
                // The status dig printed for the question the guide asked.
                if var dns = steps[step].checks?.first?.dns {
                    dns.status = DigCommand.status(lines, name: dns.name)
                    steps[step].checks = [Scenario.Check(dns: dns)]
                }
                pending = nil
            case nil: break
            }
        }

        /// Closes the command waiting for output: a probe gets its expectations (status 200 when no output shows).
        mutating func finish() throws {
            defer { pending = nil }
            if case .grpc(let index, let outputs) = pending, var probe = steps[index].checks?.first?.grpc {
                // The first block after the call is what grpcurl printed.
                let (output, code) = GRPCurlCommand.expectation(outputs.first ?? [])
                probe.output = output
                probe.code = code
                steps[index].checks = [Scenario.Check(grpc: probe)]
                return
            }
            if case .stream(let index, let outputs) = pending, var probe = steps[index].checks?.first?.stream {
                let lines = outputs.flatMap { $0 }
                let expected =
                    probe.tls == true
                    ? StreamCommands.certificateLines(lines).joined(separator: "\n")
                    : ExpectedOutput.pattern(lines, deployments: deployments)
                probe.output = expected.isEmpty || probe.connectOnly == true ? nil : expected
                steps[index].checks = [Scenario.Check(stream: probe)]
                return
            }
            guard case .curl(let index, let outputs) = pending, var probe = steps[index].checks?.first?.probe else {
                return
            }
            // curl -v's output shows the response's status line and headers (`< `) before the body, as --include.
            if outputs.contains(where: { $0.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("< ") } }) {
                probe.include = true
            }
            if let code = outputs.lazy.compactMap({ ExpectedOutput.curlError($0) }).first {
                probe.curlError = code
            } else if outputs.isEmpty {
                probe.status = 200
            } else {
                let statuses = Set(outputs.map { ExpectedOutput.status($0) })
                if statuses.count == 1, let status = statuses.first { probe.status = status }
                let patterns = outputs.map { ExpectedOutput.pattern($0, deployments: deployments) }
                    .filter { !$0.isEmpty }
                probe.output = patterns.isEmpty ? nil : patterns
                // One plain line: the body must contain it.
                if patterns.count == 1, probe.include != true, !patterns[0].contains("\n"),
                    !patterns[0].contains("{")
                {
                    probe.body = patterns[0]
                    probe.output = nil
                }
            }
            steps[index].checks = [Scenario.Check(probe: probe)]
        }
    }
}
