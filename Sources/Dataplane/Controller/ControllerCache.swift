import Foundation
import GatewayAPI
import GatewayCore

/// The resident controller's copy of the store: each object's stored version and its typed form, kept current from
/// the store's change feed, so that a change decodes only the objects it touched instead of the whole store.
public final class ControllerCache: @unchecked Sendable {
    /// The store revision the cache reflects.
    public private(set) var revision: Int64 = -1
    /// Every object the core reads, as stored: resourceVersion, generation and status (the body is left out: the
    /// typed form holds the content, and a second copy would double the memory at tens of thousands of objects).
    public private(set) var versions: [ObjectKey: StoredObject] = [:]
    /// A hash of each object's body, to tell a status-only change (the controller's own write) from a content one.
    private var bodyHashes: [ObjectKey: Int] = [:]
    /// Status writes of the controller's own, by key and the resourceVersion they got: seen again in the change feed,
    /// they update the copy but change nothing the graph depends on.
    private var ownWrites: [ObjectKey: Int64] = [:]
    private var typed: [GroupKind: [ObjectKey: any KubeResource]] = [:]
    /// Hashes of the views last written (nil: not known, read them from the store), and the revision they were
    /// marked with.
    public var views: [ObjectKey: Int]?
    public var viewsMark: Int64?
    private var assembled = ResourceSnapshot()
    private var staleKinds: Set<GroupKind> = []

    /// The kinds the core reads.
    static let kinds: [ResourceType] =
        [
            ResourceRegistry.gatewayClass, ResourceRegistry.gateway, ResourceRegistry.listenerSet,
            ResourceRegistry.httpRoute,
            ResourceRegistry.grpcRoute, ResourceRegistry.tlsRoute, ResourceRegistry.tcpRoute, ResourceRegistry.udpRoute,
            ResourceRegistry.referenceGrant,
            ResourceRegistry.backendTLSPolicy, ResourceRegistry.namespace, ResourceRegistry.service,
            ResourceRegistry.configMap,
            ResourceRegistry.secret, ResourceRegistry.endpointSlice, ResourceRegistry.certificate,
        ] + ResourceRegistry.ngfKinds
    static let kindSet = Set(kinds.map(\.groupKind))

    public init() {}

    /// What one refresh found.
    public struct Refresh: Sendable {
        /// Kinds whose content changed (not only by the controller's own status writes).
        public var changedKinds: Set<GroupKind> = []
        /// Objects that changed, for the log.
        public var changedObjects = 0
        public var isEmpty: Bool { changedKinds.isEmpty }
    }

    /// What changed since the last `takePending()`: the changes a pass has yet to act on.
    public private(set) var pending = Refresh()

    /// Takes the pending changes: the pass about to run acts on them.
    public func takePending() -> Refresh {
        defer { pending = Refresh() }
        return pending
    }

    /// Puts back changes a pass took and could not finish, so that the next pass acts on them.
    public func restorePending(_ taken: Refresh) {
        pending.changedKinds.formUnion(taken.changedKinds)
        pending.changedObjects += taken.changedObjects
    }

    /// Brings the cache to the store's current revision: everything on the first call, then only what changed.
    /// What it found is also added to `pending`.
    @discardableResult
    public func refresh(from store: Store) throws -> Refresh {
        let refresh = try read(store)
        pending.changedKinds.formUnion(refresh.changedKinds)
        pending.changedObjects += refresh.changedObjects
        return refresh
    }

    private func read(_ store: Store) throws -> Refresh {
        if revision < 0 { return try load(store) }
        let changes = try store.changes(since: revision)
        var refresh = Refresh()
        for key in changes.deleted {
            guard versions[key] != nil else {
                // Workloads (a Deployment, a Pod) are the controller's business too; an object of a cached kind
                // created and deleted between two looks changed nothing.
                if !ControllerCache.kindSet.contains(key.groupKind) { refresh.changedKinds.insert(key.groupKind) }
                continue
            }
            versions[key] = nil
            bodyHashes[key] = nil
            typed[key.groupKind]?[key] = nil
            ownWrites[key] = nil
            note(key.groupKind, &refresh)
        }
        for stored in changes.upserted {
            let key = ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)
            guard ControllerCache.kindSet.contains(stored.groupKind) else {
                // Workloads: not in the snapshot, but their changes are the controller's business (pods, endpoints).
                refresh.changedKinds.insert(stored.groupKind)
                continue
            }
            let own = ownWrites[key] == stored.resourceVersion
            if own { ownWrites[key] = nil }
            if own, bodyHashes[key] == stored.body.hashValue {
                // The controller's own status write: the copy takes the status (later statuses keep its times).
                keep(stored, key)
                typed[key.groupKind]?[key] = Self.decode(stored)
                staleKinds.insert(key.groupKind)
                continue
            }
            keep(stored, key)
            typed[key.groupKind, default: [:]][key] = Self.decode(stored)
            note(key.groupKind, &refresh)
        }
        revision = changes.revision
        return refresh
    }

    /// Records a status the controller wrote, so that the change feed's echo of it is known as its own.
    public func recordOwnWrite(_ stored: StoredObject) {
        let key = ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)
        ownWrites[key] = stored.resourceVersion
        keep(stored, key)
    }

    private func keep(_ stored: StoredObject, _ key: ObjectKey) {
        var slim = stored
        slim.body = [:]
        versions[key] = slim
        bodyHashes[key] = stored.body.hashValue
    }

    /// The typed objects the core reads, assembled again only for the kinds that changed.
    public var snapshot: ResourceSnapshot {
        for kind in staleKinds { assemble(kind) }
        staleKinds = []
        return assembled
    }

    private func note(_ kind: GroupKind, _ refresh: inout Refresh) {
        refresh.changedKinds.insert(kind)
        refresh.changedObjects += 1
        staleKinds.insert(kind)
    }

    private func load(_ store: Store) throws -> Refresh {
        versions = [:]
        bodyHashes = [:]
        typed = [:]
        revision = try store.scan { stored in
            guard ControllerCache.kindSet.contains(stored.groupKind) else { return }
            let key = ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)
            keep(stored, key)
            typed[key.groupKind, default: [:]][key] = Self.decode(stored)
        }
        staleKinds = ControllerCache.kindSet
        var refresh = Refresh()
        refresh.changedKinds = ControllerCache.kindSet
        refresh.changedObjects = versions.count
        return refresh
    }

    /// The typed form of a stored object; nil when it does not decode (it was validated when applied).
    static func decode(_ stored: StoredObject) -> (any KubeResource)? {
        let object = stored.object
        switch stored.groupKind {
        case ResourceRegistry.gatewayClass.groupKind: return try? GatewayClass.decode(object)
        case ResourceRegistry.gateway.groupKind: return try? Gateway.decode(object)
        case ResourceRegistry.listenerSet.groupKind: return try? ListenerSet.decode(object)
        case ResourceRegistry.httpRoute.groupKind: return try? HTTPRoute.decode(object)
        case ResourceRegistry.grpcRoute.groupKind: return try? GRPCRoute.decode(object)
        case ResourceRegistry.tlsRoute.groupKind: return try? TLSRoute.decode(object)
        case ResourceRegistry.tcpRoute.groupKind: return try? TCPRoute.decode(object)
        case ResourceRegistry.udpRoute.groupKind: return try? UDPRoute.decode(object)
        case ResourceRegistry.referenceGrant.groupKind: return try? ReferenceGrant.decode(object)
        case ResourceRegistry.backendTLSPolicy.groupKind: return try? BackendTLSPolicy.decode(object)
        case ResourceRegistry.namespace.groupKind: return try? Namespace.decode(object)
        case ResourceRegistry.service.groupKind: return try? Service.decode(object)
        case ResourceRegistry.configMap.groupKind: return try? ConfigMap.decode(object)
        case ResourceRegistry.secret.groupKind: return try? Secret.decode(object)
        case ResourceRegistry.endpointSlice.groupKind: return try? EndpointSlice.decode(object)
        case ResourceRegistry.certificate.groupKind: return try? Certificate.decode(object)
        case ResourceRegistry.clientSettingsPolicy.groupKind: return try? ClientSettingsPolicy.decode(object)
        case ResourceRegistry.proxySettingsPolicy.groupKind: return try? ProxySettingsPolicy.decode(object)
        case ResourceRegistry.upstreamSettingsPolicy.groupKind: return try? UpstreamSettingsPolicy.decode(object)
        case ResourceRegistry.rateLimitPolicy.groupKind: return try? RateLimitPolicy.decode(object)
        case ResourceRegistry.observabilityPolicy.groupKind: return try? ObservabilityPolicy.decode(object)
        case ResourceRegistry.snippetsPolicy.groupKind: return try? SnippetsPolicy.decode(object)
        case ResourceRegistry.wafPolicy.groupKind: return try? WAFPolicy.decode(object)
        case ResourceRegistry.snippetsFilter.groupKind: return try? SnippetsFilter.decode(object)
        case ResourceRegistry.authenticationFilter.groupKind: return try? AuthenticationFilter.decode(object)
        case ResourceRegistry.nginxProxy.groupKind: return try? NginxProxy.decode(object)
        default: return nil
        }
    }

    /// One kind's array, in the store's order (namespace, then name).
    private func assemble(_ kind: GroupKind) {
        func sorted<T: KubeResource>(_ type: T.Type) -> [T] {
            (typed[kind] ?? [:]).sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }
                .compactMap { $0.value as? T }
        }
        switch kind {
        case ResourceRegistry.gatewayClass.groupKind: assembled.gatewayClasses = sorted(GatewayClass.self)
        case ResourceRegistry.gateway.groupKind: assembled.gateways = sorted(Gateway.self)
        case ResourceRegistry.listenerSet.groupKind: assembled.listenerSets = sorted(ListenerSet.self)
        case ResourceRegistry.httpRoute.groupKind: assembled.httpRoutes = sorted(HTTPRoute.self)
        case ResourceRegistry.grpcRoute.groupKind: assembled.grpcRoutes = sorted(GRPCRoute.self)
        case ResourceRegistry.tlsRoute.groupKind: assembled.tlsRoutes = sorted(TLSRoute.self)
        case ResourceRegistry.tcpRoute.groupKind: assembled.tcpRoutes = sorted(TCPRoute.self)
        case ResourceRegistry.udpRoute.groupKind: assembled.udpRoutes = sorted(UDPRoute.self)
        case ResourceRegistry.referenceGrant.groupKind: assembled.referenceGrants = sorted(ReferenceGrant.self)
        case ResourceRegistry.backendTLSPolicy.groupKind: assembled.backendTLSPolicies = sorted(BackendTLSPolicy.self)
        case ResourceRegistry.namespace.groupKind: assembled.namespaces = sorted(Namespace.self)
        case ResourceRegistry.service.groupKind: assembled.services = sorted(Service.self)
        case ResourceRegistry.configMap.groupKind: assembled.configMaps = sorted(ConfigMap.self)
        case ResourceRegistry.secret.groupKind: assembled.secrets = sorted(Secret.self)
        case ResourceRegistry.endpointSlice.groupKind: assembled.endpointSlices = sorted(EndpointSlice.self)
        case ResourceRegistry.certificate.groupKind: assembled.certificates = sorted(Certificate.self)
        case ResourceRegistry.clientSettingsPolicy.groupKind:
            assembled.clientSettingsPolicies = sorted(ClientSettingsPolicy.self)
        case ResourceRegistry.proxySettingsPolicy.groupKind:
            assembled.proxySettingsPolicies = sorted(ProxySettingsPolicy.self)
        case ResourceRegistry.upstreamSettingsPolicy.groupKind:
            assembled.upstreamSettingsPolicies = sorted(UpstreamSettingsPolicy.self)
        case ResourceRegistry.rateLimitPolicy.groupKind: assembled.rateLimitPolicies = sorted(RateLimitPolicy.self)
        case ResourceRegistry.observabilityPolicy.groupKind:
            assembled.observabilityPolicies = sorted(ObservabilityPolicy.self)
        case ResourceRegistry.snippetsPolicy.groupKind: assembled.snippetsPolicies = sorted(SnippetsPolicy.self)
        case ResourceRegistry.wafPolicy.groupKind: assembled.wafPolicies = sorted(WAFPolicy.self)
        case ResourceRegistry.snippetsFilter.groupKind: assembled.snippetsFilters = sorted(SnippetsFilter.self)
        case ResourceRegistry.authenticationFilter.groupKind:
            assembled.authenticationFilters = sorted(AuthenticationFilter.self)
        case ResourceRegistry.nginxProxy.groupKind: assembled.nginxProxies = sorted(NginxProxy.self)
        default: break
        }
    }
}
