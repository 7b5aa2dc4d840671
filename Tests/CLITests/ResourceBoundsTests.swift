import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import Testing

/// Long-running use must not leak: descriptors of this process and nginx processes stay flat over 1,000 apply/probe
/// cycles through the Gateway, 100 of them config reloads.
@Suite("Resource bounds", .serialized)
struct ResourceBoundsTests {
    /// This process's open descriptors, except pipes: suites running in parallel hold pipes to the processes they
    /// run, which come and go with them. The fewest of a few samples, for the same reason.
    static func openDescriptors() -> Int {
        (0..<5).map { sample in
            if sample > 0 { usleep(100_000) }
            return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).filter {
                !((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0))?.hasPrefix(
                    "pipe:") ?? false)
            }.count
        }.min() ?? 0
    }

    static func nginxProcesses(under directory: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil,
                let cmdline = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                cmdline.hasPrefix("nginx"),
                let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd")
            else { return false }
            return fds.contains {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\($0)"))?.hasPrefix(
                    directory) == true
            }
        }.count
    }

    func route(_ path: String) throws -> [DecodedObject] {
        let yaml =
            TestManifests.gateway + "---\n" + TestManifests.redirectRoute("r", host: "bounds.example.com", to: path)
        return try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: "bounds.yaml"))
    }

    @Test("1,000 apply/probe cycles with 100 reloads: this process's descriptors and the nginx processes stay flat")
    func flat() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-bounds-\(UUID().uuidString)"
        ).path
        let store = try Store(directory: directory)
        let manager = DataplaneManager(stateDirectory: directory)
        let address = "127.\(Int.random(in: 2...250)).\(Int.random(in: 2...250)).1"
        try manager.up(portOffset: Int.random(in: 200...400) * 100, pinnedAddress: address)
        defer {
            try? manager.down()
            try? FileManager.default.removeItem(atPath: directory)
        }
        var config = ControllerConfig(certificateCheck: CertificateInspector.caBundleCheck)
        config.ruleCheck = { _ in nil }
        let reconciler = Reconciler(store: store, config: config, dataplane: manager)
        _ = try store.apply(try route("/first"))
        _ = try reconciler.reconcile()
        let binding = try #require(manager.load().gateways.values.first?.bindings.first)
        func request() -> HTTPProbe.Result {
            HTTPProbe.perform(
                HTTPProbe.Request(
                    url: "http://bounds.example.com:\(binding.port)/",
                    resolve: ["bounds.example.com:\(binding.port):\(binding.address)"]))
        }
        #expect(request().status == 302)
        // Warm up (lazy loads, first connections), then take the baseline. The gRPC suites in this process start
        // SwiftNIO's shared event loops on their first call (an epoll, an eventfd and a timerfd per loop, kept for
        // the process's life): started here, before the baseline, they are not counted as growth when those suites
        // run meanwhile.
        for _ in 0..<20 { _ = request() }
        _ = GRPCProbe.call(
            GRPCProbe.Request(host: "127.0.0.1", port: 9, service: "warm.Up", method: "Start", timeoutSeconds: 1))
        let descriptors = ResourceBoundsTests.openDescriptors()
        let processes = ResourceBoundsTests.nginxProcesses(under: directory)
        var failed = 0
        var reloads = 0
        // 1,000 apply/probe cycles: every apply reconciles; every tenth changes the route (a new generation and a
        // reload), the others a ConfigMap (store, graph and status, no reload).
        for index in 1...1_000 {
            if index % 10 == 0 {
                _ = try store.apply(try route("/moved-\(index)"))
                reloads += 1
            } else {
                _ = try store.apply(
                    try ManifestDecoder().decode(
                        ManifestReader.documents(
                            from: Data(
                                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cycle}\ndata: {n: \"\(index)\"}\n"
                                    .utf8), file: "cycle.yaml")))
            }
            _ = try reconciler.reconcile()
            if request().status != 302 { failed += 1 }
        }
        #expect(failed == 0, "\(failed) of 1,000 requests failed during \(reloads) reloads")
        #expect(
            request().headers.contains { $0.lowercased().hasPrefix("location:") && $0.hasSuffix("/moved-1000") },
            "the last change serves")
        let after = ResourceBoundsTests.openDescriptors()
        #expect(after <= descriptors + 4, "descriptors grew from \(descriptors) to \(after)")
        // Old workers finish after a reload; then the count is back to the master and its worker.
        var nginx = ResourceBoundsTests.nginxProcesses(under: directory)
        for _ in 0..<50 where nginx > processes {
            usleep(100_000)
            nginx = ResourceBoundsTests.nginxProcesses(under: directory)
        }
        #expect(nginx == processes, "nginx processes went from \(processes) to \(nginx)")
        try manager.down()
        #expect(ResourceBoundsTests.nginxProcesses(under: directory) == 0, "down leaves no nginx")
    }
}
