/// One key binding: the keys, how help shows them, what they do, and the action. The table below is the one list
/// both key dispatch and the help overlay read (k9s keeps a key's description and handler in one record too).
public struct KeyBinding: Sendable {
    /// How the help overlay names the keys.
    public let label: String
    /// What they do, for the help overlay and the docs.
    public let help: String
    let matches: @Sendable (Key) -> Bool
    let action: @Sendable (inout ConsoleModel, Key, ConsoleLayout) -> [Effect]

    init(
        _ label: String, _ help: String, keys: [Key],
        action: @escaping @Sendable (inout ConsoleModel, Key, ConsoleLayout) -> [Effect]
    ) {
        self.init(label, help, matching: { keys.contains($0) }, action: action)
    }

    init(
        _ label: String, _ help: String, matching: @escaping @Sendable (Key) -> Bool,
        action: @escaping @Sendable (inout ConsoleModel, Key, ConsoleLayout) -> [Effect]
    ) {
        self.label = label
        self.help = help
        self.matches = matching
        self.action = action
    }
}

extension ConsoleModel {
    /// Every key of the normal mode, in the order help lists them.
    public static let bindings: [KeyBinding] = [
        KeyBinding(
            "↑ ↓  j k", "move the selection (or scroll the focused pane)", keys: [.up, .down, .char("j"), .char("k")]
        ) { model, key, layout in
            model.moveOrScroll(key == .down || key == .char("j") ? 1 : -1, layout: layout)
        },
        KeyBinding("g G  Home End", "first / last", keys: [.char("g"), .home, .char("G"), .end]) { model, key, layout in
            model.moveOrScroll(key == .char("g") || key == .home ? -1_000_000 : 1_000_000, layout: layout)
        },
        KeyBinding("PgUp PgDn  ^b ^f", "page up / down", keys: [.pageUp, .pageDown, .ctrl("b"), .ctrl("f")]) {
            model, key, layout in
            let page = max(1, layout.contentHeight(model.focus))
            return model.moveOrScroll(key == .pageDown || key == .ctrl("f") ? page : -page, layout: layout)
        },
        KeyBinding(
            "Enter Space",
            "expand or collapse a tree row; on the Requests tab, probe the route of the request at the top",
            keys: [.enter, .char(" ")]
        ) { model, key, layout in
            if key == .enter, model.focus == .detail, model.detailTab == .requests {
                guard let route = model.requestRoute(width: layout.detail.width) else {
                    return model.warn("no request with a route here")
                }
                return [.probe(route)]
            }
            if model.view != .topology { return key == .enter ? model.selectTab(.describe) : [] }
            if model.focus == .tree { model.toggle(expand: nil) }
            return []
        },
        KeyBinding("← → h l", "collapse / expand; h goes to the parent", keys: [.left, .right, .char("h"), .char("l")])
        { model, key, _ in
            guard model.focus == .tree, model.view == .topology else { return [] }
            if key == .right || key == .char("l") {
                model.toggle(expand: true)
                return []
            }
            return model.collapseOrParent()
        },
        KeyBinding("Tab Shift-Tab", "next / previous pane (tree, detail, diagnostics)", keys: [.tab, .backTab]) {
            model, key, _ in
            let panes = Pane.allCases
            let index = panes.firstIndex(of: model.focus)!
            model.focus = panes[(index + (key == .tab ? 1 : panes.count - 1)) % panes.count]
            return []
        },
        KeyBinding("Esc", "back: clear the filter, focus the tree, leave a list", keys: [.escape]) { model, _, _ in
            model.back()
        },
        KeyBinding("/", "filter rows by text (!text: rows without it)", keys: [.char("/")]) { model, _, _ in
            model.mode = .filter(model.filter)
            return []
        },
        KeyBinding(
            ":",
            "command: kinds (:gw :hr :svc …) :ns :apply :probe :doctor :scenario :requests :theme :q — Tab completes",
            keys: [.char(":")]
        ) { model, _, _ in
            model.mode = .command("")
            return []
        },
        // f is c's twin on the NGINX tab (the full config).
        KeyBinding(
            "d y c", "detail: Describe, YAML, NGINX config (c again: full config)",
            keys: [.char("d"), .char("y"), .char("c"), .char("f")]
        ) { model, key, _ in
            switch key {
            case .char("d"): return model.selectTab(.describe)
            case .char("y"): return model.selectTab(.yaml)
            case .char("f") where model.detailTab != .nginx: return []
            default:
                if model.detailTab == .nginx {
                    model.fullConfig.toggle()
                    return [.loadDetail]
                }
                return model.selectTab(.nginx)
            }
        },
        KeyBinding(
            "1-7  [ ]", "detail tabs: Describe YAML Conditions NGINX Events Scenario Requests",
            keys: (1...7).map { Key.char(Character(String($0))) } + [.char("["), .char("]")]
        ) { model, key, _ in
            let tabs = model.availableTabs
            guard case .char(let c) = key else { return [] }
            if c == "[" || c == "]" {
                let index = tabs.firstIndex(of: model.detailTab) ?? 0
                return model.selectTab(tabs[(index + (c == "]" ? 1 : tabs.count - 1)) % tabs.count])
            }
            let index = Int(String(c))! - 1
            return tabs.indices.contains(index) ? model.selectTab(tabs[index]) : []
        },
        KeyBinding("z", "zoom: the focused pane takes the whole screen (z again: all panes)", keys: [.char("z")]) {
            model, _, _ in
            model.zoomed.toggle()
            model.message = StyledLine(model.zoomed ? "zoomed: z shows every pane" : "every pane", role: .dim)
            return []
        },
        KeyBinding(
            "< >", "tree: leave out (or bring back) indentation, for deep rows at narrow widths",
            keys: [.char("<"), .char(">")]
        ) { model, key, _ in
            let deepest = model.visibleRows.map(\.row.depth).max() ?? 0
            model.treeShift = key == .char(">") ? min(deepest * 2, model.treeShift + 4) : max(0, model.treeShift - 4)
            return []
        },
        KeyBinding(
            "r", "detail: the selection's live requests (a Gateway's, a route's), newest first", keys: [.char("r")]
        ) { model, _, _ in model.selectTab(.requests) },
        KeyBinding("x", "Requests tab: explain the request at the top (as :explain)", keys: [.char("x")]) {
            model, _, layout in
            guard model.detailTab == .requests, let url = model.requestURL(width: layout.detail.width) else {
                return model.warn("x explains a request of the Requests tab (r shows them)")
            }
            return [.explain(url)]
        },
        KeyBinding("p", "probe the selection: through the Gateway, then the backend plain and TLS", keys: [.char("p")])
        { model, _, _ in
            guard let ref = model.selectedRef else { return model.warn("select a route, Service or Gateway to probe") }
            return [.probe(ref)]
        },
        KeyBinding(
            "e", "edit the selection in $EDITOR; applied on save, nothing applied if invalid", keys: [.char("e")]
        ) { model, _, _ in
            guard let ref = model.selectedRef else { return model.warn("select an object to edit") }
            return [.edit(ref)]
        },
        KeyBinding(
            "W", "what-if: edit the selection, see what it would change (nothing applied; e reopens it to apply)",
            keys: [.char("W")]
        ) { model, _, _ in
            guard let ref = model.selectedRef else { return model.warn("select an object to edit") }
            return [.whatIfEdit(ref)]
        },
        KeyBinding("Ctrl-d", "delete the selection (asks first)", keys: [.ctrl("d")]) { model, _, _ in
            guard let ref = model.selectedRef else { return model.warn("select an object to delete") }
            model.mode = .confirm(
                "Delete \(ref.kind) \(ref.namespace.isEmpty ? ref.name : ref.namespacedName)? (y/N)", .delete(ref))
            return []
        },
        KeyBinding("u", "start / stop the data plane", keys: [.char("u")]) { _, _, _ in [.dataplane(nil)] },
        KeyBinding("n", "scenario: run the next step and its checks", keys: [.char("n")]) { model, _, _ in
            guard model.scenario != nil else {
                return model.warn("no scenario: :scenario NAME (or gwconsole --scenario NAME)")
            }
            return [.scenarioNext]
        },
        KeyBinding("Ctrl-r", "reload now", keys: [.ctrl("r")]) { _, _, _ in [.reload] },
        KeyBinding("?", "this help", keys: [.char("?")]) { model, _, _ in
            model.mode = .help
            model.helpScroll = 0
            return []
        },
        KeyBinding("q  Ctrl-c", "quit", keys: [.char("q"), .ctrl("c")]) { _, _, _ in [.quit] },
        KeyBinding(
            "mouse", "click selects a row, a pane or a tab; the wheel scrolls", matching: isMouse, action: mouse),
    ]

    /// Whether a key is the mouse's.
    static let isMouse: @Sendable (Key) -> Bool = { key in
        switch key {
        case .click, .wheelUp, .wheelDown: return true
        default: return false
        }
    }

    /// A click selects what it lands on; the wheel scrolls the pane under it.
    static let mouse: @Sendable (inout ConsoleModel, Key, ConsoleLayout) -> [Effect] = { model, key, layout in
        switch key {
        case .click(let row, let column): return model.click(row: row, column: column, layout: layout)
        case .wheelUp(let row, let column):
            model.scroll(pane: model.pane(at: row, column: column, layout: layout), by: -3, layout: layout)
        case .wheelDown(let row, let column):
            model.scroll(pane: model.pane(at: row, column: column, layout: layout), by: 3, layout: layout)
        default: break
        }
        return []
    }
}
