import Foundation
import GatewayAPI

/// The Gateway API graph as the controller sees it: what attaches to what, what resolved, and the conditions
/// that explain it. Built by `GraphBuilder` from a `ResourceSnapshot`; pure data.
public struct Graph: Sendable {
    public var controllerName: String
    public var gatewayClasses: [GatewayClassNode] = []
    /// Gateways of this controller's class, sorted by namespace and name.
    public var gateways: [GatewayNode] = [] { didSet { lookup = NodeLookup() } }
    /// HTTPRoutes and GRPCRoutes, by namespace and name.
    public var routes: [RouteNode] = [] { didSet { lookup = NodeLookup() } }
    public var policies: [PolicyNode] = [] { didSet { lookup = NodeLookup() } }
    /// NGF's policies that target something in the graph, by kind, namespace and name.
    public var ngfPolicies: [NGFPolicyNode] = [] { didSet { lookup = NodeLookup() } }
    /// NGF's SnippetsFilters and AuthenticationFilters, by kind, namespace and name.
    public var ngfFilters: [NGFFilterNode] = [] { didSet { lookup = NodeLookup() } }
    /// The valid UpstreamSettingsPolicies attached to each Service.
    public var servicePolicies: [ObjectRef: [ObjectRef]] = [:]
    /// The NginxProxy settings in effect per Gateway.
    public var nginxProxies: [ObjectRef: NginxProxySpec] = [:]
    /// ListenerSets whose parent is one of this controller's Gateways, by namespace and name.
    public var listenerSets: [ListenerSetNode] = []
    /// TLSRoutes, TCPRoutes and UDPRoutes, by kind, namespace and name.
    public var l4Routes: [L4RouteNode] = [] { didSet { lookup = NodeLookup() } }
    /// Which objects refer to which, both ways, for navigation.
    public var references = ReferenceIndex()

    /// Positions by reference, built on first use and dropped when a list changes.
    private var lookup = NodeLookup()

    public init(controllerName: String) { self.controllerName = controllerName }

    public func gateway(_ ref: ObjectRef) -> GatewayNode? {
        lookup.position(\.gateways, ref, gateways.map(\.ref)).map { gateways[$0] }
    }
    public func route(_ ref: ObjectRef) -> RouteNode? {
        lookup.position(\.routes, ref, routes.map(\.ref)).map { routes[$0] }
    }
    public func l4Route(_ ref: ObjectRef) -> L4RouteNode? {
        lookup.position(\.l4Routes, ref, l4Routes.map(\.ref)).map { l4Routes[$0] }
    }

    public func ngfPolicy(_ ref: ObjectRef) -> NGFPolicyNode? {
        lookup.position(\.ngfPolicies, ref, ngfPolicies.map(\.ref)).map { ngfPolicies[$0] }
    }
    public func ngfFilter(_ ref: ObjectRef) -> NGFFilterNode? {
        lookup.position(\.ngfFilters, ref, ngfFilters.map(\.ref)).map { ngfFilters[$0] }
    }

    public func policy(_ ref: ObjectRef) -> PolicyNode? {
        lookup.position(\.policies, ref, policies.map(\.ref)).map { policies[$0] }
    }
}

/// A lazily built ref → position index (thread-safe; a graph may be read from several threads).
final class NodeLookup: @unchecked Sendable {
    private let lock = NSLock()
    var gateways: [ObjectRef: Int]?
    var routes: [ObjectRef: Int]?
    var policies: [ObjectRef: Int]?
    var l4Routes: [ObjectRef: Int]?
    var ngfPolicies: [ObjectRef: Int]?
    var ngfFilters: [ObjectRef: Int]?

    func position(
        _ cache: ReferenceWritableKeyPath<NodeLookup, [ObjectRef: Int]?>, _ ref: ObjectRef,
        _ refs: @autoclosure () -> [ObjectRef]
    ) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if let built = self[keyPath: cache] { return built[ref] }
        var built: [ObjectRef: Int] = [:]
        for (index, item) in refs().enumerated() where built[item] == nil { built[item] = index }
        self[keyPath: cache] = built
        return built[ref]
    }
}

/// A ListenerSet and how its Gateway took it: allowed or not, and its listeners (in the Gateway's `listeners`).
public struct ListenerSetNode: Sendable {
    public var ref: ObjectRef
    public var source: ListenerSet
    public var gateway: ObjectRef
    /// Allowed by the Gateway, which is accepted, and one listener at least is valid: it counts in the Gateway's
    /// attachedListenerSets and routes may attach.
    public var accepted: Bool
    /// Accepted and Programmed.
    public var conditions: [Condition]
    /// Its listeners' keys in the Gateway's `listeners` (empty when it is not allowed).
    public var listeners: [String]
}

public struct GatewayClassNode: Sendable {
    public var ref: ObjectRef
    public var source: GatewayClass
    /// This controller's class (its conditions are written); classes of other controllers are left alone.
    public var ours: Bool
    public var accepted: Bool
    public var conditions: [Condition]
}

public struct GatewayNode: Sendable {
    public var ref: ObjectRef
    public var source: Gateway
    public var accepted: Bool
    public var conditions: [Condition]
    public var listeners: [ListenerNode]
    public var addresses: [String]
    /// `spec.tls.backend.clientCertificateRef`, when it resolved to a valid TLS Secret: the certificate nginx shows
    /// backends it speaks TLS to.
    public var backendClientCertificate: ObjectRef?
    /// The ListenerSets attached (accepted), whose listeners follow the Gateway's own in `listeners`.
    public var attachedListenerSets = 0
    /// Every ListenerSet whose parent it is, and whether it is accepted.
    public var listenerSets: [ObjectRef: Bool] = [:]
    /// NGF's valid policies that target it (in effect on its servers), oldest first.
    public var policies: [ObjectRef] = []

    public func listener(_ name: String) -> ListenerNode? { listeners.first { $0.name == name } }

    /// The listeners of the Gateway's own spec.
    public var ownListeners: [ListenerNode] { listeners.filter { $0.listenerSet == nil } }
}

public struct ListenerNode: Sendable {
    /// Unique among the Gateway's listeners: a listener of the Gateway's spec by its name, a ListenerSet's as
    /// `namespace/set/name` (`source.name` is the name as written, which sectionNames give).
    public var name: String
    public var port: Int32
    public var `protocol`: ListenerProtocol
    public var hostname: String?
    /// Accepted and free of conflicts: served, and routes may attach.
    public var valid: Bool
    /// Routes may attach (and count in attachedRoutes) though the listener may not be valid: its only problem is
    /// a reference that does not resolve, as the spec and NGF keep it.
    public var attachable: Bool = false
    public var conditions: [Condition]
    public var supportedKinds: [RouteGroupKind]
    /// Routes accepted on this listener.
    public var attachedRoutes: [ObjectRef] = []
    /// The TLS certificate Secret of an HTTPS listener, when it resolved.
    public var certificate: ObjectRef?
    public var source: Listener
    /// The namespace of the object that declares it (`allowedRoutes` `from: Same` means this one).
    public var namespace = ""
    /// The ListenerSet that adds it to the Gateway; nil for the Gateway's own listeners.
    public var listenerSet: ObjectRef? = nil
}

/// An HTTPRoute or a GRPCRoute (its `ref.kind` tells which).
public struct RouteNode: Sendable {
    public var ref: ObjectRef
    /// The route's HTTP rules: an HTTPRoute as written, a GRPCRoute as converted (`GRPCRouteConversion`), with
    /// the route's metadata and status.
    public var source: HTTPRoute
    /// The GRPCRoute as written, for a GRPCRoute.
    public var grpc: GRPCRoute?
    public var parents: [ParentNode]
    public var rules: [RuleNode]
    /// NGF's valid policies that target it (in effect on its locations, over its Gateway's), oldest first.
    public var policies: [ObjectRef] = []
}

/// One parentRef of a route and how it attached.
public struct ParentNode: Sendable {
    public var index: Int
    /// The parentRef with defaults (group, kind, namespace) filled in, as written to status.
    public var parentRef: ParentReference
    /// The Gateway it names, when that Gateway is this controller's.
    public var gateway: ObjectRef?
    /// Listeners the route is accepted on (empty when not accepted).
    public var listeners: [String]
    public var accepted: Bool
    public var conditions: [Condition]
}

public struct RuleNode: Sendable {
    public var index: Int
    public var source: HTTPRouteRule
    /// Nil when the rule is served; otherwise why it was dropped.
    public var dropped: String?
    public var backends: [BackendNode]
    /// Its RequestMirror filters' backendRefs, resolved as backends are (they count in ResolvedRefs).
    public var mirrors: [BackendNode] = []
    /// NGF's filters and the CORS and ExternalAuth filters, in the rule's order.
    public var extensions: [RuleExtension] = []
    /// A filter did not resolve: the rule is served with 500, never without the filter (ResolvedRefs InvalidFilter).
    public var filterProblem: String? = nil
}

/// A filter beyond Gateway API's core ones, resolved.
public enum RuleExtension: Sendable {
    /// A SnippetsFilter (ExtensionRef).
    case snippets(ObjectRef)
    /// An AuthenticationFilter (ExtensionRef).
    case authentication(ObjectRef)
    case cors(HTTPCORSFilter)
    /// The authorization service's backend, resolved as backends are.
    case externalAuth(HTTPExternalAuthFilter, BackendNode)
}

/// One backendRef of a rule, resolved.
public struct BackendNode: Sendable {
    public var index: Int
    public var source: HTTPBackendRef
    /// The Service it names (also set when the Service is missing, for navigation).
    public var service: ObjectRef?
    public var port: Int32?
    /// The Service port's name, which a BackendTLSPolicy sectionName targets.
    public var portName: String?
    public var weight: Int32
    /// Nil when the backend resolved; otherwise the ResolvedRefs reason and message.
    public var problem: (reason: ConditionReason, message: String)?
    /// The BackendTLSPolicy in effect for this Service port, valid or not.
    public var policy: ObjectRef?

    public var valid: Bool { problem == nil }
}

public struct PolicyNode: Sendable {
    public var ref: ObjectRef
    public var source: BackendTLSPolicy
    /// Passes validation and its CA resolved.
    public var valid: Bool
    /// Lost to an older policy on the same target.
    public var conflicted: Bool
    /// The conditions for each ancestor.
    public var conditions: [Condition]
    /// Gateways whose routes use a targeted Service port, in order.
    public var ancestors: [ObjectRef]
    /// The PEM CA bundle from the referenced ConfigMaps/Secrets, when it resolved.
    public var caCertificates: String?
    public var targets: [ObjectRef]

    /// Valid and not conflicted: it takes effect.
    public var inEffect: Bool { valid && !conflicted }
}

/// Object references both ways: `uses[a]` lists what `a` refers to, `usedBy[b]` what refers to `b`.
public struct ReferenceIndex: Sendable {
    public var uses: [ObjectRef: [ObjectRef]] = [:]
    public var usedBy: [ObjectRef: [ObjectRef]] = [:]
    /// The pairs already recorded: a Gateway used by 50,000 routes must not be scanned for each.
    private var seen: Set<Pair> = []

    struct Pair: Hashable {
        var from: ObjectRef
        var to: ObjectRef
    }

    public init() {}

    mutating func add(_ from: ObjectRef, _ to: ObjectRef) {
        guard seen.insert(Pair(from: from, to: to)).inserted else { return }
        uses[from, default: []].append(to)
        usedBy[to, default: []].append(from)
    }

    public func referencedBy(_ ref: ObjectRef) -> [ObjectRef] { (usedBy[ref] ?? []).sorted() }
    public func references(_ ref: ObjectRef) -> [ObjectRef] { (uses[ref] ?? []).sorted() }
}
