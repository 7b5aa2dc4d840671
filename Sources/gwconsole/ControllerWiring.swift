import Dataplane
import Diagnostics
import Foundation
import GatewayCore
import NginxConfig

extension GlobalOptions {
    /// The controller configuration: NGF's controller name unless --controller-name or $GWCONSOLE_CONTROLLER_NAME.
    var controllerConfig: ControllerConfig {
        let env = ProcessInfo.processInfo.environment["GWCONSOLE_CONTROLLER_NAME"]
        let name = controllerName ?? (env?.isEmpty == false ? env : nil) ?? ControllerConfig.defaultControllerName
        var config = ControllerConfig(controllerName: name, certificateCheck: CertificateInspector.caBundleCheck)
        config.keyPairCheck = CertificateInspector.tlsKeyPairCheck
        config.ruleCheck = RuleCheck.check
        return config
    }

    /// The core's configuration for a cluster: its data plane is the cluster's (NGF's), taken as programming what
    /// the core accepts.
    var clusterControllerConfig: ControllerConfig {
        var config = controllerConfig
        config.dataplane = DataplaneState(address: nil, programmed: true, detail: "")
        return config
    }

    /// Opens the store and brings statuses up to date with it, as the embedded controller does on every change.
    /// A command that only reads still works when status cannot be written (a read-only state directory, a full
    /// disk): it warns and shows the status last written.
    func openReconciledStore(readOnly: Bool = false, trigger: String = "reconcile", force: Bool = false) throws -> (Store, Graph) {
        let store = try openStore()
        if clusterMode {
            // The cluster's controller writes status there; the core's own view is computed, never written.
            return (store, try Reconciler(store: store, config: clusterControllerConfig).currentGraph())
        }
        let reconciler = Reconciler(store: store, config: controllerConfig, dataplane: DataplaneManager(stateDirectory: store.directory))
        do {
            return (store, force ? try reconciler.reconcile(trigger: trigger) : try reconciler.reconcileIfNeeded(trigger: trigger))
        } catch let error as DataplaneError {
            throw CLIError("error: the data plane: \(error)")
        } catch let error as StoreError {
            guard readOnly else { throw CLIError("error: the controller could not write status: \(error)") }
            Output.error("Warning: status may be stale: the controller could not write it: \(error)")
            return (store, try reconciler.currentGraph())
        }
    }
}
