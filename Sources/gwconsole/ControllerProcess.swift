import ArgumentParser
import Dataplane
import Foundation
import Session

/// `gwconsole controller`: the resident controller of a state directory, in the foreground. `gwconsole up` starts
/// it in the background (its log: <state>/controller.log) and `down` stops it; commands wake it over
/// <state>/controller.sock and wait for the statuses they caused.
struct ControllerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Run the resident controller of the state directory in the foreground (gwconsole up starts it).",
        discussion:
            "In cluster mode (--context/--kubeconfig/--in-cluster) it is the context's cache keeper: watches keep the cache current and describe's views derived (describe and doctor start it; it stops after 10 minutes without a command)."
    )

    @OptionGroup var global: GlobalOptions

    mutating func run() throws {
        try reportingErrors {
            if global.clusterMode { return try ClusterKeeper.run(global.session) }
            let store = try global.openWritableStore(for: "controller")
            let controller = ResidentController(
                reconciler: global.reconciler(store), settings: ControllerProcess.settings(global.session)
            ) { line in
                FileHandle.standardError.write(Data("\(Store.timestamp(Date())) \(line)\n".utf8))
            }
            let started = ControllerProcess.executableIdentity()
            controller.isOutdated = { ControllerProcess.executableIdentity() != started }
            do {
                if try !controller.run() { Output.error("a controller already runs for \(store.directory)") }
            } catch let error as DataplaneError {
                throw CLIError("error: the controller: \(error)")
            }
        }
    }
}
