import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import Scenarios
import Session

/// `gwconsole scenario`: replay guides step by step, with checks.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Replay a guide step by step and check each outcome.",
        subcommands: [List.self, Show.self, Run.self, Reset.self, Import.self])

    static func load(_ nameOrPath: String) throws -> ScenarioLoader.Loaded { try ScenarioLoading.load(nameOrPath) }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the built-in scenarios, or every guide under a folder of examples (--from).")
        @Option(name: .long, help: "A folder of example folders (each with a README.md or manifests).")
        var from: String?
        mutating func run() throws {
            try reportingErrors {
                var rows: [[String]] = []
                if let from {
                    for (path, result) in ScenarioLoader.guides(under: from) {
                        switch result {
                        case .success(let scenario): rows.append([path, String(scenario.steps.count), scenario.title])
                        case .failure(let error):
                            // One line: the first of the reasons, without the error prefix.
                            var reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
                            if reason.hasPrefix("error: ") { reason = String(reason.dropFirst(7)) }
                            rows.append([path, "-", "does not import: \(reason)"])
                        }
                    }
                    guard !rows.isEmpty else { throw CLIError("error: \(from): no guides (README.md) or manifests") }
                    Output.out(
                        KubectlTable.render(
                            "GUIDE\tSTEPS\tTITLE\n" + rows.map { $0.joined(separator: "\t") }.joined(separator: "\n")
                                + "\n"))
                    return
                }
                for file in BuiltinScenarios.files {
                    let scenario = try ScenarioCommand.load(file.name).scenario
                    rows.append([scenario.name, String(scenario.steps.count), scenario.title])
                }
                Output.out(
                    KubectlTable.render(
                        "NAME\tSTEPS\tTITLE\n" + rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n")
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a scenario's steps, manifests and checks.")
        @Argument(help: "A built-in scenario, a scenario file, a guide or an example folder.") var name: String
        @Flag(name: .long, help: "Show Secret values in the manifests (hidden by default).") var showSecrets = false
        mutating func run() throws {
            try reportingErrors {
                let loaded = try ScenarioCommand.load(name)
                var text = loaded.text
                if !showSecrets { text = ScenarioRedaction.redact(text, scenario: loaded.scenario) }
                Output.out(text.hasSuffix("\n") ? text : text + "\n")
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every step and its checks; stop at the first unmet check.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A built-in scenario, a scenario file, a guide or an example folder.") var name: String
        @Option(name: .long, help: "Apply steps 1 to N only (no checks).") var step: Int?
        @Flag(name: .long, help: "On a cluster (with --write): apply each step's plan without asking.") var yes = false
        mutating func run() throws {
            try reportingErrors {
                let scenario = try ScenarioCommand.load(name).scenario
                if let step, step < 1 || step > scenario.steps.count {
                    throw ScenarioError.stepOutOfRange(step, count: scenario.steps.count)
                }
                if global.clusterMode {
                    guard global.write else {
                        throw CLIError(
                            "error: scenario run changes the cluster: add --write to see each step's plan (a server dry run and a diff of every object) and apply it after you confirm (--yes: without asking)"
                        )
                    }
                    try ClusterScenario(global: global.session, confirm: !yes).runner(scenario).run(
                        upTo: step, checks: step == nil
                    ) { Output.out($0.text) }
                    return
                }
                let store = try global.openWritableStore(for: "scenario run")
                try global.session.scenarioRunner(scenario, store: store).run(upTo: step, checks: step == nil) {
                    Output.out($0.text)
                }
            }
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete what a scenario created.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A built-in scenario, a scenario file, a guide or an example folder.") var name: String
        mutating func run() throws {
            try reportingErrors {
                let scenario = try ScenarioCommand.load(name).scenario
                let store = try global.openWritableStore(for: "scenario reset")
                let runner = global.session.scenarioRunner(scenario, store: store)
                var objects: [DecodedObject] = []
                for (index, step) in scenario.steps.enumerated() {
                    if let text = step.apply { objects += try runner.objects(text, step: index + 1) }
                }
                let keys = objects.reversed().map {
                    ObjectKey(
                        groupKind: $0.type.groupKind, namespace: $0.type.namespaced ? $0.namespace : "", name: $0.name)
                }
                for (object, result) in zip(objects.reversed(), try store.delete(keys)) where result != nil {
                    Output.out("\(object.type.qualifiedSingular) \"\(object.name)\" deleted\n")
                }
                try global.reconcileChange(store, trigger: "scenario reset", request: .force)
                ScenarioProgress.clear(stateDirectory: store.directory)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Turn a Markdown guide, or an example folder (its README.md, else its manifests), into a scenario file."
        )
        @Argument(help: "The Markdown guide, or a folder with a README.md and the files it applies.") var guide: String
        @Option(
            name: [.customShort("o"), .long], help: "Write the scenario here (mode 0600) instead of standard output.")
        var output: String?
        mutating func run() throws {
            try reportingErrors {
                let scenario: Scenario
                do {
                    scenario = try ScenarioLoader.importPath(guide)
                } catch let error as ManifestErrors {
                    throw CLIError(error.description)
                } catch let error as ManifestError {
                    throw CLIError(error.description)
                }
                let text = ScenarioWriter.write(scenario)
                // What was written reads back as the same scenario.
                guard (try? Scenario.decode(text, file: guide)) == scenario else {
                    throw CLIError(
                        "error: \(guide): the imported scenario does not read back (a bug: please report it)")
                }
                if let output {
                    guard
                        FileManager.default.createFile(
                            atPath: output, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
                    else { throw CLIError("error: \(output): cannot write") }
                    _ = chmod(output, 0o600)
                } else {
                    Output.out(ScenarioRedaction.redact(text, scenario: scenario))
                }
            }
        }
    }
}
