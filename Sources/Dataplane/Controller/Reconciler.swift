import Foundation
import GatewayAPI
import GatewayCore

/// Runs the controller core over the embedded store, like a controller over an API server: ensure the built-in
/// GatewayClass, read a snapshot, build the graph, and write back every status that changed.
public struct Reconciler: Sendable {
    public let store: Store
    public let config: ControllerConfig
    /// The data plane to program; nil to compute status only.
    public let dataplane: DataplaneManager?
    /// Derives what read commands show beside each object from the graph (describe's sections), persisted per
    /// object at every reconcile so that reads never build the graph; nil to derive nothing.
    public let views: (@Sendable (Graph) -> [ObjectKey: String])?
    /// Whether it writes statuses (and the built-in GatewayClass): false for a cluster's cache, whose statuses
    /// are the cluster controller's; the core's own are computed into the views.
    public let writesStatus: Bool
    /// Signs what cert-manager's Certificates ask for (OpenSSL, wired by the executable); nil issues nothing.
    public let certificateIssuer: (@Sendable (CertificateIssueRequest) -> KeyPair?)?
    /// What runs local pods' images besides nginx: the echo server and the user's image map.
    public let images: LocalImages

    /// The meta key holding the store revision the last reconcile saw.
    static let reconciledKey = "reconciled_revision"
    /// The meta key holding the store revision the persisted views were derived at.
    static let viewsKey = "views_revision"

    /// The persisted view of `key` when it is current (derived at the store's revision), else nil: the caller
    /// builds the graph instead.
    public static func currentView(_ key: ObjectKey, store: Store) throws -> String?? {
        let revision = try store.revision()
        guard try store.meta(viewsKey) == revision, try store.meta(reconciledKey) == revision else { return nil }
        return .some(try store.view(key))
    }

    /// The store revision the persisted views were last derived at (nil: never).
    public static func viewsRevision(_ store: Store) throws -> Int64? { try store.meta(viewsKey) }

    public init(
        store: Store, config: ControllerConfig, dataplane: DataplaneManager? = nil,
        views: (@Sendable (Graph) -> [ObjectKey: String])? = nil, writesStatus: Bool = true,
        certificateIssuer: (@Sendable (CertificateIssueRequest) -> KeyPair?)? = nil, images: LocalImages = .none
    ) {
        self.store = store
        self.config = config
        self.dataplane = dataplane
        self.views = views
        self.writesStatus = writesStatus
        self.certificateIssuer = certificateIssuer
        self.images = images
    }

    /// The controller config with what the data plane reports per Gateway.
    var effectiveConfig: ControllerConfig {
        var config = self.config
        if let dataplane {
            config.gatewayDataplane = dataplane.gatewayStates()
            if !dataplane.isRunning {
                config.dataplane = DataplaneState(
                    address: nil, programmed: false,
                    detail: "The embedded data plane is not running (gwconsole up starts it)")
            }
        }
        return config
    }

    /// The graph of the store as it is, with the data plane's report, without writing anything.
    public func currentGraph() throws -> Graph {
        GraphBuilder.build(try snapshot(), config: effectiveConfig)
    }

    /// The graph of a snapshot with this controller's settings and the data plane's report (what-if builds the
    /// graphs of the store as it is and as it would be alike).
    public func graph(of snapshot: ResourceSnapshot) -> Graph { GraphBuilder.build(snapshot, config: effectiveConfig) }

    /// Why status may be stale, as a reconcile's trigger, or nil: a Gateway's nginx master died and must be
    /// restarted, a running pod lost its nginx, or the store changed since the last reconcile (`trigger`). It reads
    /// two counters and pid files, and builds no graph.
    func staleness(trigger: String) throws -> String? {
        if let dataplane, case let dead = dataplane.gatewaysWithoutMaster(), !dead.isEmpty {
            return "restart (nginx master of \(dead.joined(separator: ", ")) was not running)"
        }
        if let dataplane, dataplane.isRunning, try WorkloadManager(store: store).hasDeadPods() {
            return "restart (a pod's nginx was not running)"
        }
        if certificateIssuer != nil, try CertificateManager.isRenewalDue(store) {
            return "renew (a Certificate is due)"
        }
        return try isReconciled() ? nil : trigger
    }

    /// Whether status may be stale (see `staleness`), without acting on it.
    public func isStale() throws -> Bool { try staleness(trigger: "") != nil }

    /// What read commands call before reading: reconciles only when status may be stale (see `staleness`).
    /// Returns the graph when it reconciled.
    @discardableResult
    public func refreshIfStale(now: Date = Date(), trigger: String = "reconcile") throws -> Graph? {
        guard let reason = try staleness(trigger: trigger) else { return nil }
        return try reconcile(now: now, trigger: reason)
    }

    /// Whether the statuses (and views, when this reconciler derives them) were written for the store as it is.
    public func isReconciled() throws -> Bool {
        let revision = try store.revision()
        guard try store.meta(Reconciler.reconciledKey) == revision else { return false }
        if views == nil { return true }
        return try store.meta(Reconciler.viewsKey) == revision
    }

    /// Reconciles when status may be stale (see `refreshIfStale`); returns the current graph either way.
    @discardableResult
    public func reconcileIfNeeded(now: Date = Date(), trigger: String = "reconcile") throws -> Graph {
        if let graph = try refreshIfStale(now: now, trigger: trigger) { return graph }
        return GraphBuilder.build(try snapshot(), config: effectiveConfig)
    }

    /// Builds the graph and writes statuses. A status write that meets a concurrent change starts over.
    @discardableResult
    public func reconcile(now: Date = Date(), trigger: String = "reconcile") throws -> Graph {
        // One reconcile at a time across processes: the data plane's files and nginx processes are shared.
        let lock = dataplane == nil ? nil : FileLock(path: store.directory + "/reconcile.lock")
        defer { lock?.release() }
        try ensureGatewayClass(now: now)
        try issueCertificates(now: now)
        if let dataplane {
            // Local workloads first: their pods' endpoints feed the Gateways' upstreams.
            try WorkloadManager(store: store, images: images).sync(running: dataplane.isRunning)
        }
        var attempt = 0
        while true {
            attempt += 1
            // The revision the snapshot covers at least (its lists are read one after another).
            let covered = try store.revision()
            let (snapshot, versions) = try snapshotWithVersions()
            let before = effectiveConfig
            var graph = GraphBuilder.build(snapshot, config: before)
            if let dataplane, dataplane.isRunning {
                try dataplane.sync(graph: graph, snapshot: snapshot, trigger: trigger, now: now)
                // Status again only when the data plane's report changed (programmed, failed, an address).
                let after = effectiveConfig
                if after.gatewayDataplane != before.gatewayDataplane || after.dataplane != before.dataplane {
                    graph = GraphBuilder.build(snapshot, config: after)
                }
            }
            do {
                let written = try writeStatuses(graph, versions: versions, now: now, cache: nil)
                // Only this reconcile's own writes since the snapshot: the current revision is reconciled. Else
                // another writer's change may be missing from the snapshot: mark what it surely covers, and the
                // next reader reconciles again.
                let current = try store.revision()
                let revision = current == covered + Int64(written) ? current : covered
                if let views { try store.replaceViews(views(graph)) }
                try markReconciled(revision)
                return graph
            } catch StoreError.conflict(_) where attempt < 5 {
                continue
            }
        }
    }

    /// The resident controller's reconcile: the cache decodes only what changed since the last pass. As NGF does,
    /// the data plane is synced first, then statuses are written with its verdict (`statusWritten` is told the
    /// revision they cover, `served` that the data plane serves it), and last the views, off the path from a
    /// change to traffic.
    /// `workloads`: sync local pods and their EndpointSlices first (their inputs changed, or one died).
    @discardableResult
    public func reconcile(
        cache: ControllerCache, workloads: Bool, now: Date = Date(), trigger: String = "reconcile",
        phase: (String) -> Void = { _ in }, statusWritten: (Int64) -> Void = { _ in },
        served: () -> Void = {}
    ) throws -> Graph {
        let lock = dataplane == nil ? nil : FileLock(path: store.directory + "/reconcile.lock")
        defer { lock?.release() }
        if writesStatus { try ensureGatewayClass(now: now) }
        if workloads { try issueCertificates(now: now) }
        if workloads, let dataplane {
            try WorkloadManager(store: store, images: images).sync(running: dataplane.isRunning)
        }
        var attempt = 0
        var taken = ControllerCache.Refresh()
        while true {
            attempt += 1
            try cache.refresh(from: store)
            let pending = cache.takePending()
            taken.changedKinds.formUnion(pending.changedKinds)
            taken.changedObjects += pending.changedObjects
            let covered = cache.revision
            let snapshot = cache.snapshot
            let before = effectiveConfig
            var graph = GraphBuilder.build(snapshot, config: before)
            phase("graph")
            do {
                if let dataplane, dataplane.isRunning {
                    try dataplane.sync(graph: graph, snapshot: snapshot, trigger: trigger, now: now)
                    phase("dataplane")
                    // Status from the data plane's verdict: a second graph only when its report changed.
                    let after = effectiveConfig
                    if after.gatewayDataplane != before.gatewayDataplane || after.dataplane != before.dataplane {
                        graph = GraphBuilder.build(snapshot, config: after)
                    }
                }
                if writesStatus { try writeStatuses(graph, versions: cache.versions, now: now, cache: cache) }
                let marked = try markStatuses(cache, covered: covered)
                statusWritten(marked)
                phase("status")
                served()
                try writeViews(graph, cache: cache, covering: marked)
                phase("views")
                return graph
            } catch StoreError.conflict(_) where attempt < 5 {
                continue
            } catch {
                cache.restorePending(taken)
                throw error
            }
        }
    }

    /// A look that found nothing to do: the store's revision is reconciled as it is (the changes since the last
    /// pass were the controller's own writes, or changed nothing it reads).
    public func markIdle(_ cache: ControllerCache) throws {
        if try store.meta(Reconciler.reconciledKey) != cache.revision {
            try store.setMeta(Reconciler.reconciledKey, cache.revision)
        }
        if views != nil, cache.viewsMark != nil, try store.meta(Reconciler.viewsKey) != cache.revision {
            try store.setMeta(Reconciler.viewsKey, cache.revision)
            cache.viewsMark = cache.revision
        }
    }

    /// Writes every status that differs from the stored one; a concurrent change throws `StoreError.conflict`.
    /// Returns how many it wrote (each took one revision).
    @discardableResult
    func writeStatuses(_ graph: Graph, versions: [ObjectKey: StoredObject], now: Date, cache: ControllerCache?) throws
        -> Int
    {
        var written = 0
        for update in StatusBuilder.updates(graph, now: Store.timestamp(now)) {
            let key = ObjectKey(
                groupKind: GroupKind(group: update.ref.group, kind: update.ref.kind),
                namespace: update.ref.namespace, name: update.ref.name)
            guard let stored = versions[key] else { continue }
            if stored.status == update.status { continue }
            let updated = try store.updateStatus(
                key, status: update.status, expectedResourceVersion: stored.resourceVersion)
            cache?.recordOwnWrite(updated)
            written += 1
        }
        return written
    }

    /// The reconciled mark: when nothing but the controller's own writes happened since its snapshot (taken at
    /// `covered`), the store's revision has its statuses; else `covered` has them, and the next pass takes the
    /// rest. Returns the revision marked. (Under a stream of writes every pass still marks what it covered.)
    func markStatuses(_ cache: ControllerCache, covered: Int64) throws -> Int64 {
        let refresh = try cache.refresh(from: store)
        let revision = refresh.isEmpty ? cache.revision : covered
        try store.setMeta(Reconciler.reconciledKey, revision)
        return revision
    }

    /// The views of `graph`, written where they changed, marked as of `revision` (the statuses' mark they go with).
    func writeViews(_ graph: Graph, cache: ControllerCache, covering revision: Int64) throws {
        guard let views else { return }
        // Someone else wrote views since (a command reconciling in-process): compare with the rows, not memory.
        if try store.meta(Reconciler.viewsKey) != cache.viewsMark { cache.views = nil }
        let derived = views(graph)
        let hashes = derived.mapValues(\.hashValue)
        if hashes != cache.views {
            try store.replaceViews(derived, previous: cache.views)
            cache.views = hashes
        }
        try store.setMeta(Reconciler.viewsKey, revision)
        cache.viewsMark = revision
    }

    func markReconciled(_ revision: Int64) throws {
        try store.setMeta(Reconciler.reconciledKey, revision)
        if views != nil { try store.setMeta(Reconciler.viewsKey, revision) }
    }

    /// cert-manager's part, before anything reads Secrets: Certificates issued or renewed into their Secrets.
    func issueCertificates(now: Date) throws {
        guard writesStatus, let certificateIssuer else { return }
        try CertificateManager(store: store, issue: certificateIssuer).sync(now: now)
    }

    /// The built-in GatewayClass, as an installed NGF provides: created unless one with its name exists.
    func ensureGatewayClass(now: Date) throws {
        let key = ObjectKey(
            groupKind: ResourceRegistry.gatewayClass.groupKind, namespace: "", name: config.gatewayClassName)
        if try store.get(key) != nil { return }
        let object: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
            "metadata": ["name": .string(config.gatewayClassName)],
            "spec": ["controllerName": .string(config.controllerName)],
        ]
        _ = try store.apply([DecodedObject(type: ResourceRegistry.gatewayClass, object: object)], now: now)
    }

    /// The typed objects the core reads.
    public func snapshot() throws -> ResourceSnapshot { try snapshotWithVersions().0 }

    func snapshotWithVersions() throws -> (ResourceSnapshot, [ObjectKey: StoredObject]) {
        var versions: [ObjectKey: StoredObject] = [:]
        func load<T: KubeResource>(_ type: ResourceType, as: T.Type) throws -> [T] {
            try store.list(type.groupKind).compactMap { stored in
                versions[ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)] =
                    stored
                return try? T.decode(stored.object)
            }
        }
        var snapshot = ResourceSnapshot()
        snapshot.gatewayClasses = try load(ResourceRegistry.gatewayClass, as: GatewayClass.self)
        snapshot.gateways = try load(ResourceRegistry.gateway, as: Gateway.self)
        snapshot.listenerSets = try load(ResourceRegistry.listenerSet, as: ListenerSet.self)
        snapshot.httpRoutes = try load(ResourceRegistry.httpRoute, as: HTTPRoute.self)
        snapshot.grpcRoutes = try load(ResourceRegistry.grpcRoute, as: GRPCRoute.self)
        snapshot.tlsRoutes = try load(ResourceRegistry.tlsRoute, as: TLSRoute.self)
        snapshot.tcpRoutes = try load(ResourceRegistry.tcpRoute, as: TCPRoute.self)
        snapshot.udpRoutes = try load(ResourceRegistry.udpRoute, as: UDPRoute.self)
        snapshot.referenceGrants = try load(ResourceRegistry.referenceGrant, as: ReferenceGrant.self)
        snapshot.backendTLSPolicies = try load(ResourceRegistry.backendTLSPolicy, as: BackendTLSPolicy.self)
        snapshot.namespaces = try load(ResourceRegistry.namespace, as: Namespace.self)
        snapshot.services = try load(ResourceRegistry.service, as: Service.self)
        snapshot.configMaps = try load(ResourceRegistry.configMap, as: ConfigMap.self)
        snapshot.secrets = try load(ResourceRegistry.secret, as: Secret.self)
        snapshot.endpointSlices = try load(ResourceRegistry.endpointSlice, as: EndpointSlice.self)
        snapshot.certificates = try load(ResourceRegistry.certificate, as: Certificate.self)
        snapshot.clientSettingsPolicies = try load(ResourceRegistry.clientSettingsPolicy, as: ClientSettingsPolicy.self)
        snapshot.proxySettingsPolicies = try load(ResourceRegistry.proxySettingsPolicy, as: ProxySettingsPolicy.self)
        snapshot.upstreamSettingsPolicies = try load(
            ResourceRegistry.upstreamSettingsPolicy, as: UpstreamSettingsPolicy.self)
        snapshot.rateLimitPolicies = try load(ResourceRegistry.rateLimitPolicy, as: RateLimitPolicy.self)
        snapshot.observabilityPolicies = try load(ResourceRegistry.observabilityPolicy, as: ObservabilityPolicy.self)
        snapshot.snippetsPolicies = try load(ResourceRegistry.snippetsPolicy, as: SnippetsPolicy.self)
        snapshot.wafPolicies = try load(ResourceRegistry.wafPolicy, as: WAFPolicy.self)
        snapshot.snippetsFilters = try load(ResourceRegistry.snippetsFilter, as: SnippetsFilter.self)
        snapshot.authenticationFilters = try load(ResourceRegistry.authenticationFilter, as: AuthenticationFilter.self)
        snapshot.nginxProxies = try load(ResourceRegistry.nginxProxy, as: NginxProxy.self)
        return (snapshot, versions)
    }
}
