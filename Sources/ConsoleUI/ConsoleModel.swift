import Foundation
import GatewayCore

/// The detail pane's views of the selected object.
public enum DetailTab: String, Sendable, CaseIterable {
    case describe = "Describe"
    case yaml = "YAML"
    case conditions = "Conditions"
    case nginx = "NGINX"
    case events = "Events"
    case scenario = "Scenario"
    /// The selection's live requests: a Gateway's, a route's, or all.
    case requests = "Requests"
}

/// The console's panes, in Tab order.
public enum Pane: Sendable, CaseIterable { case tree, detail, diagnostics }

/// What the left pane shows: the topology, or a flat list of one kind.
public enum ConsoleView: Sendable, Equatable {
    case topology
    case list(String)
}

/// One row of a flat list (a table row as `get` prints it) and the object it stands for.
public struct ListRow: Sendable, Equatable {
    public var text: String
    public var ref: ObjectRef?
    public var role: Role
    public init(text: String, ref: ObjectRef?, role: Role = .normal) {
        self.text = text
        self.ref = ref
        self.role = role
    }
}

/// A flat list of one kind, as `gwconsole get KIND` prints it.
public struct ResourceList: Sendable, Equatable {
    public var title: String
    public var header: String
    public var rows: [ListRow]
    public init(title: String, header: String, rows: [ListRow]) {
        self.title = title
        self.header = header
        self.rows = rows
    }
}

/// The header's facts: where the state comes from, the namespace, the data plane and the problems.
public struct HeaderInfo: Sendable, Equatable {
    public var source = ""
    public var namespace = "default"
    public var dataplane = "down"
    public var gateway: String?
    public var problems = 0
    public init() {}
}

/// A scenario as the console shows it: its steps, which are done, the next one's prose.
public struct ScenarioPanel: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var title: String
        public var prose: String
        public var manifest: String
        public init(title: String, prose: String, manifest: String) {
            self.title = title
            self.prose = prose
            self.manifest = manifest
        }
    }
    public var name: String
    /// What the scenario is loaded from: a built-in name, a scenario file, a guide or an example folder.
    public var source: String
    public var title: String
    public var steps: [Step]
    /// Steps 1...completed are done.
    public var completed: Int
    /// The last step's outcome lines (applied objects, checks).
    public var log: [StyledLine]
    public init(
        name: String, source: String? = nil, title: String, steps: [Step], completed: Int, log: [StyledLine] = []
    ) {
        self.name = name
        self.source = source ?? name
        self.title = title
        self.steps = steps
        self.completed = completed
        self.log = log
    }
}

/// A piece of the diagnostics pane: a line, or two columns shown side by side when the pane is wide enough.
public enum DiagnosticsBlock: Sendable, Equatable {
    case line(StyledLine)
    case sideBySide(left: [StyledLine], right: [StyledLine])
}

/// Something the console asks its shell to do; the state machine itself does no I/O.
public enum Effect: Sendable, Equatable {
    case quit
    /// The selection, the tab or the full-config switch changed: load the detail pane's content.
    case loadDetail
    /// Show a flat list of a kind (as typed: a name or alias).
    case showList(String)
    case probe(ObjectRef)
    case doctor
    case explain(String)
    /// `:whatif FILE`: what applying the file would change, nothing applied.
    case whatIf(String)
    /// `W`: edit the object, then show what applying the edit would change, nothing applied.
    case whatIfEdit(ObjectRef)
    case doctorAt(String)
    case apply(String)
    case edit(ObjectRef)
    case delete(ObjectRef)
    /// Start (true), stop (false) or toggle (nil) the data plane.
    case dataplane(Bool?)
    case scenarioNext
    case scenario(String)
    case theme(String)
    case namespace(String)
    case reload
    /// Carry out the cluster write plan the user confirmed.
    case commitPlan
}

/// Modes that take the keyboard away from navigation.
public enum InputMode: Sendable, Equatable {
    case normal
    case filter(String)
    case command(String)
    case help
    case confirm(String, Effect)
}

/// The console's state and its response to keys (pure): what is shown, selected, focused and typed. The shell
/// (the executable) fills in data and performs the effects `handle` returns.
public struct ConsoleModel: Sendable {
    public var header = HeaderInfo()
    public var themeName = "default"
    public var glyphs = Glyphs.unicode
    public var mouse = true

    public var view = ConsoleView.topology
    /// The whole topology; what shows depends on collapsed rows and the filter.
    public private(set) var tree: [TreeRow] = []
    public var list: ResourceList?
    /// Errors the last probe or doctor found: the header counts them with the tree's problems.
    public var findingErrors = 0
    /// Routes whose requests got 4xx or 5xx from the Gateway in the last minute (the live request log).
    public var trafficErrors = 0
    /// The Requests tab's filter (`:requests 4xx`, `host=…`, a route name; empty: every request).
    public var requestFilter = ""
    /// The route of each request line on the Requests tab (by line index): Enter probes it.
    public var requestRoutes: [Int: ObjectRef] = [:]
    /// The URL `explain` takes for each request of the Requests tab, by its first line.
    public var requestURLs: [Int: String] = [:]
    public var collapsed: Set<String> = []
    public var filter = ""

    public var focus = Pane.tree
    /// `z`: the focused pane takes the whole screen body.
    public var zoomed = false
    /// `<` `>`: columns of indentation the tree leaves out, so deep rows show their names whole at 80 columns.
    public var treeShift = 0
    public var selected = 0
    public var scroll = 0

    public var detailTab = DetailTab.describe
    public var fullConfig = false
    public var detail: [StyledLine] = []
    public var detailScroll = 0
    public var diagnosticsTitle = "Diagnostics"
    public var diagnostics: [DiagnosticsBlock] = []
    public var diagnosticsScroll = 0
    public var scenario: ScenarioPanel?

    public var mode = InputMode.normal
    /// How far the help overlay is scrolled (it is longer than a small terminal).
    public var helpScroll = 0
    public var message: StyledLine?
    public var busy: String?
    public var spinnerFrame = 0
    /// Completion candidates for command arguments by command (`ns`, `scenario`, `theme`, `apply`).
    public var completions: [String: [String]] = [:]

    public init() {}

    /// Which tree this is (unique per `setTree`), for the visible-rows cache.
    private var treeVersion = 0
    private let rowsCache = RowsCache()

    /// Replaces the topology, keeping the selection on the same row when it still exists.
    public mutating func setTree(_ rows: [TreeRow]) {
        let previous = selectedRowID
        tree = rows
        treeVersion = RowsCache.nextVersion()
        if let previous, view == .topology, let index = visibleRows.firstIndex(where: { $0.id == previous }) {
            selected = index
        }
        clampSelection()
    }

    /// Replaces the list, keeping the selection on the same object when it still exists.
    public mutating func setList(_ list: ResourceList?) {
        let previous = selectedRef
        self.list = list
        if let previous, let index = visibleListRows.firstIndex(where: { $0.ref == previous }) { selected = index }
        clampSelection()
    }

    /// A tree row with its identity (the labels from the root) for collapsing and keeping the selection.
    public struct VisibleRow: Sendable, Equatable {
        public var row: TreeRow
        public var id: String
        public var hasChildren: Bool
        public var isCollapsed: Bool
    }

    /// The topology rows to show: collapsed subtrees hidden; with a filter, matching rows with their subtrees and
    /// ancestors (`!text`: the rows without the text, and not under one with it).
    public var visibleRows: [VisibleRow] {
        var filterText = filter
        if case .filter(let typing) = mode { filterText = typing }
        let key = RowsCache.Key(version: treeVersion, collapsed: collapsed, filter: filterText)
        if let cached = rowsCache.rows(for: key) { return cached }
        let rows = computeVisibleRows()
        rowsCache.store(rows, for: key)
        return rows
    }

    func computeVisibleRows() -> [VisibleRow] {
        var all: [VisibleRow] = []
        all.reserveCapacity(tree.count)
        // Each row's id is its parent's and its label: kept per depth, so a row costs one concatenation.
        var ids: [String] = []
        for (index, row) in tree.enumerated() {
            let depth = min(row.depth, ids.count)
            let id = depth == 0 ? row.label : ids[depth - 1] + "\u{1F}" + row.label
            if ids.count > depth { ids.removeSubrange(depth...) }
            ids.append(id)
            let hasChildren = index + 1 < tree.count && tree[index + 1].depth > row.depth
            all.append(
                VisibleRow(
                    row: row, id: id, hasChildren: hasChildren, isCollapsed: hasChildren && collapsed.contains(id)))
        }
        var keep = Array(repeating: true, count: all.count)
        if let (text, inverted) = filterTerms {
            let matches = all.map { $0.row.label.lowercased().contains(text) }
            if inverted {
                // Rows without the text, and not under a row with it.
                var hiddenDepth: Int?
                for index in all.indices {
                    let depth = all[index].row.depth
                    if let hidden = hiddenDepth, depth > hidden {
                        keep[index] = false
                        continue
                    }
                    hiddenDepth = matches[index] ? depth : nil
                    keep[index] = !matches[index]
                }
            } else {
                // Matching rows with their subtrees, and their ancestors for context.
                keep = Array(repeating: false, count: all.count)
                var matchDepth: Int?
                for index in all.indices {
                    let depth = all[index].row.depth
                    if let under = matchDepth, depth > under {
                        keep[index] = true
                        continue
                    }
                    matchDepth = nil
                    guard matches[index] else { continue }
                    matchDepth = depth
                    keep[index] = true
                    var ancestorDepth = depth
                    var j = index - 1
                    while j >= 0 && ancestorDepth > 0 {
                        if all[j].row.depth < ancestorDepth {
                            keep[j] = true
                            ancestorDepth = all[j].row.depth
                        }
                        j -= 1
                    }
                }
            }
        }
        var result: [VisibleRow] = []
        var hiddenBelow: Int?
        for (index, item) in all.enumerated() {
            if let depth = hiddenBelow {
                if item.row.depth > depth { continue }
                hiddenBelow = nil
            }
            guard keep[index] else { continue }
            result.append(item)
            if item.isCollapsed && filterTerms == nil { hiddenBelow = item.row.depth }
        }
        return result
    }

    /// The list rows to show under the filter.
    public var visibleListRows: [ListRow] {
        guard let list else { return [] }
        guard let (text, inverted) = filterTerms else { return list.rows }
        return list.rows.filter { $0.text.lowercased().contains(text) != inverted }
    }

    /// The filter's text (lower-cased) and whether it is inverted, or nil when there is no filter.
    var filterTerms: (String, Bool)? {
        var text = filter
        if case .filter(let typing) = mode { text = typing }
        let inverted = text.hasPrefix("!")
        if inverted { text.removeFirst() }
        return text.isEmpty ? nil : (text.lowercased(), inverted)
    }

    /// The width the left pane's rows need (indent, fold marker, glyph and label; or the list's header and rows).
    public var treeContentWidth: Int {
        switch view {
        case .topology:
            // Measured once per set of visible rows (counting characters of 250,000 labels every frame is the cost
            // of a redraw at 50,000 routes otherwise).
            let rows = visibleRows
            // Scalars stand for cells here (the labels are names and ASCII text); counting characters is dearer.
            return rowsCache.width { rows.map { $0.row.depth * 2 + 3 + $0.row.label.unicodeScalars.count }.max() ?? 0 }
        case .list: return ([list?.header.count ?? 0] + visibleListRows.map(\.text.count)).max() ?? 0
        }
    }

    /// How many rows the left pane shows.
    public var rowCount: Int { view == .topology ? visibleRows.count : visibleListRows.count }

    var selectedRowID: String? {
        let rows = visibleRows
        return rows.indices.contains(selected) ? rows[selected].id : nil
    }

    /// The object the selection stands for.
    public var selectedRef: ObjectRef? { selectedItem?.ref }

    /// The selected row's label (for messages).
    public var selectedLabel: String? { selectedItem?.label }

    var selectedItem: (ref: ObjectRef?, label: String)? {
        switch view {
        case .topology:
            let rows = visibleRows
            return rows.indices.contains(selected) ? (rows[selected].row.ref, rows[selected].row.label) : nil
        case .list:
            let rows = visibleListRows
            return rows.indices.contains(selected) ? (rows[selected].ref, rows[selected].text) : nil
        }
    }

    mutating func clampSelection() {
        selected = min(max(0, selected), max(0, rowCount - 1))
    }

    /// Shows text in the diagnostics pane (results of probes, doctor, applies, errors).
    public mutating func showDiagnostics(title: String, lines: [StyledLine]) {
        showDiagnostics(title: title, blocks: lines.map { .line($0) })
    }

    /// Shows blocks (lines and side-by-side columns) in the diagnostics pane.
    public mutating func showDiagnostics(title: String, blocks: [DiagnosticsBlock]) {
        diagnosticsTitle = title
        diagnostics = blocks
        diagnosticsScroll = 0
    }

    /// The diagnostics pane's lines at a width: side-by-side blocks become two columns from 100 cells, else one
    /// column after the other.
    public func diagnosticsLines(width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        for block in diagnostics {
            switch block {
            case .line(let line): lines += (glyphs == .ascii ? line.asciified() : line).wrapped(width: width)
            case .sideBySide(var left, var right):
                if glyphs == .ascii {
                    left = left.map { $0.asciified() }
                    right = right.map { $0.asciified() }
                }
                guard width >= 100 else {
                    lines += (left + right).flatMap { $0.wrapped(width: width) }
                    continue
                }
                let column = (width - 3) / 2
                for index in 0..<max(left.count, right.count) {
                    let l =
                        index < left.count
                        ? left[index].padded(to: column) : StyledLine(String(repeating: " ", count: column))
                    let r = index < right.count ? right[index] : StyledLine("")
                    lines.append(StyledLine(spans: l.spans + [(text: " \(glyphs.vertical) ", role: .border)] + r.spans))
                }
            }
        }
        return lines
    }

    /// The detail pane's lines at a width (the Scenario tab is drawn from the scenario).
    public func detailLines(width: Int) -> [StyledLine] {
        var lines = detailTab == .scenario ? ConsoleRenderer.scenarioLines(self, width: width) : detail
        // Requests wrap: the note at the end of a line is what a troubleshooter reads.
        if detailTab == .requests { lines = lines.flatMap { $0.wrapped(width: width) } }
        return glyphs == .ascii ? lines.map { $0.asciified() } : lines
    }

    /// The route of the first request at or below the detail pane's scroll position, as the pane shows it at
    /// `width` (lines wrap); else the last one's.
    public func requestRoute(width: Int) -> ObjectRef? { atTop(requestRoutes, width: width) }

    /// The explain URL of the request at the top of the Requests tab.
    public func requestURL(width: Int) -> String? { atTop(requestURLs, width: width) }

    /// The value of the first line at or below the scroll position that has one (past the end: the last).
    func atTop<Value>(_ values: [Int: Value], width: Int) -> Value? {
        var shown = 0
        var last: Value?
        for (index, line) in detail.enumerated() {
            if let value = values[index] {
                if shown >= detailScroll { return value }
                last = value
            }
            shown += line.wrapped(width: width).count
        }
        return last
    }

    /// Advances the spinner (the shell calls this on its timer while work runs).
    public mutating func tick() { if busy != nil { spinnerFrame += 1 } }
}

/// The last visible-rows computation: drawing asks for the rows many times per frame; the tree, the folds and the
/// filter decide them.
final class RowsCache: @unchecked Sendable {
    struct Key: Equatable {
        var version: Int
        var collapsed: Set<String>
        var filter: String
    }

    private let lock = NSLock()
    private var key: Key?
    private var rows: [ConsoleModel.VisibleRow] = []
    private var width: Int?
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    static func nextVersion() -> Int {
        counterLock.lock()
        defer { counterLock.unlock() }
        counter += 1
        return counter
    }

    func rows(for key: Key) -> [ConsoleModel.VisibleRow]? {
        lock.lock()
        defer { lock.unlock() }
        return self.key == key ? rows : nil
    }

    func store(_ rows: [ConsoleModel.VisibleRow], for key: Key) {
        lock.lock()
        self.key = key
        self.rows = rows
        width = nil
        lock.unlock()
    }

    /// The widest visible row of the rows last stored, measured on first use.
    func width(_ measure: () -> Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let width { return width }
        let measured = measure()
        width = measured
        return measured
    }
}
