import Foundation

/// Safe rendering of user strings into nginx.conf. Every user value goes through here: it is either rejected
/// (control characters, anything nginx could not take literally) or quoted so that it stays one token.
public enum NginxString {
    /// Why a value cannot be rendered, or nil.
    public static func problem(_ value: String) -> String? {
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "contains control characters"
        }
        return lengthProblem(value)
    }

    /// nginx reads each parameter into a 4 KiB buffer: a longer one fails the whole config ("too long parameter").
    static let maxParameterBytes = 4_000

    static func lengthProblem(_ value: String) -> String? {
        quoted(value).utf8.count > maxParameterBytes
            ? "is \(value.utf8.count) bytes long, more than nginx reads in one parameter (\(maxParameterBytes) bytes escaped)"
            : nil
    }

    /// A double-quoted nginx string for a literal value: `"` and `\` escaped, and `$` written as `${gw_dollar}`
    /// (nginx has no escape for `$`; the variable is defined once by a `geo` block). Use only where nginx
    /// evaluates variables (header values, return targets); see `literal` for places that never interpolate.
    public static func quoted(_ value: String) -> String { escaped(value, dollar: "${gw_dollar}") }

    /// A double-quoted string for places nginx reads literally (location paths, map keys, server names):
    /// only `"` and `\` need escaping there.
    public static func literal(_ value: String) -> String { escaped(value, dollar: "$") }

    private static func escaped(_ value: String, dollar: String) -> String {
        var out = "\""
        for ch in value.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "$": out += dollar
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// A PCRE pattern that matches `value` exactly.
    public static func regexEscaped(_ value: String) -> String {
        var out = ""
        for ch in value {
            if "\\^$.|?*+()[]{}/-".contains(ch) { out += "\\" }
            out.append(ch)
        }
        return out
    }

    /// Why a user regular expression cannot be used, or nil. Checked with ICU as a stand-in for PCRE, and
    /// constructs that PCRE treats differently or that execute code are refused.
    public static func regexProblem(_ pattern: String) -> String? {
        if let problem = problem(pattern) { return problem }
        if pattern.isEmpty { return "is empty" }
        if pattern.utf8.count > 1024 { return "is longer than 1024 bytes" }
        for forbidden in ["(?{", "(*", "\\Q", "(?C", "(?R", "(?&", "(?P>"] where pattern.contains(forbidden) {
            return "uses \(forbidden), which is not supported"
        }
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            return "is not a valid regular expression"
        }
        return nil
    }

    /// An nginx variable name for a request header (`$http_x_foo`), or nil when the name has characters nginx
    /// cannot put in a variable name.
    public static func headerVariable(_ name: String) -> String? {
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else { return nil }
        return "$http_" + name.lowercased().replacingOccurrences(of: "-", with: "_")
    }

    /// An nginx variable for a query parameter (`$arg_name`), or nil when the name cannot be a variable name.
    public static func argVariable(_ name: String) -> String? {
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") })
        else { return nil }
        return "$arg_" + name
    }

    /// A header name as a directive argument: only RFC 7230 token characters, never quotes or spaces.
    public static func headerNameProblem(_ name: String) -> String? {
        let ok =
            !name.isEmpty
            && name.utf8.allSatisfy { c in
                (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
                    || "!#%&'*+-.^_`|~".utf8.contains(c)
            }
        return ok ? nil : "header name \"\(name)\" has characters that cannot be rendered"
    }
}
