import Foundation
import GatewayAPI

/// Finds a scenario by what the user gives: a built-in name, a scenario file, a Markdown guide, or a folder (its
/// README.md, or its manifests when the README has no commands), the last two imported as they are read.
public enum ScenarioLoader {
    /// Where a scenario came from, and its text as a file (what `scenario show` prints).
    public struct Loaded {
        public var scenario: Scenario
        public var text: String
    }

    public static func load(_ nameOrPath: String) throws -> Loaded {
        if let builtin = BuiltinScenarios.files.first(where: { $0.name == nameOrPath }) {
            return Loaded(scenario: try Scenario.decode(builtin.text, file: builtin.name), text: builtin.text)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDirectory) else {
            throw ScenarioError.unknown(nameOrPath, builtins: BuiltinScenarios.names)
        }
        if isDirectory.boolValue || nameOrPath.lowercased().hasSuffix(".md") {
            let scenario = try importPath(nameOrPath)
            return Loaded(scenario: scenario, text: ScenarioWriter.write(scenario))
        }
        let text = try read(nameOrPath)
        return Loaded(scenario: try Scenario.decode(text, file: nameOrPath), text: text)
    }

    /// Imports a guide (a Markdown file) or a folder: its README.md's commands, else its manifest files.
    public static func importPath(_ path: String) throws -> Scenario {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError.guide(SourcePosition(file: path, line: 1, column: 1), "no such file or folder")
        }
        let folder = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let guide = isDirectory.boolValue ? (path as NSString).appendingPathComponent("README.md") : path
        let reader: GuideImporter.FileReader = { name in
            let full = name.hasPrefix("/") ? name : (folder as NSString).appendingPathComponent(name)
            return try? String(contentsOfFile: full, encoding: .utf8)
        }
        let name = isDirectory.boolValue ? (path as NSString).standardizingPath : nil
        if FileManager.default.fileExists(atPath: guide) {
            do {
                return try GuideImporter.importGuide(
                    try read(guide), file: guide, folder: name.map { ($0 as NSString).lastPathComponent },
                    read: reader)
            } catch ScenarioError.nothingToImport where isDirectory.boolValue {
                // A README that only links to its guide: the folder's manifests make the steps.
            }
        } else if !isDirectory.boolValue {
            throw ScenarioError.guide(SourcePosition(file: guide, line: 1, column: 1), "no such file")
        }
        let files = try manifestFiles(in: folder).map {
            (name: $0, text: try read((folder as NSString).appendingPathComponent($0)))
        }
        return try ManifestSteps.scenario(folder: (folder as NSString).standardizingPath, files: files)
    }

    /// The YAML files directly in a folder, by name.
    static func manifestFiles(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    /// Every guide under a folder of examples: each folder with a README.md, or with YAML files that hold Kubernetes
    /// objects (Helm values are not guides), with its scenario or why it does not import.
    public static func guides(under root: String) -> [(path: String, result: Result<Scenario, Error>)] {
        let files = ((try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []).sorted()
        var folders: Set<String> = []
        for file in files {
            let folder = (file as NSString).deletingLastPathComponent
            if (file as NSString).lastPathComponent == "README.md" {
                folders.insert(folder)
            } else if file.hasSuffix(".yaml") || file.hasSuffix(".yml"),
                let text = try? String(
                    contentsOfFile: (root as NSString).appendingPathComponent(file), encoding: .utf8),
                text.contains("apiVersion:") && text.contains("kind:")
            {
                folders.insert(folder)
            }
        }
        return folders.sorted().map { folder in
            let path = folder.isEmpty ? root : (root as NSString).appendingPathComponent(folder)
            return (path, Result { try importPath(path) })
        }
    }

    static func read(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ScenarioError.guide(SourcePosition(file: path, line: 1, column: 1), "cannot read the file")
        }
        return text
    }
}
