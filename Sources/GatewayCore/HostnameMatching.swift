import GatewayAPI

/// Hostname intersection as the Gateway API defines it for listeners and routes.
public enum HostnameMatching {
    /// Whether two hostnames (each possibly `*.` wildcarded, nil meaning any) have a common match.
    /// `*.example.com` matches `foo.example.com` and `a.b.example.com`, not `example.com`.
    public static func intersects(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return true }
        if a == b { return true }
        switch (a.hasPrefix("*."), b.hasPrefix("*.")) {
        case (false, false): return false
        case (true, false): return wildcard(a, matches: b)
        case (false, true): return wildcard(b, matches: a)
        case (true, true): return wildcard(a, matches: b) || wildcard(b, matches: a)
        }
    }

    /// The hostname both allow, the more specific one (nil when any): what a route serves on a listener.
    public static func intersection(_ a: String?, _ b: String?) -> String?? {
        guard intersects(a, b) else { return .none }
        guard let a else { return .some(b) }
        guard let b else { return .some(a) }
        if a == b { return .some(a) }
        if a.hasPrefix("*."), wildcard(a, matches: b) { return .some(b) }
        return .some(a)
    }

    /// Whether a listener's hostname (nil: any) takes every request for `host` (nil: any host): the listener
    /// isolation rule's "matches".
    public static func covers(listener: String?, host: String?) -> Bool {
        guard let listener else { return true }
        guard let host else { return false }
        if listener == host { return true }
        return listener.hasPrefix("*.") && wildcard(listener, matches: host)
    }

    /// How specific a listener's hostname is: an exact name over any wildcard, a longer wildcard over a shorter
    /// one, any hostname over none.
    public static func specificity(_ listener: String?) -> Int {
        guard let listener else { return 0 }
        let labels = listener.split(separator: ".").count
        return listener.hasPrefix("*.") ? 1000 + labels : 100_000 + labels
    }

    /// Of listeners' hostnames (nil: any) on one port, the most specific that covers `host`: the listener a request
    /// for it belongs to. `.none` when none covers it.
    public static func mostSpecificListener(_ listeners: [String?], covering host: String?) -> String?? {
        listeners.filter { covers(listener: $0, host: host) }.max { specificity($0) < specificity($1) }
    }

    /// `*.example.com` matches names with at least one more label ending in `.example.com`.
    static func wildcard(_ pattern: String, matches name: String) -> Bool {
        let suffix = String(pattern.dropFirst(1))  // ".example.com"
        return name.hasSuffix(suffix) && name.count > suffix.count && name != suffix
    }
}

/// Label selector matching (`matchLabels` and `matchExpressions`).
public enum SelectorMatching {
    public static func matches(_ selector: LabelSelector?, labels: [String: String]) -> Bool {
        guard let selector else { return true }
        for (key, value) in selector.matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in selector.matchExpressions ?? [] {
            let value = labels[requirement.key]
            let values = requirement.values ?? []
            switch requirement.operator {
            case "In": if value == nil || !values.contains(value!) { return false }
            case "NotIn": if let value, values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}

/// Whether a ReferenceGrant lets an object of `fromKind` in `fromNamespace` refer to `to` in another namespace.
enum ReferenceGrants {
    static func permits(
        _ grants: [ReferenceGrant], fromGroup: String, fromKind: String, fromNamespace: String,
        toGroup: String, toKind: String, toNamespace: String, toName: String
    ) -> Bool {
        if fromNamespace == toNamespace { return true }
        return grants.contains { grant in
            grant.namespace == toNamespace
                && grant.spec.from.contains {
                    $0.group == fromGroup && $0.kind == fromKind && $0.namespace == fromNamespace
                }
                && grant.spec.to.contains {
                    $0.group == toGroup && $0.kind == toKind && ($0.name == nil || $0.name == toName)
                }
        }
    }
}
