/// Why a request could not be encoded or a response decoded. Paths name fields as the JSON does, from the message's
/// top: `assertions.headers[2].value`, `labels["app"]`.
public enum ProtoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schema has no message of this name.
    case unknownMessage(String)
    /// The request text is not JSON.
    case invalidJSON(line: Int, column: Int, message: String)
    /// A JSON member names no field of the message (grpcurl refuses these too).
    case unknownField(String, message: String, path: String)
    /// A JSON value does not fit its field, or a decoded value has no JSON form (a timestamp out of range).
    case invalidValue(path: String, message: String)
    /// The wire bytes are not a valid message: a truncated varint, a length beyond the end, a bad wire type.
    case malformedWire(offset: Int, path: String, message: String)

    public var description: String {
        switch self {
        case .unknownMessage(let name):
            return "no message \(name) in the schema"
        case .invalidJSON(let line, let column, let message):
            return "invalid JSON at line \(line), column \(column): \(message)"
        case .unknownField(let field, let message, let path):
            let text = "message type \(message) has no known field named \(field)"
            return path.isEmpty ? text : "\(path): \(text)"
        case .invalidValue(let path, let message):
            return path.isEmpty ? message : "\(path): \(message)"
        case .malformedWire(let offset, let path, let message):
            return "malformed protobuf at byte \(offset)" + (path.isEmpty ? "" : " (in \(path))") + ": \(message)"
        }
    }
}
