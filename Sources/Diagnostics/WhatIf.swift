/// What a change would do before it is made (`apply --what-if`, `delete --what-if`, the console's `:whatif`): the
/// conditions that change, and the recent requests whose route, backend or status would change, found by replaying
/// them through shadow data planes of the config as it is and as it would be (pure: the shell replays, this
/// compares and words).
public struct WhatIfReport: Sendable, Codable, Equatable {
    /// What was proposed, in words (`apply 1 object`, `delete backendtlspolicy/x`).
    public var change: String
    /// Requests replayed (each counted as many times as the log has it).
    public var replayed: Int
    /// Requests whose outcome changes, grouped, most first.
    public var changed: [RequestChange]
    /// Conditions that change.
    public var status: [StatusChange]
    /// Requests and sessions of the window not replayed, by why (`gRPC calls`, `TCP/UDP/TLS sessions`).
    public var skipped: [String: Int]
    /// Replayed requests that the config as it is routes elsewhere than the log says served them: they were served
    /// by an older config, or carried headers the request log does not keep.
    public var unreproduced: Int
    /// The window replayed (`the last 10m`), and why nothing was replayed when nothing was.
    public var window: String
    public var notes: [String]

    public init(
        change: String, replayed: Int, changed: [RequestChange], status: [StatusChange], skipped: [String: Int] = [:],
        unreproduced: Int = 0, window: String, notes: [String] = []
    ) {
        self.change = change
        self.replayed = replayed
        self.changed = changed
        self.status = status
        self.skipped = skipped
        self.unreproduced = unreproduced
        self.window = window
        self.notes = notes
    }
}

/// How a shadow data plane answered a replayed request: the route and rule that took it, the backend, the status.
public struct ReplayOutcome: Sendable, Codable, Hashable {
    /// `Kind ns/name`, nil when no route took it.
    public var route: String?
    public var rule: Int?
    /// `Service ns/name:port`, nil when nginx answered itself.
    public var backend: String?
    /// nil when nothing answered (no listener on the port, no Gateway).
    public var status: Int?
    /// Why nothing answered.
    public var note: String?

    public init(route: String? = nil, rule: Int? = nil, backend: String? = nil, status: Int? = nil, note: String? = nil)
    {
        self.route = route
        self.rule = rule
        self.backend = backend
        self.status = status
        self.note = note
    }

    /// What a request log record says served a request.
    public init(record: RequestRecord) {
        route = record.route.isEmpty ? nil : record.routeLabel
        rule = record.route.isEmpty ? nil : Int(record.rule)
        backend = record.backend.isEmpty ? nil : record.backend
        status = record.status
    }

    /// Nothing answered, and why.
    public static func unanswered(_ note: String) -> ReplayOutcome { ReplayOutcome(note: note) }

    /// `HTTPRoute default/a rule 0 → Service default/a:80: 200`.
    public var text: String {
        if let note, status == nil { return "no answer (\(note))" }
        let route = self.route.map { "\($0) rule \(rule ?? 0)" } ?? "no route"
        let backend = self.backend.map { " → \($0)" } ?? ""
        return "\(route)\(backend): \(status.map(String.init) ?? "?")"
    }

    enum CodingKeys: String, CodingKey { case route, rule, backend, status, note }

    /// Route, backend and status always (null when none), as `-o json` readers expect.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(route, forKey: .route)
        try c.encode(rule, forKey: .rule)
        try c.encode(backend, forKey: .backend)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(note, forKey: .note)
    }

    /// The same route and rule (what explains where a request went).
    func sameRoute(_ other: ReplayOutcome) -> Bool { route == other.route && rule == other.rule }
}

/// One kind of request whose outcome changes, with how many of the replayed requests it was.
public struct RequestChange: Sendable, Codable, Equatable {
    public var gateway: String
    public var method: String
    public var host: String
    public var path: String
    public var before: ReplayOutcome
    public var after: ReplayOutcome
    public var count: Int
}

/// A condition that changes: its object and place, and its status and reason before and after (nil: absent).
public struct StatusChange: Sendable, Codable, Equatable {
    /// `Kind ns/name`.
    public var object: String
    /// `object`, `listener NAME`, `parent ns/name`, `ancestor ns/name`.
    public var place: String
    public var type: String
    public var before: String?
    public var after: String?

    public init(object: String, place: String, type: String, before: String?, after: String?) {
        self.object = object
        self.place = place
        self.type = type
        self.before = before
        self.after = after
    }

    public var text: String {
        if type.isEmpty { return "\(object): \(after ?? "absent")" }
        let place = self.place == "object" ? "" : ", \(self.place)"
        return "\(object)\(place): \(type) \(before ?? "absent") → \(after ?? "absent")"
    }
}

/// One distinct request replayed, with its count in the window and the three outcomes.
public struct ReplayedRequest: Sendable, Equatable {
    public var gateway: String
    public var method: String
    public var host: String
    public var path: String
    public var count: Int
    /// What the request log says served it (the latest of them).
    public var logged: ReplayOutcome
    public var before: ReplayOutcome
    public var after: ReplayOutcome

    public init(
        gateway: String, method: String, host: String, path: String, count: Int, logged: ReplayOutcome,
        before: ReplayOutcome, after: ReplayOutcome
    ) {
        self.gateway = gateway
        self.method = method
        self.host = host
        self.path = path
        self.count = count
        self.logged = logged
        self.before = before
        self.after = after
    }
}

extension WhatIfReport {
    /// The report of replayed requests: those whose outcome differs, grouped (same request, same two outcomes) and
    /// ordered by count, most first; and how many the config as it is does not route as the log says.
    public static func compare(_ requests: [ReplayedRequest]) -> (changed: [RequestChange], unreproduced: Int) {
        var groups: [RequestChange] = []
        var index: [String: Int] = [:]
        var unreproduced = 0
        for request in requests {
            if request.logged.status != nil, !request.before.sameRoute(request.logged) { unreproduced += request.count }
            guard request.before != request.after else { continue }
            let key = [
                request.gateway, request.method, request.host, request.path, "\(request.before)", "\(request.after)",
            ]
            .joined(separator: "\u{1}")
            if let at = index[key] {
                groups[at].count += request.count
            } else {
                index[key] = groups.count
                groups.append(
                    RequestChange(
                        gateway: request.gateway, method: request.method, host: request.host, path: request.path,
                        before: request.before, after: request.after, count: request.count))
            }
        }
        let ordered = groups.enumerated().sorted {
            $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset
        }.map(\.element)
        return (ordered, unreproduced)
    }

    /// What a line of the report is, for the console's colours.
    public enum LineKind: Sendable {
        case heading, detail, before, after
    }

    /// The report as `--what-if` prints it.
    public var text: String { lines.map(\.text).joined(separator: "\n") + "\n" }

    /// The report's lines, each with what it is.
    public var lines: [(text: String, kind: LineKind)] {
        var lines: [(String, LineKind)] = [("What-if: \(change) (nothing applied)", .heading)]
        if status.isEmpty {
            lines.append(("Status: no condition changes.", .heading))
        } else {
            lines.append(("Status that changes (\(status.count)):", .heading))
            for change in status { lines.append(("  \(change.text)", .detail)) }
        }
        let changedCount = changed.reduce(0) { $0 + $1.count }
        if replayed == 0 {
            lines.append(("Requests: none replayed from \(window).", .heading))
        } else {
            lines.append(
                (
                    "Requests: \(replayed) from \(window) replayed through shadow data planes (backends are stand-ins; "
                        + "nothing reached a real one): \(changedCount == 0 ? "none changes" : "\(changedCount) change").",
                    .heading
                ))
            for change in changed {
                lines.append(("  \(change.count) × \(change.method) \(change.host)\(change.path)", .detail))
                lines.append(("      before: \(change.before.text)", .before))
                lines.append(("      after:  \(change.after.text)", .after))
            }
        }
        if unreproduced > 0 {
            lines.append(
                (
                    "  \(unreproduced) of them the config as it is routes elsewhere than the log says (served by an older "
                        + "config, or by headers the request log does not keep): compared as they route now.", .detail
                ))
        }
        for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) where count > 0 {
            lines.append(("  Not replayed: \(count) \(reason).", .detail))
        }
        for note in notes { lines.append(("  \(note)", .detail)) }
        return lines
    }
}
