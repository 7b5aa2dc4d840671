/// Resolves plain (unquoted) YAML scalars with the YAML 1.2 core schema, as Kubernetes' YAML reader does for
/// the common cases: `true`/`false`, `null`/`~`/empty, integers (decimal, `0x`, `0o`), floats, else a string.
public enum ScalarResolver {
    public static func resolvePlain(_ text: String) -> SourceNode.Scalar {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return .string(text) }
        if isDecimalInteger(text), let i = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text) {
            return .int(i)
        }
        if text.hasPrefix("0x"), let i = Int64(text.dropFirst(2), radix: 16) { return .int(i) }
        if text.hasPrefix("0o"), let i = Int64(text.dropFirst(2), radix: 8) { return .int(i) }
        if isFloat(text), let d = Double(text) { return .double(d) }
        return .string(text)
    }

    private static func isDecimalInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.hasPrefix("-") || digits.hasPrefix("+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ text: String) -> Bool {
        var chars = Array(text.utf8)[...]
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        if let c = chars.first, c == 43 || c == 45 { chars = chars.dropFirst() }
        var mantissaDigits = 0
        while let c = chars.first, isDigit(c) {
            mantissaDigits += 1
            chars = chars.dropFirst()
        }
        if chars.first == 46 {
            chars = chars.dropFirst()
            while let c = chars.first, isDigit(c) {
                mantissaDigits += 1
                chars = chars.dropFirst()
            }
        }
        guard mantissaDigits > 0 else { return false }
        if let c = chars.first, c == 101 || c == 69 {
            chars = chars.dropFirst()
            if let s = chars.first, s == 43 || s == 45 { chars = chars.dropFirst() }
            var expDigits = 0
            while let c = chars.first, isDigit(c) {
                expDigits += 1
                chars = chars.dropFirst()
            }
            if expDigits == 0 { return false }
        }
        return chars.isEmpty
    }
}
