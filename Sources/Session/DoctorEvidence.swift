import ConsoleUI
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore

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
                input.requests += tail(path, bytes: 4 << 20).compactMap { RequestRecord.parse($0) }.filter {
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
