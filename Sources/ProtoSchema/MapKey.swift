/// A map key as JSON writes it (a string), ordered as grpcurl orders keys: integers by value, `false` before `true`,
/// strings by their UTF-8 bytes.
struct MapKey: Comparable {
    private enum Order: Equatable {
        case signed(Int64)
        case unsigned(UInt64)
        case text([UInt8])
    }

    let text: String
    private let order: Order

    init(_ value: WireField.Value, _ type: ProtoScalarType) {
        switch (type, value) {
        case (.int32, .varint(let raw)), (.int64, .varint(let raw)):
            let number = type == .int32 ? Int64(Int32(truncatingIfNeeded: raw)) : Int64(bitPattern: raw)
            (text, order) = (String(number), .signed(number))
        case (.sint32, .varint(let raw)), (.sint64, .varint(let raw)):
            let decoded = Int64(bitPattern: WireReader.zigZagDecoded(raw))
            let number = type == .sint32 ? Int64(Int32(truncatingIfNeeded: decoded)) : decoded
            (text, order) = (String(number), .signed(number))
        case (.sfixed32, .fixed32(let raw)):
            (text, order) = (String(Int32(bitPattern: raw)), .signed(Int64(Int32(bitPattern: raw))))
        case (.sfixed64, .fixed64(let raw)):
            (text, order) = (String(Int64(bitPattern: raw)), .signed(Int64(bitPattern: raw)))
        case (.uint32, .varint(let raw)):
            (text, order) = (
                String(UInt32(truncatingIfNeeded: raw)), .unsigned(UInt64(UInt32(truncatingIfNeeded: raw)))
            )
        case (.uint64, .varint(let raw)), (.fixed64, .fixed64(let raw)):
            (text, order) = (String(raw), .unsigned(raw))
        case (.fixed32, .fixed32(let raw)):
            (text, order) = (String(raw), .unsigned(UInt64(raw)))
        case (.bool, .varint(let raw)):
            (text, order) = (raw != 0 ? "true" : "false", .unsigned(raw != 0 ? 1 : 0))
        case (.string, .lengthDelimited(let bytes)):
            let string = String(decoding: bytes, as: UTF8.self)
            (text, order) = (string, .text(Array(string.utf8)))
        default:
            preconditionFailure("\(value.wireType) value for a \(type) map key")
        }
    }

    static func < (left: MapKey, right: MapKey) -> Bool {
        switch (left.order, right.order) {
        case (.signed(let a), .signed(let b)): a < b
        case (.unsigned(let a), .unsigned(let b)): a < b
        case (.text(let a), .text(let b)): a.lexicographicallyPrecedes(b)
        default: false
        }
    }

    static func == (left: MapKey, right: MapKey) -> Bool {
        left.order == right.order
    }
}
