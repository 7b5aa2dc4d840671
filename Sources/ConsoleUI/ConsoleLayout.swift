/// Where each pane goes on a screen of a given size (pure).
public struct ConsoleLayout: Sendable, Equatable {
    public struct Rect: Sendable, Equatable {
        public var top: Int, left: Int, height: Int, width: Int
        public init(top: Int, left: Int, height: Int, width: Int) {
            self.top = top
            self.left = left
            self.height = height
            self.width = width
        }
        public func contains(row: Int, column: Int) -> Bool {
            row >= top && row < top + height && column >= left && column < left + width
        }
    }

    public var rows: Int
    public var columns: Int
    /// Each pane's rectangle, title row included (content starts one row below `top`).
    public var tree: Rect
    public var detail: Rect
    public var diagnostics: Rect
    /// The column of the border between tree and detail, when both show.
    public var divider: Int?
    public var statusRow: Int
    public var footerRow: Int

    public init(rows: Int, columns: Int, model: ConsoleModel) {
        self.rows = rows
        self.columns = columns
        let body = max(2, rows - 3)
        let diagnosticsHeight: Int
        if model.focus == .diagnostics {
            diagnosticsHeight = max(3, body * 3 / 5)
        } else if model.diagnostics.isEmpty {
            diagnosticsHeight = min(3, body / 3)
        } else {
            diagnosticsHeight = max(min(6, body / 2), body * 2 / 5)
        }
        let upper = max(1, body - diagnosticsHeight)
        let narrow = columns < 70
        if narrow {
            // One pane at a time across the width: the focused one (the tree when diagnostics has focus).
            let showDetail = model.focus == .detail
            tree = Rect(top: 1, left: 0, height: showDetail ? 0 : upper, width: showDetail ? 0 : columns)
            detail = Rect(top: 1, left: 0, height: showDetail ? upper : 0, width: showDetail ? columns : 0)
            divider = nil
        } else {
            // As wide as the rows need, within 45% (55% from 120 columns) of the screen.
            let share = columns >= 120 ? columns * 11 / 20 : columns * 9 / 20
            let treeWidth = min(max(36, min(model.treeContentWidth + 1, share)), columns - 30)
            tree = Rect(top: 1, left: 0, height: upper, width: treeWidth)
            divider = treeWidth
            detail = Rect(top: 1, left: treeWidth + 2, height: upper, width: columns - treeWidth - 2)
        }
        diagnostics = Rect(top: 1 + upper, left: 0, height: body - upper, width: columns)
        statusRow = rows - 2
        footerRow = rows - 1
        if model.zoomed {
            // The focused pane alone, across the body.
            let whole = Rect(top: 1, left: 0, height: body, width: columns)
            let none = Rect(top: 1, left: 0, height: 0, width: 0)
            tree = model.focus == .tree ? whole : none
            detail = model.focus == .detail ? whole : none
            diagnostics = model.focus == .diagnostics ? whole : none
            divider = nil
        }
    }

    /// Rows of content a pane shows (its height less the title row).
    public func contentHeight(_ pane: Pane) -> Int {
        switch pane {
        case .tree: return max(0, tree.height - 1)
        case .detail: return max(0, detail.height - 1)
        case .diagnostics: return max(0, diagnostics.height - 1)
        }
    }
}
