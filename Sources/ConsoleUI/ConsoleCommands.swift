import Foundation

/// The `:` command line: the commands, their completion, and what each does.
public enum ConsoleCommands {
    /// Commands that take no argument or an argument, with a one-line help each (the help overlay lists them).
    public static let commands: [(name: String, argument: String?, help: String)] = [
        ("tree", nil, "the topology (GatewayClass ▸ Gateway ▸ listener ▸ route ▸ backend ▸ policy)"),
        ("ns", "NAME", "switch namespace"),
        ("apply", "FILE", "apply a manifest file (as gwconsole apply -f)"),
        ("probe", nil, "probe the selection through its Gateway, and its backend plain and TLS"),
        ("doctor", nil, "findings for the namespace with evidence and the fix"),
        ("at", "TIME", "doctor as of a time: certificates expired by then and what breaks (+30d, 2027-01-01)"),
        ("explain", "URL", "which listener, route, rule and backends take a request, and why the others lost"),
        ("whatif", "FILE", "what applying a file would change: conditions, recent requests replayed (nothing applied)"),
        ("scenario", "NAME", "step through a scenario (n runs the next step)"),
        ("requests", "FILTER", "the Requests tab, only 4xx/5xx, host=HOST or a route (none: every request)"),
        ("theme", "NAME", "switch theme"),
        ("up", nil, "start the data plane"),
        ("down", nil, "stop the data plane"),
        ("help", nil, "the key map"),
        ("q", nil, "quit"),
    ]

    /// Kinds for flat lists, with their aliases (any kind `gwconsole get` knows also works).
    public static let kinds: [String] = [
        "gatewayclasses", "gc", "gateways", "gw", "listenersets", "lset", "httproutes", "hr", "routes", "grpcroutes",
        "grpcroute", "tlsroutes",
        "tlsroute", "tcproutes",
        "tcproute", "udproutes", "udproute", "backendtlspolicies", "btlspolicy",
        "services", "svc", "pods", "po", "configmaps", "cm", "secrets", "deployments", "deploy", "endpointslices",
        "referencegrants",
    ]

    /// Completes the command line: the longest common prefix of the candidates, and the candidates themselves.
    public static func complete(_ line: String, arguments: [String: [String]]) -> (line: String, candidates: [String]) {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let candidates: [String]
        let prefix: String
        let lead: String
        if parts.count <= 1 {
            prefix = parts.first ?? ""
            lead = ""
            candidates = (commands.map(\.name) + kinds).filter { $0.hasPrefix(prefix) }
        } else {
            prefix = parts[1]
            lead = parts[0] + " "
            candidates = (arguments[parts[0]] ?? []).filter { $0.hasPrefix(prefix) }.sorted()
        }
        guard let first = candidates.first else { return (line, []) }
        var common = first
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(common) { common.removeLast() }
        }
        let completed =
            lead
            + (candidates.count == 1
                ? first + (parts.count <= 1 && takesArgument(first) ? " " : "") : max(common, prefix))
        return (completed, candidates)
    }

    static func takesArgument(_ name: String) -> Bool { commands.contains { $0.name == name && $0.argument != nil } }

    private static func max(_ a: String, _ b: String) -> String { a.count >= b.count ? a : b }

    /// What a command line does: effects for the shell, or a change of view; an unknown command is an error message.
    public static func run(_ line: String, model: inout ConsoleModel) -> [Effect] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first else { return [] }
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        func needs(_ what: String) -> [Effect] {
            model.message = StyledLine(":\(name) needs \(what)", role: .error)
            return []
        }
        switch name {
        case "q", "quit", "q!": return [.quit]
        case "tree", "topology":
            model.view = .topology
            model.selected = 0
            model.scroll = 0
            return [.loadDetail]
        case "ns", "namespace":
            guard let argument else { return needs("a namespace name") }
            return [.namespace(argument)]
        case "apply":
            guard let argument else { return needs("a file") }
            return [.apply(argument)]
        case "probe":
            guard let ref = model.selectedRef else { return needs("a selected route, Service or Gateway") }
            return [.probe(ref)]
        case "doctor": return [.doctor]
        case "at":
            guard let argument else { return needs("a time (+30d, +12h, 2027-01-01)") }
            return [.doctorAt(argument)]
        case "explain":
            guard let argument else { return needs("a URL (http://HOST[:PORT]/PATH)") }
            return [.explain(argument)]
        case "whatif":
            guard let argument else { return needs("a manifest file") }
            return [.whatIf(argument)]
        case "scenario":
            guard let argument else { return needs("a scenario name") }
            return [.scenario(argument)]
        case "requests":
            model.requestFilter = argument ?? ""
            return model.selectTab(.requests)
        case "theme":
            guard let argument else { return needs("a theme name") }
            return [.theme(argument)]
        case "up": return [.dataplane(true)]
        case "down": return [.dataplane(false)]
        case "help", "h":
            model.mode = .help
            model.helpScroll = 0
            return []
        default:
            return [.showList(name)]
        }
    }
}
