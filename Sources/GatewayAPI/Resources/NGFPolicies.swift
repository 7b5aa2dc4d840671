// NGINX Gateway Fabric's own policies (group gateway.nginx.org), as NGF serves them at e55bfe3: typed as its CRDs
// define them. Sizes (`^\d{1,4}(k|m|g)?$`) and durations (`^[0-9]{1,4}(ms|s|m|h)?$`) are strings checked by
// `NGFPolicyValidation`.

/// A reference to the object a policy attaches to, in the policy's namespace.
public struct LocalPolicyTargetReference: Codable, Sendable, Equatable, Hashable {
    public var group: String
    public var kind: String
    public var name: String

    public init(group: String, kind: String, name: String) {
        self.group = group
        self.kind = kind
        self.name = name
    }
}

/// ClientSettingsPolicy (v1alpha1, `cspolicy`): the client side of a connection: body size, buffer and timeout,
/// keep-alive. Inherited: a route's policy overrides its Gateway's field by field.
public struct ClientSettingsPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "ClientSettingsPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ClientSettingsPolicySpec
    public var status: PolicyStatus?
}

public struct ClientSettingsPolicySpec: Codable, Sendable, Equatable {
    public var body: ClientBody?
    public var keepAlive: ClientKeepAlive?
    /// Gateway, HTTPRoute or GRPCRoute.
    public var targetRef: LocalPolicyTargetReference
}

public struct ClientBody: Codable, Sendable, Equatable {
    public var maxSize: String?
    public var bufferSize: String?
    public var timeout: String?
}

public struct ClientKeepAlive: Codable, Sendable, Equatable {
    public var requests: Int32?
    public var time: String?
    public var timeout: ClientKeepAliveTimeout?
    public var minTimeout: String?
}

public struct ClientKeepAliveTimeout: Codable, Sendable, Equatable {
    public var server: String?
    public var header: String?
}

/// ProxySettingsPolicy (v1alpha1): how NGINX proxies to backends: response buffering and timeouts. Inherited.
public struct ProxySettingsPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "ProxySettingsPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ProxySettingsPolicySpec
    public var status: PolicyStatus?
}

public struct ProxySettingsPolicySpec: Codable, Sendable, Equatable {
    public var buffering: ProxyBuffering?
    public var timeout: ProxyTimeout?
    public var targetRefs: [LocalPolicyTargetReference]
}

public struct ProxyBuffering: Codable, Sendable, Equatable {
    public var disable: Bool?
    public var bufferSize: String?
    public var buffers: ProxyBuffers?
    public var busyBuffersSize: String?
}

public struct ProxyBuffers: Codable, Sendable, Equatable {
    public var size: String
    /// 2 to 256.
    public var number: Int32
}

public struct ProxyTimeout: Codable, Sendable, Equatable {
    public var connect: String?
    public var read: String?
    public var send: String?
}

/// UpstreamSettingsPolicy (v1alpha1): a Service's upstream: shared memory zone, keep-alive connections, load
/// balancing. Direct (not inherited), targets Services.
public struct UpstreamSettingsPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "UpstreamSettingsPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: UpstreamSettingsPolicySpec
    public var status: PolicyStatus?
}

public struct UpstreamSettingsPolicySpec: Codable, Sendable, Equatable {
    public var zoneSize: String?
    public var keepAlive: UpstreamKeepAlive?
    /// `round_robin`, `least_conn`, `ip_hash`, `hash`, `hash consistent`, `random`, … (`least_time` needs Plus).
    public var loadBalancingMethod: String?
    /// `$variable`, required with `hash` and `hash consistent`.
    public var hashMethodKey: String?
    public var useClusterIP: Bool?
    public var targetRefs: [LocalPolicyTargetReference]
}

public struct UpstreamKeepAlive: Codable, Sendable, Equatable {
    public var connections: Int32?
    public var requests: Int32?
    public var time: String?
    public var timeout: String?
}

/// RateLimitPolicy (v1alpha1): `limit_req` rules for a Gateway or routes. Inherited.
public struct RateLimitPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "RateLimitPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: RateLimitPolicySpec
    public var status: PolicyStatus?
}

public struct RateLimitPolicySpec: Codable, Sendable, Equatable {
    public var rateLimit: RateLimit?
    public var targetRefs: [LocalPolicyTargetReference]
}

public struct RateLimit: Codable, Sendable, Equatable {
    public var local: LocalRateLimit?
    public var dryRun: Bool?
    /// `info`, `notice`, `warn` or `error`.
    public var logLevel: String?
    /// 400 to 599.
    public var rejectCode: Int32?
}

public struct LocalRateLimit: Codable, Sendable, Equatable {
    public var rules: [RateLimitRule]?
}

public struct RateLimitRule: Codable, Sendable, Equatable {
    public var zoneSize: String?
    public var delay: Int32?
    public var noDelay: Bool?
    public var burst: Int32?
    /// `^\d+r/[sm]$`.
    public var rate: String
    /// A variable or text: `^(?:[^ \t\r\n;{}#$]+|\$\w+)+$`.
    public var key: String
}

/// ObservabilityPolicy (v1alpha2): OpenTelemetry tracing for routes.
public struct ObservabilityPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "ObservabilityPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ObservabilityPolicySpec
    public var status: PolicyStatus?
}

public struct ObservabilityPolicySpec: Codable, Sendable, Equatable {
    public var tracing: Tracing?
    public var targetRefs: [LocalPolicyTargetReference]
}

public struct Tracing: Codable, Sendable, Equatable {
    /// `ratio` or `parent`.
    public var strategy: String
    public var ratio: Int32?
    /// `extract`, `inject`, `propagate` or `ignore`.
    public var context: String?
    public var spanName: String?
    public var spanAttributes: [SpanAttribute]?
}

public struct SpanAttribute: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
}

/// SnippetsPolicy (v1alpha1): raw NGINX configuration for a Gateway, per context.
public struct SnippetsPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "SnippetsPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: SnippetsPolicySpec
    public var status: PolicyStatus?
}

public struct SnippetsPolicySpec: Codable, Sendable, Equatable {
    public var targetRefs: [LocalPolicyTargetReference]
    public var snippets: [Snippet]?
}

/// A snippet and the NGINX context it goes in: `main`, `http`, `http.server` or `http.server.location`.
public struct Snippet: Codable, Sendable, Equatable {
    public var context: String
    public var value: String
}

/// WAFPolicy (v1alpha1): NGINX App Protect, which needs NGINX Plus: recognised, answered as NGF answers without it.
public struct WAFPolicy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "WAFPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: JSONValue
    public var status: PolicyStatus?
}
