import Foundation

/// What became of one test.
enum ConformanceOutcome: Equatable {
    case passed
    case failed(String)
    case skipped(String)

    var word: String {
        switch self {
        case .passed: "passed"
        case .failed: "failed"
        case .skipped: "skipped"
        }
    }
}

/// Runs transcribed conformance tests on one embedded data plane: the suite's base applied once (with the Secrets
/// and ConfigMaps its set-up creates), then each test's manifests applied, its steps checked with deadlines, and
/// its manifests deleted again, as the suite's cleanup does.
final class ConformanceRunner {
    static let gatewayClass = "nginx"
    static let controllerName = "gateway.nginx.org/nginx-gateway-controller"
    /// The features gwconsole claims, as NGF does in its conformance runs.
    static let claimed: Set<String> = [
        "Gateway", "HTTPRoute", "ReferenceGrant", "BackendTLSPolicy", "GatewayPort8080", "GatewayAddressEmpty",
        "GatewayHTTPListenerIsolation", "GatewayInfrastructurePropagation", "GatewayBackendClientCertificate",
        "HTTPRouteQueryParamMatching", "HTTPRouteMethodMatching", "HTTPRoutePortRedirect", "HTTPRouteSchemeRedirect",
        "HTTPRoutePathRedirect", "HTTPRouteHostRewrite", "HTTPRoutePathRewrite", "HTTPRouteResponseHeaderModification",
        "HTTPRouteRequestMirror", "HTTPRouteRequestMultipleMirrors", "HTTPRouteRequestPercentageMirror",
        "HTTPRouteBackendProtocolWebSocket", "HTTPRouteParentRefPort", "HTTPRouteDestinationPortMatching",
        "HTTPRouteHTTPSListenerDetectMisdirectedRequests",
        // GatewayExtendedFeatures: ListenerSets attached to a Gateway (allowedListeners).
        "ListenerSet",
        // NGF's GATEWAY-GRPC profile's core (NGF claims none of its extended GRPCRoute features).
        "GRPCRoute",
        // Layer 4: NGF's GATEWAY-TLS, GATEWAY-TCP and GATEWAY-UDP profiles (gwconsole passes TLS through; NGF also
        // terminates, TLSRouteModeTerminate and TLSRouteModeMixed, which gwconsole does not claim yet).
        "TLSRoute", "TCPRoute", "UDPRoute",
    ]
    /// How long a status or a consistent answer may take: the suite's time to consistency (its status waits allow
    /// more; here every apply is reconciled before it returns, so a status is right or wrong at once).
    static let deadline: TimeInterval = 30

    let live = LiveDataplane()
    /// The certificates set-up made, by Secret (`namespace/name`).
    private(set) var suiteCertificates: [String: ConformanceCertificates.Pair] = [:]
    let scratch: String
    let http: ConformanceHTTP
    private(set) lazy var status = ConformanceStatus(controllerName: Self.controllerName) { [unowned self] in
        try self.object(kind: $0, namespace: $1, name: $2)
    }

    init() throws {
        scratch = live.cli.state + "-conformance"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        http = ConformanceHTTP(offset: live.portOffset, scratch: scratch)
    }

    func stop() { _ = try? live.run(["down"]) }

    // MARK: Set-up

    /// `up`, the suite's Secrets and ConfigMaps, the base manifests, and every echo pod ready.
    func setUp() throws {
        let up = try live.run(["up"])
        guard up.status == 0 else { throw ConformanceError("up: \(up.stderr)") }
        let base = try String(contentsOfFile: ConformanceFixtures.root + "/base/manifests.yaml", encoding: .utf8)
            .replacingOccurrences(of: "{GATEWAY_CLASS_NAME}", with: Self.gatewayClass)
        let namespaces = base.components(separatedBy: "\n---\n").filter { $0.contains("\nkind: Namespace\n") }
        var certificates = try ConformanceCertificates(directory: scratch + "/certificates")
        let objects = try certificates.suiteObjects()
        suiteCertificates = objects.pairs
        try apply(namespaces.joined(separator: "\n---\n") + "\n---\n" + objects.manifest, named: "suite-setup")
        try apply(base, named: "base")
        try waitForPods()
    }

    /// The base's echo pods (every pod but those of images with no local profile) running and ready.
    func waitForPods() throws {
        let end = Date().addingTimeInterval(60)
        var waiting: [String] = []
        repeat {
            let pods = try list("pods")
            waiting = pods.compactMap { pod -> String? in
                let status = pod["status"] as? [String: Any] ?? [:]
                let name = (pod["metadata"] as? [String: Any])?["name"] as? String ?? "?"
                let containers = status["containerStatuses"] as? [[String: Any]] ?? []
                let notLocal = containers.contains {
                    (($0["state"] as? [String: Any])?["waiting"] as? [String: Any])?["reason"] as? String
                        == "ImageNotLocal"
                }
                if notLocal { return nil }
                return containers.allSatisfy { $0["ready"] as? Bool == true } && !containers.isEmpty ? nil : name
            }
            if waiting.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < end
        throw ConformanceError("pods not ready after 60 s: \(waiting)")
    }

    // MARK: Store access

    @discardableResult
    func apply(_ manifest: String, named name: String) throws -> String {
        let path = scratch + "/\(name)-\(UUID().uuidString.prefix(8)).yaml"
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try live.run(["apply", "-f", path])
        guard result.status == 0 else { throw ConformanceError("apply \(name): \(result.stderr)\(result.stdout)") }
        return path
    }

    func list(_ kind: String) throws -> [[String: Any]] {
        let result = try live.run(["get", kind, "-A", "-o", "json"])
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw ConformanceError("get \(kind): \(result.stderr)") }
        return object["items"] as? [[String: Any]] ?? []
    }

    func object(kind: String, namespace: String, name: String) throws -> [String: Any]? {
        var arguments = ["get", kind, name, "-o", "json"]
        if !namespace.isEmpty { arguments += ["-n", namespace] }
        let result = try live.run(arguments)
        guard result.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    /// Polls `check` until it holds or the deadline passes; the last mismatch when it never held.
    func eventually(_ seconds: TimeInterval = deadline, _ check: () throws -> String?) throws -> String? {
        let end = Date().addingTimeInterval(seconds)
        var last: String?
        repeat {
            last = try check()
            if last == nil { return nil }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < end
        return last
    }

    // MARK: Tests

    func run(_ test: ConformanceCase) -> ConformanceOutcome {
        if let skip = test.skip { return .skipped(skip) }
        if let missing = test.features.first(where: { !Self.claimed.contains($0) }) {
            return .skipped("needs \(missing), which gwconsole does not claim")
        }
        var applied: [String] = []
        var outcome = ConformanceOutcome.passed
        defer {
            // Kept to look at when asked (GWCONSOLE_CONFORMANCE_KEEP) and the test failed.
            if !(keepFailures && outcome != .passed) {
                for path in applied.reversed() { _ = try? live.run(["delete", "-f", path, "--ignore-not-found"]) }
            }
        }
        outcome = runSteps(test, applied: &applied)
        return outcome
    }

    /// Leave a failed test's objects in place.
    var keepFailures = false

    private func runSteps(_ test: ConformanceCase, applied: inout [String]) -> ConformanceOutcome {
        do {
            for manifest in test.manifests ?? [] {
                let text = try String(
                    contentsOfFile: ConformanceFixtures.root + "/tests/" + manifest, encoding: .utf8)
                applied.append(try apply(try substituted(text), named: manifest))
            }
            for (index, step) in (test.steps ?? []).enumerated() {
                if let failure = try run(step, applied: &applied) { return .failed("step \(index + 1): \(failure)") }
            }
            return .passed
        } catch {
            return .failed("\(error)")
        }
    }

    private func run(_ step: ConformanceStep, applied: inout [String]) throws -> String? {
        switch step {
        case .accepted(let step): return try eventually { try status.accepted(step) }
        case .routeCondition(let step): return try eventually { try status.routeCondition(step) }
        case .routeParents(let step): return try eventually { try status.routeParents(step) }
        case .routeNotAccepted(let step): return try eventually { try status.routeNotAccepted(step) }
        case .gatewayCondition(let step): return try eventually { try status.gatewayCondition(step) }
        case .gatewayClassCondition(let step): return try eventually { try status.gatewayClassCondition(step) }
        case .listeners(let step): return try eventually { try status.listeners(step) }
        case .listenerConditions(let step): return try eventually { try status.listenerConditions(step) }
        case .policyCondition(let step): return try eventually { try status.policyCondition(step) }
        case .listenerSetCondition(let step): return try eventually { try status.listenerSetCondition(step) }
        case .listenerSetListenerConditions(let step):
            return try eventually { try status.listenerSetListenerConditions(step) }
        case .listenerSetListeners(let step): return try eventually { try status.listenerSetListeners(step) }
        case .attachedListenerSets(let step): return try eventually { try status.attachedListenerSets(step) }
        case .listenerSetAccepted(let step): return try eventually { try status.listenerSetAccepted(step) }
        case .observedGenerationBumped(let step):
            guard let now = try object(kind: step.kind.lowercased(), namespace: step.namespace ?? "", name: step.name)
            else {
                return "\(step.kind) \(step.name) not found"
            }
            let key = "\(step.kind.lowercased()):\(step.namespace ?? "")/\(step.name)"
            guard let before = generations[key] else {
                return "no generation of \(step.kind) \(step.name) was seen before the apply"
            }
            if before == ConformanceStatus.generation(now) {
                return "\(step.kind) \(step.name) is still at generation \(before)"
            }
            return try eventually { try status.observedGeneration(step) }
        case .apply(let manifest):
            try rememberGenerations()
            applied.append(try apply(try substituted(manifest), named: "step"))
            return nil
        case .delete(let step):
            var arguments = ["delete", step.kind, step.name]
            if let namespace = step.namespace { arguments += ["-n", namespace] }
            let result = try live.run(arguments)
            return result.status == 0 ? nil : "delete \(step.kind) \(step.name): \(result.stderr)"
        case .request(let step): return try request(step)
        case .tcp(let step): return try stream(step, tls: false)
        case .tls(let step): return try stream(step, tls: true)
        case .udp(let step): return try udp(step)
        case .dns(let step): return try dns(step)
        case .tcpDistribution(let step): return try distribution(step, udp: false)
        case .udpDistribution(let step): return try distribution(step, udp: true)
        case .distribution(let step): return try distribution(step)
        case .grpc(let step): return try grpc(step)
        case .grpcDistribution(let step): return try grpcDistribution(step)
        case .namespacesReady(let namespaces): return try eventually(60) { try namespacesReady(namespaces) }
        case .gatewayZeroRoutes(let step): return try eventually { try zeroRoutes(step.gateway) }
        case .routeLatestConditions(let step):
            return try eventually {
                try status.observedGeneration(
                    .init(kind: step.kind ?? "HTTPRoute", namespace: step.route.namespace, name: step.route.name))
            }
        case .routeGenerationChanged(let step):
            guard let route = try object(kind: "httproute", namespace: step.route.namespace, name: step.route.name)
            else {
                return "HTTPRoute \(step.route) not found"
            }
            let now = ConformanceStatus.generation(route)
            guard let before = generations["httproute:" + step.route.description] else {
                return "no generation of HTTPRoute \(step.route) was seen before the apply"
            }
            return now != before ? nil : "HTTPRoute \(step.route) is still at generation \(now)"
        case .endpointSlicesFromPods(let step): return try endpointSlices(step)
        case .mirrorDistribution(let step): return try mirrorDistribution(step)
        case .webSocket(let step): return try webSocket(step)
        case .gatewayLatestConditions(let step):
            return try eventually {
                try status.observedGeneration(
                    .init(kind: "Gateway", namespace: step.gateway.namespace, name: step.gateway.name))
            }
        case .gatewayClassLatestConditions(let step):
            return try eventually {
                try status.observedGeneration(.init(kind: "GatewayClass", namespace: nil, name: step.gatewayClass))
            }
        case .policyLatestConditions(let step):
            let check = {
                try self.status.observedGeneration(
                    .init(kind: "BackendTLSPolicy", namespace: step.policy.namespace, name: step.policy.name))
            }
            return step.once == true ? try check() : try eventually(Self.deadline, check)
        case .gatewayAddress(let step):
            return try eventually {
                try address(step.gateway, listener: step.listener, port: nil) == nil
                    ? "Gateway \(step.gateway) has no address" : nil
            }
        case .infrastructurePropagated:
            return "the embedded data plane makes no Pods, Services or ServiceAccounts for a Gateway to label"
        case .unsupported(let key): return "the runner cannot do a \(key) step"
        }
    }

    /// metadata.generation of every HTTPRoute before an apply step, for routeGenerationChanged.
    private var generations: [String: Int] = [:]

    private func rememberGenerations() throws {
        for kind in ["httproute", "gateway", "gatewayclass", "backendtlspolicy"] {
            for object in try list(kind) {
                let meta = object["metadata"] as? [String: Any] ?? [:]
                generations["\(kind):\(meta["namespace"] as? String ?? "")/\(meta["name"] as? String ?? "")"] =
                    ConformanceStatus.generation(object)
            }
        }
    }

    /// The placeholders of the suite's manifests and of transcribed apply steps.
    func substituted(_ manifest: String) throws -> String {
        var text = manifest.replacingOccurrences(of: "{GATEWAY_CLASS_NAME}", with: Self.gatewayClass)
            .replacingOccurrences(of: "{GATEWAY_CONTROLLER_NAME}", with: Self.controllerName)
        // "{CONFIGMAP_DATA:ns/name:ca.crt}": the generated ConfigMap's value, as a YAML (JSON) string.
        while let start = text.range(of: "\"{CONFIGMAP_DATA:"),
            let end = text.range(of: "}\"", range: start.upperBound..<text.endIndex)
        {
            let reference = String(text[start.upperBound..<end.lowerBound])
            let name = String(reference.split(separator: ":").first ?? "")
            guard let pair = suiteCertificates["configmap:" + name] else {
                throw ConformanceError("no ConfigMap \(name) was made at set-up")
            }
            let encoded = String(
                decoding: try JSONSerialization.data(withJSONObject: [pair.certificate]), as: UTF8.self)
            text.replaceSubrange(start.lowerBound..<end.upperBound, with: String(encoded.dropFirst().dropLast()))
        }
        return text
    }

    /// NamespacesMustBeReady: every Gateway in them Accepted and Programmed at its generation, every pod ready.
    func namespacesReady(_ namespaces: [String]) throws -> String? {
        for gw in try list("gateways") {
            let meta = gw["metadata"] as? [String: Any] ?? [:]
            guard namespaces.contains(meta["namespace"] as? String ?? "") else { continue }
            let conditions = ConformanceStatus.conditions((gw["status"] as? [String: Any])?["conditions"])
            if let stale = ConformanceStatus.stale(gw, conditions) { return "Gateway \(meta["name"] ?? ""): \(stale)" }
            for type in ["Accepted", "Programmed"]
            where !ConformanceStatus.has(.init(type: type, status: "True", reason: nil), in: conditions) {
                return "Gateway \(meta["namespace"] ?? "")/\(meta["name"] ?? "") is not \(type): "
                    + ConformanceStatus.describe(conditions)
            }
        }
        for pod in try list("pods") {
            let meta = pod["metadata"] as? [String: Any] ?? [:]
            guard namespaces.contains(meta["namespace"] as? String ?? "") else { continue }
            let containers = (pod["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]] ?? []
            let notLocal = containers.contains {
                (($0["state"] as? [String: Any])?["waiting"] as? [String: Any])?["reason"] as? String == "ImageNotLocal"
            }
            // A pod whose image cannot run here is not the controller's to make ready.
            if notLocal { continue }
            if !containers.allSatisfy({ $0["ready"] as? Bool == true }) {
                return "pod \(meta["namespace"] ?? "")/\(meta["name"] ?? "") is not ready"
            }
        }
        return nil
    }

    /// GatewayMustHaveZeroRoutes: no listener status, or listeners with no attached routes.
    func zeroRoutes(_ gateway: ObjectName) throws -> String? {
        guard let gw = try status.gateway(gateway) else { return "Gateway \(gateway) not found" }
        let gwStatus = gw["status"] as? [String: Any] ?? [:]
        if let stale = ConformanceStatus.stale(gw, ConformanceStatus.conditions(gwStatus["conditions"])) {
            return "Gateway \(gateway): \(stale)"
        }
        // No listener statuses, or exactly one with no attached routes.
        let listeners = gwStatus["listeners"] as? [[String: Any]] ?? []
        if listeners.isEmpty || (listeners.count == 1 && (listeners[0]["attachedRoutes"] as? Int ?? 0) == 0) {
            return nil
        }
        return "Gateway \(gateway): expected no listener statuses or one with 0 attached routes, got "
            + listeners.map { "\($0["name"] ?? "?"): \($0["attachedRoutes"] ?? 0)" }.joined(separator: ", ")
    }

    /// The suite's manual EndpointSlices: each given the addresses of the Deployment's pods of its family.
    func endpointSlices(_ step: ConformanceStep.EndpointSlicesFromPods) throws -> String? {
        let pods = try list("pods").filter { pod in
            let meta = pod["metadata"] as? [String: Any] ?? [:]
            return meta["namespace"] as? String == step.deployment.namespace
                && (meta["name"] as? String ?? "").hasPrefix(step.deployment.name + "-")
        }
        guard !pods.isEmpty else { return "no pods of \(step.deployment)" }
        for name in step.endpointSlices {
            guard var slice = try object(kind: "endpointslice", namespace: name.namespace, name: name.name) else {
                return "EndpointSlice \(name) not found"
            }
            let ipv6 = slice["addressType"] as? String == "IPv6"
            let endpoints: [[String: Any]] = pods.compactMap { pod in
                let meta = pod["metadata"] as? [String: Any] ?? [:]
                let status = pod["status"] as? [String: Any] ?? [:]
                guard let ip = status["podIP"] as? String, ip.contains(":") == ipv6 else { return nil }
                return [
                    "addresses": [ip], "conditions": ["ready": true, "serving": true, "terminating": false],
                    "nodeName": (pod["spec"] as? [String: Any])?["nodeName"] as? String ?? "local",
                    "targetRef": ["kind": "Pod", "name": meta["name"] ?? "", "namespace": name.namespace],
                ]
            }
            if endpoints.isEmpty { continue }
            slice["endpoints"] = endpoints
            var meta = slice["metadata"] as? [String: Any] ?? [:]
            meta = meta.filter { ["name", "namespace", "labels", "annotations"].contains($0.key) }
            slice["metadata"] = meta
            let data = try JSONSerialization.data(withJSONObject: slice, options: [.sortedKeys])
            try apply(String(decoding: data, as: UTF8.self), named: "endpointslice")
        }
        return nil
    }

    /// gwAddr: the Gateway's address and the port of its named (or first) listener, or the step's port.
    func address(_ gateway: ObjectName, listener: String?, port: Int?) throws -> (String, Int)? {
        guard let gw = try status.gateway(gateway) else { return nil }
        let addresses = ((gw["status"] as? [String: Any])?["addresses"] as? [[String: Any]]) ?? []
        guard let address = addresses.first(where: { $0["type"] != nil })?["value"] as? String else { return nil }
        if let port { return (address, port) }
        let listeners = ((gw["spec"] as? [String: Any])?["listeners"] as? [[String: Any]]) ?? []
        let chosen = listener.flatMap { name in listeners.first { $0["name"] as? String == name } } ?? listeners.first
        return (address, chosen?["port"] as? Int ?? 80)
    }

    /// The certificate file of a Secret the suite's set-up made, for a client that trusts only it.
    func certificateFile(_ secret: ObjectName?) throws -> String? {
        guard let secret else { return nil }
        guard let pair = suiteCertificates[secret.description] else {
            throw ConformanceError("no certificate for Secret \(secret) was made at set-up")
        }
        return pair.certificatePath
    }

    /// MakeRequestAndExpectEventuallyConsistentResponse: three answers in a row as expected, within the deadline.
    /// A mirrored request carries a fresh request id in its query, so the mirrors' logs can be matched to it.
    func request(_ original: HTTPCase) throws -> String? {
        var step = original
        if let mirrors = step.mirroredTo, !mirrors.isEmpty {
            let id = UUID().uuidString.lowercased()
            step.request.path = Self.addingRequestID(step.request.path ?? "/", id)
            if let expected = step.expectedRequest {
                step.expectedRequest?.path = expected.path.map { Self.addingRequestID($0, id) } ?? step.request.path
            }
        }
        guard let (address, port) = try address(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        let scheme = step.scheme ?? "http"
        let trusted = try certificateFile(step.serverCertificate)
        let path = String((step.request.path ?? "/").split(separator: "?", maxSplits: 1).first ?? "/")
        var consecutive = 0
        var lastMismatch: String?
        let end = Date().addingTimeInterval(Self.deadline)
        while Date() < end {
            let exchange = http.send(
                address: address, port: port, scheme: scheme, request: step.request, serverName: step.serverName,
                setResponseHeaders: step.backendSetResponseHeaders, trusting: trusted)
            let mismatch: String?
            if step.expectFailure == true {
                // WaitForConsistentFailureResponse: an HTTP error answers; no answer or a timeout is not yet one,
                // and a 200 fails at once.
                if exchange.status == 200 { return "expected an HTTP error, got 200" }
                mismatch =
                    exchange.error != nil || exchange.status == 504
                    ? "no HTTP error yet: \(exchange.error ?? "504")" : nil
            } else {
                mismatch = step.mismatch(exchange, scheme: scheme, requestPath: path) {
                    self.suiteCertificates[$0.description]?.certificate
                }
            }
            if let mismatch {
                consecutive = 0
                lastMismatch = mismatch
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            consecutive += 1
            if consecutive == 3 {
                if let mirrors = step.mirroredTo, !mirrors.isEmpty {
                    let logged = step.request.path ?? "/"
                    return try eventually {
                        for mirror in mirrors where try mirrorCount(mirror, path: logged) == 0 {
                            return "no pod of \(mirror.namespace)/\(mirror.name) logged the mirrored \(logged)"
                        }
                        return nil
                    }
                }
                return nil
            }
        }
        return "\(step.request.method ?? "GET") \(step.request.host ?? address)\(step.request.path ?? "/"): "
            + (lastMismatch ?? "no consistent answer")
    }

    /// addQueryParam(path, gateway-api-conformance-request-id, id).
    static func addingRequestID(_ path: String, _ id: String) -> String {
        path + (path.contains("?") ? "&" : "?") + "gateway-api-conformance-request-id=" + id
    }

    /// How many requests to `path` the pods of a backend logged.
    func mirrorCount(_ mirror: HTTPCase.Mirror, path: String) throws -> Int {
        let pods = try list("pods").filter {
            let meta = $0["metadata"] as? [String: Any] ?? [:]
            return meta["namespace"] as? String == mirror.namespace
                && (meta["name"] as? String ?? "").hasPrefix(mirror.name + "-")
        }
        var count = 0
        for pod in pods {
            let name = (pod["metadata"] as? [String: Any])?["name"] as? String ?? ""
            let logs = try live.run(["logs", name, "-n", mirror.namespace]).stdout
            count += logs.components(separatedBy: "Echoing back request made to \(path)\n").count - 1
        }
        return count
    }

    /// Sends `total` requests, `concurrency` at a time; the answers in order.
    func many(
        _ total: Int, concurrency: Int, address: String, port: Int, request: (Int) -> HTTPCase.Request
    ) -> [CapturedExchange] {
        nonisolated(unsafe) var answers = [CapturedExchange?](repeating: nil, count: total)
        let lock = NSLock()
        let width = max(1, concurrency)
        let requests = (0..<total).map(request)
        let client = http
        DispatchQueue.concurrentPerform(iterations: width) { lane in
            for index in stride(from: lane, to: total, by: width) {
                let answer = client.send(
                    address: address, port: port, scheme: "http", request: requests[index], serverName: nil)
                lock.withLock { answers[index] = answer }
            }
        }
        return answers.map { $0! }
    }

    /// A weighted split: each backend's share of `requests` answers within `tolerance` of its weight; every
    /// backend with weight 0 gets none. Up to `attempts` tries.
    func distribution(_ step: Distribution) throws -> String? {
        guard let (address, port) = try address(step.gateway, listener: step.listener, port: nil) else {
            return "Gateway \(step.gateway) has no address"
        }
        let total = step.requests ?? 100
        var last: String?
        for _ in 0..<(step.attempts ?? 1) {
            let answers = many(total, concurrency: step.concurrency ?? 1, address: address, port: port) { index in
                var request = step.request
                // The suite's entropy: half the requests carry a random X-Jitter header.
                if index % 2 == 0 {
                    request.headers = (request.headers ?? [:]).merging(["X-Jitter": String(Int.random(in: 0..<10_000))])
                    { $1 }
                }
                return request
            }
            last = Self.shares(answers, step: step, total: total)
            if last == nil { return nil }
        }
        return last
    }

    static func shares(_ answers: [CapturedExchange], step: Distribution, total: Int) -> String? {
        var counts: [String: Int] = [:]
        for answer in answers {
            let codes = step.response?.codes ?? [200]
            guard codes.contains(answer.status), let echo = answer.echo else {
                return "an answer was \(answer.error ?? String(answer.status)), not an echo"
            }
            if let namespace = step.namespace, echo.namespace != namespace {
                return "an answer came from namespace \(echo.namespace)"
            }
            let backend = step.weights.keys.filter { echo.pod.hasPrefix($0 + "-") }.max { $0.count < $1.count }
            counts[backend ?? echo.pod, default: 0] += 1
        }
        let sum = step.weights.values.reduce(0, +)
        let tolerance = step.tolerance ?? 0.05
        for backend in counts.keys where step.weights[backend] == nil {
            return "traffic reached \(backend), which has no weight (\(counts))"
        }
        for (backend, weight) in step.weights.sorted(by: { $0.key < $1.key }) {
            let expected = sum > 0 ? weight / sum : 0
            let share = Double(counts[backend] ?? 0) / Double(total)
            if weight == 0, share > 0 { return "\(backend) has weight 0 but got \(share) (\(counts))" }
            if abs(share - expected) > tolerance {
                return "\(backend): expected a share of \(expected) ± \(tolerance), got \(share) (\(counts))"
            }
        }
        return nil
    }

    /// A percentage mirror: `requests` answered as expected, and each mirror's count within
    /// n·p ± k·√(n·p·(1−p)).
    func mirrorDistribution(_ step: MirrorDistribution) throws -> String? {
        guard let (address, port) = try address(step.gateway, listener: nil, port: nil) else {
            return "Gateway \(step.gateway) has no address"
        }
        var last: String?
        for attempt in 0..<(step.attempts ?? 1) {
            if attempt > 0 { Thread.sleep(forTimeInterval: 2) }
            let id = UUID().uuidString.lowercased()
            var request = step.request
            request.path = Self.addingRequestID(request.path ?? "/", id)
            var expected = HTTPCase(
                gateway: step.gateway, request: request, expectedRequest: step.expectedRequest, backend: step.backend,
                namespace: step.namespace)
            expected.expectedRequest?.path = step.expectedRequest?.path.map { Self.addingRequestID($0, id) }
            let answers = many(step.requests, concurrency: step.concurrency ?? 1, address: address, port: port) { _ in
                request
            }
            if let wrong = answers.lazy.compactMap({ expected.mismatch($0, scheme: "http", requestPath: "") }).first {
                last = "a request was answered wrongly: \(wrong)"
                continue
            }
            // Mirrors are sent on their own; their log lines may come a moment after the answers.
            Thread.sleep(forTimeInterval: 1)
            last = nil
            for mirror in step.mirroredTo {
                let count = try mirrorCount(mirror, path: request.path ?? "/")
                let p = Double(mirror.percent ?? 100) / 100
                let n = Double(step.requests)
                let spread = step.toleranceStdDevs * (n * p * (1 - p)).squareRoot()
                if abs(Double(count) - n * p) > spread {
                    last =
                        "\(mirror.name) logged \(count) of \(step.requests) mirrored requests, expected \(n * p) ± \(spread)"
                    break
                }
            }
            if last == nil { return nil }
        }
        return last
    }

    /// A WebSocket exchange through the Gateway, three times in a row.
    func webSocket(_ step: ConformanceStep.WebSocket) throws -> String? {
        guard let (address, port) = try address(step.gateway, listener: step.listener, port: nil) else {
            return "Gateway \(step.gateway) has no address"
        }
        var consecutive = 0
        var last: String?
        let end = Date().addingTimeInterval(Self.deadline)
        while Date() < end {
            if let failure = WebSocketClient.exchange(
                address: address, port: port + live.portOffset, host: port == 80 ? address : "\(address):\(port)",
                path: step.path, origin: step.origin, text: step.text, binary: step.binary)
            {
                consecutive = 0
                last = failure
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            consecutive += 1
            if consecutive == 3 { return nil }
        }
        return "WebSocket \(step.path): \(last ?? "no consistent exchange")"
    }
}
