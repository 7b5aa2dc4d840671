/// Aligns tab-separated cells as Go's `text/tabwriter` does (kubectl's describe output is built with it):
/// a tab ends a cell, consecutive lines with a cell in the same column form a block aligned to its widest cell
/// plus `padding`, and a line with fewer cells ends the block. Trailing spaces are trimmed from each line.
public struct TabWriter {
    public var padding: Int
    public var minWidth: Int
    private var text = ""

    public init(padding: Int = 2, minWidth: Int = 0) {
        self.padding = padding
        self.minWidth = minWidth
    }

    public mutating func write(_ s: String) { text += s }

    /// Appends one line at `level` (two spaces per level); `line` may contain tabs, and should not end in newline.
    public mutating func line(_ level: Int, _ line: String) {
        text += String(repeating: "  ", count: level) + line + "\n"
    }

    public func render() -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        if lines.last == [""] { lines.removeLast() }
        var widths: [[Int]] = lines.map { _ in [] }  // widths per line per column
        format(lines, 0, lines.count, column: 0, widths: &widths)
        var out = ""
        for (index, cells) in lines.enumerated() {
            var line = ""
            for (column, cell) in cells.enumerated() {
                line += cell
                if column < cells.count - 1 {
                    let width = column < widths[index].count ? widths[index][column] : cell.count + padding
                    line += String(repeating: " ", count: max(0, width - cell.count))
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// Go's recursive block formatting: find runs of lines that have a cell in `column`, size the column for the run,
    /// then format the next column within that run.
    private func format(_ lines: [[String]], _ line0: Int, _ line1: Int, column: Int, widths: inout [[Int]]) {
        var this = line0
        while this < line1 {
            if column >= lines[this].count - 1 {
                this += 1
                continue
            }
            let start = this
            var width = minWidth
            while this < line1, column < lines[this].count - 1 {
                width = max(width, lines[this][column].count + padding)
                this += 1
            }
            for i in start..<this {
                while widths[i].count <= column { widths[i].append(0) }
                widths[i][column] = width
            }
            format(lines, start, this, column: column + 1, widths: &widths)
        }
    }
}
