import GatewayAPI

/// NGF's policy validators (`internal/controller/nginx/config/policies/*/validator.go`): what the controller checks
/// beyond the CRDs, in NGF's words, and which fields make two policies on one target conflict.
public enum NGFPolicyValidation {
    /// nginx's size (`1024`, `8k`, `20m`, `1g`) in bytes.
    public static func bytes(_ size: String) -> Int? {
        let lower = size.lowercased().trimmingCharacters(in: .whitespaces)
        guard let last = lower.last else { return nil }
        let factors: [Character: Int] = ["k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024]
        if let factor = factors[last] { return Int(lower.dropLast()).map { $0 * factor } }
        return Int(lower)
    }

    /// The load balancing methods NGINX OSS has. NGF's list for OSS also has the `least_time` ones, which are NGINX
    /// Plus directives: nginx would refuse them, so they are refused here.
    static let ossMethods = [
        "hash", "hash consistent", "ip_hash", "least_conn", "random", "random two", "random two least_conn",
        "round_robin",
    ]

    static func problems(_ node: NGFPolicyNode) -> [String] {
        switch node.spec {
        case .clientSettings(let spec):
            var problems: [String] = []
            if let minTimeout = spec.keepAlive?.minTimeout {
                problems.append(
                    "spec.keepAlive.minTimeout: Invalid value: \"\(minTimeout)\": keepalive_min_timeout needs NGINX 1.27.4 or later, and the embedded data plane's NGINX is older"
                )
            }
            if spec.keepAlive?.timeout?.header != nil && spec.keepAlive?.timeout?.server == nil {
                problems.append(
                    "spec.keepAlive.timeout: Invalid value: null: server timeout must be set if header timeout is set")
            }
            return problems
        case .proxySettings(let spec):
            guard let buffering = spec.buffering, let busy = buffering.busyBuffersSize, let busyBytes = bytes(busy)
            else { return [] }
            var problems: [String] = []
            if let size = buffering.bufferSize.flatMap(bytes), busyBytes <= size {
                problems.append(
                    "spec.buffering.busyBuffersSize: Invalid value: \"\(busy)\": must be larger than bufferSize")
            }
            if let buffers = buffering.buffers, let size = bytes(buffers.size),
                busyBytes >= Int(buffers.number) * size - size
            {
                problems.append(
                    "spec.buffering.busyBuffersSize: Invalid value: \"\(busy)\": must be less than the size of all proxy_buffers minus one buffer"
                )
            }
            return problems
        case .upstreamSettings(let spec):
            var problems: [String] = []
            if let method = spec.loadBalancingMethod, !ossMethods.contains(method) {
                problems.append(
                    "spec.loadBalancingMethod: Invalid value: \"\(method)\": NGINX OSS supports the following load balancing methods: \(ossMethods.joined(separator: ", "))"
                )
            }
            if spec.loadBalancingMethod != nil, let key = spec.hashMethodKey,
                key.wholeMatch(of: /\$(\{[a-z][a-z0-9_]*\}|[a-z][a-z0-9_]*)/) == nil
            {
                problems.append(
                    "spec.hashMethodKey: Invalid value: \"\(key)\": must be a valid NGINX variable of the form $name or ${name}, where name starts with a lowercase letter followed by lowercase letters, digits, or underscores (e.g. '$remote_addr' or '$http_x_forwarded_for' or '${remote_addr}', regex used for validation is '\\$(\\{[a-z][a-z0-9_]*\\}|[a-z][a-z0-9_]*)')"
                )
            }
            return problems
        case .snippets(let spec):
            return (spec.snippets ?? []).enumerated().compactMap { index, snippet in
                SnippetCheck.problem(snippet.value).map {
                    "spec.snippets[\(index)].value: Invalid value: \"\(snippet.context)\": \($0)"
                }
            }
        case .rateLimit(let spec):
            // The CRD's key pattern lets quotes and backslashes through; in nginx.conf they would open a string
            // that swallows what follows.
            return (spec.rateLimit?.local?.rules ?? []).compactMap { rule in
                rule.key.contains(where: { "\"'\\".contains($0) })
                    ? "spec.rateLimit.local.rules.key: Invalid value: \"\(rule.key)\": must not contain quotes or backslashes"
                    : nil
            }
        case .observability, .waf:
            return []
        }
    }

    /// Whether two policies of one kind on one target set a field in common (NGF's `Conflicts`).
    static func conflicts(_ a: NGFPolicySpec, _ b: NGFPolicySpec) -> Bool {
        func both<T>(_ x: T?, _ y: T?) -> Bool { x != nil && y != nil }
        switch (a, b) {
        case (.clientSettings(let x), .clientSettings(let y)):
            return both(x.body?.timeout, y.body?.timeout) || both(x.body?.maxSize, y.body?.maxSize)
                || both(x.body?.bufferSize, y.body?.bufferSize) || both(x.keepAlive?.requests, y.keepAlive?.requests)
                || both(x.keepAlive?.time, y.keepAlive?.time) || both(x.keepAlive?.minTimeout, y.keepAlive?.minTimeout)
                || both(x.keepAlive?.timeout, y.keepAlive?.timeout)
        case (.proxySettings(let x), .proxySettings(let y)):
            return both(x.buffering?.disable, y.buffering?.disable)
                || both(x.buffering?.bufferSize, y.buffering?.bufferSize)
                || both(x.buffering?.buffers, y.buffering?.buffers)
                || both(x.buffering?.busyBuffersSize, y.buffering?.busyBuffersSize)
                || both(x.timeout?.connect, y.timeout?.connect) || both(x.timeout?.read, y.timeout?.read)
                || both(x.timeout?.send, y.timeout?.send)
        case (.upstreamSettings(let x), .upstreamSettings(let y)):
            return both(x.zoneSize, y.zoneSize) || both(x.keepAlive?.connections, y.keepAlive?.connections)
                || both(x.keepAlive?.requests, y.keepAlive?.requests) || both(x.keepAlive?.time, y.keepAlive?.time)
                || both(x.keepAlive?.timeout, y.keepAlive?.timeout)
                || both(x.loadBalancingMethod, y.loadBalancingMethod) || both(x.hashMethodKey, y.hashMethodKey)
                || both(x.useClusterIP, y.useClusterIP)
        case (.rateLimit(let x), .rateLimit(let y)):
            guard let l = x.rateLimit, let r = y.rateLimit else { return false }
            return both(l.dryRun, r.dryRun) || both(l.logLevel, r.logLevel) || both(l.rejectCode, r.rejectCode)
        case (.observability(let x), .observability(let y)):
            return both(x.tracing, y.tracing)
        default:
            return false
        }
    }
}

/// The shape a snippet must have to stay inside its context: braces balanced and never closing the block it is
/// written in, quotes closed. nginx checks the directives themselves (`nginx -t` before any reload).
public enum SnippetCheck {
    public static func problem(_ value: String) -> String? {
        var depth = 0
        var quote: Character?
        var escaped = false
        var comment = false
        for ch in value {
            if comment {
                if ch == "\n" { comment = false }
                continue
            }
            if escaped {
                escaped = false
                continue
            }
            if ch == "\\" {
                escaped = true
                continue
            }
            if let open = quote {
                if ch == open { quote = nil }
                continue
            }
            switch ch {
            case "\"", "'": quote = ch
            case "#": comment = true
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth < 0 { return "closes a block it did not open (a snippet stays inside its context)" }
            default: break
            }
        }
        if quote != nil { return "has an unterminated quoted string" }
        if depth > 0 { return "has a block that is not closed" }
        return nil
    }
}
