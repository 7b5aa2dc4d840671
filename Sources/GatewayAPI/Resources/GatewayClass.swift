/// GatewayClass (gateway.networking.k8s.io/v1, v1beta1): a kind of Gateway served by one controller.
public struct GatewayClass: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "GatewayClass"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: GatewayClassSpec
    public var status: GatewayClassStatus?
}

public struct GatewayClassSpec: Codable, Sendable, Equatable {
    public var controllerName: String
    public var parametersRef: ParametersReference?
    public var description: String?
}

public struct ParametersReference: Codable, Sendable, Equatable {
    public var group: String
    public var kind: String
    public var name: String
    public var namespace: String?
}

public struct GatewayClassStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var supportedFeatures: [SupportedFeature]?

    public init(conditions: [Condition]? = nil, supportedFeatures: [SupportedFeature]? = nil) {
        self.conditions = conditions
        self.supportedFeatures = supportedFeatures
    }
}

public struct SupportedFeature: Codable, Sendable, Equatable {
    public var name: String
}
