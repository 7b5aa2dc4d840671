import ConsoleShell
import ConsoleUI
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import Scenarios
import Session

/// One metric at one route count: the median, fastest and slowest run, in milliseconds.
public struct BenchResult: Codable {
    public var routes: Int
    public var metric: String
    public var medianMs: Double
    public var minMs: Double
    public var maxMs: Double

    /// The JSON report's field names (the bench's documented output).
    public enum CodingKeys: String, CodingKey {
        case routes, metric
        case medianMs = "median_ms"
        case minMs = "min_ms"
        case maxMs = "max_ms"
    }
}

/// The JSON report: the machine and every result.
public struct BenchReport: Codable {
    public var machine: [String: String]
    public var results: [BenchResult]

    public init(machine: [String: String], results: [BenchResult]) {
        self.machine = machine
        self.results = results
    }
}

/// Runs the measurements and keeps the results.
public final class BenchRunner {
    public let scratch: String
    public let baseRuns: Int
    public var runsOverride: Int?
    public var runs: Int { runsOverride ?? baseRuns }
    public let tlsShare: Double
    /// The share of routes that are GRPCRoutes.
    public var grpcShare = 0.0
    public let dataplane: Bool
    public let log: Bool
    public var results: [BenchResult] = []
    /// The route counts measured so far, in order.
    var measuredCounts: [Int] = []

    public init(scratch: String, runs: Int, tlsShare: Double, dataplane: Bool, log: Bool) {
        self.scratch = scratch
        self.baseRuns = runs
        self.tlsShare = tlsShare
        self.dataplane = dataplane
        self.log = log
    }

    public static func machine() -> [String: String] {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map {
                String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces)
            } ?? "unknown"
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #if DEBUG
            let build = "debug"
        #else
            let build = "release"
        #endif
        return [
            "cpu": cpu, "cores": String(ProcessInfo.processInfo.activeProcessorCount), "kernel": release,
            "build": build,
            "nginx": nginxVersion(),
        ]
    }

    public static func nginxVersion() -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-nginx-v-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try? Spawn.run("/usr/sbin/nginx", ["-v"], outputPath: out)
        return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// Times `body` `count` times; records median, min and max in milliseconds.
    public func time(_ metric: String, routes: Int, count: Int? = nil, _ body: () throws -> Void) rethrows {
        var samples: [Double] = []
        for _ in 0..<(count ?? runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        record(metric, routes: routes, samples: samples)
    }

    public func record(_ metric: String, routes: Int, samples: [Double]) {
        // No sample, no row (the smoke test then names the missing metric).
        guard !samples.isEmpty else {
            FileHandle.standardError.write(Data("bench: \(routes) routes: \(metric): no sample\n".utf8))
            return
        }
        let sorted = samples.sorted()
        let result = BenchResult(
            routes: routes, metric: metric, medianMs: round3(sorted[sorted.count / 2]), minMs: round3(sorted.first!),
            maxMs: round3(sorted.last!))
        results.append(result)
        if log {
            FileHandle.standardError.write(Data("bench: \(routes) routes: \(metric) \(result.medianMs) ms\n".utf8))
        }
    }

    public func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    public func median(_ metric: String, _ routes: Int) -> Double? {
        results.first { $0.metric == metric && $0.routes == routes }?.medianMs
    }

    public static var peakRSSMegabytes: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    public func measure(routes count: Int) throws {
        // Big clusters take seconds per step: fewer runs, so the whole suite stays within minutes.
        let saved = runsOverride
        runsOverride = if count >= 50_000 { 1 } else if count >= 10_000 { min(runs, 3) } else { nil }
        defer { runsOverride = saved }
        let cluster = SyntheticCluster(
            routes: count, tlsShare: tlsShare, grpcShare: grpcShare, endpoint: Self.backendAddress)
        let yaml = Data(cluster.manifests().utf8)
        var objects: [DecodedObject] = []
        try time("decode", routes: count) {
            objects = try ManifestDecoder().decode(ManifestReader.documents(from: yaml, file: "bench.yaml"))
        }
        // The yardstick: Yams' own parse of the same bytes into its node trees.
        let text = String(decoding: yaml, as: UTF8.self)
        try time("Yams parse (same bytes)", routes: count) { _ = try YAMLReader.yamsParse(text) }
        if let decode = median("decode", count), let yams = median("Yams parse (same bytes)", count) {
            results.append(
                BenchResult(
                    routes: count, metric: "decode / Yams parse (ratio)", medianMs: round3(decode / yams), minMs: 0,
                    maxMs: 0))
        }
        var store: Store!
        var index = 0
        try time("store write", routes: count, count: min(runs, 3)) {
            index += 1
            // Synthetic clusters may exceed the default object limit.
            store = try Store(directory: scratch + "/store-\(count)-\(index)", maxObjects: .max)
            _ = try store.apply(objects)
        }
        var config = ControllerConfig(certificateCheck: CertificateInspector.caBundleCheck)
        config.keyPairCheck = CertificateInspector.tlsKeyPairCheck
        config.ruleCheck = RuleCheck.check
        config.dataplane = DataplaneState(address: "127.0.0.1", programmed: true, detail: "")
        let reconciler = Reconciler(store: store, config: config)
        var snapshot = ResourceSnapshot()
        try time("snapshot read", routes: count) { snapshot = try reconciler.snapshot() }
        var graph = GraphBuilder.build(snapshot, config: config)
        time("graph", routes: count) { graph = GraphBuilder.build(snapshot, config: config) }
        time("graph + status", routes: count) {
            graph = GraphBuilder.build(snapshot, config: config)
            _ = StatusBuilder.updates(graph, now: "2026-01-01T00:00:00Z")
        }
        guard let gateway = graph.gateways.first else {
            throw CLIError("bench: the synthetic Gateway was not accepted")
        }
        // explain: which listener, route and rule take one request, and why every other candidate lost.
        var explained: Explanation?
        time("explain (one request)", routes: count, count: runs * 2) {
            explained = Explanation.explain(
                RoutedRequest(host: "host-0.example.com", target: "/p4/x"), port: 80, gateway: gateway, graph: graph)
        }
        if explained?.route == nil { throw CLIError("bench: explain found no route for host-0.example.com/p4/x") }
        let dir = scratch + "/render-\(count)"
        let settings = RenderSettings(
            address: "127.0.0.1", portOffset: 0, configDirectory: dir + "/gen", runtimeDirectory: dir + "/run",
            generation: 1, workersAsRoot: geteuid() == 0)
        var rendered: RenderedConfig!
        time("render", routes: count) {
            rendered = Renderer.render(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings)
        }
        try write(rendered, settings: settings)
        var failure: String?
        try time("nginx -t", routes: count, count: min(runs, 3)) {
            failure = try nginxTest(settings)
        }
        if let failure { throw CLIError("bench: nginx -t refused the rendered config: \(failure)") }
        if let nginx = median("nginx -t", count) {
            // Per route, and against the previous size measured: linear growth keeps the first flat and the second
            // at the size ratio.
            results.append(
                BenchResult(
                    routes: count, metric: "nginx -t per route (µs)", medianMs: round3(nginx * 1000 / Double(count)),
                    minMs: 0, maxMs: 0))
            if let previous = measuredCounts.last, let before = median("nginx -t", previous) {
                results.append(
                    BenchResult(
                        routes: count,
                        metric:
                            "nginx -t / at \(previous) routes (ratio; linear \(round3(Double(count) / Double(previous))))",
                        medianMs: round3(nginx / before), minMs: 0, maxMs: 0))
            }
        }
        measuredCounts.append(count)
        if let core = median("graph + status", count), let render = median("render", count),
            let nginx = median("nginx -t", count)
        {
            results.append(
                BenchResult(
                    routes: count, metric: "core / nginx -t (ratio)", medianMs: round3((core + render) / nginx),
                    minMs: 0, maxMs: 0))
        }
        try measureCommands(count: count, store: store, reconciler: reconciler, cluster: cluster)
        try measureIncremental(count: count, store: store, config: config, objects: objects)
        if dataplane && count <= 10_000 {
            try applyToServing(count: count, store: store, config: config, objects: objects, cluster: cluster)
        }
        results.append(
            BenchResult(
                routes: count, metric: "peak RSS (MB)", medianMs: round3(BenchRunner.peakRSSMegabytes), minMs: 0,
                maxMs: 0))
    }

    public func write(_ rendered: RenderedConfig, settings: RenderSettings) throws {
        let fm = FileManager.default
        for sub in ["logs", "temp/client_body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi"] {
            try fm.createDirectory(atPath: settings.runtimeDirectory + "/" + sub, withIntermediateDirectories: true)
        }
        for file in rendered.files {
            let path = settings.configDirectory + "/" + file.path
            try fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try file.content.write(toFile: path, atomically: false, encoding: .utf8)
        }
    }

    public func nginxTest(_ settings: RenderSettings) throws -> String? {
        let out = settings.runtimeDirectory + "/logs/test.log"
        let status = try Spawn.run(
            "/usr/sbin/nginx",
            [
                "-t", "-q", "-p", settings.runtimeDirectory + "/", "-e", settings.runtimeDirectory + "/logs/error.log",
                "-c", settings.configDirectory + "/" + RenderedConfig.mainFile,
            ], outputPath: out)
        return status == 0 ? nil : (try? String(contentsOfFile: out, encoding: .utf8)) ?? "status \(status)"
    }

    /// Read commands as a user runs them: the gwconsole binary itself on the bench's store, statuses written first.
    public func measureCommands(count: Int, store: Store, reconciler: Reconciler, cluster: SyntheticCluster) throws {
        // Statuses and views as the CLI's controller writes them: the commands then only read.
        _ = try Reconciler(store: store, config: reconciler.config, views: Session.views).reconcile(
            trigger: "bench")
        // The console: its first frame as it opens (the tree read from the store's views, no graph) and redraws at
        // 160x48 in the in-memory screen.
        let options = Session(state: store.directory)
        var model = ConsoleModel()
        let screen = GridScreen(rows: 48, columns: 160)
        try time("console first frame", routes: count) {
            let data = try ConsoleData.open(options, reconcile: false)
            model = ConsoleModel()
            model.setTree(data.tree)
            model.header = data.header(rows: data.tree)
            model.selected = min(3, max(0, model.rowCount - 1))
            ConsoleRenderer.draw(&model, on: screen)
        }
        time("console frame", routes: count, count: runs * 4) {
            model.selected = (model.selected + 1) % max(1, model.rowCount)
            ConsoleRenderer.draw(&model, on: screen)
        }
        let executable = ControllerProcess.executable
        let namespace = cluster.namespace(of: 4)
        let output = scratch + "/command-\(count).out"
        let commands: [(String, [String])] =
            [
                ("get ns", ["get", "ns"]),
                ("get httproute NAME", ["-n", namespace, "get", "httproute", "route-4"]),
                ("describe httproute NAME", ["-n", namespace, "describe", "httproute", "route-4"]),
                ("get httproutes -A", ["get", "httproutes", "-A"]),
            ]
            + (grpcShare > 0
                ? [
                    ("get grpcroute NAME", ["-n", cluster.namespace(of: 1), "get", "grpcroute", "grpc-1"]),
                    ("describe grpcroute NAME", ["-n", cluster.namespace(of: 1), "describe", "grpcroute", "grpc-1"]),
                    ("get grpcroutes -A", ["get", "grpcroutes", "-A"]),
                ] : [])
        for (name, arguments) in commands {
            try time("cli: \(name)", routes: count, count: count >= 10_000 ? min(runs, 3) : runs) {
                let status = try Spawn.run(executable, ["--state", store.directory] + arguments, outputPath: output)
                if status != 0 {
                    throw CLIError(
                        "bench: gwconsole \(arguments.joined(separator: " ")) exited \(status): \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")"
                    )
                }
            }
        }
    }

    /// Waits out nginx's own pause after a reload: its master lets the old workers run for 100 ms after starting
    /// new ones and handles the next SIGHUP only then. Each measured change starts from a settled data plane, as
    /// a user's change does (not 20 ms after the bench's previous one).
    public func settle(since served: DispatchTime) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - served.uptimeNanoseconds) / 1_000_000_000
        if elapsed < 0.12 { usleep(useconds_t((0.12 - elapsed) * 1_000_000)) }
    }

    /// One route's path changed in the store (the same change `applyToServing` makes).
    public func changedRoute(_ route: DecodedObject, run: Int) -> (DecodedObject, String) {
        var changed = route
        let path = "/changed-\(run)-\(UUID().uuidString.prefix(6))"
        if case .array(var rules)? = changed.object.value(at: ["spec", "rules"]), case .object(var rule) = rules[0] {
            rule["matches"] = [["path": ["type": "PathPrefix", "value": .string(path)]]]
            rules[0] = .object(rule)
            changed.object.set(.array(rules), at: ["spec", "rules"])
        }
        return (changed, path)
    }

    /// The resident controller's share of a one-route change, in this process: the change feed into its cache
    /// (decoding only the changed route), the graph, statuses and the render of the Gateway's config.
    public func measureIncremental(count: Int, store: Store, config: ControllerConfig, objects: [DecodedObject]) throws
    {
        guard let route = objects.first(where: { $0.type.kind == "HTTPRoute" }) else { return }
        let cache = ControllerCache()
        try cache.refresh(from: store)
        let dir = scratch + "/incremental-\(count)"
        let settings = RenderSettings(
            address: "127.0.0.1", portOffset: 0, configDirectory: dir + "/gen", runtimeDirectory: dir + "/run",
            generation: 1, workersAsRoot: geteuid() == 0)
        var samples: (change: [Double], graph: [Double], render: [Double]) = ([], [], [])
        for run in 0..<runs {
            _ = try store.apply([changedRoute(route, run: run).0])
            let start = DispatchTime.now().uptimeNanoseconds
            try cache.refresh(from: store)
            _ = cache.takePending()
            let snapshot = cache.snapshot
            let graph = GraphBuilder.build(snapshot, config: config)
            _ = StatusBuilder.updates(graph, now: "2026-01-01T00:00:00Z")
            let built = DispatchTime.now().uptimeNanoseconds
            if let gateway = graph.gateways.first {
                _ = Renderer.render(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings)
            }
            let end = DispatchTime.now().uptimeNanoseconds
            samples.change.append(Double(end - start) / 1_000_000)
            samples.graph.append(Double(built - start) / 1_000_000)
            samples.render.append(Double(end - built) / 1_000_000)
        }
        record("one-route change: cache + graph + status", routes: count, samples: samples.graph)
        record("one-route change: render", routes: count, samples: samples.render)
        record("one-route change: core total", routes: count, samples: samples.change)
        if let core = median("one-route change: core total", count), let nginx = median("nginx -t", count) {
            results.append(
                BenchResult(
                    routes: count, metric: "one-route change core / nginx -t (ratio)", medianMs: round3(core / nginx),
                    minMs: 0, maxMs: 0))
        }
    }

    /// Where the synthetic Services' endpoints are: the backend `measureRequests` starts listens there.
    public static let backendAddress = "127.0.177.250"

    /// Request latency through the Gateway: sequential requests on one kept connection to a plain route (`route`'s
    /// host and path), its Service answered by an nginx that returns 200. p50 and p99 in microseconds, the client's
    /// (libcurl's) own time included.
    public func measureRequests(count: Int, route: Int, binding: ListenerBinding, requests: Int = 2_000) throws {
        let dir = scratch + "/backend-\(count)"
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        let conf = """
            \(geteuid() == 0 ? "user root;\n" : "")worker_processes 1;
            pid "\(dir)/nginx.pid";
            events { worker_connections 1024; }
            http {
                access_log off;
                keepalive_requests 1000000;
                server {
                    listen \(Self.backendAddress):8080;
                    location / { return 200 "ok\\n"; }
                }
            }

            """
        try conf.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        let arguments = ["-p", dir + "/", "-e", dir + "/logs/error.log", "-c", dir + "/nginx.conf"]
        guard try Spawn.run("/usr/sbin/nginx", arguments, outputPath: dir + "/logs/start.log") == 0 else {
            throw CLIError(
                "bench: the backend nginx did not start: \((try? String(contentsOfFile: dir + "/logs/start.log", encoding: .utf8)) ?? "")"
            )
        }
        defer { _ = try? Spawn.run("/usr/sbin/nginx", arguments + ["-s", "stop"], outputPath: dir + "/logs/stop.log") }
        let host = "host-\(route / 10).example.com"
        let request = HTTPProbe.Request(
            url: "http://\(host):\(binding.port)/p\(route % 10)/latency",
            resolve: ["\(host):\(binding.port):\(binding.address)"])
        let connection = HTTPProbe.Connection()
        let deadline = Date().addingTimeInterval(30)
        var status = connection.perform(request).status
        while status != 200 && Date() < deadline {
            usleep(10_000)
            status = connection.perform(request).status
        }
        guard status == 200 else { throw CLIError("bench: \(request.url) through the Gateway answered \(status)") }
        var samples: [Double] = []
        samples.reserveCapacity(requests)
        for _ in 0..<requests {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = connection.perform(request)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
            guard result.status == 200 else {
                throw CLIError("bench: \(request.url) through the Gateway answered \(result.status)")
            }
        }
        samples.sort()
        for (metric, value) in [("p50", samples[samples.count / 2]), ("p99", samples[samples.count * 99 / 100])] {
            results.append(
                BenchResult(
                    routes: count, metric: "request through the Gateway \(metric) (µs)", medianMs: round3(value),
                    minMs: round3(samples.first!), maxMs: round3(samples.last!)))
        }
    }

    /// One route changed on a running data plane until a request through the Gateway sees the change: stored,
    /// the resident controller woken, statuses written, the config rendered and reloaded (nginx's one parse).
    public func applyToServing(
        count: Int, store: Store, config: ControllerConfig, objects: [DecodedObject], cluster: SyntheticCluster
    ) throws {
        let manager = DataplaneManager(stateDirectory: store.directory)
        try manager.up(portOffset: 37_000, pinnedAddress: nil)
        let paths = ControllerPaths(stateDirectory: store.directory)
        let executable = ControllerProcess.executable
        _ = try Spawn.run(executable, ["--state", store.directory, "controller"], outputPath: paths.log, wait: false)
        defer {
            ControllerProcess.stop(stateDirectory: store.directory)
            try? manager.down()
        }
        // A busy machine starts the controller slowly: its pid file can come before its socket listens.
        let deadline = Date().addingTimeInterval(60)
        while !paths.isRunning && Date() < deadline { usleep(5_000) }
        var answer = ControllerClient.sync(paths, revision: try store.revision(), request: .force)
        while answer == nil && Date() < deadline {
            usleep(50_000)
            answer = ControllerClient.sync(paths, revision: try store.revision(), request: .force)
        }
        guard case .reconciled? = answer,
            let route = objects.first(where: { $0.type.kind == "HTTPRoute" }),
            let binding = manager.load().gateways.values.first?.bindings.first
        else {
            throw CLIError(
                "bench: the resident controller did not program the synthetic Gateway: \(manager.load().gateways.values.first?.message ?? "")"
            )
        }
        if let plain = (0..<count).first(where: { !cluster.isTLS($0) && !cluster.isGRPC($0) }) {
            try measureRequests(count: count, route: plain, binding: binding)
        }
        var samples: [Double] = []
        var served = DispatchTime.now()
        for run in 0..<min(runs, 3) {
            settle(since: served)
            let (changed, path) = changedRoute(route, run: run)
            let host = "host-0.example.com"
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try store.apply([changed])
            _ = ControllerClient.sync(paths, revision: try store.revision(), request: .status)
            let deadline = Date().addingTimeInterval(120)
            var last = 0
            while Date() < deadline {
                var request = HTTPProbe.Request(
                    url: "http://\(host):\(binding.port)\(path)",
                    resolve: ["\(host):\(binding.port):\(binding.address)"])
                request.timeoutSeconds = 2
                let result = HTTPProbe.perform(request)
                last = result.status
                if result.status != 404 && result.status != 0 { break }
                usleep(1_000)
            }
            if Date() >= deadline {
                let record = manager.load().gateways.values.first
                throw CLIError(
                    "bench: the changed route never served \(path) (last status \(last)); data plane: \(record.map { "\($0.programmed ? "programmed" : "not programmed") \($0.message)" } ?? "no Gateway")"
                )
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            // The next change starts from a settled controller (its status pass after the reload).
            _ = ControllerClient.sync(paths, revision: try store.revision(), request: .serve)
            served = DispatchTime.now()
        }
        record("apply to serving (one route)", routes: count, samples: samples)
        // Another route than the one changed above (whose old path no longer serves).
        if count <= 2_000, let other = objects.filter({ $0.type.kind == "HTTPRoute" }).dropFirst().first {
            try measureWhatIf(count: count, store: store, binding: binding, route: other)
        }
        // The resident controller's own high-water mark (the bench process holds every stage's data at once).
        if let pid = paths.pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "")
        {
            results.append(
                BenchResult(
                    routes: count, metric: "controller peak RSS (MB)", medianMs: round3(kilobytes / 1024), minMs: 0,
                    maxMs: 0))
        }
        if log, let passes = try? String(contentsOfFile: paths.log, encoding: .utf8) {
            let lines = passes.split(separator: "\n").filter { $0.contains("(change") }.suffix(3)
            FileHandle.standardError.write(Data(lines.map { "bench: controller: \($0)\n" }.joined().utf8))
        }
        if let serving = median("apply to serving (one route)", count), let nginx = median("nginx -t", count) {
            results.append(
                BenchResult(
                    routes: count, metric: "apply to serving / nginx -t (ratio)", medianMs: round3(serving / nginx),
                    minMs: 0, maxMs: 0))
        }
    }

    /// What-if on a served Gateway: 1,000 requests sent through it (every route's path, in turn), then one route's
    /// path changed with `--what-if`: the copy of the store, both graphs, two shadow data planes, the replay.
    public func measureWhatIf(count: Int, store: Store, binding: ListenerBinding, route: DecodedObject) throws {
        for i in 0..<1_000 {
            let n = i % count
            let host = "host-\(n / 10).example.com"
            var request = HTTPProbe.Request(
                url: "http://\(host):\(binding.port)/p\(n % 10)/r\(i)",
                resolve: ["\(host):\(binding.port):\(binding.address)"])
            request.timeoutSeconds = 2
            _ = HTTPProbe.perform(request)
        }
        let session = Session(state: store.directory)
        let (changed, _) = changedRoute(route, run: 99)
        var report: WhatIfReport?
        try time("what-if (1,000 requests replayed)", routes: count, count: min(runs, 3)) {
            report = try session.whatIf(.apply([changed]))
        }
        guard let report, report.replayed >= 1_000, !report.changed.isEmpty else {
            throw CLIError(
                "bench: what-if replayed \(report?.replayed ?? 0) requests, \(report?.changed.count ?? 0) changed; expected 1,000 and the changed route's"
            )
        }
    }

    /// The guide: applying the BackendTLSPolicy until the probe through the Gateway answers 200.
    public func measureGuide() throws {
        let dir = scratch + "/guide"
        let global = Session(state: dir)
        let store = try global.openStore()
        let manager = DataplaneManager(stateDirectory: store.directory)
        try manager.up(portOffset: 37_100, pinnedAddress: nil)
        defer {
            // Stop the controller, the Gateway's nginx and the guide's pod.
            ControllerProcess.stop(stateDirectory: store.directory)
            try? manager.down()
            _ = try? global.openReconciledStore(trigger: "bench done", force: true)
        }
        let scenario = try ScenarioLoading.load("secure-backend").scenario
        let runner = global.scenarioRunner(scenario, store: store)
        let (setup, _) = Output.capturing {
            for step in 1...5 { try runner.runStep(step, checks: step == 4) { _ in } }
        }
        try setup.get()
        guard let binding = manager.load().gateways.values.first?.bindings.first(where: { $0.protocol == .http })
        else { throw CLIError("bench: the guide's Gateway is not programmed") }
        let policy = try runner.objects(scenario.steps[5].apply ?? "", step: 6)
        var samples: [Double] = []
        for _ in 0..<min(runs, 3) {
            let keys = policy.map { ObjectKey(groupKind: $0.type.groupKind, namespace: $0.namespace, name: $0.name) }
            _ = try store.delete(keys)
            _ = try global.openReconciledStore(trigger: "bench reset", force: true)
            settle(since: DispatchTime.now())
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try store.apply(policy)
            try global.reconcileChange(store, trigger: "bench policy")
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let result = HTTPProbe.get(
                    "http://secure-app.example.com:\(binding.port)/",
                    resolve: ["secure-app.example.com:\(binding.port):\(binding.address)"])
                if result.status == 200 { break }
                usleep(1_000)
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        record("guide: BackendTLSPolicy apply to first 200", routes: 1, samples: samples)
        // The guide's pod started again: its sandbox killed, the next reconcile starts it and waits until it listens.
        var starts: [Double] = []
        for _ in 0..<min(runs, 3) {
            // The pod's process: its sandbox, or (without one) its nginx master.
            let pods = store.directory + "/pods"
            var pid: pid_t?
            for dir in (try? FileManager.default.contentsOfDirectory(atPath: pods)) ?? [] where pid == nil {
                for file in ["process.pid", "nginx.pid"] where pid == nil {
                    let text = (try? String(contentsOfFile: "\(pods)/\(dir)/run/\(file)", encoding: .utf8)) ?? ""
                    pid = text.split(separator: " ").first.flatMap {
                        pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
                    }
                }
            }
            guard let pid
            else { throw CLIError("bench: the guide's pod has no process") }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            settle(since: DispatchTime.now())
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try global.openReconciledStore(trigger: "bench pod", force: true)
            starts.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        record("guide: pod start after a kill (reconcile to ready)", routes: 1, samples: starts)
        var model = ConsoleModel()
        _ = try global.openFreshStore()
        try time("guide: console first frame", routes: 1) {
            let data = try ConsoleData.open(global, reconcile: false)
            model.setTree(data.tree)
            model.header = data.header(rows: data.tree)
            ConsoleRenderer.draw(&model, on: GridScreen(rows: 48, columns: 160))
        }
    }

    public static func table(_ results: [BenchResult]) -> String {
        var text = "ROUTES\tMETRIC\tMEDIAN\tMIN\tMAX\n"
        for r in results {
            // A metric in µs says so in its name, as ratios and MB do; the rest are milliseconds.
            let unit =
                r.metric.contains("ratio") || r.metric.contains("MB") ? "" : r.metric.contains("µs") ? " µs" : " ms"
            let extra =
                unit.isEmpty || (r.minMs == 0 && r.maxMs == 0)
                ? ["", ""] : [String(format: "%.2f", r.minMs) + unit, String(format: "%.2f", r.maxMs) + unit]
            text +=
                [String(r.routes), r.metric, String(format: "%.2f", r.medianMs) + unit, extra[0], extra[1]].joined(
                    separator: "\t") + "\n"
        }
        return KubectlTable.render(text)
    }
}
