/// A field of a resolved message.
public struct FieldDescriptor: Sendable, Equatable {
    public let name: String
    /// The JSON name: `json_name` when given, else the lowerCamelCase of the name (`request_id` → `requestId`).
    public let jsonName: String
    public let number: Int
    /// The label as written; a map field is `.repeated` (of its entry message).
    public let label: ProtoField.Label
    public let type: FieldType
    /// Whether this is a `map<K, V>` field: repeated entries of the message `type` names, with `key` (1) and `value`
    /// (2) fields.
    public let isMap: Bool
    /// The containing oneof's name.
    public let oneof: String?
    /// Whether repeated values are written packed (one length-delimited run): proto3's default for numbers, bools and
    /// enums, or as the `packed` option says.
    public let isPacked: Bool
    /// Whether the field keeps presence: a zero value set is still written and printed. True for proto2 singular
    /// fields, proto3 `optional` fields, oneof members and message fields; false for proto3's other singular fields,
    /// whose zero values are not written, and for repeated fields.
    public let hasPresence: Bool
    /// Whether `json_name` was written (``ProtoSchema/describe(_:)`` shows it).
    let hasExplicitJSONName: Bool

    public var isRepeated: Bool { label == .repeated }

    /// protoc's JSON name for a field name: underscores dropped, each letter after one upper-cased.
    static func jsonName(for name: String) -> String {
        var result = ""
        var capitalizeNext = false
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// protoc's name for a map field's entry message: the field name in UpperCamelCase, then `Entry`.
    static func mapEntryName(for name: String) -> String {
        var result = ""
        var capitalizeNext = true
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result + "Entry"
    }
}
