/// Splits `.proto` text into tokens, dropping whitespace and `//` and `/* */` comments.
struct ProtoLexer {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String, file: String) {
        scalars = Array(text.unicodeScalars)
        self.file = file
    }

    /// All tokens of the text, ending with one `.end` token.
    static func tokens(_ text: String, file: String) throws(ProtoParseError) -> [ProtoToken] {
        var lexer = ProtoLexer(text, file: file)
        var tokens: [ProtoToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private func error(_ message: String, line: Int? = nil, column: Int? = nil) -> ProtoParseError {
        ProtoParseError(file: file, line: line ?? self.line, column: column ?? self.column, message: message)
    }

    private mutating func next() throws(ProtoParseError) -> ProtoToken {
        try skipSpaceAndComments()
        let (startLine, startColumn) = (line, column)
        func token(_ kind: ProtoToken.Kind, _ value: String) -> ProtoToken {
            ProtoToken(kind: kind, value: value, line: startLine, column: startColumn)
        }
        guard let scalar = current else { return token(.end, "") }
        if scalar.isIdentifierStart {
            var word = ""
            while let next = current, next.isIdentifierPart {
                word.unicodeScalars.append(next)
                advance()
            }
            return token(.identifier, word)
        }
        if scalar.isDigit || (scalar == "." && peek(1)?.isDigit == true) {
            let (kind, text) = number()
            return token(kind, text)
        }
        if scalar == "\"" || scalar == "'" {
            return token(.string, try string())
        }
        if "{}[]()<>;,=.:-+/".unicodeScalars.contains(scalar) {
            advance()
            return token(.symbol, String(scalar))
        }
        throw error("unexpected character '\(scalar)'")
    }

    private mutating func skipSpaceAndComments() throws(ProtoParseError) {
        while let scalar = current {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}"
                || scalar == "\u{0C}"
            {
                advance()
            } else if scalar == "/" && peek(1) == "/" {
                while let next = current, next != "\n" { advance() }
            } else if scalar == "/" && peek(1) == "*" {
                let (startLine, startColumn) = (line, column)
                advance()
                advance()
                while !(current == "*" && peek(1) == "/") {
                    guard current != nil else {
                        throw error("unterminated /* comment", line: startLine, column: startColumn)
                    }
                    advance()
                }
                advance()
                advance()
            } else {
                return
            }
        }
    }

    /// An integer or float literal. Letters, digits and dots run on into it (`0x1F`, `1.5e-3`), as in protoc; the
    /// parser checks an integer's form where it needs its value.
    private mutating func number() -> (ProtoToken.Kind, String) {
        var text = ""
        let hex = current == "0" && (peek(1) == "x" || peek(1) == "X")
        while let scalar = current, scalar.isIdentifierPart || scalar == "." {
            text.unicodeScalars.append(scalar)
            advance()
            if !hex && (scalar == "e" || scalar == "E"), let sign = current, sign == "-" || sign == "+" {
                text.unicodeScalars.append(sign)
                advance()
            }
        }
        let isFloat = !hex && text.unicodeScalars.contains { $0 == "." || $0 == "e" || $0 == "E" }
        return (isFloat ? .float : .integer, text)
    }

    /// A quoted string with its escapes decoded: C's (`\n`, `\x41`, `\101`) and `\u`/`\U` code points.
    private mutating func string() throws(ProtoParseError) -> String {
        let (startLine, startColumn) = (line, column)
        let quote = current!
        advance()
        var bytes: [UInt8] = []
        while true {
            guard let scalar = current, scalar != "\n" else {
                throw error("unterminated string", line: startLine, column: startColumn)
            }
            advance()
            if scalar == quote { break }
            if scalar != "\\" {
                bytes.append(contentsOf: Array(String(scalar).utf8))
                continue
            }
            try escape(into: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func escape(into bytes: inout [UInt8]) throws(ProtoParseError) {
        let (escapeLine, escapeColumn) = (line, column - 1)
        guard let scalar = current else { throw error("unterminated string") }
        if scalar.isOctalDigit {
            let value = digits(radix: 8, max: 3)!
            guard value <= 255 else {
                throw error("octal escape out of range", line: escapeLine, column: escapeColumn)
            }
            bytes.append(UInt8(value))
            return
        }
        advance()
        if let byte = Self.simpleEscapes[scalar] {
            bytes.append(byte)
        } else if scalar == "x" || scalar == "X" {
            let value = digits(radix: 16, max: 2)
            guard let value else {
                throw error("\\x must be followed by a hex digit", line: escapeLine, column: escapeColumn)
            }
            bytes.append(UInt8(value))
        } else if scalar == "u" || scalar == "U" {
            let count = scalar == "u" ? 4 : 8
            let value = digits(radix: 16, max: count, exactly: true)
            guard let value, let codePoint = Unicode.Scalar(value) else {
                throw error(
                    "\\\(scalar) must be followed by \(count) hex digits of a Unicode code point",
                    line: escapeLine, column: escapeColumn)
            }
            bytes.append(contentsOf: Array(String(codePoint).utf8))
        } else {
            throw error("invalid escape '\\\(scalar)'", line: escapeLine, column: escapeColumn)
        }
    }

    /// C's one-character escapes and the bytes they stand for.
    private static let simpleEscapes: [Unicode.Scalar: UInt8] = [
        "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, "\"": 34, "?": 63,
    ]

    /// Up to `max` digits of `radix` (exactly `max` when `exactly`); nil when there are none (or too few).
    private mutating func digits(radix: UInt32, max: Int, exactly: Bool = false) -> UInt32? {
        var value: UInt32 = 0
        var count = 0
        while count < max, let scalar = current, let digit = scalar.digitValue(radix: radix) {
            value = value * radix + digit
            count += 1
            advance()
        }
        if count == 0 || (exactly && count < max) { return nil }
        return value
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { ("0"..."9").contains(self) }
    var isOctalDigit: Bool { ("0"..."7").contains(self) }
    var isIdentifierStart: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_" }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit }

    /// The digit's value in `radix` (up to 16); nil when it is not one.
    func digitValue(radix: UInt32) -> UInt32? {
        let value: UInt32
        switch self {
        case "0"..."9": value = self.value - 48
        case "a"..."f": value = self.value - 87
        case "A"..."F": value = self.value - 55
        default: return nil
        }
        return value < radix ? value : nil
    }
}
