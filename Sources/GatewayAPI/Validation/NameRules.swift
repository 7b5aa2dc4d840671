/// Kubernetes name and value rules (apimachinery's validation package).
public enum NameRules {
    /// RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', starting and ending alphanumeric, at most 253 (as
    /// apimachinery checks it: by its regular expression and length, so one part may be longer than 63).
    public static func dns1123Subdomain(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.utf8.count > 253 { return "must be no more than 253 characters" }
        for label in value.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty || !isLabel(label, limit: 253) {
                return
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            }
        }
        return nil
    }

    /// RFC 1123 label: at most 63 lowercase alphanumerics or '-', starting and ending alphanumeric.
    public static func dns1123Label(_ value: String) -> String? {
        if value.utf8.count > 63 { return "must be no more than 63 characters" }
        if !isLabel(Substring(value)) {
            return
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        }
        return nil
    }

    /// RFC 1035 label (Service names): like an RFC 1123 label but starting with a letter.
    public static func dns1035Label(_ value: String) -> String? {
        if value.utf8.count > 63 { return "must be no more than 63 characters" }
        guard let first = value.utf8.first, first >= 97 && first <= 122, isLabel(Substring(value)) else {
            return
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        }
        return nil
    }

    static func isLabel(_ s: Substring, limit: Int = 63) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= limit else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == 45 }
    }

    /// A label or annotation key: optional DNS subdomain prefix and '/', then a name of at most 63 characters.
    public static func qualifiedName(_ value: String) -> String? {
        var name = Substring(value)
        if let slash = value.firstIndex(of: "/") {
            let prefix = String(value[..<slash])
            if prefix.isEmpty || dns1123Subdomain(prefix) != nil {
                return "prefix part must be a lowercase RFC 1123 subdomain"
            }
            name = value[value.index(after: slash)...]
        }
        if name.isEmpty { return "name part must be non-empty" }
        if name.utf8.count > 63 { return "name part must be no more than 63 characters" }
        if !isQualifiedNamePart(name) {
            return
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        }
        return nil
    }

    /// A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
    public static func labelValue(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if value.utf8.count > 63 { return "must be no more than 63 characters" }
        if !isQualifiedNamePart(Substring(value)) {
            return
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        }
        return nil
    }

    static func isQualifiedNamePart(_ s: Substring) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    /// A ConfigMap or Secret key: alphanumerics, '-', '_' or '.', at most 253, not `.` or `..`.
    public static func configMapKey(_ value: String) -> String? {
        if value.isEmpty || value.utf8.count > 253 { return "must be between 1 and 253 characters" }
        if value == "." || value == ".." { return "must not be '.' or '..'" }
        let ok = value.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 46
        }
        return ok
            ? nil
            : "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    }

    /// A Gateway API hostname: RFC 1123 subdomain, optionally with a leading `*.` wildcard label; never an IP.
    public static func gatewayHostname(_ value: String) -> String? {
        if value.isEmpty || value.utf8.count > 253 { return "must be between 1 and 253 characters" }
        var rest = Substring(value)
        if rest.hasPrefix("*.") { rest = rest.dropFirst(2) }
        if rest.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({
            !$0.isEmpty && $0.allSatisfy(\.isNumber)
        }) {
            return "must be a hostname, not an IP address"
        }
        for label in rest.split(separator: ".", omittingEmptySubsequences: false) where label.isEmpty || !isLabel(label)
        {
            return
                "must be a lowercase RFC 1123 hostname, optionally prefixed with a wildcard label (`*.`), regex used for validation is '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"
        }
        return nil
    }

    /// An HTTP header name (RFC 7230 token), as Gateway API's HTTPHeaderName pattern allows.
    public static func headerName(_ value: String) -> String? {
        if value.isEmpty || value.utf8.count > 256 { return "must be between 1 and 256 characters" }
        let ok = value.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
        return ok ? nil : "must match '^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$'"
    }
}
