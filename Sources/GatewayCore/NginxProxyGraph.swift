import GatewayAPI

/// NginxProxy, the data plane settings a GatewayClass (`spec.parametersRef`) and a Gateway
/// (`spec.infrastructure.parametersRef`) name: resolution with NGF's conditions, and the settings in effect per
/// Gateway (the class's, with the Gateway's fields over them).
enum NginxProxyGraph {
    /// The class's parametersRef: nil when it has none; else ResolvedRefs, and Accepted kept True with reason
    /// InvalidParameters when the reference is ignored, as NGF says it.
    static func classConditions(_ gc: GatewayClass, snapshot: ResourceSnapshot) -> [Condition]? {
        guard let ref = gc.spec.parametersRef else { return nil }
        var problems: [String] = []
        if ref.group != "gateway.nginx.org" || ref.kind != "NginxProxy" {
            problems.append(
                "spec.parametersRef.kind: Unsupported value: \"\(ref.kind)\": supported values: \"NginxProxy\"")
        }
        if ref.namespace == nil {
            problems.append("spec.parametersRef.namespace: Required value: ParametersRef must specify Namespace")
        }
        if !problems.isEmpty {
            let message = capitalized(NGFPolicyGraph.aggregate(problems))
            return [
                Conditions.make(.resolvedRefs, false, .parametersRefInvalid, message),
                Conditions.make(
                    .accepted, true, .invalidParameters,
                    "The GatewayClass is accepted, but ParametersRef is ignored due to an error: \(message)"),
            ]
        }
        guard snapshot.nginxProxies.contains(where: { $0.namespace == ref.namespace && $0.name == ref.name }) else {
            return [
                Conditions.make(
                    .resolvedRefs, false, .parametersRefNotFound, "The ParametersRef resource could not be found"),
                Conditions.make(
                    .accepted, true, .invalidParameters,
                    "The GatewayClass is accepted, but ParametersRef is ignored due to an error: spec.parametersRef.name: Not found: \"\(ref.name)\""
                ),
            ]
        }
        return [Conditions.make(.resolvedRefs, true, .resolvedRefs, "The ParametersRef resource is resolved")]
    }

    /// The Gateway's parametersRef: nil when it resolves (or there is none), else NGF's message.
    static func gatewayProblem(_ gateway: Gateway, snapshot: ResourceSnapshot) -> String? {
        guard let ref = gateway.spec.infrastructure?.parametersRef else { return nil }
        if ref.group != "gateway.nginx.org" || ref.kind != "NginxProxy" {
            return
                "Spec.infrastructure.parametersRef.kind: Unsupported value: \"\(ref.kind)\": supported values: \"NginxProxy\""
        }
        if !snapshot.nginxProxies.contains(where: { $0.namespace == gateway.namespace && $0.name == ref.name }) {
            return "Spec.infrastructure.parametersRef.name: Not found: \"\(ref.name)\""
        }
        return nil
    }

    /// The NginxProxy settings in effect per Gateway: the class's, then the Gateway's fields over them; nil when
    /// neither names one that exists.
    static func effective(_ snapshot: ResourceSnapshot, gateways: [GatewayNode]) -> [ObjectRef: NginxProxySpec] {
        var result: [ObjectRef: NginxProxySpec] = [:]
        for gateway in gateways {
            let classRef = snapshot.gatewayClasses.first { $0.name == gateway.source.spec.gatewayClassName }?.spec
                .parametersRef
            let classProxy = classRef.flatMap { ref in
                snapshot.nginxProxies.first { $0.namespace == ref.namespace && $0.name == ref.name }?.spec
            }
            let gatewayProxy = gateway.source.spec.infrastructure?.parametersRef.flatMap { ref in
                snapshot.nginxProxies.first { $0.namespace == gateway.ref.namespace && $0.name == ref.name }?.spec
            }
            guard var merged = classProxy ?? gatewayProxy else { continue }
            if let overlay = gatewayProxy, classProxy != nil { merged = merge(merged, overlay) }
            result[gateway.ref] = merged
        }
        return result
    }

    /// The Gateway's fields over the class's.
    static func merge(_ base: NginxProxySpec, _ top: NginxProxySpec) -> NginxProxySpec {
        var m = base
        m.ipFamily = top.ipFamily ?? base.ipFamily
        m.telemetry = top.telemetry ?? base.telemetry
        m.metrics = top.metrics ?? base.metrics
        m.rewriteClientIP = top.rewriteClientIP ?? base.rewriteClientIP
        m.logging = top.logging ?? base.logging
        m.nginxPlus = top.nginxPlus ?? base.nginxPlus
        m.disableHTTP2 = top.disableHTTP2 ?? base.disableHTTP2
        m.useClusterIP = top.useClusterIP ?? base.useClusterIP
        m.disableSNIHostValidation = top.disableSNIHostValidation ?? base.disableSNIHostValidation
        m.kubernetes = top.kubernetes ?? base.kubernetes
        m.workerConnections = top.workerConnections ?? base.workerConnections
        m.workerProcesses = top.workerProcesses ?? base.workerProcesses
        m.workerRlimitNofile = top.workerRlimitNofile ?? base.workerRlimitNofile
        m.dnsResolver = top.dnsResolver ?? base.dnsResolver
        m.serverTokens = top.serverTokens ?? base.serverTokens
        m.compression = top.compression ?? base.compression
        m.waf = top.waf ?? base.waf
        m.zoneSize = top.zoneSize ?? base.zoneSize
        m.disableBaseHeaders = top.disableBaseHeaders ?? base.disableBaseHeaders
        return m
    }

    static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
