import Foundation

/// A Markdown guide as what the importer reads: headings, prose lines and fenced code blocks, with line numbers.
enum MarkdownItem: Equatable {
    case heading(level: Int, text: String, line: Int)
    case prose(text: String, line: Int)
    /// A fenced block: its info string (`shell`, `text`), its lines with the fence's indentation removed, and the
    /// line of its first content line.
    case fence(language: String, lines: [String], line: Int)
    case blank

    static func parse(_ text: String) -> [MarkdownItem] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        var items: [MarkdownItem] = []
        var index = 0
        // Front matter (`---` … `---`) is not prose.
        if lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") { index = end + 1 }
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                let indent = line.prefix { $0 == " " }.count
                let language = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                var body: [String] = []
                var next = index + 1
                while next < lines.count, !lines[next].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    let raw = lines[next]
                    let leading = raw.prefix { $0 == " " }.count
                    body.append(String(raw.dropFirst(min(indent, leading))))
                    next += 1
                }
                items.append(.fence(language: language.lowercased(), lines: body, line: index + 2))
                index = next + 1
                continue
            }
            if trimmed.isEmpty {
                items.append(.blank)
            } else if trimmed.hasPrefix("#"), let space = trimmed.firstIndex(of: " "),
                trimmed[..<space].allSatisfy({ $0 == "#" })
            {
                items.append(
                    .heading(
                        level: trimmed.distance(from: trimmed.startIndex, to: space),
                        text: String(trimmed[space...]).trimmingCharacters(in: .whitespaces), line: index + 1))
            } else {
                items.append(.prose(text: trimmed, line: index + 1))
            }
            index += 1
        }
        return items
    }
}
