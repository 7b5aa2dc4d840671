import Foundation
import GatewayAPI

/// A request as routing sees it: method, host, path, query parameters and headers.
public struct RoutedRequest: Sendable {
    public var method: String
    public var host: String
    /// Without the query.
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]

    public init(
        method: String = "GET", host: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = []
    ) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// From a request target (`/path?a=1&b=2`) and `Name: value` header lines.
    public init(method: String = "GET", host: String, target: String, headerLines: [String] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? "/"
        let query: [(name: String, value: String)] =
            parts.count > 1
            ? parts[1].split(separator: "&").map { pair in
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
            } : []
        let headers: [(name: String, value: String)] = headerLines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            )
        }
        self.init(method: method, host: host, path: path.isEmpty ? "/" : path, query: query, headers: headers)
    }

    /// The path as nginx matches locations and regular expressions against it (`$uri`): percent-decoded, runs of
    /// `/` merged, `.` and `..` segments resolved.
    public var nginxPath: String {
        let decoded = path.removingPercentEncoding ?? path
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        let trailing = decoded.hasSuffix("/") || decoded.hasSuffix("/.") || decoded.hasSuffix("/..")
        let joined = "/" + segments.joined(separator: "/")
        return trailing && !segments.isEmpty ? joined + "/" : joined
    }

    /// The path with its query, as sent.
    public var target: String {
        query.isEmpty ? path : path + "?" + query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The headers as curl's `-H` takes them.
    public var headerLines: [String] { headers.map { "\($0.name): \($0.value)" } }

    /// A header's first value as nginx's `$http_NAME` reads it: names compared lowercased with `-` as `_`, a request
    /// header whose name has `_` ignored (nginx's `underscores_in_headers off`); nil for a name nginx has no
    /// variable for (only letters, digits, `-` and `_`).
    public func header(_ name: String) -> String? {
        guard let key = RoutedRequest.variableName(name, allowing: "-_") else { return nil }
        return headers.first { !$0.name.contains("_") && RoutedRequest.variableName($0.name, allowing: "-") == key }?
            .value
    }

    /// A query parameter's first value as nginx's `$arg_NAME` reads it (a case-insensitive name of letters, digits
    /// and `_`; nil for any other name).
    public func argument(_ name: String) -> String? {
        guard RoutedRequest.variableName(name, allowing: "_") != nil else { return nil }
        return query.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// A header or argument name as nginx's variable suffix: lowercased, `-` as `_`; nil when it has a character
    /// other than ASCII letters, digits and `allowed`.
    static func variableName(_ name: String, allowing allowed: String) -> String? {
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || allowed.unicodeScalars.contains($0))
            })
        else { return nil }
        return name.lowercased().replacingOccurrences(of: "-", with: "_")
    }
}

/// Where a match's requests arrive in nginx: an exact location, a prefix location, or a regular expression.
public enum LocationKey: Hashable, Sendable {
    case exact(String)
    case prefix(String)
    case regex(String)
}

/// One match of one rule of one route: a way a request can be served, the unit the Gateway API ranks. The one
/// matcher: the renderer orders locations by `precedes`, and the request router (`RequestRouter`), the request
/// log's mapping, the backend probe and explain choose with it.
public struct RouteMatch: Sendable {
    public var route: RouteNode
    public var rule: RuleNode
    public var matchIndex: Int
    public var pathType: PathMatchType
    public var pathValue: String
    public var method: String?
    public var headers: [HTTPHeaderMatch]
    public var queryParams: [HTTPQueryParamMatch]

    /// Every match of the route's served rules (a rule without matches matches every path).
    public static func all(route: RouteNode) -> [RouteMatch] {
        route.rules.filter { $0.dropped == nil }.flatMap { rule in
            guard let matches = rule.source.matches, !matches.isEmpty else {
                return [
                    RouteMatch(
                        route: route, rule: rule, matchIndex: 0, pathType: .pathPrefix, pathValue: "/", method: nil,
                        headers: [], queryParams: [])
                ]
            }
            return matches.enumerated().map { index, match in
                RouteMatch(
                    route: route, rule: rule, matchIndex: index, pathType: match.path?.type ?? .pathPrefix,
                    pathValue: match.path?.value ?? "/", method: match.method, headers: match.headers ?? [],
                    queryParams: match.queryParams ?? [])
            }
        }
    }

    public var hasConditions: Bool { method != nil || !headers.isEmpty || !queryParams.isEmpty }

    /// The steps of the Gateway API precedence, in order.
    public enum PrecedenceStep: Int, Sendable {
        case pathType, pathLength, method, headers, queryParams, age, name, rule, match
    }

    /// The Gateway API precedence: exact path, longest prefix, method, most headers, most query params,
    /// oldest route, route namespace/name, then rule and match order.
    public static func precedes(_ a: RouteMatch, _ b: RouteMatch) -> Bool { decide(a, b)?.aFirst ?? false }

    /// The step that orders two matches, and whether `a` comes first (nil: the same match).
    public static func decide(_ a: RouteMatch, _ b: RouteMatch) -> (step: PrecedenceStep, aFirst: Bool)? {
        let ra = a.pathRank
        let rb = b.pathRank
        if ra != rb { return (.pathType, ra < rb) }
        if a.pathValue.count != b.pathValue.count { return (.pathLength, a.pathValue.count > b.pathValue.count) }
        if (a.method != nil) != (b.method != nil) { return (.method, a.method != nil) }
        if a.headers.count != b.headers.count { return (.headers, a.headers.count > b.headers.count) }
        if a.queryParams.count != b.queryParams.count {
            return (.queryParams, a.queryParams.count > b.queryParams.count)
        }
        let ta = a.route.source.metadata.creationTimestamp ?? ""
        let tb = b.route.source.metadata.creationTimestamp ?? ""
        if ta != tb { return (.age, ta < tb) }
        if a.route.ref.namespacedName != b.route.ref.namespacedName {
            return (.name, a.route.ref.namespacedName < b.route.ref.namespacedName)
        }
        if a.rule.index != b.rule.index { return (.rule, a.rule.index < b.rule.index) }
        if a.matchIndex != b.matchIndex { return (.match, a.matchIndex < b.matchIndex) }
        return nil
    }

    /// Why the first of two matches wins, in the spec's words: "Exact beats PathPrefix", "longer path /a/b beats
    /// /a", "2 header matches beat 1", "older route (created …) wins", "alphabetical order of namespace/name".
    public static func reason(_ step: PrecedenceStep, winner: RouteMatch, loser: RouteMatch) -> String {
        switch step {
        case .pathType: return "\(winner.pathType.rawValue) beats \(loser.pathType.rawValue)"
        case .pathLength: return "longer path \(winner.pathValue) beats \(loser.pathValue)"
        case .method: return "a method match beats none"
        case .headers: return "\(winner.headers.count) header matches beat \(loser.headers.count)"
        case .queryParams: return "\(winner.queryParams.count) query matches beat \(loser.queryParams.count)"
        case .age:
            return "older route (created \(winner.route.source.metadata.creationTimestamp ?? "")) wins"
        case .name: return "alphabetical order of namespace/name"
        case .rule: return "earlier rule wins"
        case .match: return "earlier match wins"
        }
    }

    var pathRank: Int {
        switch pathType {
        case .exact: 0
        case .pathPrefix: 1
        default: 2
        }
    }

    /// The nginx locations that carry this match. PathPrefix is segment-wise: `/foo` serves `/foo` and `/foo/…`.
    public var locations: [LocationKey] {
        switch pathType {
        case .exact: return [.exact(pathValue)]
        case .regularExpression: return [.regex(pathValue)]
        default:
            var prefix = pathValue
            while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
            if prefix == "/" { return [.prefix("/")] }
            return [.exact(prefix), .prefix(prefix + "/")]
        }
    }

    /// Whether the path takes this match, as the Gateway API says (exact, segment-wise prefix, regular expression).
    public func pathMatches(_ path: String) -> Bool {
        locations.contains { key in
            switch key {
            case .exact(let value): return path == value
            case .prefix(let value): return path.hasPrefix(value)
            case .regex(let pattern): return RouteMatch.search(pattern, in: path)
            }
        }
    }

    /// Why the request's method, headers or query do not take this match (nil: they do), naming the value.
    public func conditionMismatch(_ request: RoutedRequest) -> String? {
        if let method, method != request.method { return "method \(request.method) is not \(method)" }
        for header in headers {
            let value = request.header(header.name)
            if !RouteMatch.valueMatches(header.type, header.value, value) {
                return "header \(header.name): \(value.map { "\"\($0)\"" } ?? "absent") does not match "
                    + (header.type == .regularExpression ? "/\(header.value)/" : "\"\(header.value)\"")
            }
        }
        for param in queryParams {
            let value = request.argument(param.name)
            if !RouteMatch.valueMatches(param.type, param.value, value) {
                return "query \(param.name): \(value.map { "\"\($0)\"" } ?? "absent") does not match "
                    + (param.type == .regularExpression ? "/\(param.value)/" : "\"\(param.value)\"")
            }
        }
        return nil
    }

    /// Why the request does not take this match (nil: it does): its path, then its conditions.
    public func mismatch(_ request: RoutedRequest) -> String? {
        guard pathMatches(request.nginxPath) else {
            return "path \(request.nginxPath) is not \(pathType.rawValue) \(pathValue)"
        }
        return conditionMismatch(request)
    }

    /// As the rendered map does: a variable nginx does not have reads as empty, so a regular expression that
    /// matches "" (`.*`) matches an absent value; an exact value never does.
    static func valueMatches(_ type: ValueMatchType?, _ want: String, _ value: String?) -> Bool {
        if type == .regularExpression { return search(want, in: value ?? "") }
        return value == want
    }

    /// A regular expression found anywhere in the text (as nginx's `~` and map regexes do).
    public static func search(_ pattern: String, in text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `HTTPRoute default/app rule 0 match 1`.
    public var description: String {
        "\(route.ref.kind) \(route.ref.namespacedName) rule \(rule.index) match \(matchIndex)"
    }
}
