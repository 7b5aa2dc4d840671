import GatewayAPI

/// NGF's policies as NGF's graph processes them: targets resolved (a policy with none left is not processed and
/// gets no status), validated as NGF's validators do, conflicts (the older policy wins, the later is invalid for
/// all its targets), ancestors (the Gateway, the route itself, or the Gateways that use a Service), the
/// `<Kind>Affected` condition on targets, and the valid policies attached to what they target.
enum NGFPolicyGraph {
    static func policies(
        _ snapshot: ResourceSnapshot, _ config: ControllerConfig, gateways: inout [GatewayNode],
        routes: inout [RouteNode], servicePolicies: inout [ObjectRef: [ObjectRef]], references: inout ReferenceIndex
    ) -> [NGFPolicyNode] {
        var nodes = collect(snapshot, config)
        guard !nodes.isEmpty, !gateways.isEmpty else { return [] }
        let gatewayIndex = Dictionary(gateways.enumerated().map { ($1.ref, $0) }, uniquingKeysWith: { a, _ in a })
        let routeIndex = Dictionary(
            routes.enumerated().filter { $1.parents.contains { $0.gateway != nil } }.map { ($1.ref, $0) },
            uniquingKeysWith: { a, _ in a })
        let serviceGateways = gatewaysByService(routes)
        let proxies = NginxProxyGraph.effective(snapshot, gateways: gateways)

        // Targets that exist in the graph; a policy with none is not processed.
        var locations: LocationIndex?
        nodes = nodes.compactMap { node in
            var node = node
            node.targets = targetRefs(node).compactMap { target -> ObjectRef? in
                // A kind the policy cannot take (stored past the CRD's rules) is no target.
                guard node.kind.targetKinds.contains(target.kind) else { return nil }
                switch target.kind {
                case "Gateway" where target.group == Gateway.group:
                    let ref = ObjectRef.gateway(node.ref.namespace, target.name)
                    return gatewayIndex[ref] != nil ? ref : nil
                case "HTTPRoute", "GRPCRoute":
                    guard target.group == Gateway.group else { return nil }
                    let ref = ObjectRef(
                        group: Gateway.group, kind: target.kind, namespace: node.ref.namespace, name: target.name)
                    return routeIndex[ref] != nil ? ref : nil
                case "Service" where target.group == "" || target.group == "core":
                    let ref = ObjectRef.service(node.ref.namespace, target.name)
                    return serviceGateways[ref] != nil ? ref : nil
                default: return nil
                }
            }
            guard !node.targets.isEmpty else { return nil }
            for target in node.targets { references.add(node.ref, target) }
            if let conflict = overlap(node.targets, index: &locations, routes: routes, gateways: gateways) {
                node.valid = false
                node.conditions.append(Conditions.make(.accepted, false, .targetConflict, conflict))
            }
            let problems = NGFPolicyValidation.problems(node)
            if !problems.isEmpty {
                node.valid = false
                node.conditions.append(Conditions.ngfPolicyInvalid(aggregate(problems)))
            }
            return node
        }
        markConflicts(&nodes)

        for index in nodes.indices {
            let kind = nodes[index].kind
            let others =
                (nodes[index].previousStatus?.ancestors ?? []).filter { $0.controllerName != config.controllerName }
                .count
            for target in nodes[index].targets {
                var ancestorConditions: [Condition] = []
                switch target.kind {
                case "Gateway":
                    let g = gatewayIndex[target]!
                    if let affected = Conditions.ngfPolicyAffected(kind) { addCondition(affected, to: &gateways[g]) }
                    // The status list is full (16 entries with other controllers'): NGF neither lists nor applies it.
                    if others + nodes[index].ancestors.count >= maxAncestors {
                        limitReached(nodes[index], &gateways[g].conditions)
                        continue
                    }
                    if !gateways[g].accepted {
                        ancestorConditions.append(Conditions.ngfPolicyTargetNotFound("The TargetRef is invalid"))
                    } else if let refused = globalSettings(kind, proxy: proxies[target]) {
                        ancestorConditions.append(refused)
                    } else if nodes[index].valid {
                        gateways[g].policies.append(nodes[index].ref)
                    }
                    nodes[index].ancestors.append(NGFPolicyAncestor(ref: target, conditions: ancestorConditions))
                case "HTTPRoute", "GRPCRoute":
                    let r = routeIndex[target]!
                    if others + nodes[index].ancestors.count >= maxAncestors {
                        for p in routes[r].parents.indices where routes[r].parents[p].gateway != nil {
                            limitReached(nodes[index], &routes[r].parents[p].conditions)
                        }
                        continue
                    }
                    let parentGateways = Set(routes[r].parents.filter(\.accepted).compactMap(\.gateway))
                    if parentGateways.isEmpty {
                        ancestorConditions.append(Conditions.ngfPolicyTargetNotFound("The TargetRef is invalid"))
                    } else {
                        let refusals = parentGateways.compactMap { globalSettings(kind, proxy: proxies[$0]) }
                        ancestorConditions += refusals.prefix(1)
                        if nodes[index].valid && refusals.count < parentGateways.count {
                            routes[r].policies.append(nodes[index].ref)
                        }
                    }
                    if let affected = Conditions.ngfPolicyAffected(kind) {
                        for p in routes[r].parents.indices where routes[r].parents[p].gateway != nil {
                            if !routes[r].parents[p].conditions.contains(where: { $0.type == affected.type }) {
                                routes[r].parents[p].conditions.append(affected)
                            }
                        }
                    }
                    nodes[index].ancestors.append(NGFPolicyAncestor(ref: target, conditions: ancestorConditions))
                default:
                    // A Service: the Gateways whose routes use it, those already in status first.
                    let ordered = PolicyGraph.ancestorOrder(
                        (serviceGateways[target] ?? []).compactMap { gatewayIndex[$0] }.map { gateways[$0] },
                        previous: nodes[index].previousStatus?.ancestors ?? [], controllerName: config.controllerName)
                    for gateway in ordered where !nodes[index].ancestors.contains(where: { $0.ref == gateway.ref }) {
                        let conditions =
                            gateway.accepted
                            ? [] : [Conditions.ngfPolicyTargetNotFound("The Parent Gateway is invalid")]
                        nodes[index].ancestors.append(NGFPolicyAncestor(ref: gateway.ref, conditions: conditions))
                    }
                    if nodes[index].valid && ordered.contains(where: \.accepted) {
                        servicePolicies[target, default: []].append(nodes[index].ref)
                    }
                }
            }
            // (Service targets: at most 16 entries with other controllers'.)
            nodes[index].ancestors = Array(nodes[index].ancestors.prefix(max(0, maxAncestors - others)))
        }
        externalAuthBodyLimits(&routes, nodes)
        return nodes
    }

    /// An ExternalAuth filter's `forwardBody.maxSize` and a ClientSettingsPolicy's `body.maxSize` on the route would
    /// both set the rule's body limit: as NGF, the rule answers 500 and says which (ResolvedRefs InvalidFilter).
    static func externalAuthBodyLimits(_ routes: inout [RouteNode], _ nodes: [NGFPolicyNode]) {
        for r in routes.indices where !routes[r].policies.isEmpty {
            let limiting = routes[r].policies.compactMap { ref in nodes.first { $0.ref == ref } }.first { node in
                if case .clientSettings(let spec) = node.spec { return spec.body?.maxSize != nil }
                return false
            }
            guard let limiting else { continue }
            for u in routes[r].rules.indices where routes[r].rules[u].filterProblem == nil {
                let forwards = routes[r].rules[u].extensions.contains { item in
                    if case .externalAuth(let auth, _) = item {
                        return (auth.forwardBody?["maxSize"]?.intValue ?? 0) > 0
                    }
                    return false
                }
                if forwards {
                    routes[r].rules[u].filterProblem =
                        "ExternalAuth forwardBody.maxSize conflicts with ClientSettingsPolicy \(limiting.ref.namespacedName) body.maxSize"
                }
            }
        }
    }

    /// A policy status holds at most 16 ancestors, other controllers' included.
    static let maxAncestors = 16

    /// NGF's AncestorLimitReached on a target whose policy could not be listed: the target's Accepted condition
    /// says so, naming each policy ignored.
    static func limitReached(_ policy: NGFPolicyNode, _ conditions: inout [Condition]) {
        let name = "\(policy.kind.rawValue) \(policy.ref.namespacedName)"
        if let index = conditions.firstIndex(where: { $0.reason == .ancestorLimitReached }) {
            conditions[index].message = (conditions[index].message ?? "") + ", " + name
            return
        }
        let condition = Conditions.make(
            .accepted, false, .ancestorLimitReached,
            "Policies cannot be applied because the ancestor status list has reached the maximum size. The following policies have been ignored: \(name)"
        )
        if let index = conditions.firstIndex(where: { $0.type == .accepted }) {
            conditions[index] = condition
        } else {
            conditions.append(condition)
        }
    }

    /// Every NGF policy of the snapshot as a node, in namespace/name order within its kind.
    static func collect(_ snapshot: ResourceSnapshot, _ config: ControllerConfig) -> [NGFPolicyNode] {
        func node<T: KubeResource>(_ object: T, _ kind: NGFPolicyKind, _ spec: NGFPolicySpec, _ status: PolicyStatus?)
            -> NGFPolicyNode
        {
            NGFPolicyNode(
                ref: ObjectRef(object), kind: kind, spec: spec, metadata: object.metadata, previousStatus: status,
                targets: [], valid: true, conditions: [], ancestors: [])
        }
        var nodes: [NGFPolicyNode] = []
        nodes += snapshot.clientSettingsPolicies.map { node($0, .clientSettings, .clientSettings($0.spec), $0.status) }
        nodes += snapshot.proxySettingsPolicies.map { node($0, .proxySettings, .proxySettings($0.spec), $0.status) }
        nodes += snapshot.upstreamSettingsPolicies.map {
            node($0, .upstreamSettings, .upstreamSettings($0.spec), $0.status)
        }
        nodes += snapshot.rateLimitPolicies.map { node($0, .rateLimit, .rateLimit($0.spec), $0.status) }
        nodes += snapshot.observabilityPolicies.map { node($0, .observability, .observability($0.spec), $0.status) }
        // SnippetsPolicies are read only with snippets enabled, as NGF watches them only with --snippets.
        if config.snippets {
            nodes += snapshot.snippetsPolicies.map { node($0, .snippets, .snippets($0.spec), $0.status) }
        }
        nodes += snapshot.wafPolicies.map { node($0, .waf, .waf($0.spec), $0.status) }
        return nodes.sorted {
            ($0.kind.rawValue, $0.ref.namespace, $0.ref.name) < ($1.kind.rawValue, $1.ref.namespace, $1.ref.name)
        }
    }

    static func targetRefs(_ node: NGFPolicyNode) -> [LocalPolicyTargetReference] {
        switch node.spec {
        case .clientSettings(let spec): return [spec.targetRef]
        case .proxySettings(let spec): return spec.targetRefs
        case .upstreamSettings(let spec): return spec.targetRefs
        case .rateLimit(let spec): return spec.targetRefs
        case .observability(let spec): return spec.targetRefs
        case .snippets(let spec): return spec.targetRefs
        case .waf(let spec):
            return (spec["targetRefs"]?.arrayValue ?? []).map {
                LocalPolicyTargetReference(
                    group: $0["group"]?.stringValue ?? "", kind: $0["kind"]?.stringValue ?? "",
                    name: $0["name"]?.stringValue ?? "")
            }
        }
    }

    /// NGF's settings that need the data plane's support: ObservabilityPolicy needs telemetry (an OpenTelemetry
    /// module the embedded NGINX does not load), WAFPolicy needs WAF enabled in the NginxProxy (NGINX Plus with App
    /// Protect). Nil when the policy may attach.
    static func globalSettings(_ kind: NGFPolicyKind, proxy: NginxProxySpec?) -> Condition? {
        switch kind {
        case .observability:
            guard let proxy else {
                return Conditions.ngfPolicyNginxProxyNotSet(
                    "The NginxProxy configuration is either invalid or not attached to the GatewayClass")
            }
            let endpoint = proxy.telemetry?["exporter"]?["endpoint"]?.stringValue
            let disabled = (proxy.telemetry?["disabledFeatures"]?.arrayValue ?? []).contains {
                $0.stringValue == "DisableTracing"
            }
            if endpoint == nil || disabled {
                return Conditions.ngfPolicyNginxProxyNotSet("Telemetry is not enabled in the NginxProxy resource")
            }
            return Conditions.ngfPolicyNginxProxyNotSet(
                "Tracing needs NGINX's OpenTelemetry module (ngx_otel_module), which the embedded data plane does not have"
            )
        case .waf:
            if proxy?.waf?["enable"]?.boolValue == true {
                return Conditions.ngfPolicyNginxProxyNotSet("WAF requires NGINX Plus with App Protect")
            }
            return Conditions.ngfPolicyNginxProxyNotSet("WAF is not enabled in NginxProxy")
        default: return nil
        }
    }

    /// Policies of a kind on the same target: by creation time (then namespace/name), a later one that sets a field
    /// an earlier valid one sets is Conflicted, and invalid for all its targets.
    static func markConflicts(_ nodes: inout [NGFPolicyNode]) {
        struct Key: Hashable {
            var kind: NGFPolicyKind
            var target: ObjectRef
        }
        var groups: [Key: [Int]] = [:]
        for (index, node) in nodes.enumerated() where node.valid {
            for target in Set(node.targets) { groups[Key(kind: node.kind, target: target), default: []].append(index) }
        }
        for key in groups.keys.sorted(by: { ($0.kind.rawValue, $0.target) < ($1.kind.rawValue, $1.target) }) {
            let ordered = groups[key]!.sorted { a, b in
                let ta = nodes[a].metadata.creationTimestamp ?? ""
                let tb = nodes[b].metadata.creationTimestamp ?? ""
                return ta != tb ? ta < tb : nodes[a].ref.namespacedName < nodes[b].ref.namespacedName
            }
            for (i, a) in ordered.enumerated() where nodes[a].valid {
                for b in ordered.dropFirst(i + 1) where nodes[b].valid {
                    if NGFPolicyValidation.conflicts(nodes[a].spec, nodes[b].spec) {
                        nodes[b].valid = false
                        nodes[b].conditions.append(Conditions.ngfPolicyConflicted(nodes[b].kind))
                    }
                }
            }
        }
    }

    /// Each route's locations as NGF keys them (`gwNs/gw:hostname:port/path`), and the routes that share each key.
    struct LocationIndex {
        var keys: [ObjectRef: Set<String>] = [:]
        var routes: [String: [ObjectRef]] = [:]

        init(_ routes: [RouteNode], gateways: [GatewayNode]) {
            let gatewayByRef = Dictionary(gateways.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
            for route in routes where route.parents.contains(where: \.accepted) {
                var result = Set<String>()
                for parent in route.parents where parent.accepted {
                    guard let ref = parent.gateway, let gateway = gatewayByRef[ref] else { continue }
                    for listener in gateway.listeners where parent.listeners.contains(listener.name) {
                        let routeHosts = route.source.spec.hostnames ?? []
                        let hosts =
                            routeHosts.isEmpty
                            ? [listener.hostname ?? "*"]
                            : routeHosts.compactMap { host -> String? in
                                guard let both = HostnameMatching.intersection(listener.hostname, host) else {
                                    return nil
                                }
                                return both ?? "*"
                            }
                        for rule in route.rules where rule.dropped == nil {
                            let paths = (rule.source.matches ?? []).map { $0.path?.value ?? "/" }
                            for host in hosts {
                                for path in paths.isEmpty ? ["/"] : paths {
                                    result.insert("\(ref.namespacedName):\(host):\(listener.port)\(path)")
                                }
                            }
                        }
                    }
                }
                keys[route.ref] = result
                for key in result { self.routes[key, default: []].append(route.ref) }
            }
        }
    }

    /// NGF's route overlap check: a policy on a route whose Gateway, hostname, port and path another route (one the
    /// policy does not target) also serves cannot apply (its locations would be shared). The first collision's
    /// message, or nil. The index is built on first use.
    static func overlap(
        _ targets: [ObjectRef], index: inout LocationIndex?, routes: [RouteNode], gateways: [GatewayNode]
    ) -> String? {
        let routeTargets = Set(targets.filter { $0.kind == "HTTPRoute" || $0.kind == "GRPCRoute" })
        guard !routeTargets.isEmpty else { return nil }
        if index == nil { index = LocationIndex(routes, gateways: gateways) }
        for target in targets where routeTargets.contains(target) {
            for key in (index!.keys[target] ?? []).sorted() {
                if let other = index!.routes[key]?.first(where: { !routeTargets.contains($0) }) {
                    return
                        "Policy cannot be applied to target \"\(target.namespacedName)\" since another Route \"\(other.namespacedName)\" shares a namespace/gateway-name:hostname:port/path combination with this target"
                }
            }
        }
        return nil
    }

    /// Which Gateways send traffic to each Service (through accepted routes and served rules).
    static func gatewaysByService(_ routes: [RouteNode]) -> [ObjectRef: Set<ObjectRef>] {
        var result: [ObjectRef: Set<ObjectRef>] = [:]
        for route in routes {
            let parents = Set(route.parents.filter(\.accepted).compactMap(\.gateway))
            guard !parents.isEmpty else { continue }
            for rule in route.rules where rule.dropped == nil {
                for backend in rule.backends + rule.mirrors {
                    guard let service = backend.service else { continue }
                    result[service, default: []].formUnion(parents)
                }
            }
        }
        return result
    }

    static func addCondition(_ condition: Condition, to gateway: inout GatewayNode) {
        if !gateway.conditions.contains(where: { $0.type == condition.type }) { gateway.conditions.append(condition) }
    }

    /// Kubernetes' aggregate of field errors: one as itself, several as `[e1, e2]`.
    static func aggregate(_ problems: [String]) -> String {
        var unique: [String] = []
        for problem in problems where !unique.contains(problem) { unique.append(problem) }
        return unique.count == 1 ? unique[0] : "[" + unique.joined(separator: ", ") + "]"
    }
}
