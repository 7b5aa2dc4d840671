import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import ResourcePrinters
import Scenarios

extension Session {
    /// The controller configuration: NGF's controller name unless --controller-name or $GWCONSOLE_CONTROLLER_NAME.
    public var controllerConfig: ControllerConfig {
        let env = ProcessInfo.processInfo.environment["GWCONSOLE_CONTROLLER_NAME"]
        let name = controllerName ?? (env?.isEmpty == false ? env : nil) ?? ControllerConfig.defaultControllerName
        var config = ControllerConfig(controllerName: name, certificateCheck: CertificateInspector.caBundleCheck)
        config.keyPairCheck = CertificateInspector.tlsKeyPairCheck
        config.ruleCheck = RuleCheck.check
        config.snippets = snippetsEnabled
        return config
    }

    /// NGF's `--snippets`: $GWCONSOLE_SNIPPETS (1/true or 0/false), else what `gwconsole up --snippets` recorded in
    /// the state directory (off by default, as NGF's flag).
    public var snippetsEnabled: Bool {
        if let env = ProcessInfo.processInfo.environment["GWCONSOLE_SNIPPETS"], !env.isEmpty {
            return env == "1" || env.lowercased() == "true"
        }
        return FileManager.default.fileExists(atPath: snippetsMarker)
    }

    /// The file whose presence turns snippets on for a state directory.
    public var snippetsMarker: String { baseStateDirectory() + "/snippets-enabled" }

    /// Records whether snippets are on for this state directory.
    public func setSnippets(_ enabled: Bool) throws {
        if enabled {
            try Data("NGF's --snippets: SnippetsFilters and SnippetsPolicies are rendered\n".utf8).write(
                to: URL(fileURLWithPath: snippetsMarker))
        } else if FileManager.default.fileExists(atPath: snippetsMarker) {
            try FileManager.default.removeItem(atPath: snippetsMarker)
        }
    }

    /// The core's configuration for a cluster: its data plane is the cluster's (NGF's), taken as programming what
    /// the core accepts.
    public var clusterControllerConfig: ControllerConfig {
        var config = controllerConfig
        config.dataplane = DataplaneState(address: nil, programmed: true, detail: "")
        return config
    }

    /// The embedded controller's reconciler: it programs the data plane and persists the views reads show.
    public func reconciler(_ store: Store) -> Reconciler {
        Reconciler(
            store: store, config: controllerConfig, dataplane: DataplaneManager(stateDirectory: store.directory),
            views: Session.views, certificateIssuer: { CertificateInspector.issue($0) }, images: localImages)
    }

    /// What runs local pods' images besides nginx: this program's echo server, and the user's image map from
    /// `images:` in the configuration file (an invalid map is reported once and not used).
    public var localImages: LocalImages {
        let file = ConsoleConfig.directory() + "/config.yaml"
        var mappings: [ImageMapping] = []
        do {
            mappings = try ImageMapping.load(file: file)
        } catch {
            Session.warnOnce("Warning: \(error); the image map is not used")
        }
        return LocalImages(
            echoServer: [ControllerProcess.executable, "echo-server"],
            dnsServer: [ControllerProcess.executable, "dns-server"],
            grpcServer: [ControllerProcess.executable, "grpc-server"],
            podSandbox: Self.podSandboxCommand, mappings: mappings)
    }

    /// A sandboxed pod's process: `gwconsole-pod-sandbox` beside this program, else this program's `pod-sandbox`.
    static var podSandboxCommand: [String] {
        let helper = (ControllerProcess.executable as NSString).deletingLastPathComponent + "/gwconsole-pod-sandbox"
        return FileManager.default.isExecutableFile(atPath: helper)
            ? [helper] : [ControllerProcess.executable, "pod-sandbox"]
    }

    nonisolated(unsafe) private static var warned: Set<String> = []
    private static let warnedLock = NSLock()

    public static func warnOnce(_ text: String) {
        let first = warnedLock.withLock { warned.insert(text).inserted }
        if first { Output.error(text) }
    }

    /// The store's view key of the console's topology tree.
    public static let topologyKey = ObjectKey(
        groupKind: GroupKind(group: "console.gwconsole", kind: "Topology"), namespace: "", name: "tree")

    /// Describe's sections of every object, keyed for the store's views, and the console's topology tree.
    public static let views: @Sendable (Graph) -> [ObjectKey: String] = { graph in
        var views: [ObjectKey: String] = [Session.topologyKey: TopologyTree.encode(TopologyTree.rows(graph))]
        for (ref, sections) in GraphSections.all(graph) {
            views[
                ObjectKey(
                    groupKind: GroupKind(group: ref.group, kind: ref.kind), namespace: ref.namespace, name: ref.name)] =
                GraphSections.encode(sections)
        }
        return views
    }

    /// Opens the store for a command that reads what is persisted (objects, their status, their views): status
    /// is brought up to date only when it may be stale, and no graph is built otherwise. A command that only reads
    /// still works when status cannot be written: it warns and shows the status last written.
    public func openFreshStore(trigger: String = "reconcile") throws -> Store {
        let store = try openStore()
        if clusterMode { return store }
        do {
            let reconciler = reconciler(store)
            // With a resident controller, it reconciles what is stale: a change it has not seen, a dead nginx or pod.
            if ControllerProcess.enabled, ControllerPaths(stateDirectory: store.directory).isRunning {
                if try !reconciler.isStale() || ControllerProcess.reconcile(self, store: store, request: .serve) {
                    return store
                }
            }
            try reconciler.refreshIfStale(trigger: trigger)
        } catch let error as DataplaneError {
            throw CLIError("error: the data plane: \(error)")
        } catch let error as StoreError {
            Output.error("Warning: status may be stale: the controller could not write it: \(error)")
        }
        return store
    }

    /// Brings statuses up to date after a change, through the resident controller when it runs (no graph is built
    /// here then), else in-process. `request`: what to wait for (statuses written, or the data plane serving).
    @discardableResult
    public func reconcileChange(_ store: Store, trigger: String, request: ControllerRequest = .serve) throws -> Store {
        do {
            if try ControllerProcess.reconcile(self, store: store, request: request) { return store }
            let reconciler = reconciler(store)
            _ =
                request == .force
                ? try reconciler.reconcile(trigger: trigger) : try reconciler.reconcileIfNeeded(trigger: trigger)
        } catch let error as DataplaneError {
            throw CLIError("error: the data plane: \(error)")
        } catch let error as StoreError {
            throw CLIError("error: the controller could not write status: \(error)")
        }
        return store
    }

    /// Opens the store and brings statuses up to date with it, as the embedded controller does on every change.
    /// A command that only reads still works when status cannot be written (a read-only state directory, a full
    /// disk): it warns and shows the status last written.
    public func openReconciledStore(readOnly: Bool = false, trigger: String = "reconcile", force: Bool = false) throws
        -> (
            Store, Graph
        )
    {
        let store = try openStore()
        if clusterMode {
            // The cluster's controller writes status there; the core's own view is computed, never written.
            return (store, try Reconciler(store: store, config: clusterControllerConfig).currentGraph())
        }
        let reconciler = reconciler(store)
        do {
            if try ControllerProcess.reconcile(self, store: store, request: force ? .force : .status) {
                return (store, try reconciler.currentGraph())
            }
            return (
                store,
                force ? try reconciler.reconcile(trigger: trigger) : try reconciler.reconcileIfNeeded(trigger: trigger)
            )
        } catch let error as DataplaneError {
            throw CLIError("error: the data plane: \(error)")
        } catch let error as StoreError {
            guard readOnly else { throw CLIError("error: the controller could not write status: \(error)") }
            Output.error("Warning: status may be stale: the controller could not write it: \(error)")
            return (store, try reconciler.currentGraph())
        }
    }
}
