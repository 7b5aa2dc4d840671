import Dataplane
import Foundation
import GatewayAPI
import KubeClient

/// Copies the cluster's objects into the cache store: discovery, then a paged list of every kind gwconsole reads;
/// `watch` keeps it current (events, bookmarks, relist on 410 Gone, reconnect on a dropped stream).
public struct ClusterSync {
    public init(session: ClusterSession, store: Store) {
        self.session = session
        self.store = store
    }

    public let session: ClusterSession
    public let store: Store

    /// Lists every served kind into the store. Kinds the server lacks are "not installed"; kinds the user may not
    /// list cluster-wide are listed in the context's namespace, else reported as forbidden. The lists are sent
    /// at once (one thread per kind: the wait is the server's), then written in one order.
    @discardableResult
    public func syncAll() throws -> ClusterSession.SyncReport {
        let discovery = try session.api.discover(ClusterSession.kinds)
        var report = ClusterSession.SyncReport(
            context: session.connection.contextName, server: session.connection.server,
            time: Store.timestamp(Date()), served: [:], notInstalled: [:], forbidden: [:])
        for (groupKind, why) in discovery.missing { report.notInstalled[groupKind.description] = why }
        enum Listed {
            case items([JSONValue], String?)
            case namespaceOnly([JSONValue], String)
            case forbidden(String)
            case failed(any Error)
        }
        let kinds = ClusterSession.kinds
        let results = ListResults(count: kinds.count)
        let api = session.api
        let namespace = session.connection.namespace
        DispatchQueue.concurrentPerform(iterations: kinds.count) { index in
            let type = kinds[index]
            guard let version = discovery.served[type.groupKind] else { return }
            let listed: Listed
            do {
                let (items, resourceVersion) = try api.list(type, version: version, namespace: nil)
                listed = .items(items, resourceVersion)
            } catch KubeError.status(403, _, let message) where type.namespaced {
                do {
                    listed = .namespaceOnly(
                        try api.list(type, version: version, namespace: namespace).items,
                        "listed in namespace \(namespace) only: \(message)")
                } catch KubeError.status(403, _, let inner) {
                    listed = .forbidden(inner)
                } catch {
                    listed = .failed(error)
                }
            } catch KubeError.status(403, _, let message) {
                listed = .forbidden(message)
            } catch {
                listed = .failed(error)
            }
            results.set(index, listed)
        }
        for (index, type) in kinds.enumerated() {
            guard let version = discovery.served[type.groupKind] else {
                try store.mirrorReplace(type.groupKind, namespace: nil, objects: [])
                continue
            }
            report.served[type.groupKind.description] = version
            switch results.get(index) as? Listed {
            case .items(let items, let resourceVersion)?:
                try store.mirrorReplace(type.groupKind, namespace: nil, objects: items)
                // Where a watch of the kind can start (the cache keeper's) without listing again.
                try ClusterSync.recordWatchStart(store, type, resourceVersion)
            case .namespaceOnly(let items, let why)?:
                try store.mirrorReplace(type.groupKind, namespace: nil, objects: items)
                report.forbidden[type.groupKind.description] = why
            case .forbidden(let message)?:
                try store.mirrorReplace(type.groupKind, namespace: nil, objects: [])
                report.forbidden[type.groupKind.description] = message
                Output.error("Warning: \(message)")
            case .failed(let error)?:
                throw error
            case nil:
                throw KubeError.protocolError("listing \(type.qualifiedPlural) gave no answer")
            }
        }
        if let data = try? JSONEncoder().encode(report) {
            _ = FileManager.default.createFile(
                atPath: session.reportPath, contents: data, attributes: [.posixPermissions: 0o600])
        }
        return report
    }

    /// The store meta key holding the resourceVersion a watch of `type` resumes from (cluster-wide lists only).
    public static func watchKey(_ type: ResourceType) -> String { "watch_rv:" + type.groupKind.description }

    /// Records where a watch of `type` can start: the resourceVersion the cache is current at (nil or not a
    /// number: none, the watch lists first).
    public static func recordWatchStart(_ store: Store, _ type: ResourceType, _ resourceVersion: String?) throws {
        if let resourceVersion, let number = Int64(resourceVersion) {
            try store.setMeta(watchKey(type), number)
        } else {
            try store.setMeta(watchKey(type), -1)
        }
    }

    /// Keeps one kind current until `stop()` says so: watch from the resourceVersion the cache is current at (or
    /// list first, when it has none), relist on 410 Gone, reconnect (with backoff) when the stream drops or the
    /// server is briefly unreachable. Each event is written to the store, its resourceVersion kept (so that a
    /// restarted watcher resumes where this one stopped), and `changed` told. `health` hears of each failure
    /// (true) and recovery (false).
    public func watch(
        _ type: ResourceType, version: String, resume: Bool = false, stop: @escaping @Sendable () -> Bool,
        changed: @escaping @Sendable () -> Void = {}, health: @escaping @Sendable (Bool) -> Void = { _ in },
        onError: @escaping @Sendable (String) -> Void
    ) {
        var resourceVersion: String?
        if resume, let stored = try? store.meta(ClusterSync.watchKey(type)), stored >= 0 {
            resourceVersion = String(stored)
        }
        var failures = 0
        while !stop() {
            do {
                if resourceVersion == nil {
                    let (items, listVersion) = try session.api.list(type, version: version, namespace: nil)
                    try store.mirrorReplace(type.groupKind, namespace: nil, objects: items)
                    try ClusterSync.recordWatchStart(store, type, listVersion)
                    resourceVersion = listVersion
                    changed()
                    // Listed: the kind is current (a quiet watch may send nothing for a long while). The back-off
                    // keeps growing until the watch itself works, so a watch that keeps failing is not relisted in
                    // a tight loop.
                    health(false)
                }
                var connected = false
                try session.api.watch(
                    type, version: version, namespace: nil, resourceVersion: resourceVersion!, timeoutSeconds: 60
                ) { event in
                    if !connected {
                        connected = true
                        if failures > 0 { health(false) }
                        failures = 0
                    }
                    do {
                        switch event {
                        case .added(let object), .modified(let object):
                            try store.mirrorUpsert(type.groupKind, object: object)
                            resourceVersion = object["metadata"]?["resourceVersion"]?.stringValue ?? resourceVersion
                        case .deleted(let object):
                            let metadata = object["metadata"] ?? [:]
                            try store.mirrorDelete(
                                ObjectKey(
                                    groupKind: type.groupKind,
                                    namespace: type.namespaced ? metadata["namespace"]?.stringValue ?? "" : "",
                                    name: metadata["name"]?.stringValue ?? ""))
                            resourceVersion = metadata["resourceVersion"]?.stringValue ?? resourceVersion
                        case .bookmark(let version):
                            resourceVersion = version
                        }
                        try ClusterSync.recordWatchStart(store, type, resourceVersion)
                        if case .bookmark = event {} else { changed() }
                    } catch {
                        onError("cannot cache \(type.plural): \(error)")
                    }
                    return !stop()
                }
                if failures > 0 { health(false) }
                failures = 0
            } catch KubeError.status(410, _, _) {
                resourceVersion = nil  // too old: relist
            } catch {
                if failures == 0 { health(true) }
                failures += 1
                // After a failure the kind is listed again: what changed meanwhile is caught up, and the list
                // says when it is current.
                resourceVersion = nil
                onError("watch \(type.qualifiedPlural): \(error)")
                usleep(UInt32(min(5.0, 0.2 * pow(2, Double(min(failures, 5)))) * 1_000_000))
            }
        }
    }
}

/// Results of concurrent lists, one slot per kind.
public final class ListResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Any?]

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: Any) { lock.withLock { slots[index] = value } }

    public func get(_ index: Int) -> Any? { lock.withLock { slots[index] } }
}
