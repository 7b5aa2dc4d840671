import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI

/// `gwconsole scenario`: replay guides step by step, with checks.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Replay a guide step by step and check each outcome.",
        subcommands: [List.self, Show.self, Run.self, Reset.self, Import.self])

    /// A built-in scenario by name, or a scenario file by path.
    static func load(_ nameOrPath: String) throws -> Scenario {
        if let builtin = BuiltinScenarios.files.first(where: { $0.name == nameOrPath }) {
            return try decode(builtin.text, file: builtin.name)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw CLIError(
                "error: no scenario \"\(nameOrPath)\" (built in: \(BuiltinScenarios.files.map(\.name).joined(separator: ", ")); or give a scenario file)"
            )
        }
        return try decode(try String(contentsOfFile: nameOrPath, encoding: .utf8), file: nameOrPath)
    }

    static func decode(_ text: String, file: String) throws -> Scenario {
        do {
            return try Scenario.decode(text, file: file)
        } catch let error as ManifestErrors {
            throw CLIError(error.description)
        } catch let error as ManifestError {
            throw CLIError(error.description)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in scenarios.")
        mutating func run() throws {
            try reportingErrors {
                var rows: [[String]] = []
                for file in BuiltinScenarios.files {
                    let scenario = try ScenarioCommand.decode(file.text, file: file.name)
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
        @Argument(help: "A built-in scenario or a scenario file.") var name: String
        @Flag(name: .long, help: "Show Secret values in the manifests (hidden by default).") var showSecrets = false
        mutating func run() throws {
            try reportingErrors {
                var text: String
                if let builtin = BuiltinScenarios.files.first(where: { $0.name == name }) {
                    text = builtin.text
                } else {
                    _ = try ScenarioCommand.load(name)
                    text = try String(contentsOfFile: name, encoding: .utf8)
                }
                if !showSecrets { text = SecretRedaction.redact(text) }
                Output.out(text.hasSuffix("\n") ? text : text + "\n")
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every step and its checks; stop at the first unmet check.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A built-in scenario or a scenario file.") var name: String
        @Option(name: .long, help: "Apply steps 1 to N only (no checks).") var step: Int?
        mutating func run() throws {
            try reportingErrors {
                let scenario = try ScenarioCommand.load(name)
                if let step, step < 1 || step > scenario.steps.count {
                    throw CLIError("error: --step must be between 1 and \(scenario.steps.count)")
                }
                try ScenarioRunner(global: global, scenario: scenario).run(upTo: step, checks: step == nil)
            }
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete what a scenario created.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A built-in scenario or a scenario file.") var name: String
        mutating func run() throws {
            try reportingErrors {
                let scenario = try ScenarioCommand.load(name)
                let runner = ScenarioRunner(global: global, scenario: scenario)
                let store = try global.openWritableStore(for: "scenario reset")
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
            abstract: "Turn a Markdown how-to (kubectl apply blocks, curl --resolve commands) into a scenario file.")
        @Argument(help: "The Markdown guide.") var guide: String
        @Option(name: [.customShort("o"), .long], help: "Write the scenario here instead of standard output.")
        var output: String?
        mutating func run() throws {
            try reportingErrors {
                guard let text = try? String(contentsOfFile: guide, encoding: .utf8) else {
                    throw CLIError("error: \(guide): cannot read")
                }
                let scenario = try GuideImporter.importGuide(text, file: guide)
                _ = try ScenarioCommand.decode(scenario, file: guide)
                if let output {
                    try scenario.write(toFile: output, atomically: true, encoding: .utf8)
                } else {
                    Output.out(scenario)
                }
            }
        }
    }
}
