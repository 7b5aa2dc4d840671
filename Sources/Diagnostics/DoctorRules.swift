import Foundation
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
    /// By GRPCRoute: its gRPC call through the Gateway and to its endpoints.
    public var grpcObservations: [ObjectRef: GRPCRouteObservation] = [:]
    /// Only objects of this namespace (nil: all).
    public var namespace: String?
    /// Only these routes' checks (nil: every route in the namespace).
    public var routes: Set<ObjectRef>?
    /// NGF's `--snippets` as the graph was built with (`ControllerConfig.snippets`); nil: inferred from the graph.
    public var snippets: Bool? = nil
    /// The local pods (their status as the workload manager wrote it).
    public var pods: [Pod] = []
    /// The Gateways' recent requests (the shell reads the last minutes of the request logs).
    public var requests: [RequestRecord] = []
    /// The last lines of each Gateway's nginx error log, by `ns/name`.
    public var errorLogs: [String: [String]] = [:]
    /// Where the user's image map lives, and the command of this program's echo server (a stand-in for an image
    /// with no local profile).
    public var imageMapFile = "~/.config/gwconsole/config.yaml"
    public var echoServerCommand = ["gwconsole", "echo-server"]
    /// The certificates the Gateways depend on (listener Secrets, BackendTLSPolicy CAs), read by the shell.
    public var certificateFacts: [CertificateFact] = []
    /// Now, and the time to judge certificates at (`doctor --at`; nil: now).
    public var now = Date()
    public var at: Date? = nil

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

    /// Whether SnippetsFilters and SnippetsPolicies are read: `snippets` when given, else what the graph shows (a
    /// SnippetsFilter of the store has a node only with snippets on; a SnippetsPolicy on one of this controller's
    /// Gateways likewise). With nothing to tell by, on.
    public var snippetsEnabled: Bool {
        if let snippets { return snippets }
        if !snapshot.snippetsFilters.isEmpty { return graph.ngfFilters.contains { $0.ref.kind == SnippetsFilter.kind } }
        if graph.ngfPolicies.contains(where: { $0.kind == .snippets }) { return true }
        let onOurGateway = snapshot.snippetsPolicies.contains { policy in
            (policy.spec.targetRefs).contains {
                $0.kind == Gateway.kind && graph.gateway(.gateway(policy.namespace, $0.name)) != nil
            }
        }
        return !onOurGateway
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
        var findings =
            dataplaneFindings(input) + gatewayFindings(input) + PodRules.findings(input)
            + CertificateRules.findings(input)
        for route in input.routesInScope {
            findings += RouteRules.findings(route, input)
            if let observation = input.observations[route.ref] {
                findings += BackendRules.findings(route, observation, input)
            }
            if let observation = input.grpcObservations[route.ref] {
                findings += GRPCRouteRules.findings(route, observation)
            }
        }
        for route in input.l4RoutesInScope { findings += L4RouteRules.findings(route, input) }
        findings += PolicyRules.findings(input) + NGFPolicyRules.findings(input) + ExpiryRules.findings(input)
        findings += TrafficRules.findings(input, besides: findings)
        return findings
            + ConditionRules.findings(ConditionRules.uncovered(ConditionRules.inventory(input), by: findings))
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
                let section = listener.source.name
                let parent =
                    listener.listenerSet.map { "{kind: ListenerSet, name: \($0.name), sectionName: \(section)}" }
                    ?? "{name: \(gateway.ref.name), sectionName: \(section)}"
                findings.append(
                    Finding(
                        .noRouteForHost, .warning, objects: [listenerObject(listener, gateway: gateway)],
                        summary: http
                            ? "no route is attached to listener \(section): requests for \(host) on port \(listener.port) get 404"
                            : "no route is attached to \(listener.protocol) listener \(section): connections to port \(listener.port) are closed",
                        evidence: ["attachedRoutes: 0"],
                        fix: "attach a\(http ? "n" : "") \(kind): parentRefs [\(parent)]"
                            + (http || listener.protocol == .tls ? " with matching hostnames" : "")))
            }
            for listener in gateway.listeners where !listener.valid {
                let failing =
                    listener.conditions.first { !$0.isHealthy && $0.type != .programmed }
                    ?? listener.conditions.first { !$0.isHealthy }
                let describe =
                    listener.listenerSet.map { "describe listenerset \($0.name)" }
                    ?? "describe gateway \(gateway.ref.name)"
                findings.append(
                    Finding(
                        .listenerNotProgrammed, .error, objects: [listenerObject(listener, gateway: gateway)],
                        summary: "listener \(listener.source.name) does not serve: \(failing?.reason?.rawValue ?? "")",
                        evidence: listener.conditions.filter { !$0.isHealthy }.map(ConditionRules.describe),
                        fix: ListenerFixes.fix(listener, failing: failing, input)
                            ?? "see \(describe); \(failing?.message ?? "")"))
            }
        }
        for set in input.graph.listenerSets where input.inScope(set.ref) && !set.accepted {
            let accepted = set.conditions.first
            let gateway = set.gateway
            let fix: String
            switch accepted?.reason {
            case .notAllowed?:
                fix =
                    "let the Gateway take it: spec.allowedListeners.namespaces.from: \(set.ref.namespace == gateway.namespace ? "Same" : "All") (or a Selector matching namespace \(set.ref.namespace)) on Gateway \(gateway.namespacedName)"
            case .parentNotAccepted?:
                fix = "make Gateway \(gateway.namespacedName) accepted first (describe gateway \(gateway.name))"
            default:
                fix = "give it one listener that conflicts with none before it (describe listenerset \(set.ref.name))"
            }
            findings.append(
                Finding(
                    .listenerSetNotAccepted, .error, objects: ["ListenerSet \(set.ref.namespacedName)"],
                    summary:
                        "its listeners are not added to Gateway \(gateway.namespacedName): \(accepted?.reason?.rawValue ?? "")",
                    evidence: set.conditions.map {
                        "\($0.type)=\($0.status.rawValue) \($0.reason?.rawValue ?? ""): \($0.message ?? "")"
                    },
                    fix: fix))
        }
        return findings
    }

    /// `Gateway ns/name listener http`, or `ListenerSet ns/name listener extra` for a ListenerSet's.
    public static func listenerObject(_ listener: ListenerNode, gateway: GatewayNode) -> String {
        if let set = listener.listenerSet {
            return "ListenerSet \(set.namespacedName) listener \(listener.source.name)"
        }
        return "Gateway \(gateway.ref.namespacedName) listener \(listener.name)"
    }
}
