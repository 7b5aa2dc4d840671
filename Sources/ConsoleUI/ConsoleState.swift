import GatewayCore

/// The console's state and its response to keys (pure): what is selected, which pane, what the detail shows.
public struct ConsoleState {
    public var rows: [TreeRow] = []
    public var selected = 0
    public var scroll = 0
    public var header = ""
    public var detail: [String] = []
    public var detailScroll = 0
    public var quit = false

    public init() {}

    public enum Action: Equatable {
        case none, quit, moved, describe
    }

    /// Applies one key (ncurses key codes for arrows; ASCII otherwise).
    public mutating func handle(key: Int32, pageSize: Int) -> Action {
        switch key {
        case 113, 3: quit = true; return .quit                     // q, Ctrl-C
        case 106, 258: move(1); return .moved                      // j, down
        case 107, 259: move(-1); return .moved                     // k, up
        case 103: move(-rows.count); return .moved                 // g
        case 71: move(rows.count); return .moved                   // G
        case 338: move(pageSize); return .moved                    // PgDn
        case 339: move(-pageSize); return .moved                   // PgUp
        case 100, 10, 13, 343: return .describe                    // d, Enter
        case 74: detailScroll += 1; return .none                   // J: scroll detail
        case 75: detailScroll = max(0, detailScroll - 1); return .none
        default: return .none
        }
    }

    mutating func move(_ delta: Int) {
        guard !rows.isEmpty else { return }
        selected = min(max(0, selected + delta), rows.count - 1)
        detailScroll = 0
    }

    /// Draws header, tree (left), detail (right) and footer.
    public mutating func draw(on screen: Screen) {
        screen.clear()
        let width = screen.columns, height = screen.rows
        screen.put(String(header.prefix(width)), row: 0, column: 0, role: .header)
        let treeWidth = min(max(40, width / 2), width)
        let bodyHeight = max(1, height - 2)
        if selected < scroll { scroll = selected }
        if selected >= scroll + bodyHeight { scroll = selected - bodyHeight + 1 }
        let visible = Array(rows.dropFirst(scroll).prefix(bodyHeight))
        TopologyTree.draw(visible, on: screen, top: 1, left: 0, height: bodyHeight, selected: selected - scroll)
        if width > treeWidth + 2 {
            for row in 1...bodyHeight { screen.put("│", row: row, column: treeWidth, role: .border) }
            for (index, line) in detail.dropFirst(detailScroll).prefix(bodyHeight).enumerated() {
                screen.put(String(line.prefix(width - treeWidth - 2)), row: 1 + index, column: treeWidth + 2, role: .normal)
            }
        }
        screen.put(String("j/k move  g/G top/bottom  PgUp/PgDn  d/Enter describe  J/K scroll detail  q quit".prefix(width)),
                   row: height - 1, column: 0, role: .footer)
    }
}
