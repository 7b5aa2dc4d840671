import Foundation

/// A table as kubectl prints it: columns at least 6 wide and padded to the widest cell plus three spaces,
/// the last column unpadded, and cells cut at a line break with `...` (kubectl's cell sanitising).
public struct Table: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    public func render() -> String {
        let all = ([headers] + rows).map { $0.map(Table.sanitize) }
        var widths = Array(repeating: 6 - 3, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        for row in all {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 3)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// A cell with a line break is cut there and marked `...`; ESC shows as `^[`.
    static func sanitize(_ cell: String) -> String {
        var text = cell
        if let cut = text.firstIndex(where: { $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" || $0 == "\r\n" }) {
            text = String(text[..<cut]) + "..."
        }
        return text.replacingOccurrences(of: "\u{1B}", with: "^[")
    }
}
