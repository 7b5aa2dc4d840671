/// What a view can ask of a colour role; themes map roles to colours and attributes.
public enum Role: String, Sendable, CaseIterable, Codable {
    // Panes and chrome.
    case normal, header, footer, border, borderFocus, title, selection, dim, tab, tabActive, prompt, overlay, message
    // Status glyphs and labels, per condition state.
    case accepted, programmed, resolved, conflicted, notAttached, pending, error, warning
    // Diff and config highlighting.
    case diffAdd, diffRemove, configDirective, configComment, configString, configHighlight
}

/// A place views draw into: curses is one backend, `GridScreen` (in memory) another, for tests.
public protocol Screen: AnyObject {
    var rows: Int { get }
    var columns: Int { get }
    /// Writes `text` at a row and column, clipped to the screen; one Character per cell.
    func put(_ text: String, row: Int, column: Int, role: Role)
    func clear()
}

extension Screen {
    /// Writes `text` clipped to `width` cells and padded with spaces to fill them (so a role colours the whole span).
    public func put(_ text: String, row: Int, column: Int, width: Int, role: Role) {
        guard width > 0 else { return }
        let clipped = String(text.prefix(width))
        put(
            clipped + String(repeating: " ", count: max(0, width - clipped.count)), row: row, column: column, role: role
        )
    }
}

/// Makes text safe for a terminal: control characters (C0, DEL, C1 — the start of escape sequences a hostile
/// object name or response body could carry) become visible `?`; tabs become spaces.
public func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) else {
        return text
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar == "\t" {
            out.append(contentsOf: "    ".unicodeScalars)
        } else if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
            out.append("?")
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

/// An in-memory screen: a grid of characters with their roles, rendered as text for snapshot tests.
public final class GridScreen: Screen {
    public let rows: Int
    public let columns: Int
    private var cells: [[Character]]
    private var roles: [[Role]]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        cells = Array(repeating: Array(repeating: " ", count: columns), count: rows)
        roles = Array(repeating: Array(repeating: .normal, count: columns), count: rows)
    }

    public func put(_ text: String, row: Int, column: Int, role: Role) {
        guard row >= 0, row < rows else { return }
        var col = column
        for ch in terminalSafe(text) {
            if col >= columns { break }
            if col >= 0 {
                cells[row][col] = ch
                roles[row][col] = role
            }
            col += 1
        }
    }

    public func clear() {
        for r in 0..<rows {
            for c in 0..<columns {
                cells[r][c] = " "
                roles[r][c] = .normal
            }
        }
    }

    /// The screen as text, trailing spaces trimmed per line.
    public var text: String {
        cells.map { line in
            var s = String(line)
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }.joined(separator: "\n")
    }

    /// The role of one cell (for tests of colouring).
    public func role(row: Int, column: Int) -> Role { roles[row][column] }

    /// The screen's colours under a theme, one letter per cell (the foreground colour's initial; `.` for the
    /// terminal default; upper case when bold or reversed): what snapshot tests compare per theme.
    public func colorMap(_ theme: Theme, colors: Int = 256) -> String {
        roles.map { line in
            var s = String(line.map { theme.style(for: $0).mapLetter(colors: colors) })
            while s.hasSuffix(".") { s.removeLast() }
            return s
        }.joined(separator: "\n")
    }
}

/// The characters the console draws with: UTF-8 box drawing and symbols, or ASCII when the locale is not UTF-8.
public struct Glyphs: Sendable, Equatable {
    public var vertical: String
    public var horizontal: String
    public var ok: String
    public var pending: String
    public var conflicted: String
    public var failed: String
    public var notAttached: String
    public var expanded: String
    public var collapsed: String
    public var spinner: [String]
    /// Marks where a text was cut to fit.
    public var cut = "…"

    public static let unicode = Glyphs(
        vertical: "│", horizontal: "─", ok: "✓", pending: "…", conflicted: "!", failed: "✗",
        notAttached: "○", expanded: "▾", collapsed: "▸",
        spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"])
    public static let ascii = Glyphs(
        vertical: "|", horizontal: "-", ok: "+", pending: "~", conflicted: "!", failed: "x",
        notAttached: "o", expanded: "v", collapsed: ">", spinner: ["|", "/", "-", "\\"], cut: "~")

    /// The status glyph for a role.
    public func status(_ role: Role) -> String {
        switch role {
        case .accepted, .programmed, .resolved: return ok
        case .pending: return pending
        case .conflicted: return conflicted
        case .notAttached: return notAttached
        case .error: return failed
        case .warning: return "!"
        default: return " "
        }
    }
}
