import ArgumentParser
import EchoBackend
import Foundation
import GRPCBackend
import Session

/// `gwconsole echo-server --listen IP:PORT`: the Gateway API conformance echo server, run by a local pod of the
/// `echo-basic` image (its NAMESPACE, POD_NAME, SERVICE_NAME and INGRESS_NAME environment name where it runs). With
/// TLS_SERVER_CERT and TLS_SERVER_PRIVKEY it also serves TLS on HTTPS_PORT (default 8443) of the same address,
/// verifying client certificates against TLS_CLIENT_CACERTS when set, as echo-basic does.
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
        let environment = ProcessInfo.processInfo.environment
        let context = EchoServer.Context(environment: environment)
        // echo-basic's modes, in its order: gRPC (GRPCRoute tests), TCP (TLSRoute and TCPRoute tests), UDP, else HTTP.
        if !(environment["GRPC_ECHO_SERVER"] ?? "").isEmpty {
            // TLS on HTTPS_PORT with TLS_SERVER_CERT and TLS_SERVER_PRIV_KEY (the gRPC mode's spelling).
            var tls: (port: Int, certificate: GRPCBackendServer.Certificate)?
            if let certificate = environment["TLS_SERVER_CERT"], let key = environment["TLS_SERVER_PRIV_KEY"],
                !certificate.isEmpty, !key.isEmpty
            {
                guard let https = Int(environment["HTTPS_PORT"] ?? "8443"), (1...65535).contains(https) else {
                    throw ValidationError("HTTPS_PORT must be a port number")
                }
                tls = (https, GRPCBackendServer.Certificate(certificateFile: certificate, keyFile: key))
            }
            try GRPCBackendServer.serve(image: .echo(context), address: String(parts[0]), port: port, tls: tls)
        }
        if !(environment["TCP_ECHO_SERVER"] ?? "").isEmpty {
            let certificate = environment["TLS_SERVER_CERT"].flatMap { cert in
                environment["TLS_SERVER_PRIV_KEY"].map { (file: cert, key: $0) }
            }.flatMap { $0.file.isEmpty || $0.key.isEmpty ? nil : $0 }
            try TCPEcho.serve(
                address: String(parts[0]), ports: TCPEcho.Ports(environment: environment), certificate: certificate,
                context: context)
        }
        if !(environment["UDP_ECHO_SERVER"] ?? "").isEmpty {
            try UDPEcho.serve(
                address: String(parts[0]), port: Int(environment["UDP_PORT"] ?? "") ?? 8080, context: context)
        }
        var listeners = [EchoListener(address: String(parts[0]), port: port)]
        if let certificate = environment["TLS_SERVER_CERT"], let key = environment["TLS_SERVER_PRIVKEY"],
            !certificate.isEmpty, !key.isEmpty
        {
            guard let https = Int(environment["HTTPS_PORT"] ?? "8443"), (1...65535).contains(https) else {
                throw ValidationError("HTTPS_PORT must be a port number")
            }
            let clientCA = environment["TLS_CLIENT_CACERTS"].flatMap { $0.isEmpty ? nil : $0 }
            listeners.append(
                EchoListener(
                    address: String(parts[0]), port: https,
                    tls: .init(certificateFile: certificate, keyFile: key, clientCAFile: clientCA)))
        }
        try EchoServer.serve(listeners, context: context)
    }
}
