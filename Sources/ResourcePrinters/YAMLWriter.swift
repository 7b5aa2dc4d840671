import GatewayAPI

/// Writes `JSONValue` as YAML the way `kubectl get -o yaml` does: sorted keys, two-space indent, list items at
/// their key's indent, double quotes where a plain scalar would read back differently, `|` blocks for multi-line text.
public enum YAMLWriter {
    public static func write(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let members) where !members.isEmpty: writeObject(members, indent: 0, into: &out)
        case .array(let items) where !items.isEmpty: writeArray(items, indent: 0, into: &out)
        default: out += scalar(value, indent: 0) + "\n"
        }
        return out
    }

    private static func pad(_ n: Int) -> String { String(repeating: " ", count: n) }

    private static func writeObject(
        _ members: [String: JSONValue], indent: Int, into out: inout String, firstLinePrefix: String? = nil
    ) {
        var first = true
        for key in members.keys.sorted() {
            let prefix = first && firstLinePrefix != nil ? firstLinePrefix! : pad(indent)
            first = false
            writeMember(key: key, value: members[key]!, prefix: prefix, indent: indent, into: &out)
        }
    }

    private static func writeMember(key: String, value: JSONValue, prefix: String, indent: Int, into out: inout String)
    {
        let keyText = quoteIfNeeded(key)
        switch value {
        case .object(let members) where !members.isEmpty:
            out += "\(prefix)\(keyText):\n"
            writeObject(members, indent: indent + 2, into: &out)
        case .array(let items) where !items.isEmpty:
            out += "\(prefix)\(keyText):\n"
            writeArray(items, indent: indent, into: &out)
        default:
            out += "\(prefix)\(keyText): \(scalar(value, indent: indent + 2))\n"
        }
    }

    private static func writeArray(_ items: [JSONValue], indent: Int, into out: inout String) {
        for item in items {
            switch item {
            case .object(let members) where !members.isEmpty:
                writeObject(members, indent: indent + 2, into: &out, firstLinePrefix: pad(indent) + "- ")
            case .array(let nested) where !nested.isEmpty:
                out += pad(indent) + "-\n"
                writeArray(nested, indent: indent + 2, into: &out)
            default:
                out += pad(indent) + "- " + scalar(item, indent: indent + 2) + "\n"
            }
        }
    }

    /// A scalar (or empty collection) as YAML; `indent` is where a block scalar's lines start.
    static func scalar(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.formatDouble(d)
        case .object: return "{}"
        case .array: return "[]"
        case .string(let s):
            if s.contains("\n"), canBeBlock(s) {
                let keep = s.hasSuffix("\n")
                var body = keep ? String(s.dropLast()) : s
                if keep && body.hasSuffix("\n") { return doubleQuoted(s) }
                let indicator = keep ? "|" : "|-"
                if body.isEmpty { body = "" }
                let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
                return indicator + "\n" + lines.map { $0.isEmpty ? "" : pad(indent) + $0 }.joined(separator: "\n")
            }
            return quoteIfNeeded(s)
        }
    }

    private static func canBeBlock(_ s: String) -> Bool {
        if s.first == " " || s.first == "\t" { return false }
        for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasSuffix(" ") || line.hasSuffix("\t") { return false }
        }
        return !s.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F || $0 == "\u{FEFF}" }
    }

    static let reservedWords: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
        "True", "False", "Yes", "No", "On", "Off", "Y", "N", "Null", "NULL", "TRUE", "FALSE", "YES", "NO", "ON", "OFF",
    ]

    /// The string plain when it reads back as the same string, else double-quoted.
    static func quoteIfNeeded(_ s: String) -> String {
        if s.isEmpty || reservedWords.contains(s) { return doubleQuoted(s) }
        if case .string = ScalarResolver.resolvePlain(s) {} else { return doubleQuoted(s) }
        if looksLikeTimestamp(s) { return doubleQuoted(s) }
        let first = s.unicodeScalars.first!
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            // "-foo" and ":foo" etc. are fine for YAML when followed by non-space, but kubectl quotes them; do the same.
            return doubleQuoted(s)
        }
        if s.hasPrefix(" ") || s.hasSuffix(" ") || s.contains(": ") || s.contains(" #") || s.hasSuffix(":") {
            return doubleQuoted(s)
        }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{FEFF}" }) {
            return doubleQuoted(s)
        }
        return s
    }

    private static func looksLikeTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 10 else { return false }
        func d(_ i: Int) -> Bool { b[i] >= 48 && b[i] <= 57 }
        return d(0) && d(1) && d(2) && d(3) && b[4] == 45 && d(5) && d(6) && b[7] == 45 && d(8) && d(9)
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = ""
        JSONWriter.writeString(s, into: &out)
        return out
    }
}
