import GatewayAPI
import GatewayCore
import NginxConfig

/// A route's own findings: not accepted by a parent, a backend that does not resolve, a Service with no endpoints.
enum RouteRules {
    static func findings(_ route: RouteNode, _ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        for parent in route.parents where !parent.accepted {
            let condition = parent.conditions.first
            var finding = Finding(
                .routeNotAccepted, .error, objects: [route.ref.description],
                summary:
                    "not attached to \(parent.parentRef.name)\(parent.parentRef.sectionName.map { "/\($0)" } ?? ""): \(condition?.reason?.rawValue ?? "")",
                evidence: ["Accepted=False \(condition?.reason?.rawValue ?? ""): \(condition?.message ?? "")"],
                fix: notAcceptedFix(route, parent, input))
            finding.covers = [ConditionKey(route.ref.description, .accepted)]
            findings.append(finding)
        }
        for rule in route.rules where rule.dropped == nil {
            for backend in rule.backends {
                if let problem = backend.problem {
                    findings.append(unresolved(problem, backend: backend, route: route, rule: rule.index, input))
                    continue
                }
                guard let service = backend.service, let port = backend.port else { continue }
                if Endpoints.addresses(
                    service: service, port: port, portName: backend.portName, snapshot: input.snapshot
                ).isEmpty && !PodRules.explainsNoEndpoints(service, input) {
                    findings.append(
                        Finding(
                            .noReadyEndpoints, .error, objects: ["Service \(service.namespacedName)"],
                            summary:
                                "requests routed to Service \(service.namespacedName):\(port) get 503: it has no ready endpoints",
                            evidence: ["no ready endpoint in the Service's EndpointSlices"],
                            fix: noEndpointsFix(service, input.dataplane)
                        ))
                }
            }
            for mirror in rule.mirrors {
                guard let problem = mirror.problem else { continue }
                var finding = unresolved(problem, backend: mirror, route: route, rule: rule.index, input)
                finding.severity = .warning
                finding.summary = "requests of this rule are served but not mirrored: RequestMirror: \(problem.message)"
                finding.evidence = ["ResolvedRefs=False \(problem.reason): RequestMirror: \(problem.message)"]
                findings.append(finding)
            }
        }
        return findings
    }

    /// What to do about a parentRef that did not attach, by its reason.
    static func notAcceptedFix(_ route: RouteNode, _ parent: ParentNode, _ input: DoctorInput) -> String {
        let ref = parent.parentRef
        let namespace = ref.namespace ?? route.ref.namespace
        let gateways = input.graph.gateways.map(\.ref)
        let existing = gateways.map(\.namespacedName).joined(separator: ", ")
        switch parent.conditions.first?.reason {
        case .noMatchingParent?:
            let kind = ref.kind ?? Gateway.kind
            let missingGateway =
                kind == Gateway.kind
                && !input.snapshot.gateways.contains {
                    $0.name == ref.name && ($0.metadata.namespace ?? "default") == namespace
                }
            if missingGateway, let className = input.graph.gatewayClasses.first(where: \.ours)?.ref.name {
                return
                    "Gateway \(namespace)/\(ref.name) does not exist. Decide: point parentRefs at an existing Gateway (\(existing.isEmpty ? "none yet" : existing)), or create it:\n"
                    + FixManifests.gateway(
                        ObjectRef(group: Gateway.group, kind: Gateway.kind, namespace: namespace, name: ref.name),
                        className: className)
            }
            return
                "make sectionName (and port) name a listener of \(kind) \(namespace)/\(ref.name) (gwconsole describe \(kind.lowercased()) \(ref.name) -n \(namespace) lists them)"
        case .notAllowedByListeners?:
            return
                "the listener's allowedRoutes refuses this route: allow namespace \(route.ref.namespace) (allowedRoutes.namespaces.from: All, or a Selector) and kind \(route.ref.kind) on it, or attach to another listener"
        case .noMatchingListenerHostname?:
            return
                "give the route a hostname the listener's hostname matches (spec.hostnames), or attach to a listener without one"
        default:
            return "make the parentRef name a listener that allows this route (namespace, kind, hostname)"
        }
    }

    /// What to do about a Service without ready endpoints, by who runs its pods.
    static func noEndpointsFix(_ service: ObjectRef, _ dataplane: DataplaneFacts) -> String {
        if dataplane.managedElsewhere {
            return "check the Service's selector and its pods in the cluster (kubectl get pods -n \(service.namespace))"
        }
        if !dataplane.running {
            return "start the data plane (gwconsole up), which runs the local pods of Deployments"
        }
        return
            "see why its pods are not ready: gwconsole get pods -n \(service.namespace) (ImageNotLocal names an image "
            + "with no local profile); or write an EndpointSlice for your own process"
    }

    /// The finding of a backendRef's ResolvedRefs reason.
    static func code(_ reason: ConditionReason) -> FindingCode {
        switch reason {
        case .refNotPermitted: .backendRefNotPermitted
        case .backendNotFound: .backendNotFound
        default: .backendInvalid
        }
    }

    /// A backendRef that does not resolve: requests for the rule get 500. The fix: the ReferenceGrant that permits
    /// it, the Service port to add, or the Service to create.
    static func unresolved(
        _ problem: (reason: ConditionReason, message: String), backend: BackendNode, route: RouteNode, rule: Int,
        _ input: DoctorInput
    ) -> Finding {
        var fix = "correct the backendRef (group, kind, name, port) to name a Service of this namespace"
        if let service = backend.service {
            switch problem.reason {
            case .refNotPermitted:
                fix =
                    "apply this ReferenceGrant in the Service's namespace (or move the route there):\n"
                    + FixManifests.referenceGrant(from: route.ref.kind, namespace: route.ref.namespace, to: service)
            case .backendNotFound:
                let existing = input.snapshot.service(service.namespace, service.name)
                if let existing, let port = backend.source.port {
                    let ports = (existing.spec?.ports ?? []).map { String($0.port) }.joined(separator: ", ")
                    fix =
                        "Decide: set the backendRef's port to one Service \(service.namespacedName) has (\(ports)), or add port \(port) to the Service (with the targetPort its pods listen on; this one assumes \(port)):\n"
                        + FixManifests.service(service, adding: port, existing: existing)
                } else if existing == nil, let port = backend.source.port {
                    fix =
                        "Decide: correct the backendRef's name, or create Service \(service.namespacedName) (its selector must match your pods' labels; this one selects app: \(service.name)):\n"
                        + FixManifests.service(service, adding: port, existing: nil)
                }
            default:
                break
            }
        }
        var finding = Finding(
            code(problem.reason), .error, objects: ["\(route.ref.description) rule \(rule)"],
            summary: "requests for this rule get 500: \(problem.message)",
            evidence: ["ResolvedRefs=False \(problem.reason): \(problem.message)"],
            fix: fix)
        finding.covers = [ConditionKey(route.ref.description, .resolvedRefs)]
        return finding
    }
}
