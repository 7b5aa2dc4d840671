import GatewayAPI
import GatewayCore

/// One condition the core computed for an object, named as findings name objects.
public struct ObjectCondition: Sendable, Equatable {
    /// "Gateway default/gw", "Gateway default/gw listener https", "HTTPRoute default/app", …
    public var object: String
    public var ref: ObjectRef
    /// Whose status entry it is, when the object has several (a route's parent, a policy's ancestor).
    public var entry: String?
    public var condition: Condition

    public init(object: String, ref: ObjectRef, entry: String? = nil, condition: Condition) {
        self.object = object
        self.ref = ref
        self.entry = entry
        self.condition = condition
    }

    public var key: ConditionKey { ConditionKey(object, condition.type) }
}

/// Completeness by construction: every condition the core computes that is not healthy is a finding, through a
/// specific rule where one exists (it covers the condition) and through this general one otherwise.
public enum ConditionRules {
    /// Every condition of every object in scope: GatewayClasses of this controller, Gateways and their listeners,
    /// ListenerSets, routes of each kind (per parent), BackendTLSPolicies, NGF's policies (per ancestor) and
    /// filters, and cert-manager Certificates.
    public static func inventory(_ input: DoctorInput) -> [ObjectCondition] {
        let graph = input.graph
        var all: [ObjectCondition] = []
        func add(_ ref: ObjectRef, _ conditions: [Condition], object: String? = nil, entry: String? = nil) {
            guard input.inScope(ref) else { return }
            for condition in conditions {
                all.append(
                    ObjectCondition(object: object ?? ref.description, ref: ref, entry: entry, condition: condition))
            }
        }
        for node in graph.gatewayClasses where node.ours { add(node.ref, node.conditions) }
        for gateway in graph.gateways {
            add(gateway.ref, gateway.conditions)
            for listener in gateway.listeners {
                add(
                    listener.listenerSet ?? gateway.ref, listener.conditions,
                    object: DoctorRules.listenerObject(listener, gateway: gateway))
            }
        }
        for set in graph.listenerSets { add(set.ref, set.conditions) }
        let scoped = Set(input.routesInScope.map(\.ref) + input.l4RoutesInScope.map(\.ref))
        for route in graph.routes where scoped.contains(route.ref) {
            for parent in route.parents { add(route.ref, parent.conditions, entry: parentName(parent.parentRef)) }
        }
        for route in graph.l4Routes where scoped.contains(route.ref) {
            for parent in route.parents { add(route.ref, parent.conditions, entry: parentName(parent.parentRef)) }
        }
        for policy in graph.policies {
            add(policy.ref, policy.conditions, entry: policy.ancestors.first.map { "Gateway \($0.namespacedName)" })
        }
        for policy in graph.ngfPolicies {
            for ancestor in policy.ancestors {
                add(policy.ref, policy.statusConditions(ancestor), entry: ancestor.ref.description)
            }
        }
        for filter in graph.ngfFilters { add(filter.ref, filter.conditions) }
        for certificate in input.snapshot.certificates {
            let ref = ObjectRef(
                group: Certificate.group, kind: Certificate.kind, namespace: certificate.namespace ?? "",
                name: certificate.name)
            add(ref, certificate.status?.conditionList ?? [])
        }
        return all
    }

    /// The unhealthy conditions of `inventory` that none of `findings` covers. A finding covers what its `covers`
    /// names; one without covers, every condition of the object it names first, and a rule's finding ("HTTPRoute
    /// ns/app rule 0") its route's ResolvedRefs. Objects a finding names only for context cover nothing.
    public static func uncovered(_ inventory: [ObjectCondition], by findings: [Finding]) -> [ObjectCondition] {
        var explicit: Set<ConditionKey> = []
        var whole: Set<String> = []
        var rules: Set<String> = []
        for finding in findings where finding.code != .requestsFailing {
            guard finding.covers.isEmpty else {
                explicit.formUnion(finding.covers)
                continue
            }
            guard let object = finding.objects.first else { continue }
            whole.insert(object)
            if let range = object.range(of: " rule ") { rules.insert(String(object[..<range.lowerBound])) }
        }
        func covered(_ item: ObjectCondition) -> Bool {
            explicit.contains(item.key) || explicit.contains(ConditionKey(item.object, nil))
                || whole.contains(item.object)
                || (item.condition.type == .resolvedRefs && rules.contains(item.object))
        }
        let unhealthy = inventory.filter { !$0.condition.isHealthy }
        let derived = Derived(unhealthy)
        return unhealthy.filter { !covered($0) && !derived.contains($0) }
    }

    /// Conditions that only repeat another's problem: a Gateway's ListenersNotValid (its listeners say why), a
    /// listener's or ListenerSet's Programmed=False beside an unhealthy Accepted or ResolvedRefs, a policy's
    /// Programmed=False beside its Accepted=False, Programmed=False Pending (the data plane's state).
    struct Derived {
        /// Gateways ("Gateway ns/name") with an unhealthy listener.
        var gatewaysWithBadListeners: Set<String> = []
        /// Objects (and status entries) with an unhealthy condition other than Programmed.
        var otherwiseUnhealthy: Set<String> = []

        init(_ unhealthy: [ObjectCondition]) {
            for item in unhealthy {
                if let range = item.object.range(of: " listener "), item.ref.kind == Gateway.kind {
                    gatewaysWithBadListeners.insert(String(item.object[..<range.lowerBound]))
                }
                if item.condition.type != .programmed {
                    otherwiseUnhealthy.insert(item.object + "\u{0}" + (item.entry ?? ""))
                }
            }
        }

        func contains(_ item: ObjectCondition) -> Bool {
            let condition = item.condition
            if condition.reason == .listenersNotValid, item.ref.kind == Gateway.kind,
                gatewaysWithBadListeners.contains(item.object)
            {
                return true
            }
            guard condition.type == .programmed else { return false }
            // Waiting for the data plane: DataplaneDown says so when it is stopped, and it passes once it serves.
            if condition.reason == .pending { return true }
            return otherwiseUnhealthy.contains(item.object + "\u{0}" + (item.entry ?? ""))
        }
    }

    /// The general rule's findings: per object (and status entry), its uncovered conditions.
    public static func findings(_ uncovered: [ObjectCondition]) -> [Finding] {
        var order: [String] = []
        var groups: [String: [ObjectCondition]] = [:]
        for item in uncovered {
            let key = item.object + "\u{0}" + (item.entry ?? "")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        return order.map { key in
            let items = groups[key]!
            let first = items[0]
            let severity: Severity = items.contains { severe($0.condition) } ? .error : .warning
            let lines = items.map { describe($0.condition) }
            let reasons = items.compactMap(\.condition.reason)
            var finding = Finding(
                .unhealthyCondition, severity, objects: [first.object],
                summary: (first.entry.map { "for \($0): " } ?? "") + lines[0],
                evidence: lines.map { $0 } + (first.entry.map { ["status entry: \($0)"] } ?? []),
                fix: advice(reasons.first, ref: first.ref))
            finding.covers = items.map(\.key)
            return finding
        }
    }

    /// Accepted, Programmed, ResolvedRefs or Ready False (the object, or part of it, does not work), or a conflict.
    static func severe(_ condition: Condition) -> Bool {
        switch condition.type {
        case .accepted, .programmed, .resolvedRefs, .ready: return condition.status == .false
        case .conflicted: return condition.status == .true
        default: return false
        }
    }

    /// `ResolvedRefs=False BackendNotFound: RequestMirror: Backend Service default/audit-sink does not exist`.
    public static func describe(_ condition: Condition) -> String {
        "\(condition.type)=\(condition.status) \(condition.reason?.rawValue ?? "")"
            + (condition.message.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
    }

    /// What to do about a reason, where no specific rule knows more; otherwise what to decide and where to look.
    static func advice(_ reason: ConditionReason?, ref: ObjectRef) -> String {
        let describe =
            "gwconsole describe \(ref.kind.lowercased()) \(ref.name)"
            + (ref.namespace.isEmpty ? "" : " -n \(ref.namespace)")
        switch reason {
        case .refNotPermitted?:
            return
                "create a ReferenceGrant in the referenced object's namespace that allows \(ref.kind) from \(ref.namespace) (the message names the object)"
        case .backendNotFound?:
            return "create the Service (and port) the message names, or correct the reference to one that exists"
        case .invalidKind?:
            return "reference a kind this controller supports (a core Service for backends)"
        case .noMatchingParent?:
            return "correct parentRefs to name a Gateway (and listener) that exists; \(describe)"
        case .notAllowedByListeners?:
            return "allow this namespace and kind in the listener's allowedRoutes, or attach to a listener that does"
        case .noMatchingListenerHostname?:
            return "give the route a hostname that the listener's hostname matches, or attach to another listener"
        case .unsupportedValue?, .unsupportedField?, .unsupportedProtocol?, .invalid?:
            return "change the field the message names to a value this controller supports; \(describe)"
        case .targetNotFound?:
            return "create the object spec.targetRefs names, or correct targetRefs"
        case .conflicted?, .targetConflict?, .overridden?, .hostnameConflict?, .protocolConflict?:
            return
                "decide which of the conflicting objects should win and change or delete the other (the older one wins); \(describe)"
        case .nginxProxyConfigNotSet?:
            return "configure what the message names in the NginxProxy of the Gateway or its class"
        case .invalidFilter?:
            return "create or correct the filter the message names"
        case .invalidCertificateRef?, .invalidCACertificateRef?, .noValidCACertificate?:
            return "create the certificate or CA object the message names with valid PEM data, or correct the reference"
        case .invalidParameters?, .parametersRefInvalid?, .parametersRefNotFound?:
            return "create the parameters object (NginxProxy) the message names, or correct parametersRef"
        case .pending?:
            return "what it waits for is in the message; \(describe)"
        default:
            return "\(describe) shows the condition; the message says what to change"
        }
    }

    static func parentName(_ parent: ParentReference) -> String {
        let kind = parent.kind ?? "Gateway"
        let namespace = parent.namespace.map { "\($0)/" } ?? ""
        return "\(kind) \(namespace)\(parent.name)" + (parent.sectionName.map { " listener \($0)" } ?? "")
    }
}
