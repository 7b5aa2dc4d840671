import ArgumentParser
import Dataplane

/// `gwconsole pod-sandbox --forward tcp:IP:PORT:PORT … -- bwrap …`: the network half of a local pod's sandbox, run by
/// the workload manager for each sandboxed pod (docs/workloads.md): the pod's own network namespace, its address on
/// this machine's loopback forwarded to its ports inside.
struct PodSandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod-sandbox",
        abstract: "Run a local pod in a network namespace of its own (what local pods run).",
        shouldDisplay: false)

    @Option(help: ArgumentHelp("A port to forward: tcp|udp:ADDRESS:PORT:POD_PORT.", valueName: "forward"))
    var forward: [String] = []

    @Argument(parsing: .postTerminator, help: "The pod's command (bubblewrap and its arguments).")
    var command: [String] = []

    mutating func run() throws {
        let forwards = try forward.map { text in
            guard let parsed = PodNetwork.Forward(text) else {
                throw ValidationError("--forward \(text): expected tcp|udp:ADDRESS:PORT:POD_PORT")
            }
            return parsed
        }
        guard !command.isEmpty else { throw ValidationError("give the pod's command after --") }
        throw ExitCode(PodNetwork.run(forwards: forwards, command: command))
    }
}
