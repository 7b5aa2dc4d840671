/// Per-kind decoding: strict typed decode, validation, defaulting and the canonical JSON form.
enum ResourceCodec {
    typealias Handler = @Sendable (SourceNode) throws -> (JSONValue, FieldErrors)

    static func handler(for groupKind: GroupKind) -> Handler? { handlers[groupKind] }

    private static let handlers: [GroupKind: Handler] = [
        ResourceRegistry.gatewayClass.groupKind: make(GatewayClass.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
        },
        ResourceRegistry.gateway.groupKind: make(Gateway.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.httpRoute.groupKind: make(HTTPRoute.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.listenerSet.groupKind: make(ListenerSet.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.grpcRoute.groupKind: make(GRPCRoute.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.tlsRoute.groupKind: make(TLSRoute.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value.spec.parentRefs, &value.spec.rules)
        },
        ResourceRegistry.tcpRoute.groupKind: make(TCPRoute.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value.spec.parentRefs, &value.spec.rules)
        },
        ResourceRegistry.udpRoute.groupKind: make(UDPRoute.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
            Defaulting.apply(&value.spec.parentRefs, &value.spec.rules)
        },
        ResourceRegistry.referenceGrant.groupKind: make(ReferenceGrant.self, nameRule: .subdomain) { value, errors in
            GatewayAPIValidation.validate(value, &errors)
        },
        ResourceRegistry.backendTLSPolicy.groupKind: make(BackendTLSPolicy.self, nameRule: .subdomain) {
            value, errors in
            GatewayAPIValidation.validate(value, &errors)
        },
        ResourceRegistry.clientSettingsPolicy.groupKind: make(ClientSettingsPolicy.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.proxySettingsPolicy.groupKind: make(ProxySettingsPolicy.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.upstreamSettingsPolicy.groupKind: make(UpstreamSettingsPolicy.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.rateLimitPolicy.groupKind: make(RateLimitPolicy.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.observabilityPolicy.groupKind: make(ObservabilityPolicy.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.snippetsPolicy.groupKind: make(SnippetsPolicy.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.wafPolicy.groupKind: make(WAFPolicy.self, nameRule: .subdomain) { _, _ in },
        ResourceRegistry.snippetsFilter.groupKind: make(SnippetsFilter.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.authenticationFilter.groupKind: make(AuthenticationFilter.self, nameRule: .subdomain) {
            value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.nginxProxy.groupKind: make(NginxProxy.self, nameRule: .subdomain) { value, errors in
            NGFValidation.validate(value, &errors)
        },
        ResourceRegistry.namespace.groupKind: make(Namespace.self, nameRule: .label) { value, _ in
            Defaulting.apply(&value)
        },
        ResourceRegistry.service.groupKind: make(Service.self, nameRule: .dns1035) { value, errors in
            CoreValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.endpointSlice.groupKind: make(EndpointSlice.self, nameRule: .subdomain) { value, errors in
            CoreValidation.validate(value, &errors)
        },
        ResourceRegistry.configMap.groupKind: make(ConfigMap.self, nameRule: .subdomain) { value, errors in
            CoreValidation.validate(value, &errors)
        },
        ResourceRegistry.secret.groupKind: make(Secret.self, nameRule: .subdomain) { value, errors in
            CoreValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.deployment.groupKind: make(Deployment.self, nameRule: .subdomain) { value, errors in
            CoreValidation.validate(value, &errors)
            Defaulting.apply(&value)
        },
        ResourceRegistry.issuer.groupKind: make(Issuer.self, nameRule: .subdomain) { value, errors in
            CertManagerValidation.validate(value.spec, &errors)
        },
        ResourceRegistry.clusterIssuer.groupKind: make(ClusterIssuer.self, nameRule: .subdomain) { value, errors in
            CertManagerValidation.validate(value.spec, &errors)
        },
        ResourceRegistry.certificate.groupKind: make(Certificate.self, nameRule: .subdomain) { value, errors in
            CertManagerValidation.validate(value, &errors)
        },
        ResourceRegistry.pod.groupKind: make(Pod.self, nameRule: .subdomain) { value, errors in
            CoreValidation.validate(value.spec, FieldPath("spec"), &errors)
        },
    ]

    private static func make<T: KubeResource>(
        _ type: T.Type, nameRule: MetadataValidation.NameRule,
        validate: @escaping @Sendable (inout T, inout FieldErrors) -> Void
    ) -> Handler {
        return { node in
            var value = try NodeDecoder().decode(T.self, from: node)
            var errors = FieldErrors()
            MetadataValidation.validate(value.metadata, nameRule: nameRule, errors: &errors)
            validate(&value, &errors)
            return (try JSONValueEncoder().encode(value), errors)
        }
    }
}
