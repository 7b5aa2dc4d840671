import Dataplane
import Foundation
import Scenarios

/// Where a command acts: the embedded state directory or a cluster through a kubeconfig, the namespace, and the
/// controller name — the global options as a plain value, apart from their parsing (the executable's
/// `GlobalOptions` makes one). Commands, the console and the bench open stores and reconcile through it.
public struct Session: Sendable {
    public var state: String?
    public var namespace: String?
    public var controllerName: String?
    public var kubeconfig: String?
    public var context: String?
    public var inCluster: Bool
    public var write: Bool

    public init(
        state: String? = nil, namespace: String? = nil, controllerName: String? = nil, kubeconfig: String? = nil,
        context: String? = nil, inCluster: Bool = false, write: Bool = false
    ) {
        self.state = state
        self.namespace = namespace
        self.controllerName = controllerName
        self.kubeconfig = kubeconfig
        self.context = context
        self.inCluster = inCluster
        self.write = write
    }

    /// Whether commands read a Kubernetes cluster instead of the embedded state.
    public var clusterMode: Bool { kubeconfig != nil || context != nil || inCluster }

    /// The cluster session in cluster mode.
    public func cluster() throws -> ClusterSession { try ClusterSession.session(self) }

    /// The embedded state directory, by the documented order of precedence.
    public func baseStateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
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

    public var effectiveNamespace: String {
        if let namespace, !namespace.isEmpty { return namespace }
        if clusterMode, let session = try? cluster() { return session.connection.namespace }
        return "default"
    }

    /// The store for a command that changes objects or the data plane: the embedded state only (cluster mode
    /// reads clusters).
    public func openWritableStore(for action: String) throws -> Store {
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
    public func openStore() throws -> Store {
        if clusterMode { return try cluster().store(keeper: self) }
        do {
            return try Store(directory: baseStateDirectory())
        } catch let error as StoreError {
            throw CLIError("error: \(error)")
        }
    }
}
