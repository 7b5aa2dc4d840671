import ConsoleUI
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Probing

/// What doctor reads besides the graph, from the state directory: the local pods, the Gateways' recent requests and
/// the tails of their nginx error logs, and where the user's image map is. Read after the probes, so their requests
/// count.
public enum DoctorEvidence {
    /// How far back the request log is read.
    public static let window: TimeInterval = 600

    public static func gather(_ input: inout DoctorInput, store: Store, now: Date = Date()) {
        input.pods = ((try? store.list(ResourceRegistry.pod.groupKind)) ?? []).compactMap { try? Pod.decode($0.object) }
        input.imageMapFile = ConsoleConfig.directory() + "/config.yaml"
        input.echoServerCommand = [ControllerProcess.executable, "echo-server"]
        guard input.dataplane.running, !input.dataplane.managedElsewhere else { return }
        let manager = DataplaneManager(stateDirectory: store.directory)
        let since = now.addingTimeInterval(-window)
        for gateway in input.graph.gateways {
            let name = gateway.ref.namespacedName
            if let path = manager.requestLog(gateway: name) {
                input.requests += tail(path, bytes: 1 << 20).compactMap { RequestRecord.parse($0) }.filter {
                    ($0.date ?? .distantPast) >= since
                }
            }
            if let path = input.dataplane.gateways[name]?.errorLog {
                input.errorLogs[name] = Array(tail(path, bytes: 256 << 10).suffix(400)).map(String.init)
            }
        }
    }

    /// The whole lines of the last `bytes` of a file.
    static func tail(_ path: String, bytes: UInt64) -> [Substring] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > bytes ? size - bytes : 0
        try? handle.seek(toOffset: start)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var lines = text.split(separator: "\n")
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return lines
    }
}

extension Session {
    /// Doctor's findings, as `doctor`, the console and scenario checks get them: the graph's rules, the probes of
    /// the routes in scope, the pods, the request and error logs, and in cluster mode the two status views. Not
    /// ordered (`Finding.ordered`).
    public func doctorFindings(
        store: Store, graph: Graph, snapshot: ResourceSnapshot? = nil, namespace: String?,
        routes: Set<ObjectRef>? = nil
    ) throws -> [Finding] {
        let snapshot = try snapshot ?? Reconciler(store: store, config: controllerConfig).snapshot()
        let dataplane =
            clusterMode
            ? DataplaneFacts.clusterManaged
            : DataplaneManager(stateDirectory: store.directory).load().facts(stateDirectory: store.directory)
        var input = DoctorInput(
            graph: graph, snapshot: snapshot, dataplane: dataplane, namespace: namespace, routes: routes)
        input.snippets = controllerConfig.snippets
        input.observations = DoctorProbe.observe(
            input.routesInScope, graph: graph, dataplane: dataplane, snapshot: snapshot)
        input.grpcObservations = DoctorProbe.observeGRPC(input.routesInScope, dataplane: dataplane, snapshot: snapshot)
        DoctorEvidence.gather(&input, store: store)
        var findings = DoctorRules.findings(input)
        if clusterMode { findings += StatusViews.findings(store: store, graph: graph, namespace: namespace) }
        return findings
    }
}
