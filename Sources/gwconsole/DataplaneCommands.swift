import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

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
    var output: String?

    mutating func run() throws {
        try reportingErrors {
            let offset = portOffset ?? Int(ProcessInfo.processInfo.environment["GWCONSOLE_PORT_OFFSET"] ?? "") ?? 0
            if let address, !(IPAddress.isIPv4(address) && address.hasPrefix("127.")) {
                throw CLIError("error: --address must be a loopback IPv4 address (127.0.0.0/8), got \"\(address)\"")
            }
            let store = try global.openWritableStore(for: "up")
            let manager = DataplaneManager(stateDirectory: store.directory)
            do {
                try manager.up(portOffset: offset, pinnedAddress: address)
            } catch let error as DataplaneError {
                throw CLIError("error: \(error)")
            }
            ControllerProcess.start(global, store: store)
            try global.reconcileChange(store, trigger: "up", request: .force)
            let gateways = try DataplaneReport.gateways(
                store: store, controllerName: global.controllerConfig.controllerName)
            try DataplaneReport.print(manager: manager, gateways: gateways, only: nil, json: output == "json")
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
                let stopped = ClusterKeeper.stop(global, session: session)
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
    var output: String?

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
            try DataplaneReport.print(manager: manager, gateways: gateways, only: only, json: output == "json")
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
                    Render.dump(
                        node, graph: graph, snapshot: snapshot, state: state, stateDirectory: manager.stateDirectory))
            }
        }
    }

    /// The config rendered for a Gateway as `nginx -T` shows it, with the addresses and paths the data plane uses.
    static func dump(
        _ node: GatewayNode, graph: Graph, snapshot: ResourceSnapshot, state: DataplaneManager.State,
        stateDirectory: String
    ) -> String {
        let record = state.gateways[node.ref.namespacedName]
        let dir = stateDirectory + "/dp/\(record?.index ?? 0)"
        let settings = RenderSettings(
            address: record?.address ?? state.pinnedAddress ?? "127.0.100.1", portOffset: state.portOffset,
            configDirectory: dir + "/generations/\(record?.generation ?? 0)", runtimeDirectory: dir + "/run",
            generation: record?.generation ?? 0, workersAsRoot: geteuid() == 0)
        return Renderer.render(gateway: node, graph: graph, snapshot: snapshot, settings: settings).dump()
    }
}

/// The lines `up` and `status` print: per Gateway where it serves, and GW_IP/GW_PORT a shell can eval.
enum DataplaneReport {
    struct GatewayReport: Codable {
        var gateway: String
        var address: String?
        var programmed: Bool
        var message: String
        var listeners: [ListenerBinding]
        var gwIP: String?
        var gwPort: Int?
    }

    /// The Gateways of this controller's GatewayClasses, by namespace and name, read from the store.
    static func gateways(store: Store, controllerName: String) throws -> [ObjectRef] {
        let classes = Set(
            try store.list(ResourceRegistry.gatewayClass.groupKind)
                .filter { $0.body.value(at: ["spec", "controllerName"])?.stringValue == controllerName }.map(\.name))
        return try store.list(ResourceRegistry.gateway.groupKind)
            .filter { classes.contains($0.body.value(at: ["spec", "gatewayClassName"])?.stringValue ?? "") }
            .map { ObjectRef.gateway($0.namespace, $0.name) }
    }

    static func print(manager: DataplaneManager, gateways: [ObjectRef], only: ObjectRef?, json: Bool) throws {
        let state = manager.load()
        var reports: [GatewayReport] = []
        for ref in gateways where only == nil || ref == only {
            let record = state.gateways[ref.namespacedName]
            let http = record?.bindings.first { $0.protocol == .http }
            reports.append(
                GatewayReport(
                    gateway: ref.namespacedName, address: record?.address,
                    programmed: state.running && (record?.programmed ?? false),
                    message: state.running ? (record?.message ?? "not accepted") : "the data plane is not running",
                    listeners: record?.bindings ?? [], gwIP: http?.address, gwPort: http?.port))
        }
        if json {
            struct Report: Codable {
                var running: Bool
                var portOffset: Int
                var gateways: [GatewayReport]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(
                Report(running: state.running, portOffset: state.portOffset, gateways: reports))
            Output.out(String(decoding: data, as: UTF8.self) + "\n")
            return
        }
        Output.out(
            "# data plane: \(state.running ? "running" : "stopped")\(state.portOffset != 0 ? ", port offset \(state.portOffset)" : "")\n"
        )
        for report in reports {
            Output.out(
                "# Gateway \(report.gateway): \(report.programmed ? "programmed" : "not programmed: \(report.message)")\n"
            )
            for listener in report.listeners {
                Output.out(
                    "#   listener \(listener.listener) (\(listener.protocol)) serves on \(listener.address):\(listener.port)\n"
                )
            }
            guard state.running, report.programmed, let ip = report.gwIP ?? report.listeners.first?.address else {
                continue
            }
            if let port = report.gwPort {
                Output.out("GW_IP=\(ip)\nGW_PORT=\(port)\n")
            } else {
                Output.out("GW_IP=\(ip)\n")
            }
            // With several listeners, a port per protocol, as guides with HTTP and HTTPS listeners name them.
            if report.listeners.count > 1 {
                for (name, wanted) in [("GW_HTTP_PORT", ListenerProtocol.http), ("GW_HTTPS_PORT", .https)] {
                    if let binding = report.listeners.first(where: { $0.protocol == wanted }) {
                        Output.out("\(name)=\(binding.port)\n")
                    }
                }
            }
        }
    }
}
