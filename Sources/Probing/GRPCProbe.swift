import Diagnostics
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// One gRPC call with grpc-swift over HTTP/2: plain (h2c with prior knowledge, as `grpcurl -plaintext`) or TLS
/// (ALPN h2), the message as wire bytes (ProtoSchema encodes and decodes it), metadata and `:authority` as given.
public enum GRPCProbe {
    public struct Request: Sendable {
        public var host: String
        public var port: Int
        /// `:authority` (and the TLS server name); nil sends `host:port`.
        public var authority: String?
        /// `package.Service`.
        public var service: String
        public var method: String
        public var metadata: [(name: String, value: String)]
        public var message: [UInt8]
        public var security: Security
        public var timeoutSeconds: Double

        public init(
            host: String, port: Int, authority: String? = nil, service: String, method: String,
            metadata: [(name: String, value: String)] = [], message: [UInt8] = [], security: Security = .plaintext,
            timeoutSeconds: Double = 10
        ) {
            self.host = host
            self.port = port
            self.authority = authority
            self.service = service
            self.method = method
            self.metadata = metadata
            self.message = message
            self.security = security
            self.timeoutSeconds = timeoutSeconds
        }
    }

    public enum Security: Sendable {
        case plaintext
        /// TLS, verified against `caFile` (nil: not verified, as `grpcurl -insecure`).
        case tls(caFile: String?)
    }

    /// Makes the call and waits for its end (or the timeout), the call's work on the probes' own thread.
    public static func call(_ request: Request) -> GRPCCallResult {
        ProbeExecutor.wait { await callAsync(request) }
    }

    static func callAsync(_ request: Request) async -> GRPCCallResult {
        let start = ContinuousClock.now
        let target = "\(request.host):\(request.port)"
        let path = "/\(request.service)/\(request.method)"
        var tls = false
        func elapsed() -> Double {
            let duration = ContinuousClock.now - start
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        var result = GRPCCallResult(
            target: target, authority: request.authority, method: path, tls: false, status: .unknown, message: "",
            milliseconds: 0)
        do {
            var config = HTTP2ClientTransport.Posix.Config.defaults
            config.http2.authority = request.authority
            let security: HTTP2ClientTransport.Posix.TransportSecurity
            switch request.security {
            case .plaintext:
                security = .plaintext
            case .tls(let caFile):
                tls = true
                security = .tls { tls in
                    if let caFile {
                        tls.trustRoots = .certificates([.file(path: caFile, format: .pem)])
                    } else {
                        tls.serverCertificateVerification = .noVerification
                    }
                }
            }
            result.tls = tls
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: request.host, port: request.port), transportSecurity: security, config: config)
            var metadata = Metadata()
            for (name, value) in request.metadata { metadata.addString(value, forKey: name.lowercased()) }
            var options = CallOptions.defaults
            options.timeout = .milliseconds(Int64(request.timeoutSeconds * 1000))
            // One attempt: a probe reports what happened rather than retrying past it.
            options.waitForReady = false
            let outcome = try await withGRPCClient(transport: transport) { client in
                try await client.unary(
                    request: ClientRequest(message: request.message, metadata: metadata),
                    descriptor: MethodDescriptor(fullyQualifiedService: request.service, method: request.method),
                    serializer: RawBytes(), deserializer: RawBytes(), options: options
                ) { response in
                    Outcome(response)
                }
            }
            result.status = outcome.status
            result.message = outcome.message
            result.responses = outcome.responses
            result.headers = outcome.headers
            result.trailers = outcome.trailers
        } catch let error as RPCError {
            result.status = GRPCStatusCode(rawValue: error.code.rawValue) ?? .unknown
            result.message = error.message
            if let cause = error.cause { result.transportError = describe(cause) }
        } catch {
            result.status = .unavailable
            result.message = describe(error)
            result.transportError = describe(error)
        }
        result.milliseconds = elapsed()
        return result
    }

    /// An error as a reader wants it: NIO's errors name their source file and line, which say nothing here.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        // BoringSSL's error stack: its reason (WRONG_VERSION_NUMBER: the peer does not speak TLS).
        if text.contains("handshakeFailed"), let marker = text.range(of: "OPENSSL_internal:") {
            let reason = text[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return "TLS handshake failed (\(reason))"
                + (reason == "WRONG_VERSION_NUMBER" ? ": the peer does not speak TLS" : "")
        }
        guard let range = text.range(of: "(file: ") else { return text }
        return String(text[..<range.lowerBound]) + " (the peer did not speak HTTP/2 as gRPC needs)"
    }

    /// What came back, copied out of grpc-swift's response.
    struct Outcome: Sendable {
        var status: GRPCStatusCode = .ok
        var message = ""
        var responses: [[UInt8]] = []
        var headers: [GRPCCallResult.Header] = []
        var trailers: [GRPCCallResult.Header] = []

        init(_ response: ClientResponse<[UInt8]>) {
            headers = Self.headers(response.metadata)
            switch response.accepted {
            case .success(let contents):
                trailers = Self.headers(contents.trailingMetadata)
                switch contents.message {
                case .success(let bytes): responses = [bytes]
                case .failure(let error): failed(error)
                }
            case .failure(let error):
                failed(error)
            }
        }

        /// A call that ended with a status other than OK: its code, message and trailers.
        mutating func failed(_ error: RPCError) {
            status = GRPCStatusCode(rawValue: error.code.rawValue) ?? .unknown
            message = error.message
            trailers = Self.headers(error.metadata)
        }

        static func headers(_ metadata: Metadata) -> [GRPCCallResult.Header] {
            metadata.map { key, value in
                switch value {
                case .string(let text): GRPCCallResult.Header(name: key, value: text)
                case .binary(let bytes): GRPCCallResult.Header(name: key, value: Data(bytes).base64EncodedString())
                }
            }
        }
    }
}

/// Messages as the bytes they are: the probe encodes and decodes them with a schema of its own.
struct RawBytes: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
