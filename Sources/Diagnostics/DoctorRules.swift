import GatewayAPI
import GatewayCore

/// What doctor's rules read: the graph and the objects it was built from, the data plane's record, and what the
/// probes observed (the shell runs them first; the rules do no I/O).
public struct DoctorInput: Sendable {
    public var graph: Graph
    public var snapshot: ResourceSnapshot
    public var dataplane: DataplaneFacts
    /// By route: what its probes saw (routes not probed have none, and get no backend findings).
    public var observations: [ObjectRef: RouteObservation]
    /// Only objects of this namespace (nil: all).
    public var namespace: String?
    /// Only these routes' checks (nil: every route in the namespace).
    public var routes: Set<ObjectRef>?

    public init(
        graph: Graph, snapshot: ResourceSnapshot, dataplane: DataplaneFacts,
        observations: [ObjectRef: RouteObservation] = [:],
        namespace: String?, routes: Set<ObjectRef>? = nil
    ) {
        self.graph = graph
        self.snapshot = snapshot
        self.dataplane = dataplane
        self.observations = observations
        self.namespace = namespace
        self.routes = routes
    }

    func inScope(_ ref: ObjectRef) -> Bool { namespace == nil || ref.namespace == namespace }

    /// The routes whose checks run: in the namespace, and among `routes` when given.
    public var routesInScope: [RouteNode] {
        graph.routes.filter { inScope($0.ref) && routes?.contains($0.ref) != false }
    }

    /// The TLSRoutes, TCPRoutes and UDPRoutes whose checks run.
    public var l4RoutesInScope: [L4RouteNode] {
        graph.l4Routes.filter { inScope($0.ref) && routes?.contains($0.ref) != false }
    }
}

/// Doctor's rules: findings, each with evidence and the fix, as pure functions of `DoctorInput`.
public enum DoctorRules {
    /// Every finding, in the order the rules produce them (`Finding.ordered` sorts them for display).
    public static func findings(_ input: DoctorInput) -> [Finding] {
        var findings = dataplaneFindings(input) + gatewayFindings(input)
        for route in input.routesInScope {
            findings += RouteRules.findings(route, input)
            if let observation = input.observations[route.ref] {
                findings += BackendRules.findings(route, observation, input)
            }
        }
        for route in input.l4RoutesInScope { findings += L4RouteRules.findings(route, input) }
        return findings + PolicyRules.findings(input)
    }

    static func dataplaneFindings(_ input: DoctorInput) -> [Finding] {
        guard !input.dataplane.running else { return [] }
        return [
            Finding(
                .dataplaneDown, .warning, objects: ["data plane"],
                summary: "the embedded data plane is not running, so no Gateway serves traffic",
                evidence: ["gwconsole status: data plane stopped"], fix: "gwconsole up")
        ]
    }

    static func gatewayFindings(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        for gateway in input.graph.gateways where input.inScope(gateway.ref) {
            let name = gateway.ref.namespacedName
            if input.dataplane.running, let facts = input.dataplane.gateways[name] {
                if !facts.programmed, !facts.message.isEmpty {
                    findings.append(
                        Finding(
                            .configRejected, .error, objects: ["Gateway \(name)"],
                            summary:
                                "the last change to this Gateway's config was not applied; the last good config keeps serving",
                            evidence: [facts.message],
                            fix:
                                "correct the object named in nginx's message; gwconsole config history shows the attempts"
                        ))
                }
                // The last thing that happened to this Gateway's nginx was a restart after its master died.
                if let last = facts.lastChange, last.wasRestart {
                    findings.append(
                        Finding(
                            .dataplaneRestarted, .warning, objects: ["Gateway \(name)"],
                            summary:
                                "this Gateway's nginx master was not running and was restarted (its workers kept serving)",
                            evidence: [
                                "generation \(last.generation) at \(last.time): \(last.trigger): \(last.result)",
                                "nginx error log: \(facts.errorLog)",
                            ],
                            fix:
                                "find why nginx stopped (a signal, the OOM killer: the system log and the error log above); the next config change clears this"
                        ))
                }
            }
            for listener in gateway.listeners where listener.valid && listener.attachedRoutes.isEmpty {
                let host = listener.hostname ?? "any host"
                let http = listener.protocol == .http || listener.protocol == .https
                let kind = listener.supportedKinds.first?.kind ?? "HTTPRoute"
                findings.append(
                    Finding(
                        .noRouteForHost, .warning, objects: ["Gateway \(name) listener \(listener.name)"],
                        summary: http
                            ? "no route is attached to listener \(listener.name): requests for \(host) on port \(listener.port) get 404"
                            : "no route is attached to \(listener.protocol) listener \(listener.name): connections to port \(listener.port) are closed",
                        evidence: ["attachedRoutes: 0"],
                        fix:
                            "attach a\(http ? "n" : "") \(kind): parentRefs [{name: \(gateway.ref.name), sectionName: \(listener.name)}]"
                            + (http || listener.protocol == .tls ? " with matching hostnames" : "")))
            }
            for listener in gateway.listeners where !listener.valid {
                let failing =
                    listener.conditions.first { !$0.isHealthy && $0.type != .programmed }
                    ?? listener.conditions.first { !$0.isHealthy }
                findings.append(
                    Finding(
                        .listenerNotProgrammed, .error, objects: ["Gateway \(name) listener \(listener.name)"],
                        summary: "listener \(listener.name) does not serve: \(failing?.reason?.rawValue ?? "")",
                        evidence: listener.conditions.map {
                            "\($0.type)=\($0.status.rawValue) \($0.reason?.rawValue ?? ""): \($0.message ?? "")"
                        },
                        fix: "see describe gateway \(gateway.ref.name); \(failing?.message ?? "")"))
            }
        }
        return findings
    }
}
