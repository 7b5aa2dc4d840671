/// HTTPRoute (gateway.networking.k8s.io/v1, v1beta1): HTTP matching, filtering and routing to backends.
public struct HTTPRoute: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "HTTPRoute"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: HTTPRouteSpec
    public var status: HTTPRouteStatus?
}

public struct HTTPRouteSpec: Codable, Sendable, Equatable {
    public var parentRefs: [ParentReference]?
    /// Experimental: `All` or `None`, attach to default Gateways.
    public var useDefaultGateways: String?
    public var hostnames: [String]?
    public var rules: [HTTPRouteRule]?
}

public struct HTTPRouteRule: Codable, Sendable, Equatable {
    /// Experimental until v1.3 (standard since): a name for the rule, usable as a sectionName.
    public var name: String?
    /// Defaults to one match of `PathPrefix` `/`.
    public var matches: [HTTPRouteMatch]?
    public var filters: [HTTPRouteFilter]?
    public var backendRefs: [HTTPBackendRef]?
    public var timeouts: HTTPRouteTimeouts?
    /// Experimental.
    public var retry: HTTPRouteRetry?
    /// Experimental.
    public var sessionPersistence: SessionPersistence?
}

public struct HTTPRouteMatch: Codable, Sendable, Equatable {
    public var path: HTTPPathMatch?
    public var headers: [HTTPHeaderMatch]?
    public var queryParams: [HTTPQueryParamMatch]?
    /// `GET`, `HEAD`, `POST`, `PUT`, `DELETE`, `CONNECT`, `OPTIONS`, `TRACE` or `PATCH`.
    public var method: String?
}

public struct HTTPPathMatch: Codable, Sendable, Equatable {
    /// `Exact`, `PathPrefix` (default) or `RegularExpression`.
    public var type: PathMatchType?
    /// Defaults to `/`.
    public var value: String?
}

public struct HTTPHeaderMatch: Codable, Sendable, Equatable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: ValueMatchType?
    public var name: String
    public var value: String
}

public struct HTTPQueryParamMatch: Codable, Sendable, Equatable {
    /// `Exact` (default) or `RegularExpression`.
    public var type: ValueMatchType?
    public var name: String
    public var value: String
}

public struct HTTPRouteFilter: Codable, Sendable, Equatable {
    /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror`, `RequestRedirect`, `URLRewrite`,
    /// `ExtensionRef`, and experimental `CORS` and `ExternalAuth`.
    public var type: FilterType
    public var requestHeaderModifier: HTTPHeaderFilter?
    public var responseHeaderModifier: HTTPHeaderFilter?
    public var requestMirror: HTTPRequestMirrorFilter?
    public var requestRedirect: HTTPRequestRedirectFilter?
    public var urlRewrite: HTTPURLRewriteFilter?
    public var extensionRef: LocalObjectReference?
    public var cors: HTTPCORSFilter?
    public var externalAuth: HTTPExternalAuthFilter?
}

public struct HTTPHeaderFilter: Codable, Sendable, Equatable {
    public var set: [HTTPHeader]?
    public var add: [HTTPHeader]?
    public var remove: [String]?
}

public struct HTTPHeader: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
}

public struct HTTPRequestMirrorFilter: Codable, Sendable, Equatable {
    public var backendRef: BackendObjectReference
    public var percent: Int32?
    public var fraction: Fraction?
}

public struct Fraction: Codable, Sendable, Equatable {
    public var numerator: Int32
    /// Defaults to 100.
    public var denominator: Int32?
}

public struct HTTPRequestRedirectFilter: Codable, Sendable, Equatable {
    /// `http` or `https`.
    public var scheme: String?
    public var hostname: String?
    public var path: HTTPPathModifier?
    public var port: Int32?
    /// 301 or 302 (default); 303, 307 and 308 are extended.
    public var statusCode: Int?
}

public struct HTTPURLRewriteFilter: Codable, Sendable, Equatable {
    public var hostname: String?
    public var path: HTTPPathModifier?
}

public struct HTTPPathModifier: Codable, Sendable, Equatable {
    /// `ReplaceFullPath` or `ReplacePrefixMatch`.
    public var type: PathModifierType
    public var replaceFullPath: String?
    public var replacePrefixMatch: String?
}

/// Experimental CORS filter.
public struct HTTPCORSFilter: Codable, Sendable, Equatable {
    public var allowOrigins: [String]?
    public var allowCredentials: Bool?
    public var allowMethods: [String]?
    public var allowHeaders: [String]?
    public var exposeHeaders: [String]?
    public var maxAge: Int32?
}

/// Experimental external authorization filter.
public struct HTTPExternalAuthFilter: Codable, Sendable, Equatable {
    /// `HTTP` or `GRPC`.
    public var `protocol`: String
    public var backendRef: BackendObjectReference
    public var grpc: JSONValue?
    public var http: JSONValue?
    public var forwardBody: JSONValue?
}

public struct HTTPBackendRef: Codable, Sendable, Equatable {
    public var group: String?
    public var kind: String?
    public var name: String
    public var namespace: String?
    public var port: Int32?
    /// Defaults to 1.
    public var weight: Int32?
    public var filters: [HTTPRouteFilter]?

    /// A RequestMirror's backendRef as a backendRef (weight 1, no filters), to resolve as one.
    public init(_ ref: BackendObjectReference) {
        group = ref.group
        kind = ref.kind
        name = ref.name
        namespace = ref.namespace
        port = ref.port
    }
}

public struct HTTPRouteTimeouts: Codable, Sendable, Equatable {
    /// Gateway API duration, e.g. `10s`, `500ms`, `1h`.
    public var request: String?
    public var backendRequest: String?
}

public struct HTTPRouteRetry: Codable, Sendable, Equatable {
    public var codes: [Int32]?
    public var attempts: Int32?
    public var backoff: String?
}

public struct SessionPersistence: Codable, Sendable, Equatable {
    public var sessionName: String?
    public var absoluteTimeout: String?
    public var idleTimeout: String?
    /// `Cookie` (default) or `Header`.
    public var type: String?
    public var cookieConfig: CookieConfig?
}

public struct CookieConfig: Codable, Sendable, Equatable {
    /// `Permanent` or `Session` (default).
    public var lifetimeType: String?
}

public struct HTTPRouteStatus: Codable, Sendable, Equatable {
    public var parents: [RouteParentStatus]

    public init(parents: [RouteParentStatus]) { self.parents = parents }
}
