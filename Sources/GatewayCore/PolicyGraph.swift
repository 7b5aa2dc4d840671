import GatewayAPI

/// BackendTLSPolicies: validation, CA resolution, conflicts, ancestors and the policy in effect per backend.
enum PolicyGraph {
    /// How many CA certificate references are supported: one, as NGF supports.
    static let maxCACertificateRefs = 1

    static func policies(
        _ snapshot: ResourceSnapshot, _ config: ControllerConfig, gateways: [GatewayNode],
        routes: inout [RouteNode], references: inout ReferenceIndex
    ) -> [PolicyNode] {
        var nodes = snapshot.backendTLSPolicies.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }.map {
            policy in
            node(policy, snapshot: snapshot, config: config, references: &references)
        }
        markConflicts(&nodes)
        assignAncestors(&nodes, gateways: gateways, routes: routes, controllerName: config.controllerName)
        applyToBackends(nodes, routes: &routes)
        return nodes
    }

    static func node(
        _ policy: BackendTLSPolicy, snapshot: ResourceSnapshot, config: ControllerConfig,
        references: inout ReferenceIndex
    ) -> PolicyNode {
        let ref = ObjectRef(policy)
        let validation = policy.spec.validation
        var invalid: String?
        var targets: [ObjectRef] = []
        for (index, target) in policy.spec.targetRefs.enumerated() {
            if target.group != "" || target.kind != "Service" {
                invalid =
                    invalid
                    ?? "spec.targetRefs[\(index)]: \(target.kind) \(target.name) cannot be targeted, only core Services"
                continue
            }
            let service = ObjectRef.service(policy.namespace, target.name)
            targets.append(service)
            references.add(ref, service)
        }
        if validation.hostname.isEmpty || NameRules.dns1123Subdomain(validation.hostname) != nil
            || validation.hostname.hasPrefix("*")
            || IPAddress.isValid(validation.hostname)
        {
            invalid =
                invalid
                ?? "Invalid hostname: validation.hostname \"\(validation.hostname)\" must be a hostname, not a wildcard or an IP address"
        }
        let refs = validation.caCertificateRefs ?? []
        if !refs.isEmpty && validation.wellKnownCACertificates != nil {
            invalid = invalid ?? "CACertificateRefs and WellKnownCACertificates are mutually exclusive"
        } else if refs.isEmpty && validation.wellKnownCACertificates == nil {
            invalid = invalid ?? "Either CACertificateRefs or WellKnownCACertificates must be specified"
        }
        if let known = validation.wellKnownCACertificates, known != "System" {
            invalid = invalid ?? "Invalid WellKnownCACertificates: \"\(known)\" is not supported, only \"System\""
        }
        if refs.count > maxCACertificateRefs {
            invalid =
                invalid
                ?? "validation.caCertificateRefs: Too many: \(refs.count): must have at most \(maxCACertificateRefs) item"
        }

        // CA references: kind, existence, ca.crt, PEM.
        var resolved = Conditions.policyResolvedRefs
        var bundle: [String] = []
        for ref in refs {
            let kindOK = ref.group == "" && (ref.kind == "ConfigMap" || ref.kind == "Secret")
            if !kindOK {
                if resolved.status == .true {
                    resolved = Conditions.policyInvalidKind(
                        "CA certificate reference \(ref.kind) \(ref.name) must be a ConfigMap or a Secret")
                }
                continue
            }
            let target = ObjectRef(group: "", kind: ref.kind, namespace: policy.namespace, name: ref.name)
            references.add(ObjectRef(policy), target)
            let data: String?
            let exists: Bool
            if ref.kind == "ConfigMap" {
                let cm = snapshot.configMap(policy.namespace, ref.name)
                exists = cm != nil
                data = cm?.data?["ca.crt"]
            } else {
                let secret = snapshot.secret(policy.namespace, ref.name)
                exists = secret != nil
                data = secret?.data?["ca.crt"].flatMap(Base64.decode).map { String(decoding: $0, as: UTF8.self) }
            }
            let problem: String?
            if !exists {
                problem = "\(ref.kind) \(policy.namespace)/\(ref.name) does not exist"
            } else if let data, !data.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problem = config.certificateCheck(data).map {
                    "\(ref.kind) \(policy.namespace)/\(ref.name) key ca.crt: \($0)"
                }
            } else {
                problem = "\(ref.kind) \(policy.namespace)/\(ref.name) has no ca.crt or it is empty"
            }
            if let problem {
                if resolved.status == .true { resolved = Conditions.policyInvalidCARef(problem) }
            } else if let data {
                bundle.append(data.hasSuffix("\n") ? data : data + "\n")
            }
        }
        var accepted = Conditions.policyAccepted
        if let invalid {
            accepted = Conditions.policyInvalid(invalid)
        } else if !refs.isEmpty && bundle.isEmpty {
            accepted = Conditions.policyNoValidCA("No valid CACertificateRef found: \(resolved.message ?? "")")
        }
        let valid = accepted.status == .true
        return PolicyNode(
            ref: ref, source: policy, valid: valid, conflicted: false, conditions: [accepted, resolved], ancestors: [],
            caCertificates: bundle.isEmpty ? nil : bundle.joined(), targets: targets)
    }

    /// Target keys: a Service and an optional section (port name).
    struct TargetKey: Hashable {
        var service: ObjectRef
        var section: String?
    }

    static func targetKeys(_ node: PolicyNode) -> [TargetKey] {
        node.source.spec.targetRefs.filter { $0.group == "" && $0.kind == "Service" }.map {
            TargetKey(service: .service(node.ref.namespace, $0.name), section: $0.sectionName)
        }
    }

    /// Precedence: the oldest creationTimestamp, then namespace/name.
    static func precedes(_ a: PolicyNode, _ b: PolicyNode) -> Bool {
        let ta = a.source.metadata.creationTimestamp ?? ""
        let tb = b.source.metadata.creationTimestamp ?? ""
        if ta != tb { return ta < tb }
        return a.ref.namespacedName < b.ref.namespacedName
    }

    /// For each target, the first by precedence wins; the others are Conflicted.
    static func markConflicts(_ nodes: inout [PolicyNode]) {
        var byTarget: [TargetKey: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for key in Set(targetKeys(node)) { byTarget[key, default: []].append(index) }
        }
        for (key, indices) in byTarget where indices.count > 1 {
            let ordered = indices.sorted { precedes(nodes[$0], nodes[$1]) }
            let winner = nodes[ordered[0]].ref
            for loser in ordered.dropFirst() where !nodes[loser].conflicted {
                nodes[loser].conflicted = true
                let section = key.section.map { " port \($0)" } ?? ""
                let message =
                    "Conflicts with BackendTLSPolicy \(winner.namespacedName), which targets Service \(key.service.namespacedName)\(section) and takes precedence (older)"
                if nodes[loser].conditions[0].status == .true {
                    nodes[loser].conditions[0] = Conditions.policyConflicted(message)
                }
            }
        }
    }

    /// The policy in effect for a Service port: a policy naming the port (sectionName) wins over one naming the Service only.
    static func effective(_ nodes: [PolicyNode], service: ObjectRef, portName: String?) -> PolicyNode? {
        effective(PolicyIndex(nodes), service: service, portName: portName)
    }

    /// Policies by the Service port they target, so each backend finds its policy without a scan.
    struct PolicyIndex {
        var byKey: [TargetKey: [PolicyNode]] = [:]
        init(_ nodes: [PolicyNode]) {
            for node in nodes {
                for key in Set(targetKeys(node)) { byKey[key, default: []].append(node) }
            }
        }
    }

    static func effective(_ index: PolicyIndex, service: ObjectRef, portName: String?) -> PolicyNode? {
        func winner(section: String?) -> PolicyNode? {
            index.byKey[TargetKey(service: service, section: section)]?.sorted(by: precedes).first
        }
        if let portName, let specific = winner(section: portName) { return specific }
        return winner(section: nil)
    }

    /// Ancestors: the Gateways whose accepted routes send traffic to a targeted Service port. As NGF orders them:
    /// Gateways already listed first, then new ones, each by creation time; with other controllers' entries, at most 16.
    static func assignAncestors(
        _ nodes: inout [PolicyNode], gateways: [GatewayNode], routes: [RouteNode], controllerName: String
    ) {
        // Which Gateways send traffic to each Service port (through accepted routes and rules that are not dropped).
        var gatewaysByTarget: [TargetKey: Set<ObjectRef>] = [:]
        for route in routes {
            let parents = Set(route.parents.filter(\.accepted).compactMap(\.gateway))
            guard !parents.isEmpty else { continue }
            for rule in route.rules where rule.dropped == nil {
                for backend in rule.backends {
                    guard let service = backend.service else { continue }
                    gatewaysByTarget[TargetKey(service: service, section: nil), default: []].formUnion(parents)
                    if let portName = backend.portName {
                        gatewaysByTarget[TargetKey(service: service, section: portName), default: []].formUnion(parents)
                    }
                }
            }
        }
        for index in nodes.indices {
            let keys = targetKeys(nodes[index])
            let previous = nodes[index].source.status?.ancestors ?? []
            let others = previous.filter { $0.controllerName != controllerName }.count
            let sending = keys.reduce(into: Set<ObjectRef>()) { $0.formUnion(gatewaysByTarget[$1] ?? []) }
            let ordered = ancestorOrder(
                gateways.filter { sending.contains($0.ref) }, previous: previous, controllerName: controllerName)
            nodes[index].ancestors = Array(ordered.prefix(max(0, 16 - others)).map(\.ref))
        }
    }

    /// Gateways in the order a policy's status lists them, as NGF orders them: those this controller already lists
    /// first, then the others, each by creation time, then namespace/name.
    static func ancestorOrder(_ gateways: [GatewayNode], previous: [PolicyAncestorStatus], controllerName: String)
        -> [GatewayNode]
    {
        let existing = Set(
            previous.filter { $0.controllerName == controllerName }.map {
                "\($0.ancestorRef.namespace ?? "")/\($0.ancestorRef.name)"
            })
        return gateways.sorted { a, b in
            let ea = existing.contains(a.ref.namespacedName)
            let eb = existing.contains(b.ref.namespacedName)
            if ea != eb { return ea }
            let ta = a.source.metadata.creationTimestamp ?? ""
            let tb = b.source.metadata.creationTimestamp ?? ""
            return ta != tb ? ta < tb : a.ref.namespacedName < b.ref.namespacedName
        }
    }

    /// Records the policy in effect on every backend; an invalid one makes the backend unresolved.
    static func applyToBackends(_ nodes: [PolicyNode], routes: inout [RouteNode]) {
        let index = PolicyIndex(nodes)
        for r in routes.indices {
            for u in routes[r].rules.indices {
                for b in routes[r].rules[u].backends.indices {
                    let backend = routes[r].rules[u].backends[b]
                    guard let service = backend.service, backend.problem == nil,
                        let policy = effective(index, service: service, portName: backend.portName)
                    else { continue }
                    routes[r].rules[u].backends[b].policy = policy.ref
                    if !policy.valid {
                        let reason = policy.conditions.first { $0.status == .false }?.message ?? "it is invalid"
                        routes[r].rules[u].backends[b].problem = (
                            "UnsupportedValue",
                            "The BackendTLSPolicy \(policy.ref.namespacedName) for Service \(service.namespacedName) is invalid: \(reason)"
                        )
                    }
                }
            }
        }
    }
}
