/// Finds the parts of a rendered config an object produced: the blocks whose comments name it (the renderer writes
/// `# HTTPRoute ns/name rule …`, `# Service ns/name:port`, `# BackendTLSPolicy ns/name`, `# Gateway ns/name, …`).
public enum ConfigExcerpt {
    /// A block of lines (inclusive) and the header lines of its enclosing server for context.
    public struct Block: Sendable, Equatable {
        public var lines: ClosedRange<Int>
        public var context: [Int]
    }

    /// The innermost blocks with a comment naming one of `names` (`Kind ns/name`), in order, merged when nested.
    public static func blocks(in lines: [String], naming names: [String]) -> [Block] {
        var openers: [Int] = []  // line indices of open blocks
        var closing: [Int: Int] = [:]  // opener line → closer line
        var parents: [Int: Int] = [:]  // opener line → enclosing opener line
        var owner: [Int] = Array(repeating: -1, count: lines.count)  // innermost open block per line
        for (index, line) in lines.enumerated() {
            owner[index] = openers.last ?? -1
            for c in structural(line) {
                if c == "{" {
                    if let parent = openers.last { parents[index] = parent }
                    openers.append(index)
                } else if c == "}", let opener = openers.popLast() {
                    closing[opener] = index
                }
            }
        }
        var chosen: [Int] = []
        for (index, line) in lines.enumerated() {
            guard let hash = commentStart(line) else { continue }
            let comment = line[hash...]
            guard names.contains(where: { mentions(comment, $0) }) else { continue }
            var opener = owner[index]
            if opener < 0, structural(line).contains("{") { opener = index }
            guard opener >= 0, !chosen.contains(opener) else { continue }
            chosen.append(opener)
        }
        // Drop blocks inside another chosen block.
        let ranges = chosen.compactMap { opener in closing[opener].map { (opener, opener...$0) } }
        let outer = ranges.filter { candidate in
            !ranges.contains { other in
                other.1 != candidate.1 && other.1.contains(candidate.1.lowerBound)
                    && other.1.contains(candidate.1.upperBound)
            }
        }
        return outer.sorted { $0.1.lowerBound < $1.1.lowerBound }.map { opener, range in
            // Context: the outermost enclosing block's header lines (a server's listen and server_name).
            var top = opener
            while let parent = parents[top] { top = parent }
            var context: [Int] = []
            if top != opener {
                context.append(top)
                var i = top + 1
                while i < range.lowerBound && i < lines.count && context.count < 6 {
                    let trimmed = lines[i].drop { $0 == " " }
                    if trimmed.hasPrefix("listen") || trimmed.hasPrefix("server_name") || trimmed.hasPrefix("# Gateway")
                    {
                        context.append(i)
                    }
                    i += 1
                }
            }
            return Block(lines: range, context: context)
        }
    }

    /// Whether a comment names `name` as a whole word (`HTTPRoute default/app` is not `HTTPRoute default/app2`).
    static func mentions(_ comment: Substring, _ name: String) -> Bool {
        let needsBoundary = name.last.map { $0.isLetter || $0.isNumber } ?? false
        var search = comment[...]
        while let range = search.range(of: name) {
            let after = search[range.upperBound...].first
            if !needsBoundary || after == nil || !(after!.isLetter || after!.isNumber || after! == "-" || after! == ".")
            {
                return true
            }
            search = search[range.upperBound...]
        }
        return false
    }

    /// The braces of a line outside quotes and comments.
    static func structural(_ line: String) -> [Character] {
        var result: [Character] = []
        var quote: Character?
        var escaped = false
        for c in line {
            if escaped {
                escaped = false
                continue
            }
            if let q = quote {
                if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            if c == "\"" || c == "'" {
                quote = c
                continue
            }
            if c == "#" { break }
            if c == "{" || c == "}" { result.append(c) }
        }
        return result
    }

    /// Where a line's comment starts (outside quotes), if it has one.
    static func commentStart(_ line: String) -> String.Index? {
        var quote: Character?
        var escaped = false
        var index = line.startIndex
        while index < line.endIndex {
            let c = line[index]
            if escaped {
                escaped = false
            } else if let q = quote {
                if c == "\\" { escaped = true } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                return index
            }
            index = line.index(after: index)
        }
        return nil
    }
}
