import ArgumentParser
import Dataplane
import Foundation

/// `gwconsole echo-server --listen IP:PORT`: the Gateway API conformance echo server, run by a local pod of the
/// `echo-basic` image (its NAMESPACE, POD_NAME, SERVICE_NAME and INGRESS_NAME environment name where it runs).
struct EchoServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-server", abstract: "Run the conformance echo server (what local echo-basic pods run).",
        shouldDisplay: false)

    @Option(help: ArgumentHelp("Where to listen.", valueName: "ip:port"))
    var listen: String

    mutating func run() throws {
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ValidationError("--listen takes IPv4:PORT, got \(listen)")
        }
        try EchoServer.serve(
            address: String(parts[0]), port: port,
            context: EchoServer.Context(environment: ProcessInfo.processInfo.environment))
    }
}
