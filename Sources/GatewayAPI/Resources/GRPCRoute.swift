/// GRPCRoute (gateway.networking.k8s.io/v1): gRPC calls matched by service, method and headers, routed to
/// backends over HTTP/2. Its filters and backendRefs have HTTPRoute's shapes (a subset of the filter types).
public struct GRPCRoute: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "GRPCRoute"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: GRPCRouteSpec
    public var status: RouteStatus?
}

public struct GRPCRouteSpec: Codable, Sendable, Equatable {
    public var parentRefs: [ParentReference]?
    /// Experimental: `All` or `None`, attach to default Gateways.
    public var useDefaultGateways: String?
    public var hostnames: [String]?
    public var rules: [GRPCRouteRule]?
}

public struct GRPCRouteRule: Codable, Sendable, Equatable {
    public var name: String?
    /// None matches every call.
    public var matches: [GRPCRouteMatch]?
    /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror` or `ExtensionRef`.
    public var filters: [HTTPRouteFilter]?
    public var backendRefs: [HTTPBackendRef]?
    public var sessionPersistence: SessionPersistence?
}

public struct GRPCRouteMatch: Codable, Sendable, Equatable {
    public var method: GRPCMethodMatch?
    public var headers: [HTTPHeaderMatch]?
}

public struct GRPCMethodMatch: Codable, Sendable, Equatable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: ValueMatchType?
    /// The fully qualified service (`helloworld.Greeter`); nil matches any service.
    public var service: String?
    /// The method (`SayHello`); nil matches any method.
    public var method: String?

    public init(type: ValueMatchType? = nil, service: String? = nil, method: String? = nil) {
        self.type = type
        self.service = service
        self.method = method
    }
}
