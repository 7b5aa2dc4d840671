/// gRPC's status codes, with the names grpcurl prints (`Code: Unimplemented`).
public enum GRPCStatusCode: Int, Sendable, Equatable, Codable, CaseIterable {
    case ok = 0
    case cancelled, unknown, invalidArgument, deadlineExceeded, notFound, alreadyExists, permissionDenied
    case resourceExhausted, failedPrecondition, aborted, outOfRange, unimplemented, `internal`, unavailable
    case dataLoss, unauthenticated

    public var name: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "Canceled"
        case .unknown: "Unknown"
        case .invalidArgument: "InvalidArgument"
        case .deadlineExceeded: "DeadlineExceeded"
        case .notFound: "NotFound"
        case .alreadyExists: "AlreadyExists"
        case .permissionDenied: "PermissionDenied"
        case .resourceExhausted: "ResourceExhausted"
        case .failedPrecondition: "FailedPrecondition"
        case .aborted: "Aborted"
        case .outOfRange: "OutOfRange"
        case .unimplemented: "Unimplemented"
        case .internal: "Internal"
        case .unavailable: "Unavailable"
        case .dataLoss: "DataLoss"
        case .unauthenticated: "Unauthenticated"
        }
    }

    /// The code a name stands for, case-insensitively (`Unimplemented`, `unimplemented`, `12`).
    public init?(name: String) {
        if let number = Int(name), let code = GRPCStatusCode(rawValue: number) {
            self = code
            return
        }
        guard let code = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = code
    }
}

/// What one gRPC call saw: where it went, the status and message, the response messages (wire bytes), the
/// metadata that came back and how long it took. `transportError` is set when no call happened at all (nothing
/// listens, the handshake failed).
public struct GRPCCallResult: Sendable, Equatable, Codable {
    public struct Header: Sendable, Equatable, Codable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `host:port`.
    public var target: String
    /// The `:authority` sent (nil: the target).
    public var authority: String?
    /// `/package.Service/Method`.
    public var method: String
    /// TLS (with ALPN h2) rather than HTTP/2 with prior knowledge.
    public var tls: Bool
    public var status: GRPCStatusCode
    /// `grpc-message`, or the reason the transport gave.
    public var message: String
    public var responses: [[UInt8]]
    public var headers: [Header]
    public var trailers: [Header]
    public var milliseconds: Double
    public var transportError: String?

    public init(
        target: String, authority: String?, method: String, tls: Bool, status: GRPCStatusCode, message: String,
        responses: [[UInt8]] = [], headers: [Header] = [], trailers: [Header] = [], milliseconds: Double,
        transportError: String? = nil
    ) {
        self.target = target
        self.authority = authority
        self.method = method
        self.tls = tls
        self.status = status
        self.message = message
        self.responses = responses
        self.headers = headers
        self.trailers = trailers
        self.milliseconds = milliseconds
        self.transportError = transportError
    }
}
