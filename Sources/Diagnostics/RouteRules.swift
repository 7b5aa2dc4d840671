import GatewayAPI
import GatewayCore
import NginxConfig

/// A route's own findings: not accepted by a parent, a backend that does not resolve, a Service with no endpoints.
enum RouteRules {
    static func findings(_ route: RouteNode, _ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        for parent in route.parents where !parent.accepted {
            let condition = parent.conditions.first
            findings.append(
                Finding(
                    .routeNotAccepted, .error, objects: [route.ref.description],
                    summary:
                        "not attached to \(parent.parentRef.name)\(parent.parentRef.sectionName.map { "/\($0)" } ?? ""): \(condition?.reason?.rawValue ?? "")",
                    evidence: ["Accepted=False \(condition?.reason?.rawValue ?? ""): \(condition?.message ?? "")"],
                    fix: "make the parentRef name a listener that allows this route (namespace, kind, hostname)"))
        }
        for rule in route.rules where rule.dropped == nil {
            for backend in rule.backends {
                if let problem = backend.problem {
                    findings.append(unresolved(problem, route: route, rule: rule.index))
                    continue
                }
                guard let service = backend.service, let port = backend.port else { continue }
                if Endpoints.addresses(
                    service: service, port: port, portName: backend.portName, snapshot: input.snapshot
                ).isEmpty {
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
        }
        return findings
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

    /// A backendRef that does not resolve: requests for the rule get 500.
    static func unresolved(_ problem: (reason: ConditionReason, message: String), route: RouteNode, rule: Int)
        -> Finding
    {
        let permitted = problem.reason != .refNotPermitted
        return Finding(
            code(problem.reason), .error, objects: ["\(route.ref.description) rule \(rule)"],
            summary: "requests for this rule get 500: \(problem.message)",
            evidence: ["ResolvedRefs=False \(problem.reason): \(problem.message)"],
            fix: permitted
                ? "create the Service and port the route names, or correct the backendRef"
                : "create a ReferenceGrant in the Service's namespace from HTTPRoute in \(route.ref.namespace)")
    }
}
