import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import ResourcePrinters
import Session

/// `gwconsole config history|diff`: the generations the data plane wrote for a Gateway.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the data plane's config generations.",
        subcommands: [History.self, Diff.self])

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List config generations: time, trigger and result.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A Gateway name (in -n NS); all Gateways when omitted.") var gateway: String?

        mutating func run() throws {
            try reportingErrors {
                let store = try global.openStore()
                let state = DataplaneManager(stateDirectory: store.directory).load()
                let keys = state.gateways.keys.sorted().filter {
                    gateway == nil || $0 == "\(global.effectiveNamespace)/\(gateway!)"
                }
                if keys.isEmpty {
                    throw CLIError(
                        gateway == nil
                            ? "No config generations yet (gwconsole up starts the data plane)."
                            : "No config generations for Gateway \(global.effectiveNamespace)/\(gateway!).")
                }
                var rows: [[String]] = []
                for key in keys {
                    let record = state.gateways[key]!
                    for entry in record.history {
                        rows.append([
                            key, String(entry.generation), entry.time, entry.trigger,
                            entry.result + (entry.generation == record.generation ? " (serving)" : ""), entry.message,
                        ])
                    }
                }
                var table = "GATEWAY\tGENERATION\tTIME\tTRIGGER\tRESULT\tMESSAGE\n"
                for row in rows { table += row.joined(separator: "\t") + "\n" }
                Output.out(KubectlTable.render(table))
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what changed between two generations of a Gateway's config.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Generation A.") var from: Int
        @Argument(help: "Generation B.") var to: Int
        @Option(name: .long, help: "The Gateway (in -n NS); needed when several exist.") var gateway: String?

        mutating func run() throws {
            try reportingErrors {
                let store = try global.openStore()
                let manager = DataplaneManager(stateDirectory: store.directory)
                let state = manager.load()
                let keys = state.gateways.keys.sorted().filter {
                    gateway == nil || $0 == "\(global.effectiveNamespace)/\(gateway!)"
                }
                guard keys.count == 1, let record = state.gateways[keys[0]] else {
                    throw CLIError(
                        "error: name the Gateway with --gateway (\(keys.isEmpty ? "none found" : keys.joined(separator: ", ")))"
                    )
                }
                let root = store.directory + "/dp/\(record.index)/generations"
                for generation in [from, to] where !FileManager.default.fileExists(atPath: "\(root)/\(generation)") {
                    throw CLIError(
                        "error: generation \(generation) of Gateway \(keys[0]) is not kept (the last 10 are)")
                }
                Output.out(ConfigDiff.diff(root: root, from: from, to: to))
            }
        }
    }
}
