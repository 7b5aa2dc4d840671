import GatewayAPI

/// A colour in a theme: the terminal's default, or an index in the 256-colour palette (0–7 the basic eight,
/// 8–15 their bright forms).
public enum ThemeColor: Sendable, Equatable, Hashable {
    case terminalDefault
    case index(Int)

    /// Colour names a theme may use, in palette order.
    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, a name, `bright-NAME`, or a number 0–255.
    public init?(_ text: String) {
        if text == "default" {
            self = .terminalDefault
            return
        }
        if let index = ThemeColor.names.firstIndex(of: text) {
            self = .index(index)
            return
        }
        if text.hasPrefix("bright-"), let index = ThemeColor.names.firstIndex(of: String(text.dropFirst(7))) {
            self = .index(index + 8)
            return
        }
        if let number = Int(text), (0...255).contains(number) {
            self = .index(number)
            return
        }
        return nil
    }

    /// The colour on a terminal with `colors` colours: itself when the terminal has it, else the nearest of the
    /// basic eight (bright forms fold onto their base colour).
    public func fallback(colors: Int) -> ThemeColor {
        guard case .index(let index) = self, index >= colors else { return self }
        if index < 16 { return .index(index - 8) }
        return .index(ThemeColor.nearestBasic(index))
    }

    /// The nearest basic colour (0–7) to a 256-palette entry, by RGB distance.
    static func nearestBasic(_ index: Int) -> Int {
        let rgb: (Int, Int, Int)
        if index >= 232 {
            let level = 8 + 10 * (index - 232)
            rgb = (level, level, level)
        } else {
            let cube = [0, 95, 135, 175, 215, 255]
            let n = index - 16
            rgb = (cube[n / 36], cube[(n / 6) % 6], cube[n % 6])
        }
        // Greys (and near-greys) become black or white: the nearest hue of a grey is noise.
        if max(rgb.0, rgb.1, rgb.2) - min(rgb.0, rgb.1, rgb.2) < 40 {
            return (rgb.0 + rgb.1 + rgb.2) / 3 < 100 ? 0 : 7
        }
        let basics = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229),
        ]
        var best = 0
        var bestDistance = Int.max
        for (candidate, basic) in basics.enumerated() {
            let d =
                (basic.0 - rgb.0) * (basic.0 - rgb.0) + (basic.1 - rgb.1) * (basic.1 - rgb.1) + (basic.2 - rgb.2)
                * (basic.2 - rgb.2)
            if d < bestDistance {
                best = candidate
                bestDistance = d
            }
        }
        return best
    }
}

/// How a role is drawn: colours and attributes.
public struct Style: Sendable, Equatable {
    public var foreground: ThemeColor = .terminalDefault
    public var background: ThemeColor = .terminalDefault
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false

    public init(
        foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
        bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    /// One letter for colour maps in tests: the foreground's basic colour initial (`.` default), upper case when
    /// bold or reversed.
    func mapLetter(colors: Int) -> Character {
        var letter: Character = "."
        if case .index(let index) = foreground.fallback(colors: min(colors, 16)) {
            letter = Array("krgybmcw")[index % 8]
        } else if reverse || bold {
            letter = "d"
        }
        return reverse || bold ? Character(letter.uppercased()) : letter
    }
}

/// A console theme: a style per role, read from `themes/*.yaml`. Roles a theme leaves out inherit from a related
/// role (see `Theme.parent`), and finally from `normal`.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The role a missing role inherits from.
    public static func parent(of role: Role) -> Role? {
        switch role {
        case .normal: return nil
        case .borderFocus: return .border
        case .tabActive: return .selection
        case .title: return .header
        case .programmed, .resolved: return .accepted
        case .warning: return .pending
        case .configHighlight: return .selection
        case .prompt, .message: return .footer
        default: return .normal
        }
    }

    /// The style of a role, with inheritance. Selection is reversed video unless the theme says otherwise.
    public func style(for role: Role) -> Style {
        var current: Role? = role
        while let r = current {
            if let style = styles[r] { return style }
            if r == .selection { return Style(reverse: true) }
            current = Theme.parent(of: r)
        }
        return Style()
    }

    /// The built-in default theme (the same as themes/default.yaml).
    public static var standard: Theme {
        (try? Theme.parse(BuiltinThemes.files["default"] ?? "", file: "default.yaml"))
            ?? Theme(name: "default", styles: [:])
    }

    /// Parses a theme file; a problem names the file, line and field.
    public static func parse(_ text: String, file: String) throws -> Theme {
        guard let root = try YAMLReader.parseDocument(text, file: file, lineOffset: 0) else {
            throw ManifestError(position: SourcePosition(file: file, line: 1, column: 1), message: "the theme is empty")
        }
        guard case .mapping(let top) = root.content else {
            throw ManifestError(position: root.position, message: "a theme is a mapping with name and roles")
        }
        var name = themeBaseName(file)
        var styles: [Role: Style] = [:]
        for member in top {
            switch member.key {
            case "name":
                guard let text = member.value.toJSON().stringValue else {
                    throw ManifestError(
                        position: member.value.position, path: FieldPath("name"), message: "must be a string")
                }
                name = text
            case "roles", "colors":
                guard case .mapping(let entries) = member.value.content else {
                    throw ManifestError(
                        position: member.value.position, path: FieldPath(member.key),
                        message: "must be a mapping of role to style")
                }
                for entry in entries {
                    let path = FieldPath(member.key).appending(entry.key)
                    guard let role = Role(rawValue: entry.key) else {
                        throw ManifestError(
                            position: entry.keyPosition, path: path,
                            message: "unknown role (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    styles[role] = try parseStyle(entry.value, path: path)
                }
            default:
                throw ManifestError(
                    position: member.keyPosition, path: FieldPath(member.key),
                    message: "unknown field (fields: name, roles)")
            }
        }
        return Theme(name: name, styles: styles)
    }

    static func parseColor(_ node: SourceNode, path: FieldPath) throws -> ThemeColor {
        let value = node.toJSON()
        let text = value.stringValue ?? value.intValue.map { String($0) }
        guard let text, let color = ThemeColor(text) else {
            throw ManifestError(
                position: node.position, path: path,
                message:
                    "unknown colour \(node.summary) (colours: default, \(ThemeColor.names.joined(separator: ", ")), bright-NAME, or 0-255)"
            )
        }
        return color
    }

    static func parseStyle(_ node: SourceNode, path: FieldPath) throws -> Style {
        guard case .mapping(let members) = node.content else {
            return Style(foreground: try parseColor(node, path: path))
        }
        var style = Style()
        for member in members {
            let field = path.appending(member.key)
            switch member.key {
            case "fg": style.foreground = try parseColor(member.value, path: field)
            case "bg": style.background = try parseColor(member.value, path: field)
            case "bold", "underline", "reverse", "dim":
                guard let flag = member.value.toJSON().boolValue else {
                    throw ManifestError(position: member.value.position, path: field, message: "must be true or false")
                }
                switch member.key {
                case "bold": style.bold = flag
                case "underline": style.underline = flag
                case "reverse": style.reverse = flag
                default: style.dim = flag
                }
            default:
                throw ManifestError(
                    position: member.keyPosition, path: field,
                    message: "unknown field (fields: fg, bg, bold, underline, reverse, dim)")
            }
        }
        return style
    }
}

/// A theme's default name: its file name without directory and `.yaml`.
func themeBaseName(_ file: String) -> String {
    let last = file.split(separator: "/").last.map(String.init) ?? file
    return last.hasSuffix(".yaml") ? String(last.dropLast(5)) : last
}
