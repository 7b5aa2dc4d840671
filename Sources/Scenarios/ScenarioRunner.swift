import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing

/// Replays a scenario against the embedded state: apply, reconcile, check; stops at the first unmet check. It
/// reports what it does as `ScenarioEvent`s; the caller prints or shows them.
public struct ScenarioRunner {
    /// What the runner works on, given by the shell that wires it.
    public struct Context {
        public var store: Store
        /// The namespace of objects that name none.
        public var namespace: String
        /// Reconciles after a change (with the resident controller where one runs); the argument is the trigger.
        public var reconcile: (String) throws -> Void
        /// Kinds the store holds that the registry does not know (CRDs applied as unstructured objects).
        public var extraTypes: () throws -> [ResourceType]
        /// How long a check retries before it fails: pods start and reloads settle, slowly on a busy machine.
        public var checkDeadline: TimeInterval = 20
        /// Applies a step's objects; returns each one's action (`created`, `configured`…). The embedded store's by
        /// default; on a cluster, a server-side apply after a confirmed plan.
        public var apply: ([DecodedObject]) throws -> [String]
        /// Deletes a step's objects; returns which existed.
        public var delete: ([DecodedObject]) throws -> [Bool]
        /// Where a probe goes: the Gateway's listener of a scheme (`http`, `https`), by Gateway name (nil: the
        /// namespace's first). The embedded data plane's by default.
        public var listener: (_ gateway: String?, _ scheme: String) -> ListenerTarget?
        /// Whether steps need the embedded data plane running.
        public var needsDataplane = true
        /// Doctor's findings in every namespace, for `doctor` checks (nil: such checks fail, saying so).
        public var doctor: (() throws -> [Finding])? = nil

        public init(
            store: Store, namespace: String, reconcile: @escaping (String) throws -> Void,
            extraTypes: @escaping () throws -> [ResourceType]
        ) {
            self.store = store
            self.namespace = namespace
            self.reconcile = reconcile
            self.extraTypes = extraTypes
            apply = { objects in try store.apply(objects).map(\.action.rawValue) }
            delete = { objects in try store.delete(objects.map(\.key)).map { $0 != nil } }
            listener = { gateway, scheme in ListenerTarget.embedded(store, namespace: namespace, gateway, scheme) }
        }
    }

    public let scenario: Scenario
    public let context: Context

    public init(scenario: Scenario, context: Context) {
        self.scenario = scenario
        self.context = context
    }

    public func objects(_ text: String, step: Int) throws -> [DecodedObject] {
        let documents = try ManifestReader.documents(from: Data(text.utf8), file: "\(scenario.name) step \(step)")
        return try ManifestDecoder(defaultNamespace: context.namespace).decode(documents)
    }

    /// Runs steps 1...`upTo` (all when nil); checks run unless `checks` is false.
    public func run(upTo: Int?, checks: Bool, emit: (ScenarioEvent) -> Void) throws {
        guard !context.needsDataplane || DataplaneManager(stateDirectory: context.store.directory).isRunning else {
            throw ScenarioError.dataplaneNotRunning(hint: "start it with gwconsole up, then run the scenario")
        }
        let last = min(upTo ?? scenario.steps.count, scenario.steps.count)
        emit(.started(name: scenario.name, title: scenario.title))
        for number in 1...max(1, last) where number <= last {
            emit(.step(number: number, count: scenario.steps.count, title: scenario.steps[number - 1].title))
            try runStep(number, checks: checks, emit: emit)
        }
        emit(.finished(name: scenario.name, completed: last, count: scenario.steps.count))
    }

    /// Runs one step (1-based): its applies and deletes, a reconcile, then its checks. Records progress when it
    /// passes, so the console (and `scenario run --step`) know where the user is.
    public func runStep(_ number: Int, checks: Bool, emit: (ScenarioEvent) -> Void) throws {
        let step = scenario.steps[number - 1]
        let store = context.store
        if let text = step.apply {
            let decoded = try objects(text, step: number)
            for (object, action) in zip(decoded, try context.apply(decoded)) {
                emit(.applied(object: "\(object.type.qualifiedSingular)/\(object.name)", action: action))
            }
        }
        if let text = step.delete {
            let decoded = try objects(text, step: number)
            for (object, existed) in zip(decoded, try context.delete(decoded)) where existed {
                emit(.deleted(object: "\(object.type.qualifiedSingular) \"\(object.name)\""))
            }
        }
        if let manual = step.manual { emit(.manual(command: manual.command)) }
        try context.reconcile("scenario \(scenario.name) step \(number)")
        if checks {
            for check in step.checks ?? [] {
                let outcome = try evaluate(check)
                if let failure = outcome.failure {
                    emit(.checkFailed(outcome.description, reason: failure))
                    throw ScenarioError.checkFailed(
                        scenario: scenario.name, step: number, title: step.title, message: failure)
                }
                emit(.checkPassed(outcome.description))
            }
        }
        ScenarioProgress(name: scenario.name, completed: number).save(stateDirectory: store.directory)
    }

    /// A check's description and, when unmet, why.
    public struct CheckOutcome: Equatable {
        public var description: String
        public var failure: String?
    }

    /// Evaluates a check, retrying until the context's deadline.
    public func evaluate(_ check: Scenario.Check) throws -> CheckOutcome {
        let deadline = Date().addingTimeInterval(context.checkDeadline)
        while true {
            let outcome = try once(check)
            if outcome.failure == nil || Date() > deadline { return outcome }
            usleep(250_000)
            try? context.reconcile("scenario check")
        }
    }

    func once(_ check: Scenario.Check) throws -> CheckOutcome {
        if let probe = check.probe {
            return ProbeCheck(probe: probe, target: context.listener(probe.gateway, probe.scheme ?? "http")).evaluate()
        }
        if let stream = check.stream {
            return StreamCheck(probe: stream, target: context.listener(stream.gateway, "http")).evaluate()
        }
        if let grpc = check.grpc {
            return GRPCCheck(probe: grpc, target: context.listener(grpc.gateway, "http")).evaluate()
        }
        if let dns = check.dns {
            return DNSCheck(probe: dns, target: context.listener(dns.gateway, "http")).evaluate()
        }
        if let expectation = check.doctor { return try DoctorCheck(expectation).evaluate(context.doctor) }
        guard let object = check.object else {
            return CheckOutcome(
                description: "(empty check)", failure: "a check needs probe, dns, stream, grpc, doctor or object")
        }
        return try ObjectCheckEvaluator(check: object, namespace: context.namespace).evaluate(
            context.store, extra: context.extraTypes())
    }
}

/// A Gateway listener a probe can reach: its address and port here, and the Gateway's other listeners (a
/// redirect to one of them is followed).
public struct ListenerTarget: Sendable, Equatable {
    public var address: String
    public var port: Int
    public var bindings: [ListenerBinding]
    /// Added to declared ports where this machine serves them (the embedded data plane's port offset).
    public var portOffset: Int
    /// Every listener of the Gateway, whatever its protocol: what a probe naming a port variable (`GW_PORT_1`,
    /// `GW_TLS_PORT`) reaches.
    public var gatewayBindings: [ListenerBinding] = []

    public init(address: String, port: Int, bindings: [ListenerBinding], portOffset: Int) {
        self.address = address
        self.port = port
        self.bindings = bindings
        self.portOffset = portOffset
    }

    /// The embedded data plane's listener of a scheme, for the named Gateway or the namespace's first.
    public static func embedded(_ store: Store, namespace: String, _ gateway: String?, _ scheme: String)
        -> ListenerTarget?
    {
        let state = DataplaneManager(stateDirectory: store.directory).load()
        let key =
            gateway.map { "\(namespace)/\($0)" } ?? state.gateways.keys.sorted().first { $0.hasPrefix(namespace + "/") }
        guard let key, let record = state.gateways[key] else { return nil }
        let wanted: ListenerProtocol = scheme == "https" ? .https : .http
        if let binding = record.bindings.first(where: { $0.protocol == wanted }) {
            var target = ListenerTarget(
                address: binding.address, port: binding.port, bindings: record.bindings, portOffset: state.portOffset)
            target.gatewayBindings = record.bindings
            return target
        }
        // No listener of the scheme: where its usual port would be served, so a request fails as on a cluster.
        guard let address = record.bindings.first?.address ?? (record.address.isEmpty ? nil : record.address) else {
            return nil
        }
        var target = ListenerTarget(
            address: address, port: (scheme == "https" ? 443 : 80) + state.portOffset, bindings: [],
            portOffset: state.portOffset)
        target.gatewayBindings = record.bindings
        return target
    }

    /// Whether this is where the scheme's usual port would be, with no listener of it.
    public var isMissingListener: Bool { bindings.isEmpty }
}

extension DecodedObject {
    /// The store key of the object.
    var key: ObjectKey {
        ObjectKey(groupKind: type.groupKind, namespace: type.namespaced ? namespace : "", name: name)
    }
}
