// The layer-4 route kinds of Gateway API (gateway.networking.k8s.io): TLSRoute, TCPRoute and UDPRoute. Their
// rules only forward to backends; TLSRoute selects by the handshake's SNI (its hostnames).

/// TLSRoute (v1; v1alpha3 and v1alpha2 read as the API server converts them): TLS connections routed by SNI,
/// passed through to backends without termination.
public struct TLSRoute: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "TLSRoute"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: TLSRouteSpec
    public var status: RouteStatus?
}

public struct TLSRouteSpec: Codable, Sendable, Equatable {
    public var parentRefs: [ParentReference]?
    /// SNI names the route takes; wildcards (`*.example.com`) as for HTTPRoute.
    public var hostnames: [String]?
    public var rules: [L4RouteRule]
    /// Experimental.
    public var useDefaultGateways: String?
}

/// TCPRoute (v1; v1alpha2 read): TCP connections of a listener forwarded to backends.
public struct TCPRoute: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "TCPRoute"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: L4RouteSpec
    public var status: RouteStatus?
}

/// UDPRoute (v1; v1alpha2 read): UDP datagrams of a listener forwarded to backends.
public struct UDPRoute: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "UDPRoute"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: L4RouteSpec
    public var status: RouteStatus?
}

/// The spec TCPRoute and UDPRoute share.
public struct L4RouteSpec: Codable, Sendable, Equatable {
    public var parentRefs: [ParentReference]?
    public var rules: [L4RouteRule]
    /// Experimental.
    public var useDefaultGateways: String?
}

/// A layer-4 rule: where connections go.
public struct L4RouteRule: Codable, Sendable, Equatable {
    public var name: String?
    public var backendRefs: [BackendRef]?
}

/// A backendRef with a weight (Gateway API's `BackendRef`).
public struct BackendRef: Codable, Sendable, Equatable {
    /// Defaults to the core group "".
    public var group: String?
    /// Defaults to `Service`.
    public var kind: String?
    public var name: String
    public var namespace: String?
    public var port: Int32?
    /// Defaults to 1.
    public var weight: Int32?

    public var objectReference: BackendObjectReference {
        BackendObjectReference(group: group, kind: kind, name: name, namespace: namespace, port: port)
    }
}

/// A route's status: one entry per parent and controller (the shape every route kind shares).
public struct RouteStatus: Codable, Sendable, Equatable {
    public var parents: [RouteParentStatus]

    public init(parents: [RouteParentStatus]) { self.parents = parents }
}

extension HTTPBackendRef {
    /// A layer-4 backendRef as an HTTP one (no filters), to resolve as one.
    public init(_ ref: BackendRef) {
        self.init(ref.objectReference)
        weight = ref.weight
    }
}

/// What the three layer-4 kinds share, for the graph and the printers.
public enum L4RouteKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case tls = "TLSRoute"
    case tcp = "TCPRoute"
    case udp = "UDPRoute"

    /// The listener protocol that takes this kind.
    public var listenerProtocol: ListenerProtocol {
        switch self {
        case .tls: return .tls
        case .tcp: return .tcp
        case .udp: return .udp
        }
    }
}
