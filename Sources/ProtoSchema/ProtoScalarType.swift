/// Protobuf's scalar value types, named as `.proto` files write them.
public enum ProtoScalarType: String, Sendable, Equatable, CaseIterable {
    case double
    case float
    case int32
    case int64
    case uint32
    case uint64
    case sint32
    case sint64
    case fixed32
    case fixed64
    case sfixed32
    case sfixed64
    case bool
    case string
    case bytes

    /// How a single value of the type travels on the wire.
    var wireType: WireType {
        switch self {
        case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .bool: .varint
        case .fixed32, .sfixed32, .float: .fixed32
        case .fixed64, .sfixed64, .double: .fixed64
        case .string, .bytes: .lengthDelimited
        }
    }

    /// Whether a repeated field of the type can be packed (numbers and bools can; strings and bytes cannot).
    var isPackable: Bool { wireType != .lengthDelimited }

    /// Whether the type can key a map: integers, bool and string.
    var isMapKey: Bool {
        switch self {
        case .double, .float, .bytes: false
        default: true
        }
    }

    /// Whether proto3 JSON writes the type as a string (64-bit integers, which JavaScript numbers cannot hold).
    var isSixtyFourBitInteger: Bool {
        switch self {
        case .int64, .uint64, .sint64, .fixed64, .sfixed64: true
        default: false
        }
    }
}
