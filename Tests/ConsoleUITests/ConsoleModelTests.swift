import ConsoleUI
import GatewayCore
import Testing

@Suite("Console model")
struct ConsoleModelTests {
    let layout80 = { (model: ConsoleModel) in ConsoleLayout(rows: 24, columns: 80, model: model) }

    func press(_ keys: [Key], _ model: inout ConsoleModel) -> [Effect] {
        var effects: [Effect] = []
        for key in keys { effects += model.handle(key, layout: ConsoleLayout(rows: 24, columns: 80, model: model)) }
        return effects
    }

    @Test("moving the selection loads the detail; it stays in bounds; q and Ctrl-c quit")
    func navigation() throws {
        var model = try GuideFixture.model()
        model.selected = 0
        #expect(press([.char("k")], &model).isEmpty, "k at the top does nothing")
        #expect(press([.char("j")], &model) == [.loadDetail])
        #expect(model.selectedLabel == "Gateway default/gateway")
        _ = press([.char("G")], &model)
        #expect(model.selectedLabel == "ConfigMap default/backend-cert (CA)")
        _ = press([.char("g")], &model)
        #expect(model.selected == 0)
        #expect(press([.char("q")], &model) == [.quit])
        #expect(press([.ctrl("c")], &model) == [.quit])
    }

    @Test("Enter collapses and expands a subtree; h goes to the parent; the selection follows the row across reloads")
    func folding() throws {
        var model = try GuideFixture.model()
        let all = model.visibleRows.count
        model.selected = 3  // HTTPRoute
        _ = press([.enter], &model)
        #expect(model.visibleRows.count == all - 4, "rule, Service, policy and CA are folded away")
        #expect(model.visibleRows[3].isCollapsed)
        _ = press([.char(" ")], &model)
        #expect(model.visibleRows.count == all)
        _ = press([.char("j"), .char("h")], &model)
        #expect(
            model.selectedLabel == "rule 0 PathPrefix /" && model.visibleRows[4].isCollapsed,
            "h folds an open row first")
        _ = press([.char("h")], &model)
        #expect(model.selectedLabel == "HTTPRoute default/secure-app", "then goes to its parent")
        let rows = model.tree
        model.setTree(
            Array(rows.prefix(1)) + [TreeRow(depth: 1, label: "Gateway other/new", role: .pending, ref: nil)]
                + Array(rows.dropFirst()))
        #expect(
            model.selectedLabel == "HTTPRoute default/secure-app",
            "a new row above does not move the selection off its object")
    }

    @Test("the filter keeps matching rows with their subtrees and ancestors; ! hides matching subtrees; Esc clears")
    func filter() throws {
        var model = try GuideFixture.model()
        let rows = model.tree
        // A second route on the listener, a lost route apart.
        model.setTree(
            Array(rows.prefix(3)) + [
                TreeRow(depth: 3, label: "HTTPRoute default/shop", role: .resolved, ref: nil),
                TreeRow(depth: 4, label: "rule 0 PathPrefix /cart", role: .accepted, ref: nil),
            ]
                + Array(rows.dropFirst(3)) + [
                    TreeRow(depth: 0, label: "Not attached", role: .notAttached, ref: nil),
                    TreeRow(depth: 1, label: "HTTPRoute default/lost", role: .notAttached, ref: nil),
                ])
        _ = press([.char("/")] + "shop".map { .char($0) }, &model)
        #expect(
            model.visibleRows.map(\.row.label) == [
                "GatewayClass nginx", "Gateway default/gateway", "listener http HTTP/80 (1 routes)",
                "HTTPRoute default/shop", "rule 0 PathPrefix /cart",
            ])
        _ = press([.enter], &model)
        #expect(model.filter == "shop")
        _ = press([.escape], &model)
        #expect(model.filter.isEmpty && model.visibleRows.count == 12)
        _ = press([.char("/"), .char("!")] + "secure-app".map { .char($0) } + [.enter], &model)
        #expect(
            model.visibleRows.map(\.row.label) == [
                "GatewayClass nginx", "Gateway default/gateway", "listener http HTTP/80 (1 routes)",
                "HTTPRoute default/shop", "rule 0 PathPrefix /cart", "Not attached", "HTTPRoute default/lost",
            ])
    }

    @Test("command mode: Tab completes commands, kinds and arguments; Enter runs; unknown names become a list request")
    func commands() throws {
        var model = try GuideFixture.model()
        model.completions = ["scenario": ["secure-backend"], "theme": ["default", "solarized-dark"]]
        _ = press([.char(":"), .char("s"), .char("c"), .tab], &model)
        #expect(model.mode == .command("scenario "))
        _ = press([.tab], &model)
        #expect(model.mode == .command("scenario secure-backend"))
        #expect(press([.enter], &model) == [.scenario("secure-backend")])
        _ = press([.char(":"), .char("s"), .tab], &model)
        #expect(
            model.message?.text.contains("scenario") == true && model.message?.text.contains("svc") == true,
            "several candidates are listed")
        _ = press([.escape], &model)
        #expect(press([.char(":")] + "hr".map { .char($0) } + [.enter], &model) == [.showList("hr")])
        #expect(
            press([.char(":")] + "theme sol".map { .char($0) } + [.tab, .enter], &model) == [.theme("solarized-dark")])
        #expect(press([.char(":")] + "ns".map { .char($0) } + [.enter], &model).isEmpty)
        #expect(model.message?.text == ":ns needs a namespace name")
        #expect(press([.char(":"), .char("q"), .enter], &model) == [.quit])
    }

    @Test("Ctrl-d asks before deleting; only y confirms")
    func deleteConfirmation() throws {
        var model = try GuideFixture.model()
        let route = ObjectRef(
            group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "default", name: "secure-app")
        #expect(press([.ctrl("d")], &model).isEmpty)
        #expect(model.mode == .confirm("Delete HTTPRoute default/secure-app? (y/N)", .delete(route)))
        #expect(press([.char("n")], &model).isEmpty && model.mode == .normal)
        #expect(press([.ctrl("d"), .char("y")], &model) == [.delete(route)])
    }

    @Test("keys for the detail tabs, probe, edit, up/down and the scenario step")
    func actionKeys() throws {
        var model = try GuideFixture.model()
        let route = ObjectRef(
            group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "default", name: "secure-app")
        #expect(press([.char("y")], &model) == [.loadDetail] && model.detailTab == .yaml)
        #expect(press([.char("c")], &model) == [.loadDetail] && model.detailTab == .nginx && !model.fullConfig)
        _ = press([.char("c")], &model)
        #expect(model.fullConfig, "c again shows the full config")
        _ = press([.char("]")], &model)
        #expect(model.detailTab == .events)
        _ = press([.char("]")], &model)
        #expect(model.detailTab == .requests, "no Scenario tab without a scenario: Requests follows Events")
        _ = press([.char("]")], &model)
        #expect(model.detailTab == .describe)
        #expect(press([.char("r")], &model) == [.loadDetail] && model.detailTab == .requests)
        #expect(press([.char("3")], &model) == [.loadDetail] && model.detailTab == .conditions)
        #expect(press([.char("p")], &model) == [.probe(route)])
        #expect(press([.char("e")], &model) == [.edit(route)])
        #expect(press([.char("u")], &model) == [.dataplane(nil)])
        #expect(press([.char("n")], &model).isEmpty && model.message?.text.contains("no scenario") == true)
        model.scenario = ScenarioPanel(name: "s", title: "S", steps: [], completed: 0)
        #expect(press([.char("n")], &model) == [.scenarioNext])
        #expect(model.availableTabs.suffix(2) == [.scenario, .requests])
    }

    @Test("Tab cycles panes; movement keys scroll the focused pane; Esc returns to the tree")
    func panes() throws {
        var model = try GuideFixture.model()
        model.detail = (0..<100).map { StyledLine("line \($0)") }
        _ = press([.tab], &model)
        #expect(model.focus == .detail)
        _ = press([.char("j"), .char("j"), .pageDown], &model)
        #expect(model.detailScroll > 2)
        #expect(model.selected == 3, "the tree selection did not move")
        _ = press([.tab], &model)
        #expect(model.focus == .diagnostics)
        _ = press([.backTab, .backTab], &model)
        #expect(model.focus == .tree)
        _ = press([.tab, .escape], &model)
        #expect(model.focus == .tree)
    }

    @Test("mouse: a click selects a tree row or a detail tab; the wheel scrolls the pane under it")
    func mouse() throws {
        var model = try GuideFixture.model()
        let layout = ConsoleLayout(rows: 24, columns: 80, model: model)
        #expect(press([.click(row: layout.tree.top + 1 + 1, column: 5)], &model) == [.loadDetail])
        #expect(model.selectedLabel == "Gateway default/gateway")
        // The tabs: " Describe " then " YAML ".
        _ = press([.click(row: layout.detail.top, column: layout.detail.left + 12)], &model)
        #expect(model.detailTab == .yaml)
        model.detail = (0..<100).map { StyledLine("line \($0)") }
        _ = press([.wheelDown(row: layout.detail.top + 3, column: layout.detail.left + 3)], &model)
        #expect(model.detailScroll == 3)
    }

    @Test("diagnostics blocks: side by side from 100 columns, stacked below")
    func sideBySide() {
        var model = ConsoleModel()
        model.showDiagnostics(
            title: "t", blocks: [.sideBySide(left: [StyledLine("plain")], right: [StyledLine("tls")])])
        #expect(model.diagnosticsLines(width: 120).count == 1)
        #expect(model.diagnosticsLines(width: 120)[0].text.hasPrefix("plain"))
        #expect(model.diagnosticsLines(width: 120)[0].text.hasSuffix("│ tls"))
        #expect(model.diagnosticsLines(width: 80).map(\.text) == ["plain", "tls"])
    }

    @Test("control characters from objects or responses never reach the terminal")
    func sanitised() {
        let screen = GridScreen(rows: 1, columns: 40)
        screen.put("evil\u{1B}[2Jname\u{07}\u{9B}x", row: 0, column: 0, role: .normal)
        #expect(screen.text == "evil?[2Jname??x")
    }

    @Test("the Requests tab wraps its lines, and Enter picks the route of the request at the top as the pane shows it")
    func requestsTab() throws {
        var model = try GuideFixture.model()
        let one = ObjectRef(group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "default", name: "one")
        let two = ObjectRef(group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "default", name: "two")
        model.detailTab = .requests
        model.detail = [
            StyledLine("Requests"), StyledLine("10:00:00  400  GET a.example.com/"),
            StyledLine("    " + String(repeating: "a long note ", count: 8)), StyledLine("10:00:01  200  GET b/"),
        ]
        model.requestRoutes = [1: one, 3: two]
        let lines = model.detailLines(width: 40)
        #expect(lines.count > 4 && lines.allSatisfy { $0.text.count <= 40 }, "\(lines.map(\.text))")
        #expect(model.requestRoute(width: 40) == one)
        model.detailScroll = 2
        #expect(model.requestRoute(width: 40) == two, "the first request at or below the scroll position")
        model.detailScroll = 99
        #expect(model.requestRoute(width: 40) == two, "past the end: the last one")
        // x explains the request at the top; elsewhere it says where it works.
        model.requestURLs = [1: "http://a.example.com:80/", 3: "http://b:80/"]
        model.detailScroll = 0
        model.focus = .detail
        let layout = ConsoleLayout(rows: 24, columns: 80, model: model)
        #expect(model.handle(.char("x"), layout: layout) == [.explain("http://a.example.com:80/")])
        model.detailTab = .describe
        #expect(model.handle(.char("x"), layout: layout).isEmpty)
        #expect(model.message?.text.contains("x explains a request of the Requests tab") == true)
    }
}
