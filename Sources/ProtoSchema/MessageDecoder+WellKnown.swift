extension MessageDecoder {
    /// A well-known type in its special JSON form, as Go's jsonpb prints it for grpcurl.
    func decode(
        _ fields: [WireField], as wellKnown: WellKnownType, type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        switch wellKnown {
        case .timestamp:
            let (seconds, nanos) = Self.secondsAndNanos(fields)
            guard let text = TimestampFormat.format(seconds: seconds, nanos: nanos) else {
                throw .invalidValue(
                    path: path, message: "timestamp of \(seconds) s and \(nanos) ns is outside years 1 to 9999")
            }
            return .string(text)
        case .duration:
            let (seconds, nanos) = Self.secondsAndNanos(fields)
            guard let text = DurationFormat.format(seconds: seconds, nanos: nanos) else {
                throw .invalidValue(
                    path: path, message: "duration of \(seconds) s and \(nanos) ns is invalid or out of range")
            }
            return .string(text)
        case .structure:
            let members = try members(fields, of: type, path: path, depth: depth)
            return members.first?.value ?? .object([])
        case .listValue:
            let members = try members(fields, of: type, path: path, depth: depth)
            return members.first?.value ?? .array([])
        case .value:
            return try valueKind(fields, of: type, path: path, depth: depth)
        case .any:
            return try any(fields, path: path, depth: depth)
        default:
            let field = type.fields[0]
            let last = fields.last { $0.number == 1 && Self.accepts(field, $0.value.wireType) }
            return scalarValue(last?.value ?? .zero(of: field.type), field.type, floats: .json)
        }
    }

    private static func secondsAndNanos(_ fields: [WireField]) -> (Int64, Int32) {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        for field in fields {
            guard case .varint(let raw) = field.value else { continue }
            if field.number == 1 { seconds = Int64(bitPattern: raw) }
            if field.number == 2 { nanos = Int32(truncatingIfNeeded: raw) }
        }
        return (seconds, nanos)
    }

    /// A `Value`: null, a number (`json.Marshal`'s form), a string, a bool, an object or an array; null when no
    /// kind is set.
    private func valueKind(
        _ fields: [WireField], of type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard let kind = try members(fields, of: type, path: path, depth: depth).first else { return .null }
        switch kind.key {
        case "nullValue": return .null
        case "numberValue":
            let last = fields.last { $0.number == 2 }
            guard case .fixed64(let raw) = last?.value else { return kind.value }
            return Self.floatValue(Double(bitPattern: raw), .json)
        default: return kind.value
        }
    }

    /// An `Any`: `"@type"` then the message's members sorted by name (as grpcurl prints them, through a Go map), or
    /// `"value"` for a well-known type; a type the schema lacks prints as grpcurl's fallback does, with `"@error"` and
    /// the bytes in `"@value"`.
    private func any(_ fields: [WireField], path: String, depth: Int) throws(ProtoJSONError) -> JSONValue {
        var url = ""
        var bytes: ArraySlice<UInt8> = []
        for field in fields {
            guard case .lengthDelimited(let value) = field.value else { continue }
            if field.number == 1 { url = String(decoding: value, as: UTF8.self) }
            if field.number == 2 { bytes = value }
        }
        let name = String(url[(url.lastIndex(of: "/").map { url.index(after: $0) } ?? url.startIndex)...])
        let typeMember = JSONMember(key: "@type", value: .string(url))
        guard let type = schema.message(name) else {
            return .object([
                typeMember,
                JSONMember(
                    key: "@error", value: .string("\(name) is not recognized; see @value for raw binary message data")),
                JSONMember(key: "@value", value: .string(Base64.encode(bytes))),
            ])
        }
        let value = try decode(bytes, as: type, path: path, depth: depth + 1)
        if WellKnownType.isWrappedInAny(type.fullName) {
            return .object([typeMember, JSONMember(key: "value", value: value)])
        }
        guard case .object(let members) = value else { return value }
        return .object([typeMember] + members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
    }
}
