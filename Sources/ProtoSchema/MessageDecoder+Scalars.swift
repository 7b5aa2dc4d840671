extension MessageDecoder {
    /// A scalar or enum wire value as grpcurl prints it: 64-bit integers as strings, other numbers bare, floats in
    /// `floats` style (non-finite ones as `"NaN"`, `"Infinity"`, `"-Infinity"`), bytes in base64, an enum by its first
    /// name for the number (or the number when the enum names none).
    func scalarValue(_ value: WireField.Value, _ type: FieldType, floats: FloatStyle = .general) -> JSONValue {
        switch (type, value) {
        case (.enumeration(let name), .varint(let raw)):
            let number = Int32(truncatingIfNeeded: raw)
            return schema.enumeration(name)!.name(of: number).map(JSONValue.string) ?? .number(String(number))
        case (.scalar(let scalar), _):
            return Self.scalarValue(value, scalar, floats: floats)
        default:
            preconditionFailure("\(value.wireType) value for \(type): accepts(_:_:) lets only matching ones through")
        }
    }

    private static func scalarValue(_ value: WireField.Value, _ type: ProtoScalarType, floats: FloatStyle) -> JSONValue
    {
        switch (type, value) {
        case (.int32, .varint(let raw)): .number(String(Int32(truncatingIfNeeded: raw)))
        case (.int64, .varint(let raw)): .string(String(Int64(bitPattern: raw)))
        case (.uint32, .varint(let raw)): .number(String(UInt32(truncatingIfNeeded: raw)))
        case (.uint64, .varint(let raw)): .string(String(raw))
        case (.sint32, .varint(let raw)):
            .number(String(Int32(truncatingIfNeeded: Int64(bitPattern: WireReader.zigZagDecoded(raw)))))
        case (.sint64, .varint(let raw)): .string(String(Int64(bitPattern: WireReader.zigZagDecoded(raw))))
        case (.bool, .varint(let raw)): .bool(raw != 0)
        case (.fixed32, .fixed32(let raw)): .number(String(raw))
        case (.sfixed32, .fixed32(let raw)): .number(String(Int32(bitPattern: raw)))
        case (.float, .fixed32(let raw)): floatValue(Float(bitPattern: raw), floats)
        case (.fixed64, .fixed64(let raw)): .string(String(raw))
        case (.sfixed64, .fixed64(let raw)): .string(String(Int64(bitPattern: raw)))
        case (.double, .fixed64(let raw)): floatValue(Double(bitPattern: raw), floats)
        case (.string, .lengthDelimited(let bytes)): .string(String(decoding: bytes, as: UTF8.self))
        case (.bytes, .lengthDelimited(let bytes)): .string(Base64.encode(bytes))
        default:
            preconditionFailure("\(value.wireType) value for \(type): accepts(_:_:) lets only matching ones through")
        }
    }

    static func floatValue<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: Value, _ style: FloatStyle
    ) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
        switch style {
        case .general: return .number(GoFloatFormat.general(value))
        case .json: return .number(GoFloatFormat.json(value))
        }
    }
}
