import Foundation
import GatewayAPI

/// Finds themes by name or path: the user's themes directory first (`~/.config/gwconsole/themes/NAME.yaml`), then
/// the shipped ones. A theme that cannot be read or parsed gives a warning and the default theme.
public struct ThemeCatalog: Sendable {
    /// The user's themes directory.
    public var userDirectory: String

    public init(userDirectory: String) { self.userDirectory = userDirectory }

    /// The catalog for a configuration directory (`$XDG_CONFIG_HOME/gwconsole` or `~/.config/gwconsole`).
    public init(configDirectory: String) { userDirectory = configDirectory + "/themes" }

    /// Every theme name available: shipped and user themes.
    public var names: [String] {
        let user = ((try? FileManager.default.contentsOfDirectory(atPath: userDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        return Array(Set(BuiltinThemes.files.keys).union(user)).sorted()
    }

    /// Loads a theme by name (or a path to a file). Returns the theme and, when it fell back to the default, why.
    public func load(_ nameOrPath: String) -> (Theme, warning: String?) {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml")
        let userFile = userDirectory + "/" + nameOrPath + ".yaml"
        let file: String? =
            if isPath { nameOrPath } else if FileManager.default.fileExists(atPath: userFile) { userFile } else { nil }
        if let file {
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                return (try Theme.parse(text, file: file), nil)
            } catch let error as ManifestError {
                return (.standard, "theme \(file): \(error); using the default theme")
            } catch {
                return (
                    .standard, "theme \(file): cannot read it (\(error.localizedDescription)); using the default theme"
                )
            }
        }
        if let text = BuiltinThemes.files[nameOrPath], let theme = try? Theme.parse(text, file: nameOrPath + ".yaml") {
            return (theme, nil)
        }
        return (
            .standard,
            "theme \"\(nameOrPath)\" not found (themes: \(names.joined(separator: ", "))); using the default theme"
        )
    }
}
