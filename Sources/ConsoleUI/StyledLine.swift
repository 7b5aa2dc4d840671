/// A line of pane content: spans of text, each with a role.
public struct StyledLine: Sendable, Equatable {
    public var spans: [(text: String, role: Role)]

    public init(_ text: String, role: Role = .normal) { spans = [(text, role)] }
    public init(spans: [(text: String, role: Role)]) { self.spans = spans }

    public var text: String { spans.map(\.text).joined() }

    public static func == (lhs: StyledLine, rhs: StyledLine) -> Bool {
        lhs.spans.count == rhs.spans.count
            && zip(lhs.spans, rhs.spans).allSatisfy { $0.text == $1.text && $0.role == $1.role }
    }

    /// The line clipped to `width` cells and padded with spaces to exactly that width.
    public func padded(to width: Int) -> StyledLine {
        var out: [(text: String, role: Role)] = []
        var used = 0
        for span in spans where used < width {
            let text = String(span.text.prefix(width - used))
            out.append((text, span.role))
            used += text.count
        }
        if used < width { out.append((String(repeating: " ", count: width - used), .normal)) }
        return StyledLine(spans: out)
    }

    /// The line wrapped at spaces to lines of at most `width` cells, continuation lines indented two cells past
    /// the line's own indent; a word longer than a line is cut. Roles stay with their text.
    public func wrapped(width: Int) -> [StyledLine] {
        guard width >= 12, text.count > width else { return [self] }
        let indent = min(width / 2, text.prefix(while: { $0 == " " }).count + 2)
        var lines: [StyledLine] = []
        var current: [(text: String, role: Role)] = []
        var used = 0
        func newLine() {
            lines.append(StyledLine(spans: current))
            current = [(String(repeating: " ", count: indent), .normal)]
            used = indent
        }
        for span in spans {
            // Words with the spaces after them, so that a line breaks between words.
            var tokens: [String] = []
            var token = ""
            for character in span.text {
                if character != " " && token.last == " " {
                    tokens.append(token)
                    token = ""
                }
                token.append(character)
            }
            if !token.isEmpty { tokens.append(token) }
            for var piece in tokens {
                if used + piece.trimmingCharacters(in: .whitespaces).count > width && used > indent {
                    newLine()
                    piece = String(piece.drop(while: { $0 == " " }))
                }
                while used + piece.count > width && piece.count > width - indent {
                    let room = width - used
                    current.append((String(piece.prefix(room)), span.role))
                    piece = String(piece.dropFirst(room))
                    newLine()
                }
                current.append((piece, span.role))
                used += piece.count
            }
        }
        if !current.isEmpty { lines.append(StyledLine(spans: current)) }
        return lines
    }

    /// `text` cut to `width` characters in the middle ("HTTPRoute sec…app"), keeping both ends readable.
    public static func middleCut(_ text: String, width: Int, mark: String = "…") -> String {
        guard text.count > width, width > 3 else { return String(text.prefix(max(0, width))) }
        let tail = (width - mark.count) / 2
        let head = width - mark.count - tail
        return String(text.prefix(head)) + mark + String(text.suffix(tail))
    }

    /// The line in ASCII for a terminal without UTF-8: the arrows, marks and dashes the console writes get ASCII
    /// stand-ins, anything else beyond ASCII a `?`.
    public func asciified() -> StyledLine {
        let replacements: [Character: String] = [
            "→": "->", "←": "<-", "…": "~", "✓": "+", "✗": "x", "—": "-", "–": "-", "│": "|", "─": "-", "▸": ">",
            "▾": "v",
        ]
        return StyledLine(
            spans: spans.map { span in
                guard !span.text.unicodeScalars.allSatisfy(\.isASCII) else { return span }
                var out = ""
                for character in span.text {
                    if character.isASCII { out.append(character) } else { out += replacements[character] ?? "?" }
                }
                return (out, span.role)
            })
    }

    /// Plain lines from text, one role.
    public static func lines(_ text: String, role: Role = .normal) -> [StyledLine] {
        var parts = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts.map { StyledLine($0.replacingOccurrences(of: "\t", with: "    "), role: role) }
    }

    /// Draws the line at a position, clipped to `width` cells, skipping the first `skip` cells (horizontal scroll).
    public func draw(on screen: Screen, row: Int, column: Int, width: Int) {
        var col = column
        let end = column + width
        for span in spans where col < end {
            let text = String(span.text.prefix(end - col))
            screen.put(text, row: row, column: col, role: span.role)
            col += text.count
        }
    }
}
