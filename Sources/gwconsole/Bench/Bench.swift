import ArgumentParser
import Benchmarks
import ConsoleShell
import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import Scenarios
import Session

/// `gwconsole bench`: times the pipeline on synthetic clusters against nginx's own cost of loading the config.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark decode, store, graph+status, render, nginx -t, apply-to-serving and console frames.")

    @Option(name: .long, help: "Route counts to measure (repeatable; default 100, 1000, 10000, 50000).")
    var routes: [Int] = []

    @Flag(name: .long, help: "A smoke run: 100 routes, one run each, a few seconds.")
    var quick = false

    @Option(name: .long, help: "Runs per metric (default 5; 1 with --quick).")
    var runs: Int?

    @Option(name: .long, help: "The share of Services with a BackendTLSPolicy (0-1).")
    var tlsShare = 0.5

    @Option(name: .long, help: "The share of routes that are GRPCRoutes (0-1; 0.5: as many GRPCRoutes as HTTPRoutes).")
    var grpcShare = 0.0

    @Flag(name: .long, help: "Skip the metrics that start nginx data planes (apply-to-serving, the guide).")
    var noDataplane = false

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: JSONOutput?

    func run() throws {
        try reportingErrors {
            let counts = if quick { [100] } else if routes.isEmpty { [100, 1_000, 10_000, 50_000] } else { routes }
            let runs = max(1, self.runs ?? (quick ? 1 : 5))
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
                "gwconsole-bench-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            // Data planes and pods of their own: addresses apart from the user's (127.0.100.x), high ports.
            setenv("GWCONSOLE_ADDRESS_BASE", "127.0.177", 1)
            let runner = BenchRunner(
                scratch: scratch, runs: runs, tlsShare: tlsShare, dataplane: !noDataplane, log: output != .json)
            runner.grpcShare = grpcShare
            for count in counts { try runner.measure(routes: count) }
            if !noDataplane { try runner.measureGuide() }
            if output == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Output.out(
                    String(
                        decoding: try encoder.encode(
                            BenchReport(machine: BenchRunner.machine(), results: runner.results)),
                        as: UTF8.self) + "\n")
            } else {
                Output.out(BenchRunner.table(runner.results))
            }
        }
    }
}
