/// One field as it appears on the wire: its number, its raw value and where its tag starts.
struct WireField: Sendable {
    enum Value: Sendable {
        case varint(UInt64)
        case fixed32(UInt32)
        case fixed64(UInt64)
        /// The value's bytes, indexed as in the whole input, so offsets in errors are the input's.
        case lengthDelimited(ArraySlice<UInt8>)

        var wireType: WireType {
            switch self {
            case .varint: .varint
            case .fixed32: .fixed32
            case .fixed64: .fixed64
            case .lengthDelimited: .lengthDelimited
            }
        }

        /// Whether it is the zero of its type: a proto3 field without presence does not print it.
        var isZero: Bool {
            switch self {
            case .varint(let number), .fixed64(let number): number == 0
            case .fixed32(let number): number == 0
            case .lengthDelimited(let bytes): bytes.isEmpty
            }
        }

        /// The zero value of a type, for a map entry's missing key or value (an empty message for messages).
        static func zero(of type: FieldType) -> Value {
            switch type {
            case .message: .lengthDelimited([])
            case .enumeration: .varint(0)
            case .scalar(let scalar):
                switch scalar.wireType {
                case .fixed32: .fixed32(0)
                case .fixed64: .fixed64(0)
                case .lengthDelimited: .lengthDelimited([])
                default: .varint(0)
                }
            }
        }
    }

    var number: Int
    var value: Value
    var offset: Int
}
