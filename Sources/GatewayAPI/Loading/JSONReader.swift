/// A JSON parser that keeps positions, rejects duplicate keys, and bounds nesting depth.
public struct JSONReader {
    public static let maxDepth = 1000

    private let bytes: [UInt8]
    private let file: String
    private let lineOffset: Int
    private var index = 0
    private var line = 1
    private var lineStart = 0

    /// Parses one JSON value from `text`; `lineOffset` lines precede it in `file`.
    public static func parse(_ text: String, file: String, lineOffset: Int = 0) throws -> SourceNode {
        var reader = JSONReader(bytes: Array(text.utf8), file: file, lineOffset: lineOffset)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0, path: FieldPath())
        reader.skipWhitespace()
        if reader.index < reader.bytes.count {
            throw reader.error("unexpected text after the JSON value")
        }
        return value
    }

    private init(bytes: [UInt8], file: String, lineOffset: Int) {
        self.bytes = bytes
        self.file = file
        self.lineOffset = lineOffset
    }

    private var position: SourcePosition {
        // Columns count characters, not bytes: count UTF-8 lead bytes since the line start.
        var column = 1
        var i = lineStart
        while i < index && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourcePosition(file: file, line: line + lineOffset, column: column)
    }

    private func error(_ message: String, path: FieldPath = FieldPath()) -> ManifestError {
        ManifestError(position: position, path: path, message: "invalid JSON: \(message)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int, path: FieldPath) throws -> SourceNode {
        guard depth < JSONReader.maxDepth else {
            throw error("nesting deeper than \(JSONReader.maxDepth) levels", path: path)
        }
        guard index < bytes.count else { throw error("unexpected end of input", path: path) }
        let start = position
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth, path: path, start: start)
        case UInt8(ascii: "["): return try parseArray(depth: depth, path: path, start: start)
        case UInt8(ascii: "\""):
            let s = try parseString()
            return SourceNode(.scalar(.string(s), text: s), position: start)
        case UInt8(ascii: "t"):
            try expectWord("true")
            return SourceNode(.scalar(.bool(true), text: "true"), position: start)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return SourceNode(.scalar(.bool(false), text: "false"), position: start)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return SourceNode(.scalar(.null, text: "null"), position: start)
        default: return try parseNumber(start: start, path: path)
        }
    }

    private mutating func expectWord(_ word: String) throws {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
            throw error("unexpected character")
        }
        index += w.count
    }

    private mutating func parseObject(depth: Int, path: FieldPath, start: SourcePosition) throws -> SourceNode {
        index += 1
        var members: [(key: String, keyPosition: SourcePosition?, value: SourceNode)] = []
        var seen = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return SourceNode(.mapping(members), position: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a string key", path: path)
            }
            let keyPosition = position
            let key = try parseString()
            if !seen.insert(key).inserted {
                throw ManifestError(
                    position: keyPosition, path: path.appending(key), message: "duplicate key \"\(key)\" in one object")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':'", path: path)
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1, path: path.appending(key))
            members.append((key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object", path: path) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            }
            throw error("expected ',' or '}'", path: path)
        }
        return SourceNode(.mapping(members), position: start)
    }

    private mutating func parseArray(depth: Int, path: FieldPath, start: SourcePosition) throws -> SourceNode {
        index += 1
        var items: [SourceNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return SourceNode(.sequence(items), position: start)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1, path: path.appending(index: items.count)))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array", path: path) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                break
            }
            throw error("expected ',' or ']'", path: path)
        }
        return SourceNode(.sequence(items), position: start)
    }

    private mutating func parseString() throws -> String {
        index += 1
        var runStart = index
        var out = ""
        func flush(_ end: Int) {
            if end > runStart { out += String(decoding: bytes[runStart..<end], as: UTF8.self) }
        }
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                return out
            }
            if c < 0x20 { throw error("control character in a string") }
            if c == UInt8(ascii: "\\") {
                flush(index)
                index += 1
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out += "\""
                case UInt8(ascii: "\\"): out += "\\"
                case UInt8(ascii: "/"): out += "/"
                case UInt8(ascii: "b"): out += "\u{08}"
                case UInt8(ascii: "f"): out += "\u{0C}"
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    out.unicodeScalars.append(scalar)
                default: throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
                runStart = index
                continue
            }
            index += 1
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else {
            throw error("invalid \\u escape")
        }
        index += 4
        return v
    }

    private mutating func parseNumber(start: SourcePosition, path: FieldPath) throws -> SourceNode {
        let begin = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        if text.isEmpty { throw error("unexpected character", path: path) }
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let i = Int64(text) {
            return SourceNode(.scalar(.int(i), text: text), position: start)
        }
        guard let d = Double(text) else { throw error("invalid number \(text)", path: path) }
        return SourceNode(.scalar(.double(d), text: text), position: start)
    }
}
