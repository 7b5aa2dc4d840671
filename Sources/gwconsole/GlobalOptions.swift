import ArgumentParser
import Dataplane
import Foundation
import GatewayCore
import Scenarios
import Session

/// Options every command takes: where the state is and which namespace to act in.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The state directory of the embedded default.", valueName: "dir"))
    var state: String?

    @Option(name: [.customShort("n"), .long], help: "The namespace to act in (default: default).")
    var namespace: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The controller name this gwconsole acts as (default: NGF's, gateway.nginx.org/nginx-gateway-controller).",
            valueName: "name"))
    var controllerName: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Cluster mode: read this kubeconfig (else $KUBECONFIG, ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Cluster mode: use this kubeconfig context (else its current-context).", valueName: "name"))
    var context: String?

    @Flag(name: .long, help: "Cluster mode with the pod's service-account credentials.")
    var inCluster = false

    @Flag(
        name: .long,
        help: "Cluster mode: let apply and delete change the cluster (server-side apply, field manager gwconsole).")
    var write = false

    /// The options as the plain value libraries take.
    var session: Session {
        Session(
            state: state, namespace: namespace, controllerName: controllerName, kubeconfig: kubeconfig,
            context: context, inCluster: inCluster, write: write)
    }

    // What commands use of their session, by name.
    var clusterMode: Bool { session.clusterMode }
    var effectiveNamespace: String { session.effectiveNamespace }
    var controllerConfig: ControllerConfig { session.controllerConfig }
    func cluster() throws -> ClusterSession { try session.cluster() }
    func openStore() throws -> Store { try session.openStore() }
    func openWritableStore(for action: String) throws -> Store { try session.openWritableStore(for: action) }
    func openFreshStore(trigger: String = "reconcile") throws -> Store { try session.openFreshStore(trigger: trigger) }
    func reconciler(_ store: Store) -> Reconciler { session.reconciler(store) }
    @discardableResult
    func reconcileChange(_ store: Store, trigger: String, request: ControllerRequest = .serve) throws -> Store {
        try session.reconcileChange(store, trigger: trigger, request: request)
    }
    func openReconciledStore(readOnly: Bool = false, trigger: String = "reconcile", force: Bool = false) throws -> (
        Store, Graph
    ) { try session.openReconciledStore(readOnly: readOnly, trigger: trigger, force: force) }
}

extension ParsableCommand {
    /// Runs `body`, printing a CLIError's message to stderr and exiting with its code.
    func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CLIError {
            Output.error(error.message)
            throw ExitCode(error.exitCode)
        } catch let error as ScenarioError {
            Output.error(error.description)
            throw ExitCode(1)
        }
    }
}
