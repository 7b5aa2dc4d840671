/// Namespace (v1).
public struct Namespace: KubeResource {
    public static let group = ""
    public static let kind = "Namespace"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?
}

public struct NamespaceSpec: Codable, Sendable, Equatable {
    public var finalizers: [String]?
}

public struct NamespaceStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var conditions: [JSONValue]?
}

/// ConfigMap (v1): string data, such as an nginx config or a CA certificate (`ca.crt`).
public struct ConfigMap: KubeResource {
    public static let group = ""
    public static let kind = "ConfigMap"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var data: [String: String]?
    /// Base64-encoded binary values.
    public var binaryData: [String: String]?
    public var immutable: Bool?
}

/// Secret (v1): `data` is base64; `stringData` is merged into `data` on apply and never stored.
public struct Secret: KubeResource {
    public static let group = ""
    public static let kind = "Secret"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var data: [String: String]?
    public var stringData: [String: String]?
    /// Defaults to `Opaque`.
    public var type: String?
    public var immutable: Bool?
}

/// Service (v1).
public struct Service: KubeResource {
    public static let group = ""
    public static let kind = "Service"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    public var status: ServiceStatus?
}

public struct ServiceSpec: Codable, Sendable, Equatable {
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: String?
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var externalIPs: [String]?
    public var externalName: String?
    public var sessionAffinity: String?
    public var sessionAffinityConfig: JSONValue?
    public var loadBalancerIP: String?
    public var loadBalancerSourceRanges: [String]?
    public var loadBalancerClass: String?
    public var externalTrafficPolicy: String?
    public var internalTrafficPolicy: String?
    public var healthCheckNodePort: Int32?
    public var publishNotReadyAddresses: Bool?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var allocateLoadBalancerNodePorts: Bool?
    public var trafficDistribution: String?
}

public struct ServicePort: Codable, Sendable, Equatable {
    public var name: String?
    /// `TCP` (default), `UDP` or `SCTP`.
    public var `protocol`: String?
    public var appProtocol: String?
    public var port: Int32
    /// Defaults to `port`.
    public var targetPort: IntOrString?
    public var nodePort: Int32?
}

public struct ServiceStatus: Codable, Sendable, Equatable {
    public var loadBalancer: JSONValue?
    public var conditions: [JSONValue]?
}

/// EndpointSlice (discovery.k8s.io/v1): the addresses behind a Service.
public struct EndpointSlice: KubeResource {
    public static let group = "discovery.k8s.io"
    public static let kind = "EndpointSlice"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    /// `IPv4`, `IPv6` or `FQDN`.
    public var addressType: String
    public var endpoints: [Endpoint]?
    public var ports: [EndpointPort]?
}

public struct Endpoint: Codable, Sendable, Equatable {
    public var addresses: [String]
    public var conditions: EndpointConditions?
    public var hostname: String?
    public var targetRef: JSONValue?
    public var nodeName: String?
    public var zone: String?
    public var hints: JSONValue?
    public var deprecatedTopology: [String: String]?
}

public struct EndpointConditions: Codable, Sendable, Equatable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?
}

public struct EndpointPort: Codable, Sendable, Equatable {
    public var name: String?
    public var `protocol`: String?
    public var port: Int32?
    public var appProtocol: String?
}
