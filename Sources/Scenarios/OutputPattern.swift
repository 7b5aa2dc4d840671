import Foundation

/// Output as a guide shows it, made robust: each line of a pattern must match a line of the output, in order (other
/// lines may come between, as guides show parts of what curl prints). In a pattern line, `{address}` stands for an
/// IPv4 address with an optional port, `{pod:PREFIX}` for a pod of the Deployment PREFIX (`PREFIX-hash-suffix`),
/// and `{any}` for any text; a line `...` is a gap. Everything else is literal, compared after trimming.
public struct OutputPattern: Sendable, Equatable {
    public let lines: [String]

    public init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "..." }
    }

    /// The first pattern line that no line of `output` (after the previous match) matches; nil when all match.
    public func firstUnmatched(in output: String) -> String? {
        let outputLines = output.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var index = 0
        for line in lines {
            let expression = Self.expression(line)
            guard
                let found = outputLines[index...].firstIndex(where: { candidate in
                    let range = NSRange(candidate.startIndex..., in: candidate)
                    return expression.firstMatch(in: candidate, range: range) != nil
                })
            else { return line }
            index = found + 1
        }
        return nil
    }

    public func matches(_ output: String) -> Bool { firstUnmatched(in: output) == nil }

    /// A pattern line as an anchored regular expression.
    static func expression(_ line: String) -> NSRegularExpression {
        var pattern = "^"
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "{") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            let tail = rest[open...]
            if let close = tail.firstIndex(of: "}"),
                let piece = placeholder(String(tail[tail.index(after: open)..<close]))
            {
                pattern += piece
                rest = tail[tail.index(after: close)...]
            } else {
                pattern += "\\{"
                rest = tail.dropFirst()
            }
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        // The pattern is built from escaped literals and fixed pieces, so it always compiles.
        return try! NSRegularExpression(pattern: pattern)
    }

    static func placeholder(_ name: String) -> String? {
        if name == "address" { return #"\d{1,3}(\.\d{1,3}){3}(:\d+)?"# }
        if name == "any" { return ".*" }
        if name.hasPrefix("pod:"), name.count > 4 {
            return NSRegularExpression.escapedPattern(for: String(name.dropFirst(4))) + "-[a-z0-9]+-[a-z0-9]+"
        }
        return nil
    }
}
