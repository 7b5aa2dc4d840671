import ArgumentParser
import Dataplane
import Foundation
import Scenarios

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

    /// Whether commands read a Kubernetes cluster instead of the embedded state.
    var clusterMode: Bool { kubeconfig != nil || context != nil || inCluster }

    /// The cluster session in cluster mode.
    func cluster() throws -> ClusterSession { try ClusterSession.session(self) }

    /// The embedded state directory, by the documented order of precedence.
    func baseStateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        // Absolute: nginx runs with its own prefix, so a relative path would point elsewhere for it.
        func absolute(_ path: String) -> String {
            let expanded = (path as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        }
        if let state, !state.isEmpty { return absolute(state) }
        if let env = environment["GWCONSOLE_STATE"], !env.isEmpty { return absolute(env) }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            return (xdg as NSString).appendingPathComponent("gwconsole")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/state/gwconsole")
    }

    var effectiveNamespace: String {
        if let namespace, !namespace.isEmpty { return namespace }
        if clusterMode, let session = try? cluster() { return session.connection.namespace }
        return "default"
    }

    /// The store for a command that changes objects or the data plane: the embedded state only (cluster mode
    /// reads clusters).
    func openWritableStore(for action: String) throws -> Store {
        if clusterMode {
            throw CLIError(
                "error: \(action) changes the embedded state; in cluster mode gwconsole only reads the cluster (apply and delete change it with --write; drop --context/--kubeconfig/--in-cluster for the embedded state)"
            )
        }
        let store = try openStore()
        if let reason = store.readOnlyReason {
            throw CLIError("error: \(action) needs to write the state, but \(reason)")
        }
        return store
    }

    /// The store commands read: the embedded state, or in cluster mode the cache of the cluster, synced first.
    func openStore() throws -> Store {
        if clusterMode { return try cluster().store(keeper: self) }
        do {
            return try Store(directory: baseStateDirectory())
        } catch let error as StoreError {
            throw CLIError("error: \(error)")
        }
    }
}

/// An error already phrased for the user; printed as it is, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = 1
    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
    var description: String { message }
}

enum Output {
    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        if let capture = OutputCapture.current {
            capture.append(line)
            return
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func out(_ text: String) {
        if let capture = OutputCapture.current {
            capture.append(text)
            return
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Runs `body` with this thread's output (stdout and stderr) collected instead of written: the console runs
    /// commands' code in the background while curses owns the terminal.
    static func capturing<T>(_ body: () throws -> T) -> (Result<T, any Error>, String) {
        let capture = OutputCapture()
        Thread.current.threadDictionary[OutputCapture.key] = capture
        defer { Thread.current.threadDictionary.removeObject(forKey: OutputCapture.key) }
        return (Result { try body() }, capture.text)
    }
}

/// Output collected for one thread (see `Output.capturing`).
final class OutputCapture: @unchecked Sendable {
    static let key = "gwconsole.output-capture"
    private(set) var text = ""
    func append(_ more: String) { text += more }
    static var current: OutputCapture? { Thread.current.threadDictionary[key] as? OutputCapture }
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
