import Foundation

/// One request a Gateway served, as its request log records it (`RequestLogFormat`): what came, what answered, and
/// the route, rule and backend that served it.
public struct RequestRecord: Sendable, Equatable, Codable {
    public var time: String
    public var method: String
    public var host: String
    public var uri: String
    public var status: Int
    /// `address:port` of the upstream(s) tried; empty when NGINX answered itself.
    public var upstream: String
    public var upstreamStatus: String
    /// Seconds.
    public var duration: Double
    /// `ns/name` for an HTTPRoute, `Kind ns/name` for other kinds (`GRPCRoute default/greeter`); empty when no
    /// route matched.
    public var route: String
    public var rule: String
    public var backend: String
    /// `plain` or `TLS SNI host, verified`; empty when no backend was tried.
    public var backendTLS: String
    public var server: String
    public var requestID: String
    /// A gRPC call's `grpc-status` (sent by the backend or by nginx); empty for other requests.
    public var grpcStatus = ""
    /// A TCP, UDP or TLS passthrough session of the session log (`StreamWriter`'s format) rather than a request:
    /// `method` is its protocol (`TCP`, `UDP`), `host` the SNI name (TLS passthrough), `route` `Kind ns/name`.
    public var session = false
    public var listener = ""
    public var bytesSent = 0
    public var bytesReceived = 0

    public init(
        time: String, method: String = "GET", host: String, uri: String, status: Int, upstream: String = "",
        upstreamStatus: String = "", duration: Double = 0, route: String = "", rule: String = "", backend: String = "",
        backendTLS: String = "", server: String = "", requestID: String = ""
    ) {
        self.time = time
        self.method = method
        self.host = host
        self.uri = uri
        self.status = status
        self.upstream = upstream
        self.upstreamStatus = upstreamStatus
        self.duration = duration
        self.route = route
        self.rule = rule
        self.backend = backend
        self.backendTLS = backendTLS
        self.server = server
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey {
        case time, method, host, uri, status, upstream, upstreamStatus, duration, route, rule, backend, backendTLS
        case server, requestID, grpcStatus
        case kind, `protocol`, sni, listener, bytesSent, bytesReceived
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encode(method, forKey: .method)
        try c.encode(host, forKey: .host)
        try c.encode(uri, forKey: .uri)
        try c.encode(status, forKey: .status)
        try c.encode(upstream, forKey: .upstream)
        try c.encode(upstreamStatus, forKey: .upstreamStatus)
        try c.encode(duration, forKey: .duration)
        try c.encode(route, forKey: .route)
        try c.encode(rule, forKey: .rule)
        try c.encode(backend, forKey: .backend)
        try c.encode(backendTLS, forKey: .backendTLS)
        try c.encode(server, forKey: .server)
        try c.encode(requestID, forKey: .requestID)
        if !grpcStatus.isEmpty { try c.encode(grpcStatus, forKey: .grpcStatus) }
        if session {
            try c.encode("stream", forKey: .kind)
            try c.encode(listener, forKey: .listener)
            try c.encode(bytesSent, forKey: .bytesSent)
            try c.encode(bytesReceived, forKey: .bytesReceived)
        }
    }

    /// nginx writes every value as a string (escape=json); numbers are read from them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) -> String { (try? c.decode(String.self, forKey: key)) ?? "" }
        time = text(.time)
        method = text(.method)
        host = text(.host)
        uri = text(.uri)
        status = Int(text(.status)) ?? (try? c.decode(Int.self, forKey: .status)) ?? 0
        upstream = text(.upstream)
        upstreamStatus = text(.upstreamStatus)
        duration = Double(text(.duration)) ?? (try? c.decode(Double.self, forKey: .duration)) ?? 0
        route = text(.route)
        rule = text(.rule)
        backend = text(.backend)
        backendTLS = text(.backendTLS)
        server = text(.server)
        requestID = text(.requestID)
        grpcStatus = text(.grpcStatus)
        if text(.kind) == "stream" {
            session = true
            method = text(.protocol)
            host = text(.sni)
            listener = text(.listener)
            bytesSent = Int(text(.bytesSent)) ?? 0
            bytesReceived = Int(text(.bytesReceived)) ?? 0
        }
    }

    /// A line of the request log; nil for anything else (a partial last line, another format).
    public static func parse(_ line: Substring) -> RequestRecord? {
        guard line.hasPrefix("{"), var record = try? JSONDecoder().decode(RequestRecord.self, from: Data(line.utf8))
        else { return nil }
        if record.session {
            // A TLS port shared with HTTPS listeners takes two hops: the second (the route's, or the HTTPS server's
            // own request log) is the session; the first is kept only for a connection no route took.
            if record.upstream.hasPrefix("unix:") {
                guard record.upstream.hasSuffix("/stream-close.sock") else { return nil }
                record.upstream = ""
                record.route = ""
            }
            // The server that closes those connections logs them once more.
            if record.server.isEmpty && record.listener.isEmpty { return nil }
        }
        return record
    }

    /// The route that served it, by kind: `ns/name` is an HTTPRoute, `Kind ns/name` any other kind.
    public var routeKind: String? {
        guard !route.isEmpty else { return nil }
        guard let space = route.firstIndex(of: " ") else { return "HTTPRoute" }
        return String(route[..<space])
    }

    /// `ns/name` of the route that served it.
    public var routeName: String {
        guard let space = route.firstIndex(of: " ") else { return route }
        return String(route[route.index(after: space)...])
    }

    /// `HTTPRoute ns/name`, `GRPCRoute ns/name`.
    public var routeLabel: String { "\(routeKind ?? "HTTPRoute") \(routeName)" }

    /// `0 OK`, `12 Unimplemented`.
    public var grpcStatusLabel: String {
        guard let code = Int(grpcStatus).flatMap(GRPCStatusCode.init(rawValue:)) else { return grpcStatus }
        return "\(code.rawValue) \(code.name)"
    }

    /// `2xx` … `5xx`.
    public var statusClass: StatusClass { StatusClass(status) }

    nonisolated(unsafe) static let timeFormat: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    /// When it happened (nginx writes local time with its offset).
    public var date: Date? { Self.timeFormat.date(from: time) }

    /// What the record says about the request, for a troubleshooter: who answered and why it failed.
    public var note: String? {
        if route.isEmpty {
            if status == 421 {
                return "misdirected: the TLS handshake's SNI chose another HTTPS listener than the Host header's "
                    + "(send the same name in both, e.g. curl --resolve)"
            }
            return status == 404 ? "no route matched" : nil
        }
        if backendTLS == "plain", upstreamStatus == "400" {
            return "the backend answered 400 to plain HTTP: a TLS backend without a BackendTLSPolicy?"
        }
        if status == 502, backendTLS.hasPrefix("TLS") { return "TLS to the backend failed (see doctor)" }
        if status == 503, upstream.isEmpty { return "no ready endpoints" }
        if status == 500, upstream.isEmpty { return "the backend cannot be used (see the route's ResolvedRefs)" }
        return nil
    }
}

/// A response status's class.
public enum StatusClass: String, Sendable, CaseIterable, Comparable {
    case informational = "1xx"
    case success = "2xx"
    case redirect = "3xx"
    case clientError = "4xx"
    case serverError = "5xx"

    public init(_ status: Int) {
        switch status {
        case ..<200: self = .informational
        case 200..<300: self = .success
        case 300..<400: self = .redirect
        case 400..<500: self = .clientError
        default: self = .serverError
        }
    }

    /// A filter's text (`4xx`), or nil.
    public init?(text: String) { self.init(rawValue: text.lowercased()) }

    public var isError: Bool { self == .clientError || self == .serverError }

    public static func < (a: StatusClass, b: StatusClass) -> Bool { a.rawValue < b.rawValue }
}

/// Requests per route by status class over a window: what the console counts and colours.
public struct RouteTraffic: Sendable, Equatable {
    public var route: String
    public var counts: [StatusClass: Int]

    public init(route: String, counts: [StatusClass: Int]) {
        self.route = route
        self.counts = counts
    }

    public var errors: Int { counts.filter { $0.key.isError }.values.reduce(0, +) }

    /// Counts per route for the records at or after `since`, by route name.
    public static func summarize(_ records: [RequestRecord], since: Date) -> [RouteTraffic] {
        var byRoute: [String: [StatusClass: Int]] = [:]
        for record in records where !record.route.isEmpty && (record.date.map { $0 >= since } ?? false) {
            byRoute[record.route, default: [:]][record.statusClass, default: 0] += 1
        }
        return byRoute.keys.sorted().map { RouteTraffic(route: $0, counts: byRoute[$0]!) }
    }

    /// `2xx 12  4xx 3`.
    public var summary: String {
        StatusClass.allCases.compactMap { kind in counts[kind].map { "\(kind.rawValue) \($0)" } }
            .joined(separator: "  ")
    }
}

/// Which requests to show: by route (`ns/name` or name), host, and status class.
public struct RequestFilter: Sendable, Equatable {
    public var route: String?
    public var host: String?
    public var status: StatusClass?

    public init(route: String? = nil, host: String? = nil, status: StatusClass? = nil) {
        self.route = route
        self.host = host
        self.status = status
    }

    /// Words of a filter: `4xx`, `host=cafe.example.com`, or a route name.
    public init(text: String) {
        for word in text.split(separator: " ") {
            if let status = StatusClass(text: String(word)) {
                self.status = status
            } else if word.hasPrefix("host=") {
                host = String(word.dropFirst(5))
            } else {
                route = String(word)
            }
        }
    }

    public func matches(_ record: RequestRecord) -> Bool {
        if let status, record.statusClass != status { return false }
        if let host, record.host != host { return false }
        if let route, record.routeName != route, !record.routeName.hasSuffix("/" + route) { return false }
        return true
    }
}

/// A request as one line of `gwconsole logs --gateway` and the console's Requests tab.
public enum RequestText {
    /// A session of a TCP, UDP or TLS passthrough listener.
    static func session(_ record: RequestRecord) -> String {
        let time = record.time.split(separator: "T").last.map { String($0.prefix(8)) } ?? record.time
        var text = "\(time)  \(record.method) listener \(record.listener) :\(record.server)"
        if !record.host.isEmpty { text += " SNI \(record.host)" }
        text += "  \(record.status)"
        if !record.upstream.isEmpty { text += " ← \(record.upstream)" }
        text +=
            "  \(record.bytesReceived) B in, \(record.bytesSent) B out, \(Int((record.duration * 1000).rounded())) ms"
        text += record.route.isEmpty ? "  no route" : "  \(record.route)"
        return text
    }

    public static func line(_ record: RequestRecord) -> String {
        if record.session { return session(record) }
        let time = record.time.split(separator: "T").last.map { String($0.prefix(8)) } ?? record.time
        var text = "\(time)  \(record.method) \(record.host)\(record.uri)  \(record.status)"
        if !record.upstream.isEmpty {
            text +=
                " ← \(record.upstream) \(record.upstreamStatus) (\(record.backendTLS.isEmpty ? "?" : record.backendTLS))"
        }
        text += "  \(Int((record.duration * 1000).rounded())) ms"
        text += record.route.isEmpty ? "  no route" : "  \(record.routeLabel) rule \(record.rule)"
        if !record.grpcStatus.isEmpty { text += "  grpc-status \(record.grpcStatusLabel)" }
        if let note = record.note { text += "  — \(note)" }
        return text
    }

    /// The console's form, narrow enough for a pane: the request, then who answered and why.
    public static func twoLines(_ record: RequestRecord, showRoute: Bool) -> [String] {
        let time = record.time.split(separator: "T").last.map { String($0.prefix(8)) } ?? record.time
        if record.session {
            return [
                "\(time)  \(record.status)  \(record.method) listener \(record.listener)"
                    + (record.host.isEmpty ? "" : " SNI \(record.host)"),
                "    "
                    + (record.upstream.isEmpty ? "" : "← \(record.upstream), ")
                    + "\(record.bytesReceived) B in, \(record.bytesSent) B out, \(Int((record.duration * 1000).rounded())) ms"
                    + (showRoute ? (record.route.isEmpty ? ", no route" : ", \(record.route)") : ""),
            ]
        }
        var second = "    "
        if !record.upstream.isEmpty {
            second += "← \(record.upstreamStatus) from \(record.upstream) (\(record.backendTLS)), "
        }
        second += "\(Int((record.duration * 1000).rounded())) ms"
        if showRoute { second += record.route.isEmpty ? ", no route" : ", \(record.routeLabel)" }
        if !record.route.isEmpty { second += " rule \(record.rule)" }
        if !record.grpcStatus.isEmpty { second += ", grpc-status \(record.grpcStatusLabel)" }
        var lines = ["\(time)  \(record.status)  \(record.method) \(record.host)\(record.uri)", second]
        if let note = record.note { lines.append("    " + note) }
        return lines
    }
}

/// NGINX's default access log (`combined`), as an NGF data plane pod writes it to stdout: a `RequestRecord` without
/// host, upstream or route (`RequestRouting` finds the route from the Gateway's graph).
public enum CombinedLogLine {
    static let months = [
        "Jan": "01", "Feb": "02", "Mar": "03", "Apr": "04", "May": "05", "Jun": "06", "Jul": "07", "Aug": "08",
        "Sep": "09", "Oct": "10", "Nov": "11", "Dec": "12",
    ]

    /// `10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /coffee HTTP/1.1" 200 160 "-" "curl/8.5.0"`.
    public static func parse(_ line: String) -> RequestRecord? {
        guard let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]"),
            let quote = line[close...].firstIndex(of: "\""),
            let end = line[line.index(after: quote)...].firstIndex(of: "\"")
        else { return nil }
        let request = line[line.index(after: quote)..<end].split(separator: " ")
        let after = line[line.index(after: end)...].split(separator: " ")
        guard request.count >= 2, let status = after.first.flatMap({ Int($0) }) else { return nil }
        return RequestRecord(
            time: isoTime(String(line[line.index(after: open)..<close])), method: String(request[0]), host: "",
            uri: String(request[1]), status: status)
    }

    /// `01/Dec/2026:10:00:00 +0000` as `2026-12-01T10:00:00+00:00`, the form the request log's records compare in.
    static func isoTime(_ local: String) -> String {
        let parts = local.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == " " })
        guard parts.count == 7, let month = months[String(parts[1])] else { return local }
        let zone = parts[6]
        let offset = zone.count == 5 ? "\(zone.prefix(3)):\(zone.suffix(2))" : String(zone)
        return "\(parts[2])-\(month)-\(parts[0])T\(parts[3]):\(parts[4]):\(parts[5])\(offset)"
    }
}
