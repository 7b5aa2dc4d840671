/// Reads JSON text (RFC 8259) into ``JSONValue``s, one or more in a row as grpcurl's `-d` takes them for streams.
struct JSONParser {
    /// Objects and arrays nest at most this deep, as protobuf limits message nesting.
    static let maxDepth = 100

    private let bytes: [UInt8]
    private var index = 0

    private init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Every top-level value of `text`, in order; empty when it holds only whitespace.
    static func values(_ text: String) throws(ProtoJSONError) -> [JSONValue] {
        var parser = JSONParser(text)
        var values: [JSONValue] = []
        parser.skipWhitespace()
        while parser.index < parser.bytes.count {
            values.append(try parser.value(depth: 0))
            parser.skipWhitespace()
        }
        return values
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// An error at the current position, with its line and column.
    private func error(_ message: String) -> ProtoJSONError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return .invalidJSON(line: line, column: column, message: message)
    }

    /// What is at the current position, for errors: `'x'` or `end of input`.
    private var found: String {
        guard index < bytes.count else { return "end of input" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[index..<end], as: UTF8.self) + "'"
    }

    private mutating func value(depth: Int) throws(ProtoJSONError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("objects and arrays nest deeper than \(Self.maxDepth)") }
        guard index < bytes.count else { throw error("expected a value, found end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: throw error("expected a value, found \(found)")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(ProtoJSONError) -> JSONValue {
        let expected = Array(word.utf8)
        guard bytes[index...].starts(with: expected) else { throw error("expected a value, found \(found)") }
        index += expected.count
        return value
    }

    private mutating func object(depth: Int) throws(ProtoJSONError) -> JSONValue {
        index += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a member name in quotes, found \(found)")
            }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after the member name, found \(found)")
            }
            index += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count, [UInt8(ascii: ","), UInt8(ascii: "}")].contains(bytes[index]) else {
                throw error("expected ',' or '}' after an object member, found \(found)")
            }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
        }
    }

    private mutating func array(depth: Int) throws(ProtoJSONError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count, [UInt8(ascii: ","), UInt8(ascii: "]")].contains(bytes[index]) else {
                throw error("expected ',' or ']' after an array element, found \(found)")
            }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "]") { return .array(elements) }
        }
    }

    private mutating func number() throws(ProtoJSONError) -> String {
        let start = index
        while index < bytes.count, Self.numberBytes.contains(bytes[index]) { index += 1 }
        let literal = String(decoding: bytes[start..<index], as: UTF8.self)
        guard JSONNumber.isLiteral(literal) else {
            index = start
            throw error("invalid number \(literal)")
        }
        return literal
    }

    private static let numberBytes = Set("+-.0123456789eE".utf8)

    /// A string literal's value; the current byte is its opening quote.
    private mutating func string() throws(ProtoJSONError) -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte < 0x20 {
                let hex = String(byte, radix: 16, uppercase: true)
                throw error("control character U+\(String(repeating: "0", count: 4 - hex.count) + hex) in a string")
            }
            if byte == UInt8(ascii: "\\") {
                utf8.append(contentsOf: Array(String(try escape()).utf8))
            } else {
                utf8.append(byte)
                index += 1
            }
        }
    }

    /// One escape sequence after a backslash; a `\u` surrogate pair makes one scalar, a lone surrogate U+FFFD.
    private mutating func escape() throws(ProtoJSONError) -> Unicode.Scalar {
        index += 1
        guard index < bytes.count else { throw error("unterminated string") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high), bytes[index...].starts(with: Array("\\u".utf8)) {
                let resume = index
                index += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))!
                }
                index = resume
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        default:
            index -= 1
            throw error("invalid escape '\\\(String(decoding: [byte], as: UTF8.self))' in a string")
        }
    }

    private mutating func hex4() throws(ProtoJSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Unicode.Scalar(bytes[index]).digitValue(radix: 16) else {
                throw error("expected 4 hex digits after \\u")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
