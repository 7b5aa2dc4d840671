import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing

/// `probe --route tcproute/NAME` (and udproute, tlsroute) and the console's `p` on a layer-4 route: the exchange
/// through the route's listener on the embedded data plane, and the upstream nginx chose, from the session log.
public enum StreamRouteProbe {
    public enum Failure: Error, CustomStringConvertible {
        case notAttached(ObjectRef)
        case notServed(ObjectRef, listener: String)

        public var description: String {
            switch self {
            case .notAttached(let ref):
                "error: \(ref.kind) \(ref.namespacedName) is not accepted by a Gateway (see describe \(ref.kind.lowercased()) \(ref.name))"
            case .notServed(let ref, let listener):
                "error: listener \(listener) of \(ref.kind) \(ref.namespacedName) is not served (gwconsole up starts the data plane; gwconsole status shows what serves)"
            }
        }
    }

    /// Probes a route. `data`: bytes to send (TCP and UDP); UDP to a DNS port sends a question for `name`.
    public static func probe(
        _ route: L4RouteNode, graph: Graph, snapshot: ResourceSnapshot, manager: DataplaneManager, data: String?,
        name: String?
    ) throws -> StreamProbeResult {
        guard let parent = route.parents.first(where: \.accepted), let gatewayRef = parent.gateway,
            let listenerName = parent.listeners.first
        else { throw Failure.notAttached(route.ref) }
        let state = manager.load()
        guard state.running,
            let binding = state.gateways[gatewayRef.namespacedName]?.bindings.first(where: {
                $0.listener == listenerName
            })
        else { throw Failure.notServed(route.ref, listener: listenerName) }
        let endpoints = route.backends.filter(\.valid).flatMap { backend -> [String] in
            guard let service = backend.service, let port = backend.port else { return [] }
            return Endpoints.addresses(service: service, port: port, portName: backend.portName, snapshot: snapshot)
        }
        let transport = route.kind == .udp ? "udp" : route.kind == .tls ? "tls" : "tcp"
        var result = StreamProbeResult(
            route: "\(route.kind.rawValue) \(route.ref.namespacedName)", transport: transport, address: binding.address,
            port: binding.port, endpoints: endpoints)
        let logPath = manager.sessionLog(gateway: gatewayRef.namespacedName)
        let logStart = logPath.flatMap { (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int } ?? 0
        switch route.kind {
        case .tcp:
            StreamProbe.tcp(
                address: binding.address, port: binding.port, data: Array((data ?? "").utf8), result: &result)
        case .udp:
            let dns = route.backends.contains { $0.port == 53 || ($0.portName ?? "").contains("dns") }
            if data == nil && dns {
                let question = name ?? "example.com"
                let answer = StreamProbe.udp(
                    address: binding.address, port: binding.port, data: DNSQuestion.bytes(question, id: 0x6777),
                    result: &result)
                if !answer.isEmpty { result.received = DNSQuestion.summary(answer, question: question) }
            } else {
                StreamProbe.udp(
                    address: binding.address, port: binding.port, data: Array((data ?? "ping\n").utf8),
                    result: &result)
            }
        case .tls:
            let sni =
                name ?? route.hostnames.first { !$0.hasPrefix("*") } ?? route.hostnames.first.map {
                    "probe" + $0.dropFirst()
                } ?? "probe.example.com"
            result.sni = sni
            StreamProbe.tls(address: binding.address, port: binding.port, sni: sni, result: &result)
        }
        if let logPath {
            result.upstream = upstream(logPath, from: logStart, port: binding.port, clientPort: result.clientPort)
        }
        return result
    }

    /// The upstream of the newest session on `port` logged after `offset` (nginx writes a session's line when it
    /// ends: waited for up to a second).
    static func upstream(_ path: String, from offset: Int, port: Int, clientPort: Int?) -> String? {
        let deadline = Date().addingTimeInterval(1)
        repeat {
            if let handle = FileHandle(forReadingAtPath: path) {
                defer { try? handle.close() }
                try? handle.seek(toOffset: UInt64(offset))
                let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
                // A port shared with HTTPS listeners has two hops: the listener's (to a unix socket) and the
                // route's (on that socket, to the backend).
                for line in text.split(separator: "\n").reversed() {
                    guard let object = try? JSONValue.parse(String(line)),
                        object["server"]?.stringValue == String(port),
                        let upstream = object["upstream"]?.stringValue, !upstream.isEmpty, !upstream.hasPrefix("unix:")
                    else { continue }
                    // The probe's own session, where its port is known (curl's TLS probe: the newest).
                    if let clientPort, object["clientPort"]?.stringValue != String(clientPort) { continue }
                    return upstream
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }
}
