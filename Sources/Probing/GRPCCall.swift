import Diagnostics
import Foundation
import ProtoSchema

/// A gRPC call as grpcurl makes one: a method named `package.Service/Method`, a JSON request encoded with the schema
/// of `.proto` files, metadata, `:authority`; the answer decoded back to JSON and printed as grpcurl prints it. The
/// one recipe behind `probe grpc://…`, `probe --route grpcroute/NAME`, a guide's grpcurl step and the console's `p`.
public struct GRPCCall: Sendable {
    /// A `.proto` file's name (for messages) and text.
    public struct ProtoSource: Sendable, Equatable, Codable {
        public var name: String
        public var text: String

        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    public var host: String
    public var port: Int
    public var authority: String?
    /// `package.Service/Method`.
    public var method: String
    public var metadata: [(name: String, value: String)]
    /// The request message as JSON (empty: the empty message).
    public var json: String
    /// The schema; none uses the services of the local gRPC backends (helloworld, the conformance echo).
    public var protos: [ProtoSource]
    public var security: GRPCProbe.Security
    public var timeoutSeconds: Double

    public init(
        host: String, port: Int, authority: String? = nil, method: String,
        metadata: [(name: String, value: String)] = [], json: String = "", protos: [ProtoSource] = [],
        security: GRPCProbe.Security = .plaintext, timeoutSeconds: Double = 10
    ) {
        self.host = host
        self.port = port
        self.authority = authority
        self.method = method
        self.metadata = metadata
        self.json = json
        self.protos = protos
        self.security = security
        self.timeoutSeconds = timeoutSeconds
    }

    /// Why a call could not be made: the schema or the request, before anything is sent.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case proto(ProtoParseError)
        case schema(ProtoSchemaError)
        case method(ProtoLookupError)
        case request(ProtoJSONError)
        case streaming(String)

        public var description: String {
            switch self {
            case .proto(let error): "error: cannot parse \(error)"
            case .schema(let error): "error: \(error)"
            case .method(let error): "error: \(error)"
            case .request(let error): "error: the request (-d) does not fit the method's input message: \(error)"
            case .streaming(let method): "error: \(method) streams messages: the probe makes unary calls only"
            }
        }
    }

    /// What came back: the call's result and the response as JSON (nil when the call failed or the answer does
    /// not decode, with `decodeError` saying why).
    public struct Outcome: Sendable {
        public var result: GRPCCallResult
        public var responseJSON: String?
        public var decodeError: String?

        /// grpcurl's output: the response as JSON, or `ERROR:` with the code and message.
        public var grpcurlText: String {
            if result.status == .ok {
                return responseJSON ?? "ERROR:\n  Code: Internal\n  Message: \(decodeError ?? "no response")"
            }
            return "ERROR:\n  Code: \(result.status.name)\n  Message: \(result.message)"
        }
    }

    /// The schema of the given protos, or of the local backends' services.
    public static func schema(_ protos: [ProtoSource]) throws(Failure) -> ProtoSchema {
        let sources = protos.isEmpty ? builtin : protos
        var files: [ProtoFile] = []
        for source in sources {
            do {
                files.append(try ProtoParser.parse(source.text, file: source.name))
            } catch {
                throw .proto(error)
            }
        }
        do {
            return try ProtoSchema(files: files)
        } catch {
            throw .schema(error)
        }
    }

    /// The services local pods serve: grpc-go's helloworld greeter and the conformance echo server.
    public static let builtin = [
        ProtoSource(name: "helloworld.proto", text: String(decoding: PackageResources.helloworld_proto, as: UTF8.self)),
        ProtoSource(name: "grpcecho.proto", text: String(decoding: PackageResources.grpcecho_proto, as: UTF8.self)),
    ]

    /// The method and request bytes, checked before anything is sent.
    public func prepare() throws(Failure) -> (schema: ProtoSchema, method: MethodDescriptor, message: [UInt8]) {
        let schema = try Self.schema(protos)
        let descriptor: MethodDescriptor
        do {
            descriptor = try schema.method(method)
        } catch {
            throw .method(error)
        }
        if descriptor.clientStreaming || descriptor.serverStreaming { throw .streaming(descriptor.fullName) }
        do {
            return (schema, descriptor, try ProtoJSON.encode(json: json, message: descriptor.inputType, schema: schema))
        } catch {
            throw .request(error)
        }
    }

    /// Makes the call.
    public func run() throws(Failure) -> Outcome {
        let (schema, descriptor, message) = try prepare()
        let result = GRPCProbe.call(
            GRPCProbe.Request(
                host: host, port: port, authority: authority, service: descriptor.service, method: descriptor.name,
                metadata: metadata, message: message, security: security, timeoutSeconds: timeoutSeconds))
        var outcome = Outcome(result: result)
        if result.status == .ok, let bytes = result.responses.first {
            do {
                outcome.responseJSON = try ProtoJSON.decode(bytes, message: descriptor.outputType, schema: schema)
            } catch {
                outcome.decodeError = "the response does not decode as \(descriptor.outputType): \(error)"
            }
        }
        return outcome
    }
}
