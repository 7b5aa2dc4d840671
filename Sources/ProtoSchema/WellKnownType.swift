/// The well-known types whose JSON form is not an object of their fields.
enum WellKnownType: String, Sendable {
    case any = "google.protobuf.Any"
    case duration = "google.protobuf.Duration"
    case timestamp = "google.protobuf.Timestamp"
    case structure = "google.protobuf.Struct"
    case value = "google.protobuf.Value"
    case listValue = "google.protobuf.ListValue"
    case doubleValue = "google.protobuf.DoubleValue"
    case floatValue = "google.protobuf.FloatValue"
    case int64Value = "google.protobuf.Int64Value"
    case uint64Value = "google.protobuf.UInt64Value"
    case int32Value = "google.protobuf.Int32Value"
    case uint32Value = "google.protobuf.UInt32Value"
    case boolValue = "google.protobuf.BoolValue"
    case stringValue = "google.protobuf.StringValue"
    case bytesValue = "google.protobuf.BytesValue"

    /// Whether an `Any` holding this message type writes it under `"value"` rather than inline: the types above and
    /// `Empty`, as Go's jsonpb decides.
    static func isWrappedInAny(_ fullName: String) -> Bool {
        WellKnownType(rawValue: fullName) != nil || fullName == "google.protobuf.Empty"
    }

    var isWrapper: Bool {
        switch self {
        case .any, .duration, .timestamp, .structure, .value, .listValue: false
        default: true
        }
    }
}
