import GatewayAPI

/// HTTPRoutes: which listeners each parentRef attaches to, which rules are served, how backends resolve.
enum RouteGraph {
    /// Filters the embedded data plane renders; others make their rule dropped.
    static let supportedFilters: Set<FilterType> = [
        .requestHeaderModifier, .responseHeaderModifier, .requestRedirect, .urlRewrite, .requestMirror, .extensionRef,
        .cors, .externalAuth,
    ]

    static func routes(
        _ snapshot: ResourceSnapshot, _ config: ControllerConfig, gateways: inout [GatewayNode],
        allGateways: [Gateway], filters: [ObjectRef: NGFFilterNode] = [:], references: inout ReferenceIndex
    ) -> [RouteNode] {
        // HTTPRoutes, and GRPCRoutes as the HTTP rules that serve them: one matcher for both kinds.
        let all =
            snapshot.httpRoutes.map { (route: $0, grpc: GRPCRoute?.none, ref: ObjectRef($0)) }
            + snapshot.grpcRoutes.map { (route: GRPCRouteConversion.httpRoute($0), grpc: $0, ref: ObjectRef($0)) }
        let sorted = all.sorted {
            ($0.ref.namespace, $0.ref.name, $0.ref.kind) < ($1.ref.namespace, $1.ref.name, $1.ref.kind)
        }
        var nodes: [RouteNode] = []
        for (route, grpc, ref) in sorted {
            let rules = (route.spec.rules ?? []).enumerated().map { index, rule in
                self.rule(
                    index, rule, route: ref, grpc: grpc?.spec.rules?[index], snapshot: snapshot, config: config,
                    filters: filters, references: &references)
            }
            var parents: [ParentNode] = []
            for (index, parentRef) in (route.spec.parentRefs ?? []).enumerated() {
                let parent = attach(
                    index, parentRef, route: AttachingRoute(route, kind: ref.kind, rules: rules), snapshot: snapshot,
                    gateways: &gateways, allGateways: allGateways, config: config)
                if var parent {
                    if parent.accepted, let ignored = grpc.flatMap(GRPCRules.ignoredFields) {
                        parent.conditions = [
                            Conditions.make(
                                .accepted, true, .unsupportedField,
                                "The following unsupported parameters were ignored: \(ignored)")
                        ]
                    }
                    parents.append(parent)
                    if let gateway = parent.gateway { references.add(ref, gateway) }
                    if parent.parentRef.kind == "ListenerSet" {
                        references.add(
                            ref,
                            ObjectRef(
                                group: Gateway.group, kind: "ListenerSet",
                                namespace: parent.parentRef.namespace ?? ref.namespace, name: parent.parentRef.name))
                    }
                }
            }
            nodes.append(RouteNode(ref: ref, source: route, grpc: grpc, parents: parents, rules: rules))
        }
        // Each listener's attached routes, in route order; a route with two parentRefs to one listener counts once
        // (an HTTPRoute and a GRPCRoute of one name are two routes).
        var attached: [ObjectRef: [String: [ObjectRef]]] = [:]
        var seen = Set<[String]>()
        for node in nodes {
            for parent in node.parents where parent.accepted {
                guard let gateway = parent.gateway else { continue }
                for listener in parent.listeners
                where seen.insert([gateway.namespacedName, listener, node.ref.kind, node.ref.namespacedName]).inserted {
                    attached[gateway, default: [:]][listener, default: []].append(node.ref)
                }
            }
        }
        for g in gateways.indices {
            guard let byListener = attached[gateways[g].ref] else { continue }
            for l in gateways[g].listeners.indices {
                gateways[g].listeners[l].attachedRoutes = byListener[gateways[g].listeners[l].name] ?? []
            }
        }
        return nodes
    }

    /// Attaches one parentRef. Returns nil when the parent belongs to another controller (its status is not ours).
    static func attach(
        _ index: Int, _ given: ParentReference, route: AttachingRoute, snapshot: ResourceSnapshot,
        gateways: inout [GatewayNode], allGateways: [Gateway], config: ControllerConfig
    ) -> ParentNode? {
        var parentRef = given
        parentRef.group = given.group ?? Gateway.group
        parentRef.kind = given.kind ?? "Gateway"
        parentRef.namespace = given.namespace ?? route.namespace
        let namespace = parentRef.namespace!
        // Only Accepted here: ResolvedRefs and PartiallyInvalid follow once policies are known (`finishConditions`).
        func result(_ gateway: ObjectRef?, _ listeners: [String], _ accepted: Condition) -> ParentNode {
            ParentNode(
                index: index, parentRef: parentRef, gateway: gateway, listeners: listeners,
                accepted: accepted.status == .true, conditions: [accepted])
        }
        guard parentRef.group == Gateway.group, parentRef.kind == "Gateway" || parentRef.kind == "ListenerSet" else {
            return result(
                nil, [],
                Conditions.routeNotAccepted(
                    .noMatchingParent,
                    "Parent reference kind \(parentRef.kind!) (group \"\(parentRef.group!)\") is not supported, only Gateway and ListenerSet"
                ))
        }
        // A ListenerSet parent: its Gateway, and only its listeners. A Gateway parent: the Gateway's own listeners.
        var listenerSet: ObjectRef?
        let gatewayIndex: Int
        if parentRef.kind == "ListenerSet" {
            let set = ObjectRef(group: Gateway.group, kind: "ListenerSet", namespace: namespace, name: parentRef.name)
            guard let index = gateways.firstIndex(where: { $0.listenerSets[set] != nil }) else {
                if snapshot.listenerSets.contains(where: { $0.namespace == namespace && $0.name == parentRef.name }) {
                    return nil  // a ListenerSet of another controller's Gateway
                }
                return result(
                    nil, [],
                    Conditions.routeNotAccepted(
                        .noMatchingParent, "ListenerSet \(namespace)/\(parentRef.name) does not exist"))
            }
            guard gateways[index].listenerSets[set] == true else {
                return result(
                    gateways[index].ref, [],
                    Conditions.routeNotAccepted(
                        .invalidListenerSet, "ListenerSet \(namespace)/\(parentRef.name) is not accepted"))
            }
            listenerSet = set
            gatewayIndex = index
        } else {
            guard let index = gateways.firstIndex(where: { $0.ref == .gateway(namespace, parentRef.name) }) else {
                if allGateways.contains(where: { $0.namespace == namespace && $0.name == parentRef.name }) {
                    return nil  // another controller's Gateway
                }
                return result(
                    nil, [],
                    Conditions.routeNotAccepted(
                        .noMatchingParent, "Gateway \(namespace)/\(parentRef.name) does not exist"))
            }
            gatewayIndex = index
        }
        let gateway = gateways[gatewayIndex]
        let parentName = "\(parentRef.kind!) \(namespace)/\(parentRef.name)"
        if !gateway.listeners.contains(where: \.attachable) && !gateway.accepted {
            return result(
                gateway.ref, [],
                Conditions.routeNotAccepted(
                    .noMatchingParent,
                    "Gateway \(gateway.ref.namespacedName) is not accepted, so routes cannot attach to it"))
        }
        var candidates = gateway.listeners.filter { $0.listenerSet == listenerSet }
        if let section = parentRef.sectionName {
            candidates = candidates.filter { $0.source.name == section }
            if candidates.isEmpty {
                return result(
                    gateway.ref, [],
                    Conditions.routeNotAccepted(.noMatchingParent, "\(parentName) has no listener named \"\(section)\"")
                )
            }
        }
        if let port = parentRef.port {
            candidates = candidates.filter { $0.port == port }
            if candidates.isEmpty {
                return result(
                    gateway.ref, [],
                    Conditions.routeNotAccepted(
                        .noMatchingParent,
                        "\(parentName) has no listener on port \(port)\(parentRef.sectionName.map { " named \"\($0)\"" } ?? "")"
                    ))
            }
        }
        let valid = candidates.filter(\.attachable)
        if valid.isEmpty {
            return result(
                gateway.ref, [],
                Conditions.routeNotAccepted(
                    .noMatchingParent,
                    "No valid listener matches this parent reference: \(candidates.map(\.name).joined(separator: ", ")) \(candidates.count == 1 ? "is" : "are") not valid"
                ))
        }
        let allowed = valid.filter { allows($0, route: route, snapshot: snapshot) }
        if allowed.isEmpty {
            return result(
                gateway.ref, [],
                Conditions.routeNotAccepted(
                    .notAllowedByListeners,
                    "The route is not allowed by the allowedRoutes of listener\(valid.count == 1 ? "" : "s") \(valid.map(\.name).joined(separator: ", "))"
                ))
        }
        let routeHosts = route.hostnames
        let matching = allowed.filter { listener in
            routeHosts.isEmpty || routeHosts.contains { HostnameMatching.intersects($0, listener.hostname) }
        }
        if matching.isEmpty {
            return result(
                gateway.ref, [],
                Conditions.routeNotAccepted(
                    .noMatchingListenerHostname,
                    "No listener hostname matches the route's hostnames: listener\(allowed.count == 1 ? "" : "s") \(allowed.map { "\($0.name) (\($0.hostname ?? "any"))" }.joined(separator: ", "))"
                ))
        }
        if let dropped = route.allRulesDropped {
            return result(gateway.ref, [], Conditions.routeNotAccepted(.unsupportedValue, dropped))
        }
        // Listeners get their attached routes after every route is attached (RouteGraph.routes): appending here would
        // copy a listener's list per route.
        return result(gateway.ref, matching.map(\.name), Conditions.routeAccepted)
    }

    /// Whether a listener's allowedRoutes admit the route (namespaces From and kinds).
    static func allows(_ listener: ListenerNode, route: AttachingRoute, snapshot: ResourceSnapshot) -> Bool {
        guard listener.supportedKinds.contains(where: { $0.kind == route.kind }) else { return false }
        let namespaces = listener.source.allowedRoutes?.namespaces
        switch namespaces?.from ?? "Same" {
        case "All": return true
        case "Selector":
            return SelectorMatching.matches(namespaces?.selector, labels: snapshot.namespaceLabels(route.namespace))
        case "Same": return route.namespace == listener.namespace
        default: return false
        }
    }

    /// What attachment reads of a route, whatever its kind.
    struct AttachingRoute {
        var namespace: String
        var kind: String
        /// Its hostnames (HTTPRoute, TLSRoute); empty takes any listener hostname.
        var hostnames: [String]
        /// Why the route is not accepted although a listener takes it (every rule dropped), or nil.
        var allRulesDropped: String?

        init(namespace: String, kind: String, hostnames: [String], allRulesDropped: String? = nil) {
            self.namespace = namespace
            self.kind = kind
            self.hostnames = hostnames
            self.allRulesDropped = allRulesDropped
        }

        init(_ route: HTTPRoute, kind: String, rules: [RuleNode]) {
            let dropped =
                rules.allSatisfy({ $0.dropped != nil }) && !rules.isEmpty
                ? "All rules are invalid: "
                    + rules.compactMap { rule in rule.dropped.map { "rule \(rule.index): \($0)" } }.joined(
                        separator: "; ") : nil
            self.init(
                namespace: route.namespace, kind: kind, hostnames: route.spec.hostnames ?? [],
                allRulesDropped: dropped)
        }
    }

    /// One rule: its filters and its backends.
    static func rule(
        _ index: Int, _ rule: HTTPRouteRule, route: ObjectRef, grpc: GRPCRouteRule? = nil, snapshot: ResourceSnapshot,
        config: ControllerConfig, filters: [ObjectRef: NGFFilterNode] = [:], references: inout ReferenceIndex
    ) -> RuleNode {
        var dropped = grpc.flatMap { GRPCRules.unsupportedMatch($0, rule: index) }
        let unsupported = (rule.filters ?? []).map(\.type).filter { !supportedFilters.contains($0) }
        if dropped == nil, !unsupported.isEmpty {
            dropped =
                "filter type\(unsupported.count == 1 ? "" : "s") \(unsupported.map(\.rawValue).joined(separator: ", ")) \(unsupported.count == 1 ? "is" : "are") not supported"
        }
        let backendFilters = (rule.backendRefs ?? []).flatMap { $0.filters ?? [] }.map(\.type)
        if dropped == nil, !backendFilters.isEmpty {
            dropped = "filters on backendRefs are not supported"
        }
        if dropped == nil, rule.sessionPersistence != nil { dropped = "sessionPersistence is not supported" }
        if dropped == nil, let problem = config.ruleCheck(rule) { dropped = problem }
        let extended = NGFFilterGraph.extensions(
            rule, index: index, route: route, filters: filters, snapshot: snapshot, references: &references
        ) { ref, references in
            backend(0, ref, route: route, snapshot: snapshot, references: &references)
        }
        if dropped == nil { dropped = extended.dropped }
        let backends = (rule.backendRefs ?? []).enumerated().map { backendIndex, ref in
            backend(backendIndex, ref, route: route, snapshot: snapshot, references: &references)
        }
        var mirrors: [BackendNode] = []
        for (mirrorIndex, filter) in (rule.filters ?? []).enumerated() {
            guard filter.type == .requestMirror, let mirror = filter.requestMirror else { continue }
            mirrors.append(
                backend(
                    mirrorIndex, HTTPBackendRef(mirror.backendRef), route: route, snapshot: snapshot,
                    references: &references))
        }
        var node = RuleNode(index: index, source: rule, dropped: dropped, backends: backends, mirrors: mirrors)
        node.extensions = extended.extensions
        // A GRPCRoute's messages keep NGF's lower-case field paths; an HTTPRoute's start with a capital.
        node.filterProblem = extended.unresolved.map {
            route.kind == "HTTPRoute" ? NginxProxyGraph.capitalized($0) : $0
        }
        return node
    }

    static func backend(
        _ index: Int, _ ref: HTTPBackendRef, route: ObjectRef, snapshot: ResourceSnapshot,
        references: inout ReferenceIndex
    ) -> BackendNode {
        let group = ref.group ?? ""
        let kind = ref.kind ?? "Service"
        let namespace = ref.namespace ?? route.namespace
        var node = BackendNode(
            index: index, source: ref, service: nil, port: ref.port, portName: nil, weight: ref.weight ?? 1,
            problem: nil, policy: nil)
        guard group == "", kind == "Service" else {
            node.problem = (
                .invalidKind,
                "Backend \(kind) \(ref.name)\(group.isEmpty ? "" : " (group \(group))") is not supported, only core Services"
            )
            return node
        }
        let service = ObjectRef.service(namespace, ref.name)
        node.service = service
        references.add(route, service)
        guard
            ReferenceGrants.permits(
                snapshot.referenceGrants, fromGroup: route.group, fromKind: route.kind,
                fromNamespace: route.namespace,
                toGroup: "", toKind: "Service", toNamespace: namespace, toName: ref.name)
        else {
            node.problem = (
                .refNotPermitted,
                "Backend Service \(namespace)/\(ref.name) is in another namespace and no ReferenceGrant permits it"
            )
            return node
        }
        guard let svc = snapshot.service(namespace, ref.name) else {
            node.problem = (.backendNotFound, "Backend Service \(namespace)/\(ref.name) does not exist")
            return node
        }
        if svc.spec?.type == "ExternalName" {
            node.problem = (
                "UnsupportedValue",
                "Backend Service \(namespace)/\(ref.name) is of type ExternalName, which is not supported"
            )
            return node
        }
        guard let port = ref.port else {
            node.problem = ("UnsupportedValue", "Backend Service \(namespace)/\(ref.name) needs a port")
            return node
        }
        guard let servicePort = (svc.spec?.ports ?? []).first(where: { $0.port == port }) else {
            let ports = (svc.spec?.ports ?? []).map { String($0.port) }.joined(separator: ", ")
            node.problem = (
                .backendNotFound,
                "Backend Service \(namespace)/\(ref.name) has no port \(port) (ports: \(ports.isEmpty ? "none" : ports))"
            )
            return node
        }
        node.portName = servicePort.name
        return node
    }

    /// Completes each parent's conditions once backends know their policies: ResolvedRefs, then PartiallyInvalid.
    static func finishConditions(_ routes: inout [RouteNode]) {
        for r in routes.indices {
            let resolved = resolvedRefs(routes[r].rules)
            let partial = partiallyInvalid(routes[r].rules)
            for p in routes[r].parents.indices {
                routes[r].parents[p].conditions.append(resolved)
                if routes[r].parents[p].accepted, let partial { routes[r].parents[p].conditions.append(partial) }
            }
        }
    }

    static func resolvedRefs(_ rules: [RuleNode]) -> Condition {
        for rule in rules where rule.dropped == nil {
            if let problem = rule.filterProblem { return Conditions.routeInvalidFilter(problem) }
            for backend in rule.backends {
                if let problem = backend.problem { return Conditions.routeNotResolved(problem.reason, problem.message) }
            }
            for mirror in rule.mirrors {
                if let problem = mirror.problem {
                    return Conditions.routeNotResolved(problem.reason, "RequestMirror: " + problem.message)
                }
            }
        }
        return Conditions.routeResolvedRefs
    }

    static func partiallyInvalid(_ rules: [RuleNode]) -> Condition? {
        let dropped = rules.filter { $0.dropped != nil }
        guard !dropped.isEmpty, dropped.count < rules.count else { return nil }
        return Conditions.routePartiallyInvalid(
            "Dropped Rule(s): " + dropped.map { "rule \($0.index): \($0.dropped!)" }.joined(separator: "; "))
    }
}
