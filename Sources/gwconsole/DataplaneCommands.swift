import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Session

/// `gwconsole up`: start the embedded data plane and program every Gateway.
struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the data plane: an nginx per Gateway on its own loopback address.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Added to every listener port (default: $GWCONSOLE_PORT_OFFSET or 0).")
    var portOffset: Int?

    @Option(name: .long, help: "Serve every Gateway on this loopback address instead of one address each.")
    var address: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: JSONOutput?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Render SnippetsFilters and SnippetsPolicies (NGF's --snippets; off by default), remembered for this state."
    )
    var snippets: Bool?

    mutating func run() throws {
        try reportingErrors {
            let offset = portOffset ?? Int(ProcessInfo.processInfo.environment["GWCONSOLE_PORT_OFFSET"] ?? "") ?? 0
            if let address, !(IPAddress.isIPv4(address) && address.hasPrefix("127.")) {
                throw CLIError("error: --address must be a loopback IPv4 address (127.0.0.0/8), got \"\(address)\"")
            }
            let store = try global.openWritableStore(for: "up")
            if let snippets { try global.session.setSnippets(snippets) }
            let manager = DataplaneManager(stateDirectory: store.directory)
            do {
                try manager.up(portOffset: offset, pinnedAddress: address)
            } catch let error as DataplaneError {
                throw CLIError("error: \(error)")
            }
            ControllerProcess.start(global.session, store: store)
            try global.reconcileChange(store, trigger: "up", request: .force)
            let gateways = try DataplaneReport.gateways(
                store: store, controllerName: global.controllerConfig.controllerName)
            try DataplaneReport.print(manager: manager, gateways: gateways, only: nil, json: output == .json)
            if let warning = WorkloadManager.sandboxWarning(images: global.session.localImages) {
                Output.error(warning)
            }
        }
    }
}

/// `gwconsole down`: stop every nginx the data plane started.
struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the data plane.")

    @OptionGroup var global: GlobalOptions

    mutating func run() throws {
        try reportingErrors {
            if global.clusterMode {
                // A cluster's data plane is the cluster's; what runs here for it is its cache keeper.
                let session = try global.cluster()
                let stopped = ClusterKeeper.stop(global.session, session: session)
                Output.out(
                    "cache keeper of context \(session.connection.contextName) \(stopped ? "stopped" : "was not running")\n"
                )
                return
            }
            let store = try global.openWritableStore(for: "down")
            let manager = DataplaneManager(stateDirectory: store.directory)
            let count = manager.load().gateways.count
            ControllerProcess.stop(stateDirectory: store.directory)
            try manager.down()
            _ = try global.openReconciledStore(trigger: "down", force: true)
            Output.out("data plane stopped (\(count) Gateway\(count == 1 ? "" : "s"))\n")
        }
    }
}

/// `gwconsole status [GATEWAY]`: what runs, where each listener serves.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the data plane: where each Gateway's listeners serve.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A Gateway name (in -n NS).")
    var gateway: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: JSONOutput?

    mutating func run() throws {
        try reportingErrors {
            // A dead nginx master is restarted, a change nobody reconciled is reconciled; nothing else is rebuilt.
            let store = try global.openFreshStore(trigger: "status")
            let manager = DataplaneManager(stateDirectory: store.directory)
            let gateways = try DataplaneReport.gateways(
                store: store, controllerName: global.controllerConfig.controllerName)
            let only = gateway.map { ObjectRef.gateway(global.effectiveNamespace, $0) }
            if let only, !gateways.contains(only) {
                throw CLIError(
                    "Error from server (NotFound): gateways.gateway.networking.k8s.io \"\(only.name)\" not found")
            }
            try DataplaneReport.print(manager: manager, gateways: gateways, only: only, json: output == .json)
        }
    }
}

/// `gwconsole render [GATEWAY]`: the config nginx gets, as `nginx -T` shows it.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the nginx configuration rendered for a Gateway (private keys hidden).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A Gateway name (in -n NS); all Gateways of the namespace when omitted.")
    var gateway: String?

    mutating func run() throws {
        try reportingErrors {
            if let served = try servedConfigs() {
                for files in served { Output.out(RenderedConfig.dump(files)) }
                return
            }
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let manager = DataplaneManager(stateDirectory: store.directory)
            let state = manager.load()
            let snapshot = try Reconciler(store: store, config: global.controllerConfig).snapshot()
            let gateways = graph.gateways.filter { node in
                node.ref.namespace == global.effectiveNamespace && (gateway == nil || node.ref.name == gateway)
            }
            if gateways.isEmpty {
                throw CLIError(
                    gateway.map {
                        "Error from server (NotFound): gateways.gateway.networking.k8s.io \"\($0)\" not found (or not accepted)"
                    }
                        ?? "No accepted Gateways in \(global.effectiveNamespace) namespace.")
            }
            for node in gateways {
                Output.out(
                    GatewayConfigDump.dump(
                        node, graph: graph, snapshot: snapshot, state: state, stateDirectory: manager.stateDirectory))
            }
        }
    }

    /// What the data plane serves, read from its generations, when that is what the store asks for (statuses fresh,
    /// every Gateway programmed with its latest config): no graph is built. nil: render instead.
    func servedConfigs() throws -> [[RenderedFile]]? {
        guard !global.session.clusterMode else { return nil }
        let store = try global.openFreshStore()
        let manager = DataplaneManager(stateDirectory: store.directory)
        let state = manager.load()
        guard state.running else { return nil }
        let refs = try DataplaneReport.gateways(store: store, controllerName: global.controllerConfig.controllerName)
            .filter {
                $0.namespace == global.effectiveNamespace && (gateway == nil || $0.name == gateway)
            }
        guard !refs.isEmpty else { return nil }
        var served: [[RenderedFile]] = []
        for ref in refs {
            guard let record = state.gateways[ref.namespacedName], let files = manager.servedFiles(record) else {
                return nil
            }
            served.append(files)
        }
        return served
    }
}
