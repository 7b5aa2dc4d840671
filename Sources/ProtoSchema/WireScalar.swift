/// One scalar value ready for the wire.
enum WireScalar: Sendable, Equatable {
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case bytes([UInt8])

    var wireType: WireType {
        switch self {
        case .varint: .varint
        case .fixed32: .fixed32
        case .fixed64: .fixed64
        case .bytes: .lengthDelimited
        }
    }

    /// Whether proto3 leaves the value out of a field without presence: all bits zero (so `-0.0` is kept, as
    /// protobuf-go keeps it), or no bytes.
    var isZero: Bool {
        switch self {
        case .varint(let value), .fixed64(let value): value == 0
        case .fixed32(let value): value == 0
        case .bytes(let bytes): bytes.isEmpty
        }
    }

    /// The value without its tag: as a packed element, or after the tag.
    func writePayload(into writer: inout WireWriter) {
        switch self {
        case .varint(let value): writer.varint(value)
        case .fixed32(let value): writer.fixed32(value)
        case .fixed64(let value): writer.fixed64(value)
        case .bytes(let bytes): writer.lengthDelimited(bytes)
        }
    }
}
