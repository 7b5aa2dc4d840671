/// The kinds gwconsole models, with kubectl's names for them, and lookup of what a user typed.
public enum ResourceRegistry {
    static let gatewayGroup = "gateway.networking.k8s.io"

    public static let gatewayClass = ResourceType(
        group: gatewayGroup, kind: "GatewayClass", versions: ["v1", "v1beta1"],
        plural: "gatewayclasses", shortNames: ["gc"], namespaced: false)
    public static let gateway = ResourceType(
        group: gatewayGroup, kind: "Gateway", versions: ["v1", "v1beta1"],
        plural: "gateways", shortNames: ["gtw"])
    public static let httpRoute = ResourceType(
        group: gatewayGroup, kind: "HTTPRoute", versions: ["v1", "v1beta1"],
        plural: "httproutes")
    public static let listenerSet = ResourceType(
        group: gatewayGroup, kind: "ListenerSet", versions: ["v1"], plural: "listenersets", shortNames: ["lset"])
    public static let grpcRoute = ResourceType(
        group: gatewayGroup, kind: "GRPCRoute", versions: ["v1"], plural: "grpcroutes")
    public static let tlsRoute = ResourceType(
        group: gatewayGroup, kind: "TLSRoute", versions: ["v1", "v1alpha3", "v1alpha2"],
        plural: "tlsroutes")
    public static let tcpRoute = ResourceType(
        group: gatewayGroup, kind: "TCPRoute", versions: ["v1", "v1alpha2"],
        plural: "tcproutes")
    public static let udpRoute = ResourceType(
        group: gatewayGroup, kind: "UDPRoute", versions: ["v1", "v1alpha2"],
        plural: "udproutes")
    public static let referenceGrant = ResourceType(
        group: gatewayGroup, kind: "ReferenceGrant", versions: ["v1beta1", "v1alpha2", "v1"],
        plural: "referencegrants", shortNames: ["refgrant"])
    public static let backendTLSPolicy = ResourceType(
        group: gatewayGroup, kind: "BackendTLSPolicy", versions: ["v1", "v1alpha3"],
        plural: "backendtlspolicies", shortNames: ["btlspolicy"])
    static let ngfGroup = "gateway.nginx.org"
    public static let clientSettingsPolicy = ResourceType(
        group: ngfGroup, kind: "ClientSettingsPolicy", versions: ["v1alpha1"], plural: "clientsettingspolicies",
        shortNames: ["cspolicy"])
    public static let proxySettingsPolicy = ResourceType(
        group: ngfGroup, kind: "ProxySettingsPolicy", versions: ["v1alpha1"], plural: "proxysettingspolicies",
        shortNames: ["pspolicy"])
    public static let upstreamSettingsPolicy = ResourceType(
        group: ngfGroup, kind: "UpstreamSettingsPolicy", versions: ["v1alpha1"], plural: "upstreamsettingspolicies",
        shortNames: ["uspolicy"])
    public static let rateLimitPolicy = ResourceType(
        group: ngfGroup, kind: "RateLimitPolicy", versions: ["v1alpha1"], plural: "ratelimitpolicies",
        shortNames: ["rlpolicy"])
    public static let observabilityPolicy = ResourceType(
        group: ngfGroup, kind: "ObservabilityPolicy", versions: ["v1alpha2", "v1alpha1"],
        plural: "observabilitypolicies")
    public static let snippetsPolicy = ResourceType(
        group: ngfGroup, kind: "SnippetsPolicy", versions: ["v1alpha1"], plural: "snippetspolicies",
        shortNames: ["snippetspolicy"])
    public static let wafPolicy = ResourceType(
        group: ngfGroup, kind: "WAFPolicy", versions: ["v1alpha1"], plural: "wafpolicies")
    public static let snippetsFilter = ResourceType(
        group: ngfGroup, kind: "SnippetsFilter", versions: ["v1alpha1"], plural: "snippetsfilters",
        shortNames: ["snippetsfilter"])
    public static let authenticationFilter = ResourceType(
        group: ngfGroup, kind: "AuthenticationFilter", versions: ["v1alpha1"], plural: "authenticationfilters",
        shortNames: ["authfilter"])
    public static let nginxProxy = ResourceType(
        group: ngfGroup, kind: "NginxProxy", versions: ["v1alpha2"], plural: "nginxproxies")

    /// NGF's policy kinds, in listing order.
    public static let ngfPolicies: [ResourceType] = [
        clientSettingsPolicy, proxySettingsPolicy, upstreamSettingsPolicy, rateLimitPolicy, observabilityPolicy,
        snippetsPolicy, wafPolicy,
    ]

    /// NGF's kinds: policies, filters and NginxProxy.
    public static let ngfKinds: [ResourceType] = ngfPolicies + [snippetsFilter, authenticationFilter, nginxProxy]

    public static let namespace = ResourceType(
        group: "", kind: "Namespace", versions: ["v1"], plural: "namespaces",
        shortNames: ["ns"], namespaced: false)
    public static let service = ResourceType(
        group: "", kind: "Service", versions: ["v1"], plural: "services", shortNames: ["svc"])
    public static let endpointSlice = ResourceType(
        group: "discovery.k8s.io", kind: "EndpointSlice", versions: ["v1"],
        plural: "endpointslices")
    public static let configMap = ResourceType(
        group: "", kind: "ConfigMap", versions: ["v1"], plural: "configmaps", shortNames: ["cm"])
    public static let secret = ResourceType(group: "", kind: "Secret", versions: ["v1"], plural: "secrets")
    public static let deployment = ResourceType(
        group: "apps", kind: "Deployment", versions: ["v1"], plural: "deployments",
        shortNames: ["deploy"])
    public static let pod = ResourceType(group: "", kind: "Pod", versions: ["v1"], plural: "pods", shortNames: ["po"])
    public static let issuer = ResourceType(
        group: "cert-manager.io", kind: "Issuer", versions: ["v1"], plural: "issuers")
    public static let clusterIssuer = ResourceType(
        group: "cert-manager.io", kind: "ClusterIssuer", versions: ["v1"], plural: "clusterissuers", namespaced: false)
    public static let certificate = ResourceType(
        group: "cert-manager.io", kind: "Certificate", versions: ["v1"], plural: "certificates",
        shortNames: ["cert", "certs"])

    /// Every modelled kind, in the order `get all`-style listings use.
    public static let all: [ResourceType] =
        [
            gatewayClass, gateway, listenerSet, httpRoute, grpcRoute, tlsRoute, tcpRoute, udpRoute, referenceGrant,
            backendTLSPolicy,
        ] + ngfKinds + [
            namespace, service, endpointSlice, configMap, secret, deployment, pod, issuer, clusterIssuer, certificate,
        ]

    private static let byGroupKind: [GroupKind: ResourceType] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.groupKind, $0) })

    /// The modelled type for a group and kind.
    public static func type(for groupKind: GroupKind) -> ResourceType? { byGroupKind[groupKind] }

    /// The type an `apiVersion` and `kind` name; an unknown kind gives an unsupported (unstructured) type.
    public static func type(apiVersion: String, kind: String) -> ResourceType {
        let (group, _) = splitAPIVersion(apiVersion)
        if let known = byGroupKind[GroupKind(group: group, kind: kind)] { return known }
        return unstructured(group: group, kind: kind, version: splitAPIVersion(apiVersion).version)
    }

    /// A type for a kind gwconsole does not model: kept and listed, flagged unsupported.
    public static func unstructured(group: String, kind: String, version: String) -> ResourceType {
        ResourceType(
            group: group, kind: kind, versions: [version], plural: guessPlural(kind), namespaced: true, supported: false
        )
    }

    /// English plural of a kind as Kubernetes' RESTMapper guesses it.
    public static func guessPlural(_ kind: String) -> String {
        let lower = kind.lowercased()
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("z") || lower.hasSuffix("ch")
            || lower.hasSuffix("sh")
        {
            return lower + "es"
        }
        if lower.hasSuffix("y"), let beforeY = lower.dropLast().last, !"aeiou".contains(beforeY) {
            return String(lower.dropLast()) + "ies"
        }
        return lower + "s"
    }

    /// Resolves what a user typed (`svc`, `gateways`, `backendtlspolicies.gateway.networking.k8s.io`, `deployment.apps`)
    /// among the modelled kinds and `extra` (unstructured kinds present in the store).
    public static func resolve(_ name: String, extra: [ResourceType] = []) -> ResourceType? {
        let lower = name.lowercased()
        for type in all + extra {
            let names = [type.plural, type.singular] + type.shortNames
            if names.contains(lower) { return type }
            if lower == type.qualifiedPlural || lower == type.qualifiedSingular { return type }
            if lower == type.kind.lowercased() { return type }
            // plural.version.group, e.g. deployments.v1.apps
            for version in type.versions where !type.group.isEmpty {
                if lower == "\(type.plural).\(version).\(type.group)"
                    || lower == "\(type.singular).\(version).\(type.group)"
                {
                    return type
                }
            }
        }
        return nil
    }
}
