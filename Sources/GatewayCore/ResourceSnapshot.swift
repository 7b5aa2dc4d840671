import Foundation
import GatewayAPI

/// Everything the controller reads, typed: the input of `GraphBuilder`.
public struct ResourceSnapshot: Sendable {
    public var gatewayClasses: [GatewayClass] = []
    public var gateways: [Gateway] = []
    public var listenerSets: [ListenerSet] = []
    public var httpRoutes: [HTTPRoute] = []
    public var grpcRoutes: [GRPCRoute] = []
    public var tlsRoutes: [TLSRoute] = []
    public var tcpRoutes: [TCPRoute] = []
    public var udpRoutes: [UDPRoute] = []
    public var referenceGrants: [ReferenceGrant] = []
    public var backendTLSPolicies: [BackendTLSPolicy] = []
    /// NGF's policies, filters and data plane settings.
    public var clientSettingsPolicies: [ClientSettingsPolicy] = []
    public var proxySettingsPolicies: [ProxySettingsPolicy] = []
    public var upstreamSettingsPolicies: [UpstreamSettingsPolicy] = []
    public var rateLimitPolicies: [RateLimitPolicy] = []
    public var observabilityPolicies: [ObservabilityPolicy] = []
    public var snippetsPolicies: [SnippetsPolicy] = []
    public var wafPolicies: [WAFPolicy] = []
    public var snippetsFilters: [SnippetsFilter] = []
    public var authenticationFilters: [AuthenticationFilter] = []
    public var nginxProxies: [NginxProxy] = []
    public var namespaces: [Namespace] = [] { didSet { lookup = Lookup() } }
    public var services: [Service] = [] { didSet { lookup = Lookup() } }
    public var configMaps: [ConfigMap] = [] { didSet { lookup = Lookup() } }
    public var secrets: [Secret] = [] { didSet { lookup = Lookup() } }
    public var endpointSlices: [EndpointSlice] = [] { didSet { lookup = Lookup() } }
    /// cert-manager's Certificates: which Secret a listener waits for.
    public var certificates: [Certificate] = []

    /// Indexes by namespace/name, built on first use and dropped when an array changes: lookups stay O(1) at
    /// tens of thousands of objects.
    private var lookup = Lookup()

    public init() {}

    final class Lookup: @unchecked Sendable {
        private let lock = NSLock()
        private var services: [String: Int]?
        private var configMaps: [String: Int]?
        private var secrets: [String: Int]?
        private var namespaces: [String: Int]?
        private var slices: [String: [Int]]?

        func index<T>(_ cache: ReferenceWritableKeyPath<Lookup, [String: Int]?>, _ items: [T], key: (T) -> String)
            -> [String: Int]
        {
            lock.lock()
            defer { lock.unlock() }
            if let built = self[keyPath: cache] { return built }
            var built: [String: Int] = [:]
            for (i, item) in items.enumerated() where built[key(item)] == nil { built[key(item)] = i }
            self[keyPath: cache] = built
            return built
        }

        func slices(_ items: [EndpointSlice]) -> [String: [Int]] {
            lock.lock()
            defer { lock.unlock() }
            if let slices { return slices }
            var built: [String: [Int]] = [:]
            for (i, slice) in items.enumerated() {
                guard let service = slice.metadata.labels?["kubernetes.io/service-name"] else { continue }
                built[slice.namespace + "/" + service, default: []].append(i)
            }
            slices = built
            return built
        }

        var servicesKey: ReferenceWritableKeyPath<Lookup, [String: Int]?> { \.services }
        var configMapsKey: ReferenceWritableKeyPath<Lookup, [String: Int]?> { \.configMaps }
        var secretsKey: ReferenceWritableKeyPath<Lookup, [String: Int]?> { \.secrets }
        var namespacesKey: ReferenceWritableKeyPath<Lookup, [String: Int]?> { \.namespaces }
    }

    public func service(_ namespace: String, _ name: String) -> Service? {
        lookup.index(lookup.servicesKey, services) { $0.namespace + "/" + $0.name }[namespace + "/" + name].map {
            services[$0]
        }
    }

    public func configMap(_ namespace: String, _ name: String) -> ConfigMap? {
        lookup.index(lookup.configMapsKey, configMaps) { $0.namespace + "/" + $0.name }[namespace + "/" + name].map {
            configMaps[$0]
        }
    }

    public func secret(_ namespace: String, _ name: String) -> Secret? {
        lookup.index(lookup.secretsKey, secrets) { $0.namespace + "/" + $0.name }[namespace + "/" + name].map {
            secrets[$0]
        }
    }

    /// The EndpointSlices of a Service (by the kubernetes.io/service-name label).
    public func endpointSlices(service namespace: String, _ name: String) -> [EndpointSlice] {
        (lookup.slices(endpointSlices)[namespace + "/" + name] ?? []).map { endpointSlices[$0] }
    }

    public func namespaceLabels(_ name: String) -> [String: String] {
        lookup.index(lookup.namespacesKey, namespaces) { $0.name }[name].flatMap { namespaces[$0].metadata.labels } ?? [
            "kubernetes.io/metadata.name": name
        ]
    }
}

extension ResourceSnapshot {
    /// Adds one object of a kind the controller reads (others are ignored), decoding it to its typed model.
    public mutating func insert(kind: String, object: JSONValue) throws {
        switch kind {
        case "GatewayClass": gatewayClasses.append(try GatewayClass.decode(object))
        case "Gateway": gateways.append(try Gateway.decode(object))
        case "ListenerSet": listenerSets.append(try ListenerSet.decode(object))
        case "HTTPRoute": httpRoutes.append(try HTTPRoute.decode(object))
        case "GRPCRoute": grpcRoutes.append(try GRPCRoute.decode(object))
        case "TLSRoute": tlsRoutes.append(try TLSRoute.decode(object))
        case "TCPRoute": tcpRoutes.append(try TCPRoute.decode(object))
        case "UDPRoute": udpRoutes.append(try UDPRoute.decode(object))
        case "ReferenceGrant": referenceGrants.append(try ReferenceGrant.decode(object))
        case "BackendTLSPolicy": backendTLSPolicies.append(try BackendTLSPolicy.decode(object))
        case "ClientSettingsPolicy": clientSettingsPolicies.append(try ClientSettingsPolicy.decode(object))
        case "ProxySettingsPolicy": proxySettingsPolicies.append(try ProxySettingsPolicy.decode(object))
        case "UpstreamSettingsPolicy": upstreamSettingsPolicies.append(try UpstreamSettingsPolicy.decode(object))
        case "RateLimitPolicy": rateLimitPolicies.append(try RateLimitPolicy.decode(object))
        case "ObservabilityPolicy": observabilityPolicies.append(try ObservabilityPolicy.decode(object))
        case "SnippetsPolicy": snippetsPolicies.append(try SnippetsPolicy.decode(object))
        case "WAFPolicy": wafPolicies.append(try WAFPolicy.decode(object))
        case "SnippetsFilter": snippetsFilters.append(try SnippetsFilter.decode(object))
        case "AuthenticationFilter": authenticationFilters.append(try AuthenticationFilter.decode(object))
        case "NginxProxy": nginxProxies.append(try NginxProxy.decode(object))
        case "Namespace": namespaces.append(try Namespace.decode(object))
        case "Service": services.append(try Service.decode(object))
        case "ConfigMap": configMaps.append(try ConfigMap.decode(object))
        case "Secret": secrets.append(try Secret.decode(object))
        case "EndpointSlice": endpointSlices.append(try EndpointSlice.decode(object))
        case "Certificate": certificates.append(try Certificate.decode(object))
        default: break
        }
    }
}
