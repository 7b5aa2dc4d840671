import EchoBackend
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// The gRPC servers local pods run, with grpc-swift: NGF's `kic-test-grpc-server` (grpc-go's helloworld greeter) and
/// the conformance echo server's gRPC mode (`GRPC_ECHO_SERVER`).
public enum GRPCBackendServer {
    /// Which image the server answers as.
    public enum Image: Sendable {
        /// `ghcr.io/nginx/kic-test-grpc-server`: `helloworld.Greeter/SayHello` answers `Hello <name>` and logs
        /// `Received: <name>`, as grpc-go's example server does.
        case greeter
        /// echo-basic in gRPC mode: `GrpcEcho/Echo` and `EchoTwo` answer with what the server saw (method, metadata,
        /// authority) and who it is; `EchoThree` is unimplemented.
        case echo(EchoServer.Context)
    }

    /// A certificate and key (PEM files) for a TLS listener.
    public struct Certificate: Sendable {
        public var certificateFile: String
        public var keyFile: String

        public init(certificateFile: String, keyFile: String) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// Serves on `address:port` in plain HTTP/2 (h2c), and with TLS (ALPN h2) on `tlsPort` when a certificate is
    /// given, until the process ends. Logs go to standard error, as grpc-go's `log` package writes them.
    public static func serve(
        image: Image, address: String, port: Int, tls: (port: Int, certificate: Certificate)? = nil
    ) throws {
        let log = GoLog()
        let services: [any RegistrableRPCService] =
            switch image {
            case .greeter: [GreeterService(log: log)]
            case .echo(let context): [GrpcEchoService(context: context)]
            }
        var listeners: [(Int, HTTP2ServerTransport.Posix.TransportSecurity)] = [(port, .plaintext)]
        if let tls {
            listeners.append(
                (
                    tls.port,
                    .tls(
                        certificateChain: [.file(path: tls.certificate.certificateFile, format: .pem)],
                        privateKey: .file(path: tls.certificate.keyFile, format: .pem))
                ))
        }
        let failure = FirstError()
        let group = DispatchGroup()
        for (listenPort, security) in listeners {
            group.enter()
            Task {
                defer { group.leave() }
                let server = GRPCServer(
                    transport: .http2NIOPosix(
                        address: .ipv4(host: address, port: listenPort), transportSecurity: security,
                        config: .defaults),
                    services: services)
                do {
                    try await withThrowingDiscardingTaskGroup { tasks in
                        tasks.addTask { try await server.serve() }
                        // grpc-go's greeter listens on ":50051" and says so as Go prints that address; the pod's
                        // own address is its only one here, so the line is the same.
                        if try await server.listeningAddress != nil, case .greeter = image {
                            log.print("server listening at [::]:\(listenPort)")
                        }
                    }
                } catch {
                    failure.record(error)
                }
            }
        }
        group.wait()
        if let error = failure.error { throw error }
    }
}

/// The first error any listener ended with.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: (any Error)?

    func record(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }
}

/// Lines as Go's `log.Printf` writes them: `2024/04/29 09:28:54 Received: bar server`, on standard error.
struct GoLog: Sendable {
    func print(_ message: String) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let stamp = String(
            format: "%04d/%02d/%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
        FileHandle.standardError.write(Data("\(stamp) \(message)\n".utf8))
    }
}
