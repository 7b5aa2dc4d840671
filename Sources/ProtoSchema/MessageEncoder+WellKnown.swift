extension MessageEncoder {
    /// A well-known type from its special JSON form.
    func encode(
        _ value: JSONValue, as wellKnown: WellKnownType, type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> [UInt8] {
        switch wellKnown {
        case .timestamp:
            guard case .string(let text) = value, let (seconds, nanos) = TimestampFormat.parse(text) else {
                throw Self.expected("an RFC 3339 timestamp string (\"2024-05-01T12:00:00Z\")", value, path)
            }
            return Self.secondsAndNanos(seconds, nanos)
        case .duration:
            guard case .string(let text) = value, let (seconds, nanos) = DurationFormat.parse(text) else {
                throw Self.expected("a duration string in seconds (\"1.5s\")", value, path)
            }
            return Self.secondsAndNanos(seconds, nanos)
        case .structure:
            guard case .object = value else { throw Self.expected("an object", value, path) }
            var writer = WireWriter()
            try write(value, field: type.fields[0], path: path, depth: depth, into: &writer)
            return writer.bytes
        case .listValue:
            guard case .array = value else { throw Self.expected("an array", value, path) }
            var writer = WireWriter()
            try write(value, field: type.fields[0], path: path, depth: depth, into: &writer)
            return writer.bytes
        case .value:
            let (kind, kindValue): (String, JSONValue) =
                switch value {
                case .null: ("null_value", .string("NULL_VALUE"))
                case .number: ("number_value", value)
                case .string: ("string_value", value)
                case .bool: ("bool_value", value)
                case .object: ("struct_value", value)
                case .array: ("list_value", value)
                }
            var writer = WireWriter()
            try writeSingle(
                kindValue, field: type.field(named: kind)!, path: path, depth: depth, keepZero: true, into: &writer)
            return writer.bytes
        case .any:
            return try encodeAny(value, path: path, depth: depth)
        default:
            var writer = WireWriter()
            try writeSingle(value, field: type.fields[0], path: path, depth: depth, keepZero: false, into: &writer)
            return writer.bytes
        }
    }

    /// A Timestamp or Duration: `seconds` (1) and `nanos` (2), each left out when zero.
    private static func secondsAndNanos(_ seconds: Int64, _ nanos: Int32) -> [UInt8] {
        var writer = WireWriter()
        if seconds != 0 {
            writer.tag(1, .varint)
            writer.varint(UInt64(bitPattern: seconds))
        }
        if nanos != 0 {
            writer.tag(2, .varint)
            writer.varint(UInt64(bitPattern: Int64(nanos)))
        }
        return writer.bytes
    }

    /// `{"@type": "type.googleapis.com/pkg.Message", …fields}`, or with the value under `"value"` for a well-known
    /// type: `type_url` (1) and the message's bytes (2).
    private func encodeAny(_ value: JSONValue, path: String, depth: Int) throws(ProtoJSONError) -> [UInt8] {
        guard case .object(let members) = value else { throw Self.expected("an object with \"@type\"", value, path) }
        guard let typeMember = members.first(where: { $0.key == "@type" }) else {
            throw .invalidValue(path: path, message: "an Any needs \"@type\" naming its message")
        }
        guard case .string(let url) = typeMember.value, let slash = url.lastIndex(of: "/") else {
            throw Self.expected(
                "a type URL (\"type.googleapis.com/package.Message\")", typeMember.value,
                FieldPath.member(path, "@type"))
        }
        let name = String(url[url.index(after: slash)...])
        guard let type = schema.message(name) else {
            throw .invalidValue(path: FieldPath.member(path, "@type"), message: "no message \(name) in the schema")
        }
        let rest = members.filter { $0.key != "@type" }
        let payload: [UInt8]
        if WellKnownType.isWrappedInAny(type.fullName) {
            guard let inner = rest.first(where: { $0.key == "value" }), rest.count == 1 else {
                throw .invalidValue(path: path, message: "an Any of \(name) holds it under \"value\", and nothing else")
            }
            payload = try encode(inner.value, as: type, path: FieldPath.member(path, "value"), depth: depth + 1)
        } else {
            payload = try encodeFields(.object(rest), as: type, path: path, depth: depth + 1)
        }
        var writer = WireWriter()
        writer.tag(1, .lengthDelimited)
        writer.lengthDelimited(Array(url.utf8))
        if !payload.isEmpty {
            writer.tag(2, .lengthDelimited)
            writer.lengthDelimited(payload)
        }
        return writer.bytes
    }
}
