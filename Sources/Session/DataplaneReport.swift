import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// A Gateway's rendered config as `render` and the console show it.
public enum GatewayConfigDump {
    /// The config rendered for a Gateway as `nginx -T` shows it, with the addresses and paths the data plane uses.
    public static func dump(
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
public enum DataplaneReport {
    public struct GatewayReport: Codable {
        public var gateway: String
        public var address: String?
        public var programmed: Bool
        public var message: String
        public var listeners: [ListenerBinding]
        public var gwIP: String?
        public var gwPort: Int?
    }

    /// The Gateways of this controller's GatewayClasses, by namespace and name, read from the store.
    public static func gateways(store: Store, controllerName: String) throws -> [ObjectRef] {
        let classes = Set(
            try store.list(ResourceRegistry.gatewayClass.groupKind)
                .filter { $0.body.value(at: ["spec", "controllerName"])?.stringValue == controllerName }.map(\.name))
        return try store.list(ResourceRegistry.gateway.groupKind)
            .filter { classes.contains($0.body.value(at: ["spec", "gatewayClassName"])?.stringValue ?? "") }
            .map { ObjectRef.gateway($0.namespace, $0.name) }
    }

    public static func print(manager: DataplaneManager, gateways: [ObjectRef], only: ObjectRef?, json: Bool) throws {
        let state = manager.load()
        var reports: [GatewayReport] = []
        for ref in gateways where only == nil || ref == only {
            let record = state.gateways[ref.namespacedName]
            let http = record.flatMap { PortVariables.binding("GW_PORT", in: $0.bindings) }
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
            // With several listeners, a port per protocol and per listener, as guides name them (GW_HTTPS_PORT,
            // GW_TLS_PORT, GW_PORT_1, GW_PORT_2).
            if report.listeners.count > 1 {
                for (name, binding) in PortVariables.variables(report.listeners) where name != "GW_PORT" {
                    Output.out("\(name)=\(binding.port)\n")
                }
            }
        }
    }
}
