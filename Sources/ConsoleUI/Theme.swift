import GatewayAPI

/// A console theme: a colour per role, read from `themes/*.yaml`.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var colors: [Role: String]

    public static let colorNames = ["default", "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// The built-in default (the same as themes/default.yaml).
    public static let standard = Theme(name: "default", colors: [
        .header: "cyan", .footer: "cyan", .border: "blue", .dim: "white", .accepted: "green", .programmed: "green",
        .resolved: "green", .pending: "yellow", .conflicted: "magenta", .notAttached: "yellow", .error: "red",
    ])

    public init(name: String, colors: [Role: String]) {
        self.name = name
        self.colors = colors
    }

    /// Parses a theme file; a problem names the file, line and field.
    public static func parse(_ text: String, file: String) throws -> Theme {
        guard let root = try YAMLReader.parseDocument(text, file: file, lineOffset: 0) else {
            throw ManifestError(position: SourcePosition(file: file, line: 1, column: 1), message: "the theme is empty")
        }
        let name = root["name"]?.toJSON().stringValue ?? file
        var colors: [Role: String] = [:]
        if case .mapping(let members)? = root["colors"]?.content {
            for member in members {
                guard let role = Role(rawValue: member.key) else {
                    throw ManifestError(position: member.keyPosition, path: FieldPath("colors").appending(member.key),
                                        message: "unknown role (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard let color = member.value.toJSON().stringValue, colorNames.contains(color) else {
                    throw ManifestError(position: member.value.position, path: FieldPath("colors").appending(member.key),
                                        message: "unknown colour \(member.value.summary) (colours: \(colorNames.joined(separator: ", ")))")
                }
                colors[role] = color
            }
        }
        return Theme(name: name, colors: colors)
    }
}
