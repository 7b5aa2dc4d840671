import GatewayAPI

/// Everything the controller reads, typed: the input of `GraphBuilder`.
public struct ResourceSnapshot: Sendable {
    public var gatewayClasses: [GatewayClass] = []
    public var gateways: [Gateway] = []
    public var httpRoutes: [HTTPRoute] = []
    public var referenceGrants: [ReferenceGrant] = []
    public var backendTLSPolicies: [BackendTLSPolicy] = []
    public var namespaces: [Namespace] = []
    public var services: [Service] = []
    public var configMaps: [ConfigMap] = []
    public var secrets: [Secret] = []
    public var endpointSlices: [EndpointSlice] = []

    public init() {}

    public func service(_ namespace: String, _ name: String) -> Service? {
        services.first { $0.namespace == namespace && $0.name == name }
    }

    public func configMap(_ namespace: String, _ name: String) -> ConfigMap? {
        configMaps.first { $0.namespace == namespace && $0.name == name }
    }

    public func secret(_ namespace: String, _ name: String) -> Secret? {
        secrets.first { $0.namespace == namespace && $0.name == name }
    }

    func namespaceLabels(_ name: String) -> [String: String] {
        namespaces.first { $0.name == name }?.metadata.labels ?? ["kubernetes.io/metadata.name": name]
    }
}

extension ResourceSnapshot {
    /// Adds one object of a kind the controller reads (others are ignored), decoding it to its typed model.
    public mutating func insert(kind: String, object: JSONValue) throws {
        switch kind {
        case "GatewayClass": gatewayClasses.append(try GatewayClass.decode(object))
        case "Gateway": gateways.append(try Gateway.decode(object))
        case "HTTPRoute": httpRoutes.append(try HTTPRoute.decode(object))
        case "ReferenceGrant": referenceGrants.append(try ReferenceGrant.decode(object))
        case "BackendTLSPolicy": backendTLSPolicies.append(try BackendTLSPolicy.decode(object))
        case "Namespace": namespaces.append(try Namespace.decode(object))
        case "Service": services.append(try Service.decode(object))
        case "ConfigMap": configMaps.append(try ConfigMap.decode(object))
        case "Secret": secrets.append(try Secret.decode(object))
        case "EndpointSlice": endpointSlices.append(try EndpointSlice.decode(object))
        default: break
        }
    }
}
