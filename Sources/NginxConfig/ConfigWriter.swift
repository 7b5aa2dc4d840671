/// Builds indented nginx configuration text.
struct ConfigWriter {
    private(set) var text = ""
    private var level = 0

    /// Appends one line. A line never spans two: control characters (a newline in a user string that reached a
    /// comment, say) are written as visible `\xNN` escapes, so nothing after them can become a directive.
    mutating func line(_ s: String = "") {
        text += s.isEmpty ? "\n" : String(repeating: "    ", count: level) + Self.singleLine(s) + "\n"
    }

    static func singleLine(_ s: String) -> String {
        // Fast path on bytes: no C0 control or DEL, and no lead byte of U+0085 (C2) or U+2028/2029 (E2).
        guard s.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }),
            s.unicodeScalars.contains(where: isControl)
        else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if isControl(scalar) {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}"
            || scalar == "\u{85}"
    }

    mutating func block(_ header: String, _ body: (inout ConfigWriter) -> Void) {
        line(header + " {")
        level += 1
        body(&self)
        level -= 1
        line("}")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
