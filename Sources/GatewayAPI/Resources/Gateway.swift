/// Gateway (gateway.networking.k8s.io/v1, v1beta1): listeners on addresses that Routes attach to.
public struct Gateway: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "Gateway"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: GatewaySpec
    public var status: GatewayStatus?
}

public struct GatewaySpec: Codable, Sendable, Equatable {
    public var gatewayClassName: String
    public var listeners: [Listener]
    public var addresses: [GatewaySpecAddress]?
    public var infrastructure: GatewayInfrastructure?
    /// Experimental: client certificate for connections to backends.
    public var backendTLS: GatewayBackendTLS?
    /// Experimental: which ListenerSets may attach.
    public var allowedListeners: AllowedListeners?
    /// Experimental (v1.4+): gateway-wide TLS settings (`backend`, `frontend`).
    public var tls: GatewayTLSConfigs?
    /// Experimental: `All` or `None`, which routes may attach by default.
    public var defaultScope: String?
}

public struct Listener: Codable, Sendable, Equatable {
    public var name: String
    public var hostname: String?
    public var port: Int32
    /// `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP` or a domain-prefixed custom protocol.
    public var `protocol`: ListenerProtocol
    public var tls: ListenerTLSConfig?
    public var allowedRoutes: AllowedRoutes?
}

public struct ListenerTLSConfig: Codable, Sendable, Equatable {
    /// `Terminate` (default) or `Passthrough`.
    public var mode: String?
    public var certificateRefs: [SecretObjectReference]?
    /// Experimental (until v1.4): client certificate validation.
    public var frontendValidation: FrontendTLSValidation?
    public var options: [String: String]?
}

public struct FrontendTLSValidation: Codable, Sendable, Equatable {
    public var caCertificateRefs: [ObjectReference]?
    /// `AllowValidOnly` (default) or `AllowInsecureFallback`.
    public var mode: String?
}

public struct AllowedRoutes: Codable, Sendable, Equatable {
    public var namespaces: RouteNamespaces?
    public var kinds: [RouteGroupKind]?
}

public struct RouteNamespaces: Codable, Sendable, Equatable {
    /// `Same` (default), `All`, `Selector` (or `None` for listener sets).
    public var from: String?
    public var selector: LabelSelector?
}

public struct AllowedListeners: Codable, Sendable, Equatable {
    public var namespaces: RouteNamespaces?
}

public struct GatewaySpecAddress: Codable, Sendable, Equatable {
    /// `IPAddress` (default), `Hostname` or `NamedAddress`.
    public var type: String?
    public var value: String?
}

public struct GatewayInfrastructure: Codable, Sendable, Equatable {
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var parametersRef: LocalParametersReference?
}

public struct LocalParametersReference: Codable, Sendable, Equatable {
    public var group: String
    public var kind: String
    public var name: String
}

public struct GatewayBackendTLS: Codable, Sendable, Equatable {
    public var clientCertificateRef: SecretObjectReference?
}

public struct GatewayTLSConfigs: Codable, Sendable, Equatable {
    public var backend: GatewayBackendTLS?
    public var frontend: FrontendTLSConfig?
}

public struct FrontendTLSConfig: Codable, Sendable, Equatable {
    public var `default`: TLSConfig?
    public var perPort: [TLSPortConfig]?
}

public struct TLSConfig: Codable, Sendable, Equatable {
    public var validation: FrontendTLSValidation?
}

public struct TLSPortConfig: Codable, Sendable, Equatable {
    public var port: Int32
    public var tls: TLSConfig
}

public struct GatewayStatus: Codable, Sendable, Equatable {
    public var addresses: [GatewayStatusAddress]?
    public var conditions: [Condition]?
    public var listeners: [ListenerStatus]?
    public var attachedListenerSets: Int32?

    public init(
        addresses: [GatewayStatusAddress]? = nil, conditions: [Condition]? = nil, listeners: [ListenerStatus]? = nil
    ) {
        self.addresses = addresses
        self.conditions = conditions
        self.listeners = listeners
    }
}

public struct GatewayStatusAddress: Codable, Sendable, Equatable {
    public var type: String?
    public var value: String

    public init(type: String? = nil, value: String) {
        self.type = type
        self.value = value
    }
}

public struct ListenerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var supportedKinds: [RouteGroupKind]
    public var attachedRoutes: Int32
    public var conditions: [Condition]

    public init(name: String, supportedKinds: [RouteGroupKind], attachedRoutes: Int32, conditions: [Condition]) {
        self.name = name
        self.supportedKinds = supportedKinds
        self.attachedRoutes = attachedRoutes
        self.conditions = conditions
    }
}
