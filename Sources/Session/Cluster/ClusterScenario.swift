import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Scenarios

/// A scenario against a cluster (`scenario run --write`): each step's changes are shown as a plan (a server dry run
/// and a diff of every object) and applied with server-side apply after the user confirms; checks read the cache
/// synced after each step, and probes go to the Gateway's address as `probe` finds it.
public struct ClusterScenario {
    public init(global: Session, confirm: Bool) {
        self.global = global
        self.confirm = confirm
    }

    public let global: Session
    /// Ask before applying each step (`--yes` does not).
    public let confirm: Bool

    public func runner(_ scenario: Scenario) throws -> ScenarioRunner {
        let session = try global.cluster()
        let store = try session.store(keeper: global)
        let writes = ClusterWrites(session: session)
        // A check that waits re-reads the cluster at most every 2 s (a relist of every kind).
        let resyncs = Throttle(seconds: 2)
        var context = ScenarioRunner.Context(
            store: store, namespace: global.effectiveNamespace,
            reconcile: { _ in if resyncs.ready() { try writes.resync() } },
            extraTypes: { try ObjectQuery.unstructuredTypes(store) })
        context.needsDataplane = false
        let confirm = self.confirm
        let contextName = session.connection.contextName
        context.apply = { objects in
            let plan = try writes.plan(objects)
            writes.printPlan(plan)
            try Self.ask("Apply this to cluster \(contextName)?", confirm: confirm)
            return try writes.execute(plan, report: false)
        }
        context.delete = { objects in
            Output.out("Plan for cluster \(contextName): delete\n")
            for object in objects { Output.out("  \(object.type.qualifiedSingular)/\(object.name)\n") }
            try Self.ask("Delete these from cluster \(contextName)?", confirm: confirm)
            let targets = objects.map {
                (
                    $0.type,
                    ObjectKey(
                        groupKind: $0.type.groupKind, namespace: $0.type.namespaced ? $0.namespace : "",
                        name: $0.name)
                )
            }
            return try writes.delete(targets, ignoreNotFound: true, report: false)
        }
        context.listener = { gateway, scheme in
            Self.listener(store: store, namespace: context.namespace, gateway, scheme)
        }
        return ScenarioRunner(scenario: scenario, context: context)
    }

    /// Lets something happen at most once per interval.
    public final class Throttle: @unchecked Sendable {
        public let seconds: TimeInterval
        private var last = Date.distantPast
        public init(seconds: TimeInterval) { self.seconds = seconds }
        public func ready() -> Bool {
            guard Date().timeIntervalSince(last) >= seconds else { return false }
            last = Date()
            return true
        }
    }

    /// Asks on the terminal; anything but y/yes stops with nothing applied.
    public static func ask(_ question: String, confirm: Bool) throws {
        guard confirm else { return }
        Output.out("\(question) [y/N] ")
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else {
            throw CLIError("error: not confirmed: nothing was applied (--yes applies without asking)")
        }
    }

    /// The Gateway's listener of a scheme at the address `probe` finds (its NGINX Service's).
    public static func listener(store: Store, namespace: String, _ gateway: String?, _ scheme: String)
        -> ListenerTarget?
    {
        let gateways = (try? store.list(ResourceRegistry.gateway.groupKind, namespace: namespace)) ?? []
        guard let object = gateway.map({ name in gateways.first { $0.name == name } }) ?? gateways.first,
            let decoded = try? Gateway.decode(object.object)
        else { return nil }
        let wanted: ListenerProtocol = scheme == "https" ? .https : .http
        let ref = ObjectRef.gateway(object.namespace, object.name)
        // Every HTTP(S) listener where this machine reaches it: a redirect to another one is followed.
        var bindings: [ListenerBinding] = []
        var all: [ListenerBinding] = []
        for (index, listener) in decoded.spec.listeners.enumerated() {
            if case .success(let found) = GatewayAddress.find(
                gateway: ref, listenerPort: Int(listener.port), store: store, override: nil)
            {
                let binding = ListenerBinding(
                    listener: listener.name, protocol: listener.protocol, address: found.address, port: found.port,
                    index: index)
                all.append(binding)
                if listener.protocol == .http || listener.protocol == .https { bindings.append(binding) }
            }
        }
        if let binding = bindings.first(where: { $0.protocol == wanted }) {
            var target = ListenerTarget(address: binding.address, port: binding.port, bindings: bindings, portOffset: 0)
            target.gatewayBindings = all
            return target
        }
        // No listener of the scheme: its usual port at the Gateway's address, where a request fails as the guide
        // expects (curl: (7)).
        guard
            case .success(let found) = GatewayAddress.find(
                gateway: ref, listenerPort: scheme == "https" ? 443 : 80, store: store, override: nil)
        else { return nil }
        var target = ListenerTarget(
            address: found.address, port: scheme == "https" ? 443 : 80, bindings: [], portOffset: 0)
        target.gatewayBindings = all
        return target
    }
}
