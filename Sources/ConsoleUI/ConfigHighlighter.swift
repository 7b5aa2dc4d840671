/// Colours nginx config and diffs for the detail pane: directives, strings, comments; marked lines stand out.
public enum ConfigHighlighter {
    /// Styles config lines; lines whose index is in `marked` get a bar in the highlight role.
    public static func styled(_ lines: [String], marked: Set<Int> = [], glyphs: Glyphs = .unicode) -> [StyledLine] {
        let bar = glyphs == .ascii ? ">" : "▌"
        return lines.enumerated().map { index, line in
            let lead: (text: String, role: Role) =
                marked.contains(index) ? (bar + " ", .configHighlight) : ("  ", .normal)
            return StyledLine(spans: [lead] + tokens(line))
        }
    }

    /// Splits one config line into directive, strings, comment and plain text.
    public static func tokens(_ line: String) -> [(text: String, role: Role)] {
        var spans: [(text: String, role: Role)] = []
        let indent = String(line.prefix { $0 == " " })
        if !indent.isEmpty { spans.append((indent, .normal)) }
        var rest = Substring(line.dropFirst(indent.count))
        if rest.hasPrefix("#") { return spans + [(String(rest), .configComment)] }
        let directive = rest.prefix { $0 != " " && $0 != ";" && $0 != "{" }
        if !directive.isEmpty {
            spans.append((String(directive), .configDirective))
            rest = rest.dropFirst(directive.count)
        }
        var plain = ""
        var index = rest.startIndex
        while index < rest.endIndex {
            let c = rest[index]
            if c == "\"" || c == "'" {
                if !plain.isEmpty {
                    spans.append((plain, .normal))
                    plain = ""
                }
                var end = rest.index(after: index)
                while end < rest.endIndex && rest[end] != c {
                    if rest[end] == "\\" && rest.index(after: end) < rest.endIndex { end = rest.index(after: end) }
                    end = rest.index(after: end)
                }
                if end < rest.endIndex { end = rest.index(after: end) }
                spans.append((String(rest[index..<end]), .configString))
                index = end
                continue
            }
            if c == "#" {
                if !plain.isEmpty {
                    spans.append((plain, .normal))
                    plain = ""
                }
                spans.append((String(rest[index...]), .configComment))
                return spans
            }
            plain.append(c)
            index = rest.index(after: index)
        }
        if !plain.isEmpty { spans.append((plain, .normal)) }
        return spans
    }

    /// Styles a unified diff: additions, removals and hunk headers.
    public static func diff(_ lines: [String]) -> [StyledLine] {
        lines.map { line in
            if line.hasPrefix("+") { return StyledLine(line, role: .diffAdd) }
            if line.hasPrefix("-") { return StyledLine(line, role: .diffRemove) }
            if line.hasPrefix("@@") || line.hasPrefix("#") { return StyledLine(line, role: .title) }
            return StyledLine(line)
        }
    }
}
