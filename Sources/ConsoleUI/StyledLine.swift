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
