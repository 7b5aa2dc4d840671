/// Why wire bytes could not be read, and at which byte offset of the input.
struct WireError: Error, Sendable, Equatable {
    var offset: Int
    var message: String
}

/// Reads protobuf wire bytes.
struct WireReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    /// The fields of one message, in wire order. Groups (wire types 3 and 4), which no parsed schema declares, are
    /// skipped whole.
    static func fields(_ bytes: ArraySlice<UInt8>) throws(WireError) -> [WireField] {
        var reader = WireReader(bytes)
        var fields: [WireField] = []
        while !reader.isAtEnd {
            let offset = reader.index
            let (number, wireType) = try reader.tag()
            switch wireType {
            case .varint: fields.append(WireField(number: number, value: .varint(try reader.varint()), offset: offset))
            case .fixed32:
                fields.append(WireField(number: number, value: .fixed32(try reader.fixed32()), offset: offset))
            case .fixed64:
                fields.append(WireField(number: number, value: .fixed64(try reader.fixed64()), offset: offset))
            case .lengthDelimited:
                fields.append(
                    WireField(number: number, value: .lengthDelimited(try reader.lengthDelimited()), offset: offset))
            case .startGroup: try reader.skipGroup(number, at: offset)
            case .endGroup:
                throw WireError(offset: offset, message: "end-group tag for field \(number) without its start")
            }
        }
        return fields
    }

    mutating func tag() throws(WireError) -> (Int, WireType) {
        let offset = index
        let key = try varint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw WireError(offset: offset, message: "invalid wire type \(key & 7)")
        }
        let number = key >> 3
        guard number >= 1, number <= UInt64(ProtoField.maxNumber) else {
            throw WireError(offset: offset, message: "invalid field number \(number)")
        }
        return (Int(number), wireType)
    }

    mutating func varint() throws(WireError) -> UInt64 {
        let start = index
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard index < bytes.endIndex else { throw WireError(offset: start, message: "truncated varint") }
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 { throw WireError(offset: start, message: "varint overflows 64 bits") }
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return value }
        }
        throw WireError(offset: start, message: "varint longer than 10 bytes")
    }

    /// Undoes ZigZag encoding (`sint32`, `sint64`).
    static func zigZagDecoded(_ raw: UInt64) -> UInt64 {
        (raw >> 1) ^ (0 &- (raw & 1))
    }

    mutating func fixed32() throws(WireError) -> UInt32 {
        UInt32(truncatingIfNeeded: try little(4))
    }

    mutating func fixed64() throws(WireError) -> UInt64 {
        try little(8)
    }

    private mutating func little(_ count: Int) throws(WireError) -> UInt64 {
        guard bytes.endIndex - index >= count else {
            throw WireError(
                offset: index, message: "truncated \(count * 8)-bit value: \(bytes.endIndex - index) bytes left")
        }
        var value: UInt64 = 0
        for byte in 0..<count { value |= UInt64(bytes[index + byte]) << UInt64(byte * 8) }
        index += count
        return value
    }

    mutating func lengthDelimited() throws(WireError) -> ArraySlice<UInt8> {
        let start = index
        let length = try varint()
        let left = bytes.endIndex - index
        guard length <= UInt64(left) else {
            throw WireError(offset: start, message: "length \(length) goes beyond the end (\(left) bytes left)")
        }
        let value = bytes[index..<index + Int(length)]
        index += Int(length)
        return value
    }

    /// Skips a group's fields up to its matching end-group tag.
    private mutating func skipGroup(_ number: Int, at offset: Int) throws(WireError) {
        while !isAtEnd {
            let (inner, wireType) = try tag()
            switch wireType {
            case .varint: _ = try varint()
            case .fixed32: _ = try fixed32()
            case .fixed64: _ = try fixed64()
            case .lengthDelimited: _ = try lengthDelimited()
            case .startGroup: try skipGroup(inner, at: index)
            case .endGroup:
                guard inner == number else {
                    throw WireError(offset: offset, message: "group \(number) ends with the end tag of \(inner)")
                }
                return
            }
        }
        throw WireError(offset: offset, message: "group \(number) is never ended")
    }
}
