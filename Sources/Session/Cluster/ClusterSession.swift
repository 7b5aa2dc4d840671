import Dataplane
import Foundation
import GatewayAPI
import KubeClient

/// Cluster mode: the connection to a Kubernetes API server chosen by --kubeconfig/--context/--in-cluster, and the
/// local cache of its objects (a store under `<state>/clusters/<context>`) that every read command works on.
public final class ClusterSession: @unchecked Sendable {
    public let connection: ClusterConnection
    public let api: KubeAPI
    public let cacheDirectory: String

    /// The kinds gwconsole reads from a cluster.
    public static let kinds: [ResourceType] =
        [
            ResourceRegistry.gatewayClass, ResourceRegistry.gateway, ResourceRegistry.listenerSet,
            ResourceRegistry.httpRoute,
            ResourceRegistry.grpcRoute, ResourceRegistry.tlsRoute, ResourceRegistry.tcpRoute, ResourceRegistry.udpRoute,
            ResourceRegistry.referenceGrant,
            ResourceRegistry.backendTLSPolicy, ResourceRegistry.namespace, ResourceRegistry.service,
            ResourceRegistry.endpointSlice,
            ResourceRegistry.configMap, ResourceRegistry.secret, ResourceRegistry.deployment, ResourceRegistry.pod,
        ] + ResourceRegistry.ngfKinds

    private static let lock = NSLock()
    nonisolated(unsafe) private static var sessions: [String: ClusterSession] = [:]
    nonisolated(unsafe) private static var synced: Set<String> = []

    public init(connection: ClusterConnection, stateDirectory: String) {
        self.connection = connection
        let http = KubeHTTP(connection: connection, execCacheDirectory: stateDirectory + "/clusters/.exec-cache")
        api = KubeAPI(http: http)
        let safe = connection.contextName.map {
            $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "_"
        }
        cacheDirectory = stateDirectory + "/clusters/" + String(safe)
    }

    /// The session for these options (one per process and context).
    public static func session(_ global: Session) throws -> ClusterSession {
        let base = global.baseStateDirectory()
        let connection: ClusterConnection
        if global.inCluster {
            guard let inCluster = ClusterConnection.inCluster() else {
                throw CLIError(
                    "error: --in-cluster: not running in a pod (KUBERNETES_SERVICE_HOST/PORT or the service-account token are missing)"
                )
            }
            connection = inCluster
        } else {
            do {
                let paths = Kubeconfig.paths(explicit: global.kubeconfig)
                let config = try Kubeconfig.load(paths: paths, explicit: global.kubeconfig != nil)
                if config.files.isEmpty {
                    throw KubeError.config(
                        "no kubeconfig found (looked at \(paths.joined(separator: ", ")); give --kubeconfig FILE)")
                }
                connection = try ClusterConnection.resolve(config, context: global.context)
            } catch let error as KubeError {
                throw CLIError(error.description)
            }
        }
        lock.lock()
        defer { lock.unlock() }
        if let existing = sessions[connection.contextName] { return existing }
        let session = ClusterSession(connection: connection, stateDirectory: base)
        if let warning = session.api.http.insecureWarning { Output.error(warning) }
        sessions[connection.contextName] = session
        return session
    }

    /// Lists every kind into the cache again (a command that could not rely on its keeper).
    public func resync() throws {
        do {
            try ClusterSync(session: self, store: try Store(directory: cacheDirectory)).syncAll()
        } catch let error as KubeError {
            throw CLIError(error.description)
        } catch let error as StoreError {
            throw CLIError("error: \(error)")
        }
    }

    /// The cache store, brought up to date with the cluster once per process: by its cache keeper when one runs
    /// with every kind current (nothing is listed), else by listing every kind, after which a keeper is started for
    /// the next command (`keeper`: the options it runs with; nil starts none).
    public func store(keeper: Session? = nil) throws -> Store {
        let store: Store
        do {
            store = try Store(directory: cacheDirectory)
        } catch let error as StoreError {
            throw CLIError("error: \(error)")
        }
        ClusterSession.lock.lock()
        let needed = !ClusterSession.synced.contains(cacheDirectory)
        ClusterSession.lock.unlock()
        if needed {
            if let keeper, ClusterKeeper.isReady(keeper, session: self, store: store) {
                ClusterSession.lock.withLock { _ = ClusterSession.synced.insert(cacheDirectory) }
                // A command that reads the keeper's cache counts as its use (it stops when nobody asks).
                _ = ControllerClient.sync(ClusterKeeper.paths(self), revision: 0, request: .status)
                return store
            }
            do {
                try ClusterSync(session: self, store: store).syncAll()
            } catch let error as KubeError {
                throw CLIError(error.description)
            }
            if let keeper { ClusterKeeper.start(keeper, session: self) }
            ClusterSession.lock.lock()
            ClusterSession.synced.insert(cacheDirectory)
            ClusterSession.lock.unlock()
        }
        return store
    }

    /// What the last sync found: served versions, kinds not installed, kinds the user may not list.
    public struct SyncReport: Codable {
        public var context: String
        public var server: String
        public var time: String
        public var served: [String: String]
        public var notInstalled: [String: String]
        public var forbidden: [String: String]
    }

    public var reportPath: String { cacheDirectory + "/sync.json" }

    public func report() -> SyncReport? {
        FileManager.default.contents(atPath: reportPath).flatMap {
            try? JSONDecoder().decode(SyncReport.self, from: $0)
        }
    }
}
