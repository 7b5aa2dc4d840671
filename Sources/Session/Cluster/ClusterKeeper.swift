import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import KubeClient
import ResourcePrinters

/// Cluster mode's resident controller, the cache keeper of one context: a process that keeps the context's cache
/// current with one watch per kind (resuming from the resourceVersions the cache is current at, relisting only
/// on 410 Gone) and derives describe's views from it (the core's graph and the status it computes; nothing is
/// written to the cluster or over the cluster's statuses). `describe` and `doctor` start it when it does not run,
/// and read its cache instead of listing the whole cluster again; it stops after ten minutes without a command
/// (GWCONSOLE_CLUSTER_IDLE seconds), or with `gwconsole --context X down`. GWCONSOLE_CONTROLLER=0 disables it.
public enum ClusterKeeper {
    /// The cache's meta key: how many kinds are not current (a watch failing, a first list not done); 0 when the
    /// cache is as current as the watches.
    public static let behindKey = "cluster_kinds_behind"

    public static var idleSeconds: TimeInterval {
        TimeInterval(ProcessInfo.processInfo.environment["GWCONSOLE_CLUSTER_IDLE"] ?? "") ?? 600
    }

    /// How long every kind may stay behind (the cluster out of reach) before the keeper stops.
    public static let unreachableSeconds: TimeInterval = 60

    public static func paths(_ session: ClusterSession) -> ControllerPaths {
        ControllerPaths(stateDirectory: session.cacheDirectory)
    }

    /// What the keeper acts with: its cluster, and the settings an embedded controller compares.
    public static func settings(_ global: Session, session: ClusterSession) -> String {
        "cluster=\(session.connection.contextName)\nserver=\(session.connection.server)\n"
            + ControllerProcess.settings(global)
    }

    /// Whether a keeper with these settings runs and every kind is current in its cache.
    public static func isReady(_ global: Session, session: ClusterSession, store: Store) -> Bool {
        guard ControllerProcess.enabled else { return false }
        let paths = paths(session)
        guard paths.isRunning, paths.runningSettings == settings(global, session: session) else { return false }
        return (try? store.meta(behindKey)) == 0
    }

    /// Starts a keeper in the background (not waiting for it) unless one runs; the command that starts it has just
    /// listed the cluster, so the keeper's watches start from there. Not started when a kind could only be listed
    /// in one namespace or not at all (its watches could not keep the cache whole).
    public static func start(_ global: Session, session: ClusterSession) {
        let paths = paths(session)
        guard ControllerProcess.enabled, paths.socketPathFits, !paths.isRunning,
            session.report()?.forbidden.isEmpty ?? false
        else { return }
        unlink(paths.settings)
        var arguments = ["--state", global.baseStateDirectory()]
        if let kubeconfig = global.kubeconfig {
            let expanded = (kubeconfig as NSString).expandingTildeInPath
            arguments += [
                "--kubeconfig",
                expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded,
            ]
        }
        if let context = global.context { arguments += ["--context", context] }
        if global.inCluster { arguments.append("--in-cluster") }
        if let name = global.controllerName { arguments += ["--controller-name", name] }
        arguments.append("controller")
        _ = try? Spawn.run(ControllerProcess.executable, arguments, outputPath: paths.log, wait: false)
    }

    /// Stops the context's keeper; whether one ran.
    public static func stop(_ global: Session, session: ClusterSession) -> Bool {
        let paths = paths(session)
        guard paths.isRunning else { return false }
        ControllerProcess.stop(stateDirectory: session.cacheDirectory, commandLineNames: global.baseStateDirectory())
        return true
    }

    /// Runs the keeper in the foreground (`gwconsole --context X controller`).
    public static func run(_ global: Session) throws {
        let session = try global.cluster()
        let store: Store
        do {
            store = try Store(directory: session.cacheDirectory)
        } catch let error as StoreError {
            throw CLIError("error: \(error)")
        }
        let discovery = try session.discovery()
        let log: @Sendable (String) -> Void = { line in
            FileHandle.standardError.write(Data("\(Store.timestamp(Date())) \(line)\n".utf8))
        }
        let reconciler = Reconciler(
            store: store, config: global.clusterControllerConfig, views: ClusterViews.derive, writesStatus: false)
        let controller = ResidentController(
            reconciler: reconciler, settings: settings(global, session: session), idleExit: idleSeconds, log: log)
        let kinds = ClusterSession.kinds.filter { discovery.served[$0.groupKind] != nil }
        // Kinds with no resourceVersion to resume from are behind until their first list.
        let behind = Behind(
            store: store,
            kinds: Set(kinds.filter { ((try? store.meta(ClusterSync.watchKey($0))) ?? nil ?? -1) < 0 }.map(\.groupKind))
        )
        try behind.publish()
        for type in kinds {
            let sync = Handoff(value: ClusterSync(session: session, store: store))
            let version = discovery.served[type.groupKind]!
            Thread.detachNewThread {
                sync.value.watch(
                    type, version: version, resume: true, stop: { controller.isStopping },
                    changed: { controller.wake() },
                    health: { failing in behind.set(type.groupKind, failing) }, onError: log)
            }
        }
        // A cluster out of reach for a minute (every kind behind): stop; the next command lists and starts another.
        Thread.detachNewThread {
            var since: Date?
            while !controller.isStopping {
                sleep(1)
                if behind.count < kinds.count {
                    since = nil
                    continue
                }
                if let start = since, Date().timeIntervalSince(start) > unreachableSeconds {
                    log("the cluster was out of reach for \(Int(unreachableSeconds)) s: stopping")
                    kill(getpid(), SIGTERM)
                    return
                }
                since = since ?? Date()
            }
        }
        do {
            if try !controller.run() { Output.error("a cache keeper already runs for \(session.cacheDirectory)") }
        } catch let error as DataplaneError {
            throw CLIError("error: the cache keeper: \(error)")
        }
    }

    /// Brings the cached copies of what a describe names to the server's current versions: each named object is
    /// fetched (as kubectl's describe does) and waited for in the cache, until the keeper's watch has written
    /// that version (or its deletion); then the keeper derives views through the cache's revision. False when the
    /// cache did not catch up in time, or the keeper did not answer: the caller lists the cluster instead.
    public static func catchUp(
        _ requests: [ObjectQuery.Request], namespace: String?, global: Session, session: ClusterSession,
        store: Store
    ) throws -> Bool {
        let discovery = try session.discovery()
        var wanted: [(ObjectKey, Int64?)] = []
        for request in requests where !request.names.isEmpty {
            let ns = request.type.namespaced ? namespace : ""
            guard let ns else { continue }
            var notFound: [String] = []
            let fetched = try session.fetch(request, namespace: ns, discovery: discovery, notFound: &notFound) ?? []
            for name in request.names {
                let key = ObjectKey(groupKind: request.type.groupKind, namespace: ns, name: name)
                wanted.append((key, fetched.first { $0.name == name }?.resourceVersion))
            }
        }
        let deadline = Date().addingTimeInterval(3)
        while true {
            // Caught up when the cache holds the fetched version or a newer one (or, for one not found, nothing).
            let behind = try wanted.contains { key, version in
                let cached = try store.get(key)?.resourceVersion
                guard let version else { return cached != nil }
                return (cached ?? -1) < version
            }
            if !behind { break }
            if Date() > deadline { return false }
            usleep(2_000)
        }
        let revision = try store.revision()
        guard case .reconciled? = ControllerClient.sync(paths(session), revision: revision, request: .status) else {
            return false
        }
        // The keeper answers once statuses are marked; its views follow in the same pass: wait for them (deriving
        // views takes its time at scale).
        let viewsDeadline = Date().addingTimeInterval(10)
        while (try Reconciler.viewsRevision(store) ?? -1) < revision {
            if Date() > viewsDeadline { return false }
            usleep(2_000)
        }
        return true
    }

    /// Which kinds are behind, published to the cache's meta for commands to read.
    public final class Behind: @unchecked Sendable {
        private let lock = NSLock()
        private var kinds: Set<GroupKind>
        private let store: Store

        public init(store: Store, kinds: Set<GroupKind>) {
            self.store = store
            self.kinds = kinds
        }

        public func set(_ kind: GroupKind, _ failing: Bool) {
            lock.withLock {
                if failing { kinds.insert(kind) } else { kinds.remove(kind) }
            }
            try? publish()
        }

        public var count: Int { lock.withLock { kinds.count } }

        public func publish() throws {
            let count = lock.withLock { kinds.count }
            try store.setMeta(ClusterKeeper.behindKey, Int64(count))
        }
    }
}

/// What describe shows beside a cluster's object, derived by the keeper: the graph sections, and the status the
/// core computes (compared at describe time with the status the cluster's controller wrote).
public enum ClusterViews {
    /// The times in computed statuses are left out of the comparison; a fixed one keeps unchanged views unchanged.
    public static let epoch = "1970-01-01T00:00:00Z"

    public static let derive: @Sendable (Graph) -> [ObjectKey: String] = { graph in
        let sections = GraphSections.all(graph)
        var computed: [ObjectRef: JSONValue] = [:]
        for update in StatusBuilder.updates(graph, now: epoch) { computed[update.ref] = update.status }
        var views: [ObjectKey: String] = [:]
        for ref in Set(sections.keys).union(computed.keys) {
            var body: [String: JSONValue] = [
                "sections": GraphSections.value(sections[ref] ?? GraphSections.empty(for: ref))
            ]
            if let status = computed[ref] { body["computed"] = status }
            views[
                ObjectKey(
                    groupKind: GroupKind(group: ref.group, kind: ref.kind), namespace: ref.namespace, name: ref.name)] =
                JSONWriter.compact(.object(body))
        }
        return views
    }

    /// A view's sections and computed status; nil when the text is not a view.
    public static func decode(_ text: String) -> (sections: [GraphSections.Section], computed: JSONValue?)? {
        guard let value = try? JSONValue.parse(text),
            let sections = value["sections"].flatMap(GraphSections.decode(value:))
        else { return nil }
        return (sections, value["computed"])
    }
}
