/// A JSON value as requests are read and responses printed. Numbers keep their literal text, so 64-bit integers and
/// the exact digits of floats pass through unchanged; objects keep their members' order.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number literal, as JSON writes it.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// How errors name a value: `string "abc"`, `number 12`, `an object`.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let literal): "number \(literal)"
        case .string(let text): "string \(JSONWriter.quoted(text.count > 40 ? text.prefix(40) + "…" : text))"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of an object.
struct JSONMember: Sendable {
    var key: String
    var value: JSONValue
}
