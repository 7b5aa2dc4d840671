/// The console's response to keys: navigation, panes, tabs, the filter and command lines, confirmations.
extension ConsoleModel {
    /// Applies one key; returns what the shell must do.
    public mutating func handle(_ key: Key, layout: ConsoleLayout) -> [Effect] {
        if key == .ctrl("c") { return [.quit] }
        if key == .resize { return [] }
        switch mode {
        case .help:
            switch key {
            case .char("j"), .down: helpScroll += 1
            case .char("k"), .up: helpScroll = max(0, helpScroll - 1)
            case .pageDown, .char(" "): helpScroll += 10
            case .pageUp: helpScroll = max(0, helpScroll - 10)
            default: mode = .normal
            }
            return []
        case .confirm(_, let effect):
            mode = .normal
            if key == .char("y") || key == .char("Y") { return [effect] }
            message = StyledLine("cancelled")
            return []
        case .filter(let text):
            return handleFilter(key, text: text)
        case .command(let text):
            return handleCommand(key, text: text)
        case .normal:
            return handleNormal(key, layout: layout)
        }
    }

    mutating func handleFilter(_ key: Key, text: String) -> [Effect] {
        switch key {
        case .enter:
            filter = text
            mode = .normal
            clampSelection()
            return [.loadDetail]
        case .escape:
            filter = ""
            mode = .normal
            clampSelection()
            return [.loadDetail]
        case .backspace:
            mode = .filter(String(text.dropLast()))
        case .char(let c):
            mode = .filter(text + String(c))
            selected = 0
            scroll = 0
        default:
            break
        }
        clampSelection()
        return []
    }

    mutating func handleCommand(_ key: Key, text: String) -> [Effect] {
        switch key {
        case .enter:
            mode = .normal
            return ConsoleCommands.run(text, model: &self)
        case .escape:
            mode = .normal
        case .backspace:
            if text.isEmpty { mode = .normal } else { mode = .command(String(text.dropLast())) }
        case .tab:
            let (line, candidates) = ConsoleCommands.complete(text, arguments: completions)
            mode = .command(line)
            message =
                candidates.count > 1
                ? StyledLine(candidates.joined(separator: "  "), role: .dim)
                : (candidates.isEmpty ? StyledLine("no completions", role: .dim) : nil)
        case .char(let c):
            mode = .command(text + String(c))
        default:
            break
        }
        return []
    }

    /// The normal mode: the first binding of the table (`ConsoleModel.bindings`) that takes the key acts.
    mutating func handleNormal(_ key: Key, layout: ConsoleLayout) -> [Effect] {
        message = nil
        guard let binding = ConsoleModel.bindings.first(where: { $0.matches(key) }) else { return [] }
        return binding.action(&self, key, layout)
    }

    /// Movement: the tree's selection when it has the focus, else the focused pane scrolls.
    mutating func moveOrScroll(_ delta: Int, layout: ConsoleLayout) -> [Effect] {
        if focus == .tree { return move(delta) }
        scroll(pane: focus, by: delta, layout: layout)
        return []
    }

    /// h or ←: collapse the selected row, or go to its parent.
    mutating func collapseOrParent() -> [Effect] {
        let rows = visibleRows
        guard rows.indices.contains(selected) else { return [] }
        if rows[selected].hasChildren && !rows[selected].isCollapsed {
            toggle(expand: false)
        } else if rows[selected].row.depth > 0 {
            let depth = rows[selected].row.depth
            if let parent = rows[..<selected].lastIndex(where: { $0.row.depth < depth }) {
                return move(parent - selected)
            }
        }
        return []
    }

    /// Esc: clear the filter, else focus the tree, else leave a list.
    mutating func back() -> [Effect] {
        if !filter.isEmpty {
            filter = ""
            clampSelection()
            return [.loadDetail]
        }
        if focus != .tree {
            focus = .tree
            return []
        }
        if view != .topology {
            view = .topology
            selected = 0
            scroll = 0
            return [.loadDetail]
        }
        return []
    }

    /// A warning in the status line, and nothing to do.
    mutating func warn(_ text: String) -> [Effect] {
        message = StyledLine(text, role: .warning)
        return []
    }

    /// Tabs the detail pane offers now.
    public var availableTabs: [DetailTab] {
        DetailTab.allCases.filter { $0 != .scenario || scenario != nil }
    }

    mutating func selectTab(_ tab: DetailTab) -> [Effect] {
        if detailTab != tab { fullConfig = false }
        detailTab = tab
        detailScroll = 0
        return [.loadDetail]
    }

    mutating func move(_ delta: Int) -> [Effect] {
        let before = selected
        selected += delta
        clampSelection()
        if selected == before { return [] }
        detailScroll = 0
        return [.loadDetail]
    }

    mutating func toggle(expand: Bool?) {
        let rows = visibleRows
        guard rows.indices.contains(selected), rows[selected].hasChildren else { return }
        let id = rows[selected].id
        let collapse = expand.map { !$0 } ?? !collapsed.contains(id)
        if collapse { collapsed.insert(id) } else { collapsed.remove(id) }
    }

    func pane(at row: Int, column: Int, layout: ConsoleLayout) -> Pane? {
        if layout.tree.contains(row: row, column: column) { return .tree }
        if layout.detail.contains(row: row, column: column) { return .detail }
        if layout.diagnostics.contains(row: row, column: column) { return .diagnostics }
        return nil
    }

    mutating func scroll(pane: Pane?, by delta: Int, layout: ConsoleLayout) {
        switch pane {
        case .tree?:
            scroll = min(max(0, scroll + delta), max(0, rowCount - layout.contentHeight(.tree)))
        case .detail?:
            let count = detailLines(width: layout.detail.width).count
            detailScroll = min(max(0, detailScroll + delta), max(0, count - layout.contentHeight(.detail)))
        case .diagnostics?:
            let count = diagnosticsLines(width: max(0, layout.diagnostics.width - 1)).count
            diagnosticsScroll = min(
                max(0, diagnosticsScroll + delta), max(0, count - layout.contentHeight(.diagnostics)))
        case nil: break
        }
    }

    mutating func click(row: Int, column: Int, layout: ConsoleLayout) -> [Effect] {
        guard let pane = pane(at: row, column: column, layout: layout) else { return [] }
        focus = pane
        switch pane {
        case .tree:
            let index = scroll + row - layout.tree.top - 1
            guard row > layout.tree.top, index < rowCount else { return [] }
            return move(index - selected)
        case .detail:
            guard row == layout.detail.top else { return [] }
            // A click on a tab label selects the tab.
            var col = layout.detail.left
            for tab in availableTabs {
                let width = tab.rawValue.count + 2
                if column >= col && column < col + width { return selectTab(tab) }
                col += width + 1
            }
            return []
        case .diagnostics:
            return []
        }
    }
}
