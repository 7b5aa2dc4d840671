import GatewayAPI

/// One NGF setting in effect on an object, and where it came from.
public struct EffectiveSetting: Sendable, Equatable {
    /// The policy kind that sets it; nil for a rule's filter (SnippetsFilter, AuthenticationFilter, CORS,
    /// ExternalAuth), which `origin` names.
    public var kind: NGFPolicyKind?
    /// The spec field, as the policy writes it: `body.maxSize`, `buffering.bufferSize`, `rateLimit.local.rules[0]`;
    /// a rule's filter under `rules[N].`.
    public var field: String
    /// The value as nginx gets it: `50`, `1r/s burst 3 key $binary_remote_addr`.
    public var value: String
    /// The policy (or filter, or route for its own CORS and ExternalAuth filters) the value comes from.
    public var origin: ObjectRef
    /// The policies whose value for this field it overrides (a route's over its Gateways').
    public var overridden: [ObjectRef]

    public init(kind: NGFPolicyKind?, field: String, value: String, origin: ObjectRef, overridden: [ObjectRef] = []) {
        self.kind = kind
        self.field = field
        self.value = value
        self.origin = origin
        self.overridden = overridden
    }
}

/// The NGF settings in effect on a route, a Gateway or a Service, each with the object it came from. Pure: read from
/// the graph's attached (valid) policies as `PolicyDirectiveBuilder` renders them: a Gateway's ClientSettings,
/// ProxySettings and RateLimit policies at http and server level, a route's in its locations, where nginx's
/// inheritance makes each directive the route sets override its Gateway's (a route's `limit_req` rules replace the
/// Gateway's rules as a whole, as nginx's array directives do).
public enum EffectivePolicies {
    /// The kinds a route inherits from its Gateways.
    public static let inheritedKinds: [NGFPolicyKind] = [.clientSettings, .proxySettings, .rateLimit]

    /// A route's settings: its Gateways' inherited policies overridden field by field by its own, its own policies
    /// of other kinds, then its rules' filters.
    public static func route(_ route: RouteNode, in graph: Graph) -> [EffectiveSetting] {
        routePolicies(route, in: graph) + ruleFilters(route, in: graph)
    }

    /// A route's policy settings (no filters): inherited kinds first, in `inheritedKinds` order.
    public static func routePolicies(_ route: RouteNode, in graph: Graph) -> [EffectiveSetting] {
        var gatewayPolicies: [NGFPolicyNode] = []
        var seen: Set<ObjectRef> = []
        for gatewayRef in route.parents.filter(\.accepted).compactMap(\.gateway) {
            guard seen.insert(gatewayRef).inserted, let gateway = graph.gateway(gatewayRef) else { continue }
            for ref in gateway.policies where seen.insert(ref).inserted {
                if let policy = graph.ngfPolicy(ref), inheritedKinds.contains(policy.kind) {
                    gatewayPolicies.append(policy)
                }
            }
        }
        let own = route.policies.compactMap { graph.ngfPolicy($0) }
        var result: [EffectiveSetting] = []
        for kind in inheritedKinds {
            let upper = settings(gatewayPolicies.filter { $0.kind == kind })
            let lower = settings(own.filter { $0.kind == kind })
            var groups: [String] = []
            for setting in upper + lower where !groups.contains(group(setting.field)) {
                groups.append(group(setting.field))
            }
            for name in groups {
                let routeSettings = lower.filter { group($0.field) == name }
                let gatewaySettings = upper.filter { group($0.field) == name }
                if routeSettings.isEmpty {
                    result += gatewaySettings
                    continue
                }
                var overridden: [ObjectRef] = []
                for setting in gatewaySettings where !overridden.contains(setting.origin) {
                    overridden.append(setting.origin)
                }
                result += routeSettings.map {
                    var setting = $0
                    setting.overridden = overridden
                    return setting
                }
            }
        }
        result += settings(own.filter { !inheritedKinds.contains($0.kind) })
        return result
    }

    /// A Gateway's own policies' settings, oldest policy first.
    public static func gateway(_ gateway: GatewayNode, in graph: Graph) -> [EffectiveSetting] {
        settings(gateway.policies.compactMap { graph.ngfPolicy($0) })
    }

    /// A Service's UpstreamSettingsPolicies' settings (valid policies on one Service never set the same field).
    public static func service(_ service: ObjectRef, in graph: Graph) -> [EffectiveSetting] {
        settings((graph.servicePolicies[service] ?? []).compactMap { graph.ngfPolicy($0) })
    }

    /// The filters of a route's served rules: SnippetsFilter contexts, AuthenticationFilter realm (from the filter),
    /// CORS and ExternalAuth (from the route). A rule served with 500 for a filter that did not resolve has none.
    public static func ruleFilters(_ route: RouteNode, in graph: Graph) -> [EffectiveSetting] {
        var result: [EffectiveSetting] = []
        for rule in route.rules where rule.dropped == nil && rule.filterProblem == nil {
            let prefix = "rules[\(rule.index)]"
            for item in rule.extensions {
                switch item {
                case .snippets(let ref):
                    let contexts = graph.ngfFilter(ref)?.snippets.map(\.context) ?? []
                    result.append(
                        EffectiveSetting(
                            kind: nil, field: "\(prefix).snippets", value: contexts.joined(separator: ", "), origin: ref
                        ))
                case .authentication(let ref):
                    guard let auth = graph.ngfFilter(ref)?.basicAuth else { continue }
                    result.append(
                        EffectiveSetting(kind: nil, field: "\(prefix).basic.realm", value: auth.realm, origin: ref))
                case .cors(let cors):
                    let fields: [(String, String?)] = [
                        ("allowOrigins", cors.allowOrigins.map { $0.joined(separator: ",") }),
                        ("allowMethods", cors.allowMethods.map { $0.joined(separator: ",") }),
                        ("allowCredentials", cors.allowCredentials.map { String($0) }),
                    ]
                    for (field, value) in fields {
                        guard let value else { continue }
                        result.append(
                            EffectiveSetting(
                                kind: nil, field: "\(prefix).cors.\(field)", value: value, origin: route.ref))
                    }
                case .externalAuth(_, let backend):
                    let target =
                        backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
                        ?? backend.source.name
                    result.append(
                        EffectiveSetting(
                            kind: nil, field: "\(prefix).externalAuth.backendRef", value: target, origin: route.ref))
                }
            }
        }
        return result
    }

    /// Policies' settings in order, none overridden.
    static func settings(_ policies: [NGFPolicyNode]) -> [EffectiveSetting] {
        policies.flatMap { policy in
            fields(policy.spec).map {
                EffectiveSetting(kind: policy.kind, field: $0.field, value: $0.value, origin: policy.ref)
            }
        }
    }

    /// What overrides as one: a route's `limit_req` rules replace all of its Gateway's (nginx inherits an array
    /// directive only where a level sets none); any other field on its own.
    static func group(_ field: String) -> String {
        field.hasPrefix("rateLimit.local.rules[") ? "rateLimit.local.rules" : field
    }

    /// A policy's fields that nginx gets, in the spec's order, with their values as nginx gets them.
    public static func fields(_ spec: NGFPolicySpec) -> [(field: String, value: String)] {
        var result: [(field: String, value: String)] = []
        func add(_ field: String, _ value: (any CustomStringConvertible)?) {
            if let value { result.append((field, value.description)) }
        }
        switch spec {
        case .clientSettings(let spec):
            add("body.maxSize", spec.body?.maxSize)
            add("body.bufferSize", spec.body?.bufferSize)
            add("body.timeout", spec.body?.timeout)
            add("keepAlive.requests", spec.keepAlive?.requests)
            add("keepAlive.time", spec.keepAlive?.time)
            if let server = spec.keepAlive?.timeout?.server {
                // One directive: `keepalive_timeout server [header]`.
                add("keepAlive.timeout", server + (spec.keepAlive?.timeout?.header.map { " header \($0)" } ?? ""))
            }
            add("keepAlive.minTimeout", spec.keepAlive?.minTimeout)
        case .proxySettings(let spec):
            add("buffering.disable", spec.buffering?.disable)
            add("buffering.bufferSize", spec.buffering?.bufferSize)
            add("buffering.buffers", spec.buffering?.buffers.map { "\($0.number) \($0.size)" })
            add("buffering.busyBuffersSize", spec.buffering?.busyBuffersSize)
            add("timeout.connect", spec.timeout?.connect)
            add("timeout.read", spec.timeout?.read)
            add("timeout.send", spec.timeout?.send)
        case .upstreamSettings(let spec):
            add("zoneSize", spec.zoneSize)
            add("keepAlive.connections", spec.keepAlive?.connections)
            add("keepAlive.requests", spec.keepAlive?.requests)
            add("keepAlive.time", spec.keepAlive?.time)
            add("keepAlive.timeout", spec.keepAlive?.timeout)
            add("loadBalancingMethod", spec.loadBalancingMethod)
            add("hashMethodKey", spec.hashMethodKey)
            add("useClusterIP", spec.useClusterIP)
        case .rateLimit(let spec):
            // Without rules nothing is rendered: the other fields go with `limit_req`.
            let rules = spec.rateLimit?.local?.rules ?? []
            guard !rules.isEmpty else { break }
            for (index, rule) in rules.enumerated() {
                var value = rule.rate
                if let burst = rule.burst, burst > 0 { value += " burst \(burst)" }
                if rule.noDelay == true { value += " nodelay" }
                if let delay = rule.delay, delay > 0 { value += " delay \(delay)" }
                value += " key \(rule.key)"
                if let zone = rule.zoneSize { value += " zone \(zone)" }
                add("rateLimit.local.rules[\(index)]", value)
            }
            add("rateLimit.dryRun", spec.rateLimit?.dryRun)
            add("rateLimit.logLevel", spec.rateLimit?.logLevel)
            add("rateLimit.rejectCode", spec.rateLimit?.rejectCode)
        case .observability(let spec):
            add("tracing.strategy", spec.tracing?.strategy)
            add("tracing.ratio", spec.tracing?.ratio)
            add("tracing.context", spec.tracing?.context)
            add("tracing.spanName", spec.tracing?.spanName)
            add(
                "tracing.spanAttributes",
                spec.tracing?.spanAttributes.map { $0.map { "\($0.key)=\($0.value)" }.joined(separator: ",") })
        case .snippets(let spec):
            for snippet in spec.snippets ?? [] {
                let lines = snippet.value.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                let text = lines.filter { !$0.isEmpty }.joined(separator: " ")
                add("snippets[\(snippet.context)]", text.count > 60 ? String(text.prefix(59)) + "…" : text)
            }
        case .waf:
            break
        }
        return result
    }
}

extension NGFPolicyNode {
    /// The Accepted condition NGF writes for an ancestor (a Gateway, a route, or a Gateway that uses a targeted
    /// Service); for one beyond the status's limit, the policy's own.
    public func accepted(ancestor ref: ObjectRef) -> Condition {
        let entry = ancestors.first { $0.ref == ref } ?? NGFPolicyAncestor(ref: ref, conditions: [])
        return statusConditions(entry).first { $0.type == .accepted } ?? Conditions.ngfPolicyAccepted
    }

    /// The Accepted condition for one of its targets: a Gateway's or route's own entry; a Service's through the
    /// Gateways given (those that use it; all its ancestors when none is), True when accepted on any.
    public func accepted(target ref: ObjectRef, gateways: [ObjectRef] = []) -> Condition {
        guard ref.kind == "Service" else { return accepted(ancestor: ref) }
        let through = ancestors.map(\.ref).filter { gateways.isEmpty || gateways.contains($0) }
        let conditions = (through.isEmpty ? ancestors.map(\.ref) : through).map { accepted(ancestor: $0) }
        return conditions.first { $0.status == .true } ?? conditions.first
            ?? statusConditions(NGFPolicyAncestor(ref: ref, conditions: [])).first { $0.type == .accepted }
            ?? Conditions.ngfPolicyAccepted
    }
}
