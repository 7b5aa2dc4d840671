import Foundation
import GatewayAPI

/// The console's settings from `~/.config/gwconsole/config.yaml` (or `$XDG_CONFIG_HOME/gwconsole/config.yaml`).
///
/// ```yaml
/// theme: solarized-dark     # a shipped or user theme name, or a path
/// namespace: default        # the namespace the console opens in
/// mouse: true               # click to select, wheel to scroll
/// ascii: false              # force ASCII drawing even on a UTF-8 locale
/// refreshMillis: 500        # how often the console looks for changes by other processes
/// editor: vi                # for `e` when $VISUAL and $EDITOR are unset
/// ```
public struct ConsoleConfig: Sendable, Equatable {
    public var theme: String?
    public var namespace: String?
    public var mouse = true
    public var ascii = false
    public var refreshMillis = 500
    public var editor: String?

    public init() {}

    /// The configuration directory by XDG rules.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/gwconsole" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/gwconsole"
    }

    /// Reads the file if it exists; a missing file is the defaults. A broken file throws a positioned error.
    public static func load(file: String) throws -> ConsoleConfig {
        guard FileManager.default.fileExists(atPath: file) else { return ConsoleConfig() }
        return try parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
    }

    /// Parses the configuration; unknown fields and wrong types are errors naming the file, line and field.
    public static func parse(_ text: String, file: String) throws -> ConsoleConfig {
        var config = ConsoleConfig()
        guard let root = try YAMLReader.parseDocument(text, file: file, lineOffset: 0) else { return config }
        guard case .mapping(let members) = root.content else {
            throw ManifestError(
                position: root.position,
                message:
                    "the configuration is a mapping (fields: theme, namespace, mouse, ascii, refreshMillis, editor)")
        }
        for member in members {
            let value = member.value.toJSON()
            let path = FieldPath(member.key)
            func string() throws -> String {
                guard let text = value.stringValue else {
                    throw ManifestError(position: member.value.position, path: path, message: "must be a string")
                }
                return text
            }
            func bool() throws -> Bool {
                guard let flag = value.boolValue else {
                    throw ManifestError(position: member.value.position, path: path, message: "must be true or false")
                }
                return flag
            }
            switch member.key {
            case "images": break  // the local image map, read by the controller (docs/workloads.md)
            case "theme": config.theme = try string()
            case "namespace": config.namespace = try string()
            case "editor": config.editor = try string()
            case "mouse": config.mouse = try bool()
            case "ascii": config.ascii = try bool()
            case "refreshMillis":
                guard let number = value.intValue, (100...60_000).contains(number) else {
                    throw ManifestError(
                        position: member.value.position, path: path,
                        message: "must be a number of milliseconds from 100 to 60000")
                }
                config.refreshMillis = Int(number)
            default:
                throw ManifestError(
                    position: member.keyPosition, path: path,
                    message: "unknown field (fields: theme, namespace, mouse, ascii, refreshMillis, editor)")
            }
        }
        return config
    }
}
