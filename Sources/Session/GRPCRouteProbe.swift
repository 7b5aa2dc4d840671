import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing

/// `probe --route grpcroute/NAME`, `probe grpc://…` and the console's `p` on a GRPCRoute: one gRPC call through the
/// embedded data plane, and what served it from the Gateway's request log (route, rule, backend, grpc-status).
public enum GRPCRouteProbe {
    public enum Failure: Error, CustomStringConvertible {
        case notAttached(ObjectRef)
        case notServed(ObjectRef)
        case noMethod(ObjectRef)

        public var description: String {
            switch self {
            case .notAttached(let ref):
                "error: \(ref.description) is not accepted by a Gateway (see describe grpcroute \(ref.name))"
            case .notServed(let ref):
                "error: \(ref.description) is not served by a running Gateway (gwconsole up, and see describe grpcroute \(ref.name))"
            case .noMethod(let ref):
                "error: no rule of \(ref.description) names a service and method: give the service's .proto (--proto FILE: its first method is called), or call one (probe grpc://ADDRESS:PORT/SERVICE/METHOD)"
            }
        }
    }

    /// The call a route's first method match makes, through the listener it is served on, with its first hostname
    /// as `:authority`. `base` gives the request body, metadata and protos.
    public static func call(
        for route: RouteNode, manager: DataplaneManager, base: GRPCCall
    ) throws -> GRPCCall {
        guard let parent = route.parents.first(where: \.accepted), let gateway = parent.gateway else {
            throw Failure.notAttached(route.ref)
        }
        let state = manager.load()
        guard state.running,
            let binding = state.gateways[gateway.namespacedName]?.bindings.first(where: {
                parent.listeners.contains($0.listener)
            })
        else { throw Failure.notServed(route.ref) }
        var call = base
        call.host = binding.address
        call.port = binding.port
        if binding.protocol == .https { call.security = .tls(caFile: nil) }
        if call.authority == nil {
            call.authority =
                route.source.spec.hostnames?.first { !$0.hasPrefix("*") }
                ?? route.source.spec.hostnames?
                .first.map { "probe" + $0.dropFirst() }
        }
        if call.method.isEmpty {
            let methods = (route.grpc?.spec.rules ?? []).flatMap { $0.matches ?? [] }.compactMap(\.method)
            if let method = methods.first(where: { $0.service != nil && $0.method != nil }) {
                call.method = "\(method.service!)/\(method.method!)"
            } else if !base.protos.isEmpty,
                let first = (try? GRPCCall.schema(base.protos))?.services.first?.methods.first
            {
                // A route that takes every method: the first of the service the user gave.
                call.method = "\(first.service)/\(first.name)"
            } else {
                throw Failure.noMethod(route.ref)
            }
        }
        return call
    }

    /// The request log's line for a call made after `offset` to `path` (nginx logs it as the call ends, which
    /// can be just after the client saw the end: waited for up to a second).
    public static func record(_ logPath: String?, from offset: Int, path: String) -> RequestRecord? {
        guard let logPath else { return nil }
        let deadline = Date().addingTimeInterval(1)
        repeat {
            if let handle = FileHandle(forReadingAtPath: logPath) {
                defer { try? handle.close() }
                try? handle.seek(toOffset: UInt64(offset))
                let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
                let found = text.split(separator: "\n").reversed().lazy.compactMap(RequestRecord.parse).first {
                    $0.uri == path
                }
                if let found { return found }
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }

    /// The size of the request log now: where a call's line will start.
    public static func logOffset(_ logPath: String?) -> Int {
        logPath.flatMap { (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int } ?? 0
    }

    /// The probe's report: grpcurl's output, then the status, timing and what served the call.
    public static func lines(_ call: GRPCCall, _ outcome: GRPCCall.Outcome, record: RequestRecord?) -> [String] {
        var lines = [outcome.grpcurlText, ""]
        let result = outcome.result
        lines.append(
            "\(result.tls ? "TLS (h2)" : "plaintext (h2c)") \(result.target)\(result.authority.map { " authority \($0)" } ?? "") \(result.method)"
        )
        lines.append(
            "grpc-status \(result.status.rawValue) \(result.status.name)\(result.message.isEmpty ? "" : ": \(result.message)") in \(String(format: "%.1f", result.milliseconds)) ms"
        )
        if let error = result.transportError { lines.append("transport: \(error)") }
        if let error = outcome.decodeError { lines.append(error) }
        if let record {
            if record.route.isEmpty {
                lines.append("served by: no route (nginx answered \(record.status))")
            } else {
                lines.append(
                    "served by: \(record.routeLabel) rule \(record.rule) → \(record.backend.isEmpty ? "no backend" : record.backend)\(record.upstream.isEmpty ? "" : " (\(record.upstream))")"
                )
            }
        }
        return lines
    }
}

extension GRPCRouteProbe {
    /// One endpoint of a route's backend, called directly in plain HTTP/2 (h2c) and in TLS, beside what the
    /// Gateway sends it: gRPC's form of the guide's plain-vs-TLS probe.
    public struct BackendAnswer: Sendable {
        /// `Service ns/name:port`.
        public var service: String
        public var endpoint: String
        /// `h2c`, or `TLS (SNI name)` when a BackendTLSPolicy is in effect.
        public var gatewaySends: String
        public var plain: GRPCCallResult
        public var tls: GRPCCallResult

        /// What the endpoint answers, and whether that is what the Gateway sends.
        public var verdict: String {
            let plainWorks = !GRPCRouteObservation.transportFailures.contains(plain.status)
            let tlsWorks = !GRPCRouteObservation.transportFailures.contains(tls.status)
            let speaks = plainWorks ? "h2c" : tlsWorks ? "TLS" : "neither h2c nor TLS gRPC"
            let sendsTLS = gatewaySends.hasPrefix("TLS")
            let agrees = sendsTLS ? tlsWorks : plainWorks
            return "backend speaks \(speaks); the gateway sends \(gatewaySends)" + (agrees ? "" : " — MISMATCH")
        }
    }

    /// The endpoints of the backends of the route's rules that take `call`'s method (every rule when none names
    /// it), each called as `call` is, plain and TLS.
    public static func backends(_ route: RouteNode, call: GRPCCall, graph: Graph, snapshot: ResourceSnapshot)
        -> [BackendAnswer]
    {
        let path = "/" + call.method
        let naming = route.rules.filter { rule in
            rule.dropped == nil
                && (rule.source.matches ?? []).contains { $0.path?.type == .exact && $0.path?.value == path }
        }
        let rules = naming.isEmpty ? route.rules.filter { $0.dropped == nil } : naming
        var answers: [BackendAnswer] = []
        var seen = Set<String>()
        for backend in rules.flatMap(\.backends) where backend.valid {
            guard let service = backend.service, let port = backend.port else { continue }
            let policy = backend.policy.flatMap { graph.policy($0) }.flatMap { $0.inEffect ? $0 : nil }
            let sni = policy?.source.spec.validation.hostname
            for address in Endpoints.addresses(
                service: service, port: port, portName: backend.portName, snapshot: snapshot)
            where seen.insert(address).inserted {
                guard let colon = address.lastIndex(of: ":"),
                    let endpointPort = Int(address[address.index(after: colon)...])
                else { continue }
                var direct = call
                direct.host = String(address[..<colon])
                direct.port = endpointPort
                direct.timeoutSeconds = 3
                direct.security = .plaintext
                let plain = (try? direct.run())?.result
                direct.security = .tls(caFile: nil)
                direct.authority = sni ?? call.authority
                let tls = (try? direct.run())?.result
                guard let plain, let tls else { continue }
                answers.append(
                    BackendAnswer(
                        service: "Service \(service.namespacedName):\(port)", endpoint: address,
                        gatewaySends: sni.map { "TLS (SNI \($0))" } ?? "h2c", plain: plain, tls: tls))
            }
        }
        return answers
    }

    /// The backend answers as report lines.
    public static func lines(_ answers: [BackendAnswer]) -> [String] {
        answers.flatMap { answer -> [String] in
            func text(_ result: GRPCCallResult) -> String {
                result.transportError.map { "no gRPC (\($0))" }
                    ?? "\(result.status.rawValue) \(result.status.name)\(result.message.isEmpty ? "" : ": \(result.message)") in \(String(format: "%.1f", result.milliseconds)) ms"
            }
            return [
                "", "Backend \(answer.service) endpoint \(answer.endpoint): \(answer.verdict)",
                "  h2c (plain HTTP/2): \(text(answer.plain))", "  TLS (h2, not verified): \(text(answer.tls))",
            ]
        }
    }
}
