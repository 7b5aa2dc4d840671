/// Finds `kubectl apply -f - <<EOF … EOF` blocks (and `cat <<EOF | kubectl apply -f -`) in Markdown or shell text,
/// so a guide can be applied as it is written. Heredocs feeding other commands are ignored.
public enum HeredocExtractor {
    public struct Block: Sendable, Equatable {
        /// The line indexes (0-based) of the heredoc body.
        public var bodyLines: Range<Int>
        public var delimiter: String
        /// `<<'EOF'` or `<<"EOF"`: the shell passes the body as written; else it unescapes `\$`, `\``, `\\`.
        public var quoted: Bool = false
    }

    /// Whether a heredoc's delimiter is quoted on its command line (`<<'EOF'`, `<<-"EOF"`).
    public static func isQuoted(_ line: Substring) -> Bool {
        guard let range = line.range(of: "<<") else { return false }
        let rest = line[range.upperBound...].drop { $0 == "-" || $0 == " " }
        return rest.first == "'" || rest.first == "\"" || rest.first == "\\"
    }

    /// A line of an unquoted heredoc as the shell gives it: `\$`, `\`` and `\\` lose their backslash (NGF's guides
    /// write nginx variables as `\$hostname` inside `kubectl apply -f - <<EOF`). Parameter expansion is not done.
    public static func shellUnescaped(_ line: Substring) -> Substring {
        guard line.contains("\\") else { return line }
        var out = ""
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if character == "\\", next < line.endIndex, ["$", "`", "\\"].contains(line[next]) {
                out.append(line[next])
                index = line.index(after: next)
                continue
            }
            out.append(character)
            index = next
        }
        return Substring(out)
    }

    /// The apply blocks in `lines`, or nil when the text has no heredoc apply command at all.
    public static func applyBlocks(in lines: [Substring]) -> [Block]? {
        var blocks: [Block] = []
        var sawApplyHeredoc = false
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard let heredoc = heredocStart(line) else {
                index += 1
                continue
            }
            let isApply = isKubectlApplyFromStdin(line)
            if isApply { sawApplyHeredoc = true }
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters() != heredoc { end += 1 }
            if isApply {
                blocks.append(Block(bodyLines: (index + 1)..<end, delimiter: heredoc, quoted: isQuoted(line)))
            }
            index = end + 1
        }
        return sawApplyHeredoc ? blocks : nil
    }

    /// The heredoc delimiter of a line like `… <<EOF`, `<<'EOF'`, `<<-"END"`, else nil.
    static func heredocStart(_ line: Substring) -> String? {
        guard let range = line.range(of: "<<") else { return nil }
        var rest = line[range.upperBound...]
        if rest.hasPrefix("<") { return nil }  // here-string <<<
        if rest.hasPrefix("-") { rest = rest.dropFirst() }
        rest = rest.drop(while: { $0 == " " })
        if rest.first == "\\" { rest = rest.dropFirst() }  // <<\EOF quotes the delimiter too
        var quote: Character?
        if let first = rest.first, first == "'" || first == "\"" {
            quote = first
            rest = rest.dropFirst()
        }
        let word = rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
        guard !word.isEmpty else { return nil }
        if let quote, !rest.dropFirst(word.count).hasPrefix(String(quote)) { return nil }
        return String(word)
    }

    /// Whether the command line runs `kubectl apply` (or `create`/`replace`) reading stdin.
    static func isKubectlApplyFromStdin(_ line: Substring) -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let kubectl = words.firstIndex(where: { $0 == "kubectl" || $0.hasSuffix("/kubectl") }) else {
            return false
        }
        let rest = words[(kubectl + 1)...]
        guard rest.contains(where: { $0 == "apply" || $0 == "create" || $0 == "replace" }) else { return false }
        let joined = rest.joined(separator: " ")
        return joined.contains("-f -") || joined.contains("-f=-") || joined.contains("--filename=-")
            || joined.contains("--filename -") || joined.contains("-f-")
    }
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
