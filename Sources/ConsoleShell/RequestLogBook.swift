import ConsoleUI
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Session

/// The console's view of the Gateways' request logs: it follows each log as it grows and keeps the recent requests,
/// for the Requests tab and the header's count of routes that fail.
public final class RequestLogBook: @unchecked Sendable {
    private var readers: [String: RequestLogReader] = [:]
    private var stored: [String: [RequestRecord]] = [:]
    private var appended = false
    private let lock = NSLock()
    public static let kept = 1000

    public var records: [String: [RequestRecord]] { lock.withLock { stored } }

    /// Adds records of a Gateway (`namespace/name`) that a stream read (cluster mode's pod logs).
    public func append(_ new: [RequestRecord], gateway: String) {
        lock.withLock {
            stored[gateway, default: []] += new
            if stored[gateway]!.count > Self.kept { stored[gateway]!.removeFirst(stored[gateway]!.count - Self.kept) }
            appended = true
        }
    }

    /// Whether streams appended records since the last look.
    public func takeAppended() -> Bool {
        lock.withLock {
            defer { appended = false }
            return appended
        }
    }

    /// Reads what the logs gained; true when there was something new.
    public func poll(stateDirectory: String) -> Bool {
        let manager = DataplaneManager(stateDirectory: stateDirectory)
        var changed = false
        for gateway in manager.load().gateways.keys {
            if readers[gateway] == nil, let path = manager.requestLog(gateway: gateway) {
                readers[gateway] = RequestLogReader(path: path)
            }
            // TCP, UDP and TLS passthrough sessions, beside the requests.
            if readers[gateway + "#sessions"] == nil, let path = manager.sessionLog(gateway: gateway) {
                readers[gateway + "#sessions"] = RequestLogReader(path: path)
            }
            let new = (readers[gateway]?.read() ?? []) + (readers[gateway + "#sessions"]?.read() ?? [])
            guard !new.isEmpty else { continue }
            append(new.sorted { $0.time < $1.time }, gateway: gateway)
            _ = takeAppended()
            changed = true
        }
        return changed
    }

    /// The requests of a Gateway, of a route, or (anything else selected) of every Gateway, oldest first.
    public func records(for ref: ObjectRef?) -> [RequestRecord] {
        let records = self.records
        guard let ref else { return records.values.flatMap { $0 }.sorted { $0.time < $1.time } }
        if ref.kind == "Gateway" { return records[ref.namespacedName] ?? [] }
        let all = records.values.flatMap { $0 }.sorted { $0.time < $1.time }
        if ref.kind == "HTTPRoute" || ref.kind == "GRPCRoute" {
            return all.filter { !$0.session && $0.routeKind == ref.kind && $0.routeName == ref.namespacedName }
        }
        if L4RouteKind(rawValue: ref.kind) != nil { return all.filter { $0.session && $0.route == ref.description } }
        return all
    }

    /// Routes whose requests got 4xx or 5xx in the last minute.
    public func failingRoutes(now: Date = Date()) -> Int {
        RouteTraffic.summarize(records.values.flatMap { $0 }, since: now.addingTimeInterval(-60)).filter {
            $0.errors > 0
        }.count
    }

    /// The Requests tab: per-route counts over the last minute, then the requests, newest first.
    public func lines(for ref: ObjectRef?, filter: String = "", now: Date = Date()) -> (
        lines: [StyledLine], routes: [Int: ObjectRef], urls: [Int: String]
    ) {
        let matcher = RequestFilter(text: filter)
        let shown = records(for: ref).filter { matcher.matches($0) }
        let subject = ref.map { "\($0.kind) \($0.namespacedName)" } ?? "every Gateway"
        var routes: [Int: ObjectRef] = [:]
        var urls: [Int: String] = [:]
        var lines = [
            StyledLine(
                "Requests of \(subject)\(filter.isEmpty ? "" : " matching \"\(filter)\""), newest first (live)",
                role: .title),
            StyledLine(
                "Enter probes the route of the request at the top, x explains it; :requests 4xx filters", role: .dim),
        ]
        guard !shown.isEmpty else {
            lines.append(
                StyledLine("no requests yet: send some (p probes the selection), or curl the Gateway", role: .dim))
            return (lines, routes, urls)
        }
        let traffic = RouteTraffic.summarize(shown, since: now.addingTimeInterval(-60))
        if !traffic.isEmpty {
            lines.append(StyledLine("last minute:", role: .dim))
            for route in traffic {
                lines.append(
                    StyledLine(
                        "  HTTPRoute \(route.route): \(route.summary)", role: route.errors > 0 ? .warning : .normal))
            }
        }
        lines.append(StyledLine(""))
        for record in shown.suffix(200).reversed() {
            let role: Role
            switch record.statusClass {
            case .success: role = .accepted
            case .clientError: role = .warning
            case .serverError: role = .error
            default: role = .normal
            }
            let parts = record.routeName.split(separator: "/")
            if parts.count == 2, let kind = record.routeKind {
                routes[lines.count] = ObjectRef(
                    group: "gateway.networking.k8s.io", kind: kind, namespace: String(parts[0]),
                    name: String(parts[1]))
            }
            if let url = Self.explainURL(record) { urls[lines.count] = url }
            lines += RequestText.twoLines(record, showRoute: ref?.kind != "HTTPRoute" && ref?.kind != "GRPCRoute").map {
                StyledLine($0, role: role)
            }
        }
        return (lines, routes, urls)
    }

    /// The URL `explain` takes for a logged request: its host, the port it came to, its URI (nil for a stream
    /// session, or a record without a port).
    static func explainURL(_ record: RequestRecord) -> String? {
        guard !record.session, let port = Int(record.server), !record.host.isEmpty else { return nil }
        let host = record.host.contains(":") ? "[\(record.host)]" : record.host
        return "http://\(host):\(port)\(record.uri.hasPrefix("/") ? record.uri : "/" + record.uri)"
    }
}
