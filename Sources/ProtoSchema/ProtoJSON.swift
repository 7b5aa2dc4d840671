/// Protobuf messages to and from JSON, as grpcurl reads `-d` and prints responses, by a ``ProtoSchema``.
///
/// Requests (JSON to wire): members are named by field name or JSON name; an unknown name is an error naming it and
/// the message. Scalars take protobuf's JSON forms: 64-bit integers as numbers or strings (no precision is lost), any
/// integer as a numeric string, floats also as `"NaN"`, `"Infinity"`, `"-Infinity"`, bools also as `"true"`/`"false"`,
/// bytes as base64 (standard or URL-safe, padding optional), enums by name or number. `null` leaves a field unset.
/// Repeated fields take arrays and maps objects (keys as strings). Fields are written in field-number order; proto3
/// fields without presence are left out when zero, repeated scalars packed unless `packed = false`.
///
/// Responses (wire to JSON) print as grpcurl prints them by default: two-space indented, JSON names, fields in
/// field-number order, fields unset (and proto3 zero values) left out, 64-bit integers as strings, bytes as base64,
/// enums by name (a number the enum does not name as the number), maps sorted by key, an empty message as `{}`.
/// Unknown fields, and fields whose wire type does not match their declaration, are skipped.
///
/// Well-known types take their JSON forms both ways: `Timestamp` (`"2024-05-01T12:00:00Z"`), `Duration` (`"1.5s"`),
/// the wrappers (the bare value), `Struct`, `Value`, `ListValue` (plain JSON), `Any` (`"@type"` and the message's
/// members; a type the schema lacks prints with `"@error"` and the bytes in `"@value"`, as grpcurl does) and `Empty`.
public enum ProtoJSON {
    /// The wire bytes of the `message` (full name) that `json` describes. Empty or blank text and `{}` give an empty
    /// message (no bytes). More than one JSON value is an error; see ``encodeStream(json:message:schema:)``.
    public static func encode(json: String, message: String, schema: ProtoSchema) throws(ProtoJSONError) -> [UInt8] {
        let type = try descriptor(of: message, in: schema)
        let values = try JSONParser.values(json)
        guard values.count <= 1 else {
            throw .invalidValue(
                path: "",
                message: "expected one JSON value for \(message), found \(values.count); a unary call sends one")
        }
        guard let value = values.first else { return [] }
        return try MessageEncoder(schema: schema).encode(value, as: type, path: "", depth: 0)
    }

    /// The wire bytes of each `message` in `json`, which holds zero or more JSON values one after another (as grpcurl
    /// takes a client stream's requests in `-d`).
    public static func encodeStream(
        json: String, message: String, schema: ProtoSchema
    ) throws(ProtoJSONError) -> [[UInt8]] {
        let type = try descriptor(of: message, in: schema)
        let encoder = MessageEncoder(schema: schema)
        var messages: [[UInt8]] = []
        for (position, value) in try JSONParser.values(json).enumerated() {
            messages.append(try encoder.encode(value, as: type, path: FieldPath.element("", position), depth: 0))
        }
        return messages
    }

    /// `bytes`, a `message` (full name) on the wire, as grpcurl prints it, with no newline at the end (grpcurl prints
    /// one after each message).
    public static func decode(_ bytes: [UInt8], message: String, schema: ProtoSchema) throws(ProtoJSONError) -> String {
        let type = try descriptor(of: message, in: schema)
        let value = try MessageDecoder(schema: schema).decode(bytes[...], as: type, path: "", depth: 0)
        return JSONWriter.pretty(value)
    }

    /// Messages nest at most this deep, both ways, as protobuf's own parsers limit recursion.
    static let maxDepth = 100

    private static func descriptor(of name: String, in schema: ProtoSchema) throws(ProtoJSONError) -> MessageDescriptor
    {
        guard let type = schema.message(name) else { throw .unknownMessage(name) }
        return type
    }
}
