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
