extension MessageEncoder {
    private static let int32Range = Int64(Int32.min)...Int64(Int32.max)

    /// A scalar or enum field's JSON value as its wire value.
    func scalar(_ value: JSONValue, _ type: FieldType, path: String) throws(ProtoJSONError) -> WireScalar {
        switch type {
        case .enumeration(let name):
            return .varint(UInt64(bitPattern: Int64(try enumNumber(value, schema.enumeration(name)!, path: path))))
        case .scalar(let scalar):
            return try Self.scalar(value, scalar, path: path)
        case .message:
            preconditionFailure("message fields are written by writeSingle")
        }
    }

    /// An enum value by name, or by number (any int32, as proto3 enums are open).
    private func enumNumber(_ value: JSONValue, _ type: EnumDescriptor, path: String) throws(ProtoJSONError) -> Int32 {
        switch value {
        case .string(let name):
            if let number = type.number(of: name) { return number }
            guard JSONNumber.isLiteral(name) else {
                let names = type.values.map(\.name).joined(separator: ", ")
                throw .invalidValue(
                    path: path, message: "enum \(type.fullName) has no value named \(name) (values: \(names))")
            }
        case .number:
            break
        default:
            throw Self.expected("a value name or number of enum \(type.fullName)", value, path)
        }
        return Int32(try Self.signed(value, in: Self.int32Range, "int32", path: path))
    }

    static func scalar(_ value: JSONValue, _ type: ProtoScalarType, path: String) throws(ProtoJSONError) -> WireScalar {
        switch type {
        case .int32:
            return .varint(
                UInt64(bitPattern: try signed(value, in: Self.int32Range, "int32", path: path)))
        case .sint32:
            let number = try signed(value, in: Self.int32Range, "sint32", path: path)
            return .varint(WireWriter.zigZag(number))
        case .sfixed32:
            let number = try signed(value, in: Self.int32Range, "sfixed32", path: path)
            return .fixed32(UInt32(bitPattern: Int32(number)))
        case .int64:
            return .varint(UInt64(bitPattern: try signed(value, in: Int64.min...Int64.max, "int64", path: path)))
        case .sint64:
            return .varint(WireWriter.zigZag(try signed(value, in: Int64.min...Int64.max, "sint64", path: path)))
        case .sfixed64:
            return .fixed64(UInt64(bitPattern: try signed(value, in: Int64.min...Int64.max, "sfixed64", path: path)))
        case .uint32:
            return .varint(try unsigned(value, max: UInt64(UInt32.max), "uint32", path: path))
        case .fixed32:
            return .fixed32(UInt32(try unsigned(value, max: UInt64(UInt32.max), "fixed32", path: path)))
        case .uint64:
            return .varint(try unsigned(value, max: UInt64.max, "uint64", path: path))
        case .fixed64:
            return .fixed64(try unsigned(value, max: UInt64.max, "fixed64", path: path))
        case .bool:
            switch value {
            case .bool(let bool): return .varint(bool ? 1 : 0)
            case .string("true"): return .varint(1)
            case .string("false"): return .varint(0)
            default: throw expected("a bool (true or false)", value, path)
            }
        case .float:
            let number: Float = try floatingPoint(value, "float", path: path)
            return .fixed32(number.bitPattern)
        case .double:
            let number: Double = try floatingPoint(value, "double", path: path)
            return .fixed64(number.bitPattern)
        case .string:
            guard case .string(let text) = value else { throw expected("a string", value, path) }
            return .bytes(Array(text.utf8))
        case .bytes:
            guard case .string(let text) = value else { throw expected("base64 bytes in a string", value, path) }
            guard let bytes = Base64.decode(text) else {
                throw .invalidValue(path: path, message: "\(value.summary) is not base64")
            }
            return .bytes(bytes)
        }
    }

    /// The number literal a value holds: a JSON number, or a string holding one.
    private static func numberLiteral(_ value: JSONValue, _ type: String, path: String) throws(ProtoJSONError) -> String
    {
        switch value {
        case .number(let literal): return literal
        case .string(let text) where JSONNumber.isLiteral(text): return text
        default: throw expected("an \(type) (a number or a string holding one)", value, path)
        }
    }

    /// A whole number within `range`.
    static func signed(
        _ value: JSONValue, in range: ClosedRange<Int64>, _ type: String, path: String
    ) throws(ProtoJSONError) -> Int64 {
        let literal = try numberLiteral(value, type, path: path)
        guard let (negative, magnitude) = JSONNumber.integer(literal) else {
            throw .invalidValue(path: path, message: "\(literal) is not a whole number that fits \(type)")
        }
        let number: Int64? =
            negative
            ? (magnitude <= Int64.min.magnitude ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil)
            : Int64(exactly: magnitude)
        guard let number, range.contains(number) else {
            throw .invalidValue(path: path, message: "\(literal) is out of range for \(type)")
        }
        return number
    }

    /// A whole number from 0 to `max`.
    private static func unsigned(
        _ value: JSONValue, max: UInt64, _ type: String, path: String
    ) throws(ProtoJSONError) -> UInt64 {
        let literal = try numberLiteral(value, type, path: path)
        guard let (negative, magnitude) = JSONNumber.integer(literal) else {
            throw .invalidValue(path: path, message: "\(literal) is not a whole number that fits \(type)")
        }
        guard !negative || magnitude == 0, magnitude <= max else {
            throw .invalidValue(path: path, message: "\(literal) is out of range for \(type)")
        }
        return magnitude
    }

    /// A float or double: a number, a string holding one, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
    private static func floatingPoint<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: JSONValue, _ type: String, path: String
    ) throws(ProtoJSONError) -> Value {
        switch value {
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: break
        }
        let literal: String
        switch value {
        case .number(let number): literal = number
        case .string(let text) where JSONNumber.isLiteral(text): literal = text
        default: throw expected("a \(type) (a number, a string holding one, \"NaN\" or \"Infinity\")", value, path)
        }
        guard let number = Value(literal), number.isFinite else {
            throw .invalidValue(path: path, message: "\(literal) is out of range for \(type)")
        }
        return number
    }
}
