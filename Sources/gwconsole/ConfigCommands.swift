import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import ResourcePrinters

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

/// A line diff between two generation directories, secret files shown by name only.
enum ConfigDiff {
    static func diff(root: String, from: Int, to: Int) -> String {
        func files(_ generation: Int) -> [String: String] {
            let dir = "\(root)/\(generation)"
            var result: [String: String] = [:]
            for name in (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? [] {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue
                else { continue }
                let text = (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? ""
                result[name] =
                    name.hasPrefix("secrets/")
                    ? "(secret file, \(text.utf8.count) bytes)\n"
                    : text
                        .replacingOccurrences(of: "/generations/\(generation)/", with: "/generations/N/")
            }
            return result
        }
        let a = files(from)
        let b = files(to)
        var out = ""
        for name in Set(a.keys).union(b.keys).sorted() {
            let old = (a[name] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let new = (b[name] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if old == new { continue }
            out += "--- \(from)/\(name)\n+++ \(to)/\(name)\n"
            for change in new.difference(from: old).sorted(by: { offset($0) < offset($1) }) {
                switch change {
                case .remove(let i, let line, _): out += "-\(i + 1): \(line)\n"
                case .insert(let i, let line, _): out += "+\(i + 1): \(line)\n"
                }
            }
        }
        return out.isEmpty ? "generations \(from) and \(to) are the same\n" : out
    }

    static func offset(_ change: CollectionDifference<String>.Change) -> Int {
        switch change {
        case .remove(let i, _, _), .insert(let i, _, _): return i
        }
    }
}

/// Tab-separated rows aligned as kubectl's tables.
enum KubectlTable {
    static func render(_ tsv: String) -> String {
        let rows = tsv.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        guard let header = rows.first else { return "" }
        return Table(headers: header, rows: Array(rows.dropFirst())).render()
    }
}
