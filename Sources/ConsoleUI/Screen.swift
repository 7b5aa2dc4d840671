/// What a view can ask of a color role; themes map roles to colors.
public enum Role: String, Sendable, CaseIterable, Codable {
    case normal, header, footer, border, selection, dim
    case accepted, programmed, resolved, conflicted, notAttached, pending, error
}

/// A place views draw into: curses is one backend, `GridScreen` (in memory) another, for tests.
public protocol Screen: AnyObject {
    var rows: Int { get }
    var columns: Int { get }
    /// Writes `text` at a row and column, clipped to the screen; one Character per cell.
    func put(_ text: String, row: Int, column: Int, role: Role)
    func clear()
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
        for ch in text {
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
}
