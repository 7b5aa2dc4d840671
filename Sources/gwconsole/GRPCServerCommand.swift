import ArgumentParser
import GRPCBackend

/// `gwconsole grpc-server --listen IP:PORT`: grpc-go's helloworld greeter, run by a local pod of NGF's
/// `ghcr.io/nginx/kic-test-grpc-server` image: `helloworld.Greeter/SayHello` answers `Hello <name>`.
struct GRPCServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grpc-server",
        abstract: "Run the helloworld gRPC greeter (what local kic-test-grpc-server pods run).",
        shouldDisplay: false)

    @Option(help: ArgumentHelp("Where to listen.", valueName: "ip:port"))
    var listen: String

    mutating func run() throws {
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ValidationError("--listen takes IPv4:PORT, got \(listen)")
        }
        try GRPCBackendServer.serve(image: .greeter, address: String(parts[0]), port: port)
    }
}
