import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing

#if canImport(Glibc)
    import Glibc
#endif

/// A proposed change for what-if: objects to apply, or objects to delete.
public enum WhatIfChange: Sendable {
    case apply([DecodedObject])
    case delete([(type: ResourceType, key: ObjectKey)])

    var summary: String {
        switch self {
        case .apply(let objects):
            return "apply " + objects.map { "\($0.type.qualifiedSingular)/\($0.name)" }.joined(separator: ", ")
        case .delete(let targets):
            return "delete " + targets.map { "\($0.type.qualifiedSingular)/\($0.key.name)" }.joined(separator: ", ")
        }
    }
}

/// How much of the request log a what-if replays.
public struct WhatIfWindow: Sendable {
    /// Seconds back from now.
    public var since: TimeInterval
    /// The most requests replayed (the latest).
    public var requests: Int

    public init(since: TimeInterval = 600, requests: Int = 1_000) {
        self.since = since
        self.requests = requests
    }

    /// `10m`, `1h30m` (Go's durations, as kubectl's --since).
    public static func since(_ text: String) -> TimeInterval? { GoDuration.seconds(text).flatMap { $0 > 0 ? $0 : nil } }
}

extension Session {
    /// What a change would do, with nothing applied: the change is made on a copy of the store, the conditions of
    /// both graphs are compared, and the Gateways' recent requests are replayed through two shadow data planes (the
    /// config as it is, and as it would be) whose backends are stand-ins, so no replayed request reaches a real one.
    /// The store, the live config and the live traffic are untouched.
    public func whatIf(_ change: WhatIfChange, window: WhatIfWindow = WhatIfWindow(), now: Date = Date()) throws
        -> WhatIfReport
    {
        let store = try openFreshStore()
        let scratch = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The change is made on a copy; a cache of the copy, loaded before the change and refreshed after it
        // from the copy's change feed, gives both snapshots (the second decodes only what changed).
        let proposed: Store
        do {
            proposed = try store.copy(into: scratch + "/store")
        } catch let error as StoreError {
            throw CLIError("error: what-if could not copy the store: \(error)")
        }
        let cache = ControllerCache()
        try cache.refresh(from: proposed)
        let beforeSnapshot = cache.snapshot
        try Self.make(change, in: proposed)
        try cache.refresh(from: proposed)
        let afterSnapshot = cache.snapshot

        let config = clusterMode ? clusterControllerConfig : controllerConfig
        let manager = clusterMode ? nil : DataplaneManager(stateDirectory: store.directory)
        let reconciler = Reconciler(store: proposed, config: config, dataplane: manager)
        let before = (snapshot: beforeSnapshot, graph: reconciler.graph(of: beforeSnapshot))
        let after = (snapshot: afterSnapshot, graph: reconciler.graph(of: afterSnapshot))
        let status = Self.statusChanges(before: before.graph, after: after.graph, controllerName: config.controllerName)

        var report = WhatIfReport(
            change: change.summary, replayed: 0, changed: [], status: status,
            window: "the last \(Self.durationText(window.since))")
        let logs: [GatewayRequests]
        let portOffset: Int
        if let manager {
            let state = manager.load()
            guard state.running else {
                report.notes.append(
                    "The embedded data plane is not running: there are no requests to replay (gwconsole up).")
                return report
            }
            logs = Self.embeddedLogs(
                manager, gateways: state.gateways.keys.sorted(), since: now.addingTimeInterval(-window.since))
            portOffset = state.portOffset
        } else {
            (logs, report.notes) = try clusterLogs(store: store, graph: before.graph, window: window)
            portOffset = 0
        }
        try replay(
            into: &report, logs: logs, portOffset: portOffset, probeEndpoints: manager != nil, before: before,
            after: after, scratch: scratch, window: window, now: now)
        return report
    }

    /// A private directory for the copy and the shadows, short enough for unix socket paths, marked with this
    /// process's pid. What a killed what-if left (its owner gone) is stopped and removed first.
    static func scratchDirectory() throws -> String {
        reclaimScratch()
        var template = Array("/tmp/gwconsole-whatif-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError("error: what-if could not make a directory in /tmp: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        try? "\(getpid())\n".write(toFile: path + "/owner.pid", atomically: false, encoding: .utf8)
        return path
    }

    /// Stops the shadows and removes the scratch directories of what-ifs whose process is gone (killed mid-way).
    static func reclaimScratch() {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: "/tmp")) ?? [] where entry.hasPrefix("gwconsole-whatif-") {
            let path = "/tmp/" + entry
            guard let attributes = try? fm.attributesOfItem(atPath: path),
                (attributes[.ownerAccountID] as? NSNumber)?.uint32Value == geteuid(),
                let text = try? String(contentsOfFile: path + "/owner.pid", encoding: .utf8),
                let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(owner, 0) != 0 && errno == ESRCH
            else { continue }
            for shadow in (try? fm.contentsOfDirectory(atPath: path)) ?? [] {
                ShadowNginx(directory: path + "/" + shadow).stop()
            }
            try? fm.removeItem(atPath: path)
        }
    }

    /// Applies or deletes on the copy, with the errors `apply` and `delete` give.
    static func make(_ change: WhatIfChange, in store: Store) throws {
        switch change {
        case .apply(let objects):
            _ = try ApplyFlow.store(objects, in: store)
        case .delete(let targets):
            let deleted: [StoredObject?]
            do {
                deleted = try store.delete(targets.map(\.key))
            } catch let error as StoreError {
                throw CLIError("Error from server (Forbidden): \(error)")
            }
            let missing = zip(targets, deleted).filter { $0.1 == nil }.map {
                "Error from server (NotFound): \($0.0.type.qualifiedPlural) \"\($0.0.key.name)\" not found"
            }
            if !missing.isEmpty { throw CLIError(missing.joined(separator: "\n")) }
        }
    }

    /// The conditions that differ between the statuses the two graphs give, per object.
    static func statusChanges(before: Graph, after: Graph, controllerName: String) -> [StatusChange] {
        let stamp = "1970-01-01T00:00:00Z"
        var old: [ObjectRef: JSONValue] = [:]
        for update in StatusBuilder.updates(before, now: stamp) { old[update.ref] = update.status }
        var new: [ObjectRef: JSONValue] = [:]
        var order: [ObjectRef] = []
        for update in StatusBuilder.updates(after, now: stamp) {
            new[update.ref] = update.status
            order.append(update.ref)
        }
        order += old.keys.filter { new[$0] == nil }.sorted { "\($0)" < "\($1)" }
        var result: [StatusChange] = []
        for ref in order {
            let object = "\(ref.kind) \(ref.namespace.isEmpty ? ref.name : ref.namespacedName)"
            if new[ref] == nil {
                // Deleted: its conditions go with it.
                result.append(StatusChange(object: object, place: "object", type: "", before: nil, after: "deleted"))
                continue
            }
            for difference in StatusDrift.differences(
                cluster: old[ref], computed: new[ref], controllerName: controllerName)
            {
                func text(_ entry: StatusDrift.Entry?) -> String? { entry.map { "\($0.status) (\($0.reason))" } }
                result.append(
                    StatusChange(
                        object: object, place: difference.place, type: "\(difference.type)",
                        before: text(difference.cluster), after: text(difference.computed)))
            }
        }
        return result
    }

    static func durationText(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        if whole % 3600 == 0 { return "\(whole / 3600)h" }
        if whole % 60 == 0 { return "\(whole / 60)m" }
        return "\(whole)s"
    }
}
