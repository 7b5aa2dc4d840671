import Diagnostics
import Foundation
import Probing

/// The suite's gRPC checks (`conformance/utils/grpc`) against echo-basic's gRPC mode (`GrpcEcho`), through a
/// Gateway's listener: plaintext HTTP/2 with prior knowledge, as grpc-go's insecure client dials, one new
/// connection per call.
extension ConformanceRunner {
    /// The service echo-basic's gRPC mode serves (`grpcecho.proto`, built into Probing's schema).
    static let grpcEchoService = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho"

    /// One unary call with an empty EchoRequest, as DefaultClient.SendRPC makes it: to gwAddr's address at the port
    /// this machine binds (`servedPort`), `:authority` the step's or gwAddr (`address:port`, grpc-go's default),
    /// metadata keys lower-cased.
    static func grpcCall(
        address: String, port: Int, servedPort: Int, method: String, authority: String?,
        metadata: [String: String], timeout: Double
    ) throws -> GRPCCall.Outcome {
        let call = GRPCCall(
            host: address, port: servedPort, authority: authority ?? "\(address):\(port)",
            method: "\(grpcEchoService)/\(method)",
            metadata: metadata.sorted { $0.key < $1.key }.map { (name: $0.key.lowercased(), value: $0.value) },
            timeoutSeconds: max(0.5, timeout))
        do {
            return try call.run()
        } catch {
            throw ConformanceError("gRPC \(method): \(error)")
        }
    }

    /// What the echo put in `assertions`: the fully qualified method it served, and its pod and namespace.
    struct GRPCEcho {
        var fullyQualifiedMethod = ""
        var pod = ""
        var namespace = ""

        init?(_ outcome: GRPCCall.Outcome) {
            guard let json = outcome.responseJSON,
                let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            else { return nil }
            // grpcurl's JSON: lowerCamelCase names, fields at their default value left out.
            let assertions = object["assertions"] as? [String: Any] ?? [:]
            let context = assertions["context"] as? [String: Any] ?? [:]
            fullyQualifiedMethod = assertions["fullyQualifiedMethod"] as? String ?? ""
            pod = context["pod"] as? String ?? ""
            namespace = context["namespace"] as? String ?? ""
        }
    }

    /// compareResponse: the code; when OK, the method the echo served, its namespace and the pod's name prefix.
    static func grpcMismatch(_ outcome: GRPCCall.Outcome, _ step: GRPCCase) throws -> String? {
        let expected = try expectedCode(step.code)
        let status = outcome.result.status
        guard status == expected else {
            let message = outcome.result.message.isEmpty ? "" : " (\(outcome.result.message))"
            return "expected status code \(expected.name), got \(status.name)\(message)"
        }
        guard status == .ok else { return nil }
        // A response that does not decode is an Internal error to grpc-go's stub.
        guard let echo = GRPCEcho(outcome) else {
            return "the answer is not the echo's: \(outcome.decodeError ?? "no response message")"
        }
        let method = "/\(grpcEchoService)/\(step.method)"
        if echo.fullyQualifiedMethod != method {
            return "expected path to be \(method), got \(echo.fullyQualifiedMethod)"
        }
        if let namespace = step.namespace, !namespace.isEmpty, namespace != echo.namespace {
            return "expected namespace to be \(namespace), got \(echo.namespace)"
        }
        if !echo.pod.hasPrefix(step.backend ?? "") {
            return "expected pod name to start with \(step.backend ?? ""), got \(echo.pod)"
        }
        return nil
    }

    static func expectedCode(_ name: String?) throws -> GRPCStatusCode {
        guard let name else { return .ok }
        guard let code = GRPCStatusCode(name: name) else { throw ConformanceError("no gRPC status code \(name)") }
        return code
    }

    /// http.AwaitConvergence: `attempt` (given the time left) until it holds three times in a row, 100 ms after each
    /// miss, within the deadline; nil when it converged, else the last miss. `attempt` throws to stop at once.
    func converge(_ attempt: (TimeInterval) throws -> String?) rethrows -> String? {
        let end = Date().addingTimeInterval(Self.deadline)
        var consecutive = 0
        var last: String?
        while Date() < end {
            if let miss = try attempt(end.timeIntervalSinceNow) {
                consecutive = 0
                last = miss
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            consecutive += 1
            if consecutive == 3 { return nil }
        }
        return last ?? "no consistent answer within \(Int(Self.deadline)) s"
    }

    /// `grpc`: MakeRequestAndExpectEventuallyConsistentResponse, or …Failure with `expectFailure` (any code but OK
    /// holds; an OK fails the step at once).
    func grpc(_ step: GRPCCase) throws -> String? {
        guard let (address, port) = try address(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        let served = port + live.portOffset
        let metadata = (step.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        let described =
            "gRPC \(step.method) (:authority \(step.authority ?? "\(address):\(port)")"
            + (metadata.isEmpty ? ")" : ", metadata \(metadata.joined(separator: ", ")))")
        struct AnsweredOK: Error {}
        do {
            let miss = try converge { left in
                let outcome = try Self.grpcCall(
                    address: address, port: port, servedPort: served, method: step.method,
                    authority: step.authority, metadata: step.metadata ?? [:], timeout: left)
                if step.expectFailure == true {
                    if outcome.result.status == .ok { throw AnsweredOK() }
                    return nil
                }
                return try Self.grpcMismatch(outcome, step)
            }
            guard let miss else { return nil }
            return "\(described): \(miss)"
        } catch is AnsweredOK {
            return "\(described): the call should have failed, but got status OK"
        }
    }

    /// `body(index)` for each index below `total`, `width` at a time on threads of their own (each call blocks its
    /// thread until the call ends); the results in index order.
    static func inParallel<T: Sendable>(_ total: Int, width: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = ParallelResults<T>(total)
        let lanes = max(1, min(width, total))
        let group = DispatchGroup()
        for lane in 0..<lanes {
            group.enter()
            let thread = Thread {
                for index in stride(from: lane, to: total, by: lanes) {
                    let value = body(index)
                    results.lock.withLock { results.values[index] = value }
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        return results.values.map { $0! }
    }

    /// `grpcDistribution`: weight.TestWeightedDistribution with a FunctionBasedSender of gRPC calls (each on a new
    /// connection, half with random x-jitter metadata, grpc.AddEntropy). A call not answered OK or answered by a
    /// pod of no listed backend fails the attempt; an attempt holds when exactly the backends of weight > 0
    /// answered, each share within the tolerance of its weight. Up to `attempts` attempts.
    func grpcDistribution(_ step: GRPCDistribution) throws -> String? {
        guard let (address, port) = try address(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        let served = port + live.portOffset
        let total = step.requests ?? 500
        let tolerance = step.tolerance ?? 0.05
        let timeout = Self.deadline
        let attempts = max(1, step.attempts ?? 10)
        var last = "no attempt"
        for attempt in 1...attempts {
            let answers = Self.inParallel(total, width: step.concurrency ?? 10) {
                _ -> Result<String, ConformanceError> in
                var metadata = step.metadata ?? [:]
                if Bool.random() { metadata["x-jitter"] = String(Int.random(in: 0..<10_000)) }
                do {
                    let outcome = try Self.grpcCall(
                        address: address, port: port, servedPort: served, method: step.method,
                        authority: step.authority, metadata: metadata, timeout: timeout)
                    guard outcome.result.status == .ok else {
                        return .failure(ConformanceError("expected OK response, got \(outcome.result.status.name)"))
                    }
                    return .success(GRPCEcho(outcome)?.pod ?? "")
                } catch let error as ConformanceError {
                    return .failure(error)
                } catch {
                    return .failure(ConformanceError("\(error)"))
                }
            }
            guard let mismatch = Self.weightMismatch(answers, weights: step.weights, tolerance: tolerance) else {
                return nil
            }
            last = "weighted distribution, attempt \(attempt) of \(attempts): \(mismatch)"
        }
        return last
    }

    /// TestWeightedDistribution's verdict on one attempt's answers (the pods, or why a call failed).
    static func weightMismatch(
        _ answers: [Result<String, ConformanceError>], weights: [String: Double], tolerance: Double
    ) -> String? {
        var seen: [String: Int] = [:]
        for answer in answers {
            switch answer {
            case .failure(let error): return "error while sending requests: \(error)"
            case .success(let pod):
                let name = Self.backend(ofPod: pod)
                guard weights[name] != nil else {
                    return "request was handled by an unexpected pod \"\(pod)\" (extracted backend: \"\(name)\")"
                }
                seen[name, default: 0] += 1
            }
        }
        var problems: [String] = []
        let active = weights.values.filter { $0 > 0 }.count
        if seen.count != active {
            problems.append("expected \(active) backends to receive traffic, but got \(seen.count)")
        }
        for (backend, weight) in weights.sorted(by: { $0.key < $1.key }) {
            guard let count = seen[backend] else {
                if weight != 0 {
                    problems.append("expect traffic to hit backend \"\(backend)\" - but none was received")
                }
                continue
            }
            let share = Double(count) / Double(answers.count)
            if abs(share - weight) > tolerance {
                problems.append(
                    "backend \"\(backend)\" weighted traffic of \(share) not within tolerance \(weight) (+/-\(tolerance))"
                )
            }
        }
        guard problems.isEmpty else {
            let counts = seen.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return problems.sorted().joined(separator: "; ") + " (\(counts))"
        }
        return nil
    }
}

/// The results of `inParallel`, each written under the lock by the thread that made it.
final class ParallelResults<T: Sendable>: @unchecked Sendable {
    let lock = NSLock()
    var values: [T?]

    init(_ count: Int) { values = [T?](repeating: nil, count: count) }
}
