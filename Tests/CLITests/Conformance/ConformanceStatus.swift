import Foundation

/// Statuses as the suite's helpers read them (`conformance/utils/kubernetes/helpers.go`), from `gwconsole get -o
/// json`. Each check returns nil when it holds, else what it saw.
struct ConformanceStatus {
    typealias Object = [String: Any]
    let controllerName: String
    let read: (String, String, String) throws -> Object?

    static func conditions(_ value: Any?) -> [Object] { value as? [Object] ?? [] }

    /// findConditionInList: type, then status and reason unless empty.
    static func has(_ expected: ExpectedCondition, in conditions: [Object]) -> Bool {
        conditions.contains { condition in
            condition["type"] as? String == expected.type
                && (expected.status.map { $0.isEmpty || condition["status"] as? String == $0 } ?? true)
                && (expected.reason.map { $0.isEmpty || condition["reason"] as? String == $0 } ?? true)
        }
    }

    static func describe(_ conditions: [Object]) -> String {
        conditions.map { "\($0["type"] ?? "?")=\($0["status"] ?? "?")/\($0["reason"] ?? "?")" }.joined(separator: ", ")
    }

    static func generation(_ object: Object) -> Int {
        (object["metadata"] as? Object)?["generation"] as? Int ?? 0
    }

    /// ConditionsHaveLatestObservedGeneration.
    static func stale(_ object: Object, _ conditions: [Object]) -> String? {
        let generation = generation(object)
        let old = conditions.filter { ($0["observedGeneration"] as? Int ?? -1) != generation }
        return old.isEmpty ? nil : "conditions \(describe(old)) observed an older generation than \(generation)"
    }

    func gateway(_ name: ObjectName) throws -> Object? { try read("gateway", name.namespace, name.name) }

    func listenerSet(_ name: ObjectName) throws -> Object? { try read("listenerset", name.namespace, name.name) }

    /// The route's parent status for a Gateway (or a ListenerSet: `kind`) of its controller, matched as
    /// parentsForRouteMatch does.
    func parents(of route: Object, gateway: ObjectName, kind: String = "Gateway", namespaceRequired: Bool) -> [Object] {
        let parents = (route["status"] as? Object)?["parents"] as? [Object] ?? []
        return parents.filter { parent in
            guard parent["controllerName"] as? String == controllerName,
                let ref = parent["parentRef"] as? Object,
                ref["group"] as? String == "gateway.networking.k8s.io", ref["kind"] as? String == kind,
                ref["name"] as? String == gateway.name
            else { return false }
            let namespace = ref["namespace"] as? String
            return namespace == gateway.namespace || (!namespaceRequired && namespace == nil)
        }
    }

    /// GatewayAndHTTPRoutesMustBeAccepted.
    func accepted(_ step: ConformanceStep.Accepted) throws -> String? {
        guard let gw = try gateway(step.gateway) else { return "Gateway \(step.gateway) not found" }
        let status = gw["status"] as? Object ?? [:]
        if let stale = Self.stale(gw, Self.conditions(status["conditions"])) {
            return "Gateway \(step.gateway): \(stale)"
        }
        let addresses = status["addresses"] as? [Object] ?? []
        guard addresses.contains(where: { $0["type"] != nil }) else { return "Gateway \(step.gateway) has no address" }
        let kind = step.kind ?? "HTTPRoute"
        if let problem = try routesAccepted(step.routes ?? [], kind: kind, parent: step.gateway, parentKind: "Gateway")
        {
            return problem
        }
        // GatewayAndTLSRoutesMustBeAccepted checks no listener; the HTTP, TCP and UDP helpers check every one.
        if kind == "TLSRoute" { return nil }
        let required = ["ResolvedRefs", "Accepted", "Programmed"].map {
            ExpectedCondition(type: $0, status: "True", reason: nil)
        }
        return listenerMismatch(gw, listener: nil, required)
    }

    /// RoutesAndParentMustBeAccepted's RouteMustHaveParents: each route has a parent status for the parent (its
    /// namespace required when the route is in another one) with Accepted=True/Accepted.
    func routesAccepted(_ routes: [ObjectName], kind: String, parent: ObjectName, parentKind: String) throws -> String?
    {
        for name in routes {
            guard let route = try read(kind.lowercased(), name.namespace, name.name) else {
                return "\(kind) \(name) not found"
            }
            let parents = parents(
                of: route, gateway: parent, kind: parentKind, namespaceRequired: name.namespace != parent.namespace)
            let accepted = ExpectedCondition(type: "Accepted", status: "True", reason: "Accepted")
            guard parents.contains(where: { Self.has(accepted, in: Self.conditions($0["conditions"])) }) else {
                let seen = parents.map { Self.describe(Self.conditions($0["conditions"])) }
                return "\(kind) \(name) is not Accepted by \(parentKind) \(parent): "
                    + (seen.isEmpty ? "no parent status" : seen.joined(separator: "; "))
            }
        }
        return nil
    }

    /// RoutesAndParentMustBeAccepted with a ListenerSet: the routes accepted by it, then every listener of its
    /// status with ResolvedRefs, Accepted and Programmed True (ListenerSetListenersMustHaveConditions).
    func listenerSetAccepted(_ step: ConformanceStep.ListenerSetAccepted) throws -> String? {
        if let problem = try routesAccepted(
            step.routes ?? [], kind: step.kind ?? "HTTPRoute", parent: step.listenerSet, parentKind: "ListenerSet")
        {
            return problem
        }
        let required = ["ResolvedRefs", "Accepted", "Programmed"].map {
            ExpectedCondition(type: $0, status: "True", reason: nil)
        }
        return try listenerSetListenerConditions(
            .init(listenerSet: step.listenerSet, listener: nil, listeners: nil, conditions: required))
    }

    /// ListenerSetMustHaveCondition: its conditions at its generation, one of them as expected.
    func listenerSetCondition(_ step: ConformanceStep.ListenerSetCondition) throws -> String? {
        guard let set = try listenerSet(step.listenerSet) else { return "ListenerSet \(step.listenerSet) not found" }
        let conditions = Self.conditions((set["status"] as? Object)?["conditions"])
        if let stale = Self.stale(set, conditions) { return "ListenerSet \(step.listenerSet): \(stale)" }
        return Self.has(step.condition, in: conditions)
            ? nil : "ListenerSet \(step.listenerSet): expected \(step.condition), got \(Self.describe(conditions))"
    }

    /// ListenerSetListenersMustHaveConditions: its conditions at its generation; each listener of its status (only
    /// the named ones, when names are given) has every condition, and every named listener has a status.
    func listenerSetListenerConditions(_ step: ConformanceStep.ListenerSetListenerConditions) throws -> String? {
        guard let set = try listenerSet(step.listenerSet) else { return "ListenerSet \(step.listenerSet) not found" }
        let status = set["status"] as? Object ?? [:]
        if let stale = Self.stale(set, Self.conditions(status["conditions"])) {
            return "ListenerSet \(step.listenerSet): \(stale)"
        }
        let names = step.listener.map { [$0] } ?? step.listeners ?? []
        var missing = Set(names)
        for listener in status["listeners"] as? [Object] ?? [] {
            let name = listener["name"] as? String ?? ""
            if !names.isEmpty, !names.contains(name) { continue }
            let conditions = Self.conditions(listener["conditions"])
            for condition in step.conditions where !Self.has(condition, in: conditions) {
                return "ListenerSet \(step.listenerSet) listener \(name): expected \(condition), got "
                    + Self.describe(conditions)
            }
            missing.remove(name)
        }
        return missing.isEmpty
            ? nil
            : "ListenerSet \(step.listenerSet): no status for listener \(missing.sorted().joined(separator: ", "))"
    }

    /// ListenerSetStatusMustHaveListeners: its conditions at its generation, and exactly these listener statuses.
    func listenerSetListeners(_ step: ConformanceStep.ListenerSetListeners) throws -> String? {
        guard let set = try listenerSet(step.listenerSet) else { return "ListenerSet \(step.listenerSet) not found" }
        let status = set["status"] as? Object ?? [:]
        if let stale = Self.stale(set, Self.conditions(status["conditions"])) {
            return "ListenerSet \(step.listenerSet): \(stale)"
        }
        return Self.listenersMismatch(status["listeners"] as? [Object] ?? [], step.listeners).map {
            "ListenerSet \(step.listenerSet): \($0)"
        }
    }

    /// GatewayMustHaveAttachedListeners: the Gateway's conditions at its generation, and
    /// status.attachedListenerSets (absent: 0) the count.
    func attachedListenerSets(_ step: ConformanceStep.AttachedListenerSets) throws -> String? {
        guard let gw = try gateway(step.gateway) else { return "Gateway \(step.gateway) not found" }
        let status = gw["status"] as? Object ?? [:]
        if let stale = Self.stale(gw, Self.conditions(status["conditions"])) {
            return "Gateway \(step.gateway): \(stale)"
        }
        let attached = status["attachedListenerSets"] as? Int ?? 0
        return attached == step.count
            ? nil : "Gateway \(step.gateway): expected \(step.count) attached ListenerSets, got \(attached)"
    }

    /// GatewayListenersMustHaveConditions: every listener (or the named ones) has each condition.
    func listenerMismatch(_ gw: Object, listener names: [String]?, _ expected: [ExpectedCondition]) -> String? {
        let listeners = (gw["status"] as? Object)?["listeners"] as? [Object] ?? []
        let specListeners = ((gw["spec"] as? Object)?["listeners"] as? [Object] ?? []).compactMap {
            $0["name"] as? String
        }
        for name in names ?? specListeners {
            guard let status = listeners.first(where: { $0["name"] as? String == name }) else {
                return "listener \(name) has no status"
            }
            let conditions = Self.conditions(status["conditions"])
            for condition in expected where !Self.has(condition, in: conditions) {
                return "listener \(name): expected \(condition), got \(Self.describe(conditions))"
            }
        }
        return nil
    }

    func routeCondition(_ step: ConformanceStep.RouteCondition) throws -> String? {
        let kind = step.kind ?? "HTTPRoute"
        guard let route = try read(kind.lowercased(), step.route.namespace, step.route.name) else {
            return "\(kind) \(step.route) not found"
        }
        guard let parent = step.listenerSet ?? step.gateway else {
            return "the step names no parent (gateway or listenerSet)"
        }
        let parentKind = step.listenerSet == nil ? "Gateway" : "ListenerSet"
        let parents = parents(of: route, gateway: parent, kind: parentKind, namespaceRequired: false)
        guard !parents.isEmpty else {
            return "\(kind) \(step.route) has no parent status for \(parentKind) \(parent)"
        }
        let conditions = parents.flatMap { Self.conditions($0["conditions"]) }
        if let stale = Self.stale(route, conditions) { return "\(kind) \(step.route): \(stale)" }
        return Self.has(step.condition, in: conditions)
            ? nil : "\(kind) \(step.route): expected \(step.condition), got \(Self.describe(conditions))"
    }

    func routeParents(_ step: ConformanceStep.RouteParents) throws -> String? {
        let kind = step.kind ?? "HTTPRoute"
        guard let route = try read(kind.lowercased(), step.route.namespace, step.route.name) else {
            return "\(kind) \(step.route) not found"
        }
        let actual = (route["status"] as? Object)?["parents"] as? [Object] ?? []
        for parent in step.parents {
            let matched = actual.contains { candidate in
                guard let ref = candidate["parentRef"] as? Object else { return false }
                guard candidate["controllerName"] as? String == (parent.controllerName ?? controllerName),
                    ref["group"] as? String == (parent.group ?? "gateway.networking.k8s.io"),
                    ref["kind"] as? String == (parent.kind ?? "Gateway"), ref["name"] as? String == parent.name
                else { return false }
                let namespace = ref["namespace"] as? String
                if namespace != parent.namespace, step.namespaceRequired == true || namespace != nil { return false }
                let conditions = Self.conditions(candidate["conditions"])
                return (parent.conditions ?? []).allSatisfy { Self.has($0, in: conditions) }
            }
            if !matched {
                let seen = actual.map { candidate -> String in
                    let ref = candidate["parentRef"] as? Object ?? [:]
                    return "\(ref["namespace"] ?? "-")/\(ref["name"] ?? "?")[\(ref["sectionName"] ?? "")]: "
                        + Self.describe(Self.conditions(candidate["conditions"]))
                }
                return "\(kind) \(step.route): no parent status \(parent.name) with "
                    + "\((parent.conditions ?? []).map(\.description).joined(separator: ", ")); got \(seen)"
            }
        }
        return nil
    }

    func routeNotAccepted(_ step: ConformanceStep.RouteRef) throws -> String? {
        let kind = step.kind ?? "HTTPRoute"
        guard let route = try read(kind.lowercased(), step.route.namespace, step.route.name) else {
            return "\(kind) \(step.route) not found"
        }
        // HTTPRouteMustHaveNoAcceptedParents: no parents, or exactly one with Accepted=False at the route's
        // generation (every apply here is reconciled before it returns, so an empty status is final).
        let actual = (route["status"] as? Object)?["parents"] as? [Object] ?? []
        if actual.isEmpty { return nil }
        guard actual.count == 1 else { return "\(kind) \(step.route) has \(actual.count) parent statuses, not one" }
        let conditions = Self.conditions(actual[0]["conditions"])
        if let stale = Self.stale(route, conditions) { return "\(kind) \(step.route): \(stale)" }
        return Self.has(ExpectedCondition(type: "Accepted", status: "False", reason: nil), in: conditions)
            ? nil : "\(kind) \(step.route): expected Accepted=False, got \(Self.describe(conditions))"
    }

    func gatewayCondition(_ step: ConformanceStep.GatewayCondition) throws -> String? {
        guard let gw = try gateway(step.gateway) else { return "Gateway \(step.gateway) not found" }
        let conditions = Self.conditions((gw["status"] as? Object)?["conditions"])
        if let stale = Self.stale(gw, conditions) { return "Gateway \(step.gateway): \(stale)" }
        return Self.has(step.condition, in: conditions)
            ? nil : "Gateway \(step.gateway): expected \(step.condition), got \(Self.describe(conditions))"
    }

    func gatewayClassCondition(_ step: ConformanceStep.GatewayClassCondition) throws -> String? {
        guard let gwc = try read("gatewayclass", "", step.gatewayClass) else {
            return "GatewayClass \(step.gatewayClass) not found"
        }
        let conditions = Self.conditions((gwc["status"] as? Object)?["conditions"])
        if let stale = Self.stale(gwc, conditions) { return "GatewayClass \(step.gatewayClass): \(stale)" }
        return Self.has(step.condition, in: conditions)
            ? nil : "GatewayClass \(step.gatewayClass): expected \(step.condition), got \(Self.describe(conditions))"
    }

    /// GatewayStatusMustHaveListeners: the same listeners, kinds a subset, attached routes and conditions.
    func listeners(_ step: ConformanceStep.Listeners) throws -> String? {
        guard let gw = try gateway(step.gateway) else { return "Gateway \(step.gateway) not found" }
        let status = gw["status"] as? Object ?? [:]
        if let stale = Self.stale(gw, Self.conditions(status["conditions"])) {
            return "Gateway \(step.gateway): \(stale)"
        }
        return Self.listenersMismatch(status["listeners"] as? [Object] ?? [], step.listeners).map {
            "Gateway \(step.gateway): \($0)"
        }
    }

    /// gatewayListenersMatch and listenerSetListenersMatch: as many statuses as expected, each expected one with
    /// its kinds (a subset; none when none are expected), its attached routes and its conditions.
    static func listenersMismatch(_ actual: [Object], _ expected: [ConformanceStep.Listeners.Listener]) -> String? {
        guard actual.count == expected.count else {
            return "expected \(expected.count) listener statuses, got \(actual.count): "
                + actual.map { $0["name"] as? String ?? "?" }.joined(separator: ", ")
        }
        for listener in expected {
            guard let found = actual.first(where: { $0["name"] as? String == listener.name }) else {
                return "listener \(listener.name) has no status"
            }
            let kinds = (found["supportedKinds"] as? [Object] ?? []).map {
                "\(($0["group"] as? String) ?? "gateway.networking.k8s.io")/\($0["kind"] as? String ?? "")"
            }
            if (listener.supportedKinds ?? []).isEmpty, !kinds.isEmpty {
                return "listener \(listener.name): expected no supported kinds, got \(kinds)"
            }
            for kind in listener.supportedKinds ?? [] {
                let wanted = "\(kind.group ?? "gateway.networking.k8s.io")/\(kind.kind)"
                if !kinds.contains(wanted) { return "listener \(listener.name): \(wanted) not in \(kinds)" }
            }
            let attached = found["attachedRoutes"] as? Int ?? 0
            if attached != (listener.attachedRoutes ?? 0) {
                return
                    "listener \(listener.name): expected \(listener.attachedRoutes ?? 0) attached routes, got \(attached)"
            }
            let conditions = Self.conditions(found["conditions"])
            for condition in listener.conditions ?? [] where !Self.has(condition, in: conditions) {
                return "listener \(listener.name): expected \(condition), got \(Self.describe(conditions))"
            }
        }
        return nil
    }

    func listenerConditions(_ step: ConformanceStep.ListenerConditions) throws -> String? {
        guard let gw = try gateway(step.gateway) else { return "Gateway \(step.gateway) not found" }
        let names = step.listener.map { [$0] } ?? step.listeners
        return listenerMismatch(gw, listener: names, step.conditions).map { "Gateway \(step.gateway): \($0)" }
    }

    /// BackendTLSPolicyMustHaveCondition: the policy's ancestor status for the Gateway.
    func policyCondition(_ step: ConformanceStep.PolicyCondition) throws -> String? {
        guard let policy = try read("backendtlspolicy", step.policy.namespace, step.policy.name) else {
            return "BackendTLSPolicy \(step.policy) not found"
        }
        let ancestors = (policy["status"] as? Object)?["ancestors"] as? [Object] ?? []
        let mine = ancestors.filter { ancestor in
            let ref = ancestor["ancestorRef"] as? Object ?? [:]
            return ancestor["controllerName"] as? String == controllerName
                && ref["name"] as? String == step.gateway.name
                && ((ref["namespace"] as? String) ?? step.policy.namespace) == step.gateway.namespace
        }
        let conditions = mine.flatMap { Self.conditions($0["conditions"]) }
        if let stale = Self.stale(policy, conditions) { return "BackendTLSPolicy \(step.policy): \(stale)" }
        return Self.has(step.condition, in: conditions)
            ? nil
            : "BackendTLSPolicy \(step.policy) for \(step.gateway): expected \(step.condition), got "
                + (mine.isEmpty ? "no ancestor status" : Self.describe(conditions))
    }

    /// Every condition the object's status carries observed its current generation.
    func observedGeneration(_ step: ConformanceStep.ObjectRef) throws -> String? {
        guard let object = try read(step.kind.lowercased(), step.namespace ?? "", step.name) else {
            return "\(step.kind) \(step.name) not found"
        }
        let status = object["status"] as? Object ?? [:]
        var conditions = Self.conditions(status["conditions"])
        for list in ["listeners", "parents", "ancestors"] {
            for entry in status[list] as? [Object] ?? [] { conditions += Self.conditions(entry["conditions"]) }
        }
        guard !conditions.isEmpty else { return "\(step.kind) \(step.name) has no conditions" }
        return Self.stale(object, conditions).map { "\(step.kind) \(step.name): \($0)" }
    }
}
