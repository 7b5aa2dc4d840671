import Dataplane
import Diagnostics
import Foundation
import GatewayCore

extension GlobalOptions {
    /// The controller configuration: NGF's controller name unless --controller-name or $GWCONSOLE_CONTROLLER_NAME.
    var controllerConfig: ControllerConfig {
        let env = ProcessInfo.processInfo.environment["GWCONSOLE_CONTROLLER_NAME"]
        let name = controllerName ?? (env?.isEmpty == false ? env : nil) ?? ControllerConfig.defaultControllerName
        return ControllerConfig(controllerName: name, certificateCheck: CertificateInspector.caBundleCheck)
    }

    /// Opens the store and brings statuses up to date with it, as the embedded controller does on every change.
    func openReconciledStore() throws -> (Store, Graph) {
        let store = try openStore()
        do {
            let graph = try Reconciler(store: store, config: controllerConfig).reconcileIfNeeded()
            return (store, graph)
        } catch let error as StoreError {
            throw CLIError("error: the controller could not write status: \(error)")
        }
    }
}
