/// Draws the console: header, tree or list, detail tabs, diagnostics, status line, footer and overlays.
public enum ConsoleRenderer {
    /// Draws the model on a screen; keeps the selection in view (so it takes the model inout).
    public static func draw(_ model: inout ConsoleModel, on screen: Screen) {
        let layout = ConsoleLayout(rows: screen.rows, columns: screen.columns, model: model)
        screen.clear()
        guard screen.rows >= 6, screen.columns >= 20 else {
            screen.put("gwconsole: the terminal is too small", row: 0, column: 0, role: .error)
            return
        }
        drawHeader(model, layout: layout, on: screen)
        drawLeft(&model, layout: layout, on: screen)
        drawDetail(&model, layout: layout, on: screen)
        drawDiagnostics(&model, layout: layout, on: screen)
        drawStatus(model, layout: layout, on: screen)
        drawFooter(model, layout: layout, on: screen)
        switch model.mode {
        case .help: drawHelp(&model, on: screen)
        case .confirm(let question, _):
            drawBox([question, "", "y: yes    any other key: no"], title: "Confirm", on: screen)
        default: break
        }
    }

    /// Kinds' short names (kubectl's), for tree labels that do not fit.
    static let shortKinds = [
        "GatewayClass": "gc", "Gateway": "gtw", "HTTPRoute": "route", "GRPCRoute": "grpcroute", "ListenerSet": "lset",
        "Service": "svc", "BackendTLSPolicy": "btls",
        "ConfigMap": "cm", "Secret": "secret",
    ]

    /// A tree label made to fit `width` with the name kept whole as long as possible: the current namespace left
    /// out first ("HTTPRoute secure-app" in namespace default), then the kind shortened ("svc secure-app:8443"),
    /// then a trailing "(…)" note dropped, then a cut in the middle.
    static func fitted(_ label: String, width: Int, namespace: String = "", mark: String = "…") -> String {
        if label.count <= width { return label }
        var text = label
        if !namespace.isEmpty, text.contains(" \(namespace)/") {
            text = text.replacingOccurrences(of: " \(namespace)/", with: " ")
            if text.count <= width { return text }
        }
        if let space = text.firstIndex(of: " "), let short = shortKinds[String(text[..<space])] {
            text = short + text[space...]
            if text.count <= width { return text }
        }
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("), open > text.startIndex {
            let bare = text[..<open].trimmingCharacters(in: .whitespaces)
            if bare.count <= width { return bare }
            text = bare
        }
        return StyledLine.middleCut(text, width: width, mark: mark)
    }

    /// A tree label's colour: the selection's, an error's, or plain.
    static func labelRole(selected: Bool, row: TreeRow) -> Role {
        if selected { return .selection }
        return row.role == .error ? .error : .normal
    }

    static func drawHeader(_ model: ConsoleModel, layout: ConsoleLayout, on screen: Screen) {
        let h = model.header
        var parts = ["gwconsole", "ns \(h.namespace)", "data plane \(h.dataplane)"]
        // What the tree shows wrong, and the errors the last probe or doctor found: before the address, so that
        // 80 columns show it.
        // (The largest of the three, with the routes failing in the live request log: a finding or a failing
        // request is often about an object the tree already shows as a problem.)
        let problems = max(h.problems, model.findingErrors, model.trafficErrors)
        let plural = problems == 1 ? "" : "s"
        parts.append(problems == 0 ? "no problems" : "\(problems) problem\(plural)")
        if let gateway = h.gateway { parts.append(gateway) }
        parts.append(h.source)
        screen.put(
            " " + parts.joined(separator: " \(model.glyphs.vertical) "), row: 0, column: 0, width: layout.columns,
            role: .header)
    }

    static func title(_ text: String, rect: ConsoleLayout.Rect, focused: Bool, glyphs: Glyphs, on screen: Screen) {
        guard rect.height > 0, rect.width > 0 else { return }
        let label = " \(text) "
        let line =
            String(repeating: glyphs.horizontal, count: 1) + label
            + String(repeating: glyphs.horizontal, count: max(0, rect.width - label.count - 1))
        screen.put(line, row: rect.top, column: rect.left, width: rect.width, role: focused ? .borderFocus : .border)
    }

    static func drawLeft(_ model: inout ConsoleModel, layout: ConsoleLayout, on screen: Screen) {
        let rect = layout.tree
        guard rect.height > 0 else { return }
        let height = layout.contentHeight(.tree)
        if model.selected < model.scroll { model.scroll = model.selected }
        if model.selected >= model.scroll + height { model.scroll = model.selected - height + 1 }
        model.scroll = max(0, min(model.scroll, max(0, model.rowCount - height)))
        let filterNote = model.filter.isEmpty ? "" : "  /\(model.filter)"
        let focused = model.focus == .tree
        switch model.view {
        case .topology:
            let rows = model.visibleRows
            let shifted = model.treeShift > 0 ? "  \(model.glyphs.collapsed)\(model.treeShift)" : ""
            let zoom = model.zoomed ? "  [z: zoomed]" : ""
            title(
                "Topology (\(rows.count))\(filterNote)\(shifted)\(zoom)", rect: rect, focused: focused,
                glyphs: model.glyphs, on: screen)
            for (offset, item) in rows.dropFirst(model.scroll).prefix(height).enumerated() {
                let index = model.scroll + offset
                let marker = item.hasChildren ? (item.isCollapsed ? model.glyphs.collapsed : " ") : " "
                let indent = String(repeating: " ", count: max(0, item.row.depth * 2 - model.treeShift))
                let row = rect.top + 1 + offset
                let isSelected = index == model.selected
                screen.put(indent + marker, row: row, column: rect.left, role: isSelected ? .selection : .dim)
                let glyphColumn = rect.left + indent.count + 1
                screen.put(
                    model.glyphs.status(item.row.role), row: row, column: glyphColumn,
                    role: isSelected ? .selection : item.row.role)
                let labelWidth = rect.width - (glyphColumn + 2 - rect.left)
                let label = fitted(
                    item.row.label, width: max(0, labelWidth - 1), namespace: model.header.namespace,
                    mark: model.glyphs.cut)
                screen.put(
                    " " + label, row: row, column: glyphColumn + 1,
                    width: max(0, labelWidth + 1),
                    role: labelRole(selected: isSelected, row: item.row))
            }
            if rows.isEmpty {
                screen.put(
                    model.filter.isEmpty
                        ? "  nothing here yet: :apply FILE, or gwconsole apply -f" : "  no row matches the filter",
                    row: rect.top + 1, column: rect.left, width: rect.width, role: .dim)
            }
        case .list(let kind):
            let rows = model.visibleListRows
            title(
                "\(model.list?.title ?? kind) (\(rows.count))\(filterNote)", rect: rect, focused: focused,
                glyphs: model.glyphs, on: screen)
            guard let list = model.list else { return }
            screen.put(list.header, row: rect.top + 1, column: rect.left, width: rect.width, role: .title)
            let listHeight = max(0, height - 1)
            if model.selected >= model.scroll + listHeight { model.scroll = model.selected - listHeight + 1 }
            for (offset, row) in rows.dropFirst(model.scroll).prefix(listHeight).enumerated() {
                let index = model.scroll + offset
                screen.put(
                    row.text, row: rect.top + 2 + offset, column: rect.left, width: rect.width,
                    role: index == model.selected ? .selection : row.role)
            }
            if rows.isEmpty {
                screen.put(
                    list.rows.isEmpty
                        ? "No resources found in \(model.header.namespace) namespace." : "no row matches the filter",
                    row: rect.top + 2, column: rect.left, width: rect.width, role: .dim)
            }
        }
    }

    static func drawDetail(_ model: inout ConsoleModel, layout: ConsoleLayout, on screen: Screen) {
        let rect = layout.detail
        if let divider = layout.divider {
            for row in rect.top..<(rect.top + rect.height) {
                screen.put(
                    model.glyphs.vertical, row: row, column: divider,
                    role: model.focus == .detail ? .borderFocus : .border)
            }
        }
        guard rect.height > 0, rect.width > 0 else { return }
        // Tabs as the title row.
        var col = rect.left
        for tab in model.availableTabs {
            let label = " \(tab.rawValue) "
            screen.put(label, row: rect.top, column: col, role: tab == model.detailTab ? .tabActive : .tab)
            col += label.count + 1
        }
        if model.detailTab == .nginx && col + 14 < rect.left + rect.width {
            screen.put(model.fullConfig ? "[full config]" : "[this object]", row: rect.top, column: col, role: .dim)
        }
        let height = layout.contentHeight(.detail)
        let lines = model.detailLines(width: rect.width)
        model.detailScroll = max(0, min(model.detailScroll, max(0, lines.count - height)))
        for (offset, line) in lines.dropFirst(model.detailScroll).prefix(height).enumerated() {
            line.draw(on: screen, row: rect.top + 1 + offset, column: rect.left, width: rect.width)
        }
        if lines.isEmpty {
            screen.put(
                model.selectedRef == nil ? "select an object" : "nothing to show", row: rect.top + 1, column: rect.left,
                role: .dim)
        }
    }

    /// The scenario tab: steps with their state, the next step's prose and manifest, the last step's log.
    public static func scenarioLines(_ model: ConsoleModel, width: Int) -> [StyledLine] {
        guard let scenario = model.scenario else { return [] }
        var lines = [StyledLine("\(scenario.title) (\(scenario.name))", role: .title), StyledLine("")]
        for (index, step) in scenario.steps.enumerated() {
            let done = index < scenario.completed
            let next = index == scenario.completed
            let glyph = if done { model.glyphs.ok } else if next { model.glyphs.collapsed } else { " " }
            let titleRole: Role = if next { .title } else if done { .normal } else { .dim }
            lines.append(
                StyledLine(spans: [
                    (glyph, done ? .accepted : .pending),
                    (" \(index + 1). \(step.title)", titleRole),
                ]))
        }
        lines.append(StyledLine(""))
        if scenario.completed < scenario.steps.count {
            let step = scenario.steps[scenario.completed]
            lines.append(StyledLine("Next (n): step \(scenario.completed + 1) — \(step.title)", role: .title))
            lines += wrap(step.prose, width: max(20, width - 2)).map { StyledLine("  " + $0) }
            if !step.manifest.isEmpty {
                lines += StyledLine.lines(step.manifest).prefix(40).map {
                    StyledLine("    " + $0.text, role: .configString)
                }
            }
        } else {
            lines.append(StyledLine("All \(scenario.steps.count) steps done.", role: .accepted))
        }
        if !scenario.log.isEmpty {
            lines.append(StyledLine(""))
            lines += scenario.log
        }
        return lines
    }

    static func drawDiagnostics(_ model: inout ConsoleModel, layout: ConsoleLayout, on screen: Screen) {
        let rect = layout.diagnostics
        guard rect.height > 0 else { return }
        title(
            model.diagnosticsTitle, rect: rect, focused: model.focus == .diagnostics, glyphs: model.glyphs, on: screen)
        let height = layout.contentHeight(.diagnostics)
        let lines = model.diagnosticsLines(width: rect.width - 1)
        model.diagnosticsScroll = max(0, min(model.diagnosticsScroll, max(0, lines.count - height)))
        if model.diagnostics.isEmpty {
            screen.put(
                "p probes the selection (the gateway request, the backend plain and TLS)  :doctor lists findings",
                row: rect.top + 1, column: 1, width: rect.width - 1, role: .dim)
        }
        for (offset, line) in lines.dropFirst(model.diagnosticsScroll).prefix(height).enumerated() {
            line.draw(on: screen, row: rect.top + 1 + offset, column: rect.left + 1, width: rect.width - 1)
        }
        if lines.count > height + model.diagnosticsScroll {
            let more = "\(model.glyphs.expanded) \(lines.count - height - model.diagnosticsScroll) more (Tab here, j/k)"
            screen.put(more, row: rect.top, column: max(0, rect.width - more.count - 2), role: .dim)
        }
    }

    static func drawStatus(_ model: ConsoleModel, layout: ConsoleLayout, on screen: Screen) {
        var spans: [(String, Role)] = []
        if let busy = model.busy {
            spans.append(
                (model.glyphs.spinner[model.spinnerFrame % model.glyphs.spinner.count] + " " + busy + "   ", .message))
        }
        if let message = model.message { spans += message.spans.map { ($0.text, $0.role) } }
        screen.put("", row: layout.statusRow, column: 0, width: layout.columns, role: .normal)
        StyledLine(spans: spans.map { (text: $0.0, role: $0.1) }).draw(
            on: screen, row: layout.statusRow, column: 0, width: layout.columns)
    }

    static func drawFooter(_ model: ConsoleModel, layout: ConsoleLayout, on screen: Screen) {
        let text: String
        let role: Role
        switch model.mode {
        case .filter(let typing):
            text = "/" + typing + "▏   Enter keep  Esc clear  !text inverts"
            role = .prompt
        case .command(let typing):
            text = ":" + typing + "▏   Tab complete  Enter run  Esc cancel"
            role = .prompt
        default:
            text = footerKeys(model).joined(separator: "  ")
            role = .footer
        }
        screen.put(
            model.glyphs == .ascii ? text.replacingOccurrences(of: "▏", with: "_") : text,
            row: layout.footerRow, column: 0, width: layout.columns, role: role)
    }

    /// The keys that act in the current pane and mode.
    public static func footerKeys(_ model: ConsoleModel) -> [String] {
        var keys: [String]
        switch model.focus {
        case .tree: keys = model.view == .topology ? ["j/k move", "Enter fold"] : ["j/k move", "Esc tree"]
        case .detail: keys = ["j/k scroll", "[ ] tab"] + (model.detailTab == .nginx ? ["c full/this"] : [])
        case .diagnostics: keys = ["j/k scroll"]
        }
        keys += ["Tab pane", "/ filter", ": cmd", "p probe", "d/y/c detail", "e edit", "^d del", "u up/down"]
        if model.scenario != nil { keys.insert("n next step", at: 2) }
        keys += ["? help", "q quit"]
        return keys
    }

    /// The help overlay: every key with its action (the action wrapped beside the keys), the commands and lists.
    public static func helpLines(width: Int, themeName: String) -> [String] {
        let keyWidth = 18
        var lines: [String] = []
        for binding in ConsoleModel.bindings {
            let wrapped = wrap(binding.help, width: max(10, width - keyWidth - 1))
            for (index, part) in wrapped.enumerated() {
                lines.append(
                    (index == 0 ? binding.label : "").padding(toLength: keyWidth, withPad: " ", startingAt: 0) + " "
                        + part)
            }
        }
        lines.append("")
        lines += wrap(
            "Commands: "
                + ConsoleCommands.commands.map { ":" + $0.name + ($0.argument.map { " " + $0 } ?? "") }.joined(
                    separator: "  "), width: width)
        lines += wrap("Lists: " + ConsoleCommands.kinds.map { ":" + $0 }.joined(separator: " "), width: width)
        lines.append("")
        lines.append("theme \(themeName)   j/k scroll   any other key closes")
        return lines
    }

    static func drawHelp(_ model: inout ConsoleModel, on screen: Screen) {
        let width = min(100, screen.columns - 4)
        var lines = helpLines(width: width - 4, themeName: model.themeName)
        let room = max(1, screen.rows - 4)
        model.helpScroll = min(model.helpScroll, max(0, lines.count - room))
        lines = Array(lines.dropFirst(model.helpScroll))
        drawBox(
            lines, title: "Keys" + (model.helpScroll > 0 || lines.count > room ? " (j/k scroll)" : ""), on: screen,
            wrapLines: false)
    }

    /// A centred box with a title; lines are clipped (and wrapped unless `wrapLines` is false) to the screen.
    static func drawBox(_ content: [String], title: String, on screen: Screen, wrapLines: Bool = true) {
        let maxWidth = max(10, screen.columns - 4)
        var lines: [String] = []
        for line in content { lines += line.isEmpty || !wrapLines ? [line] : wrap(line, width: maxWidth - 4) }
        let width = min(maxWidth, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(screen.rows - 2, lines.count + 2)
        let top = max(0, (screen.rows - height) / 2)
        let left = max(0, (screen.columns - width) / 2)
        screen.put(" " + title + " ", row: top, column: left, width: width, role: .title)
        for (index, line) in lines.prefix(height - 2).enumerated() {
            screen.put("  " + line, row: top + 1 + index, column: left, width: width, role: .overlay)
        }
        screen.put("", row: top + height - 1, column: left, width: width, role: .overlay)
    }

    /// Word-wraps text to a width (long words are cut).
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [text] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                while word.count > width {
                    if !line.isEmpty {
                        lines.append(line)
                        line = ""
                    }
                    lines.append(String(word.prefix(width)))
                    word = String(word.dropFirst(width))
                }
                if line.isEmpty {
                    line = word
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = word
                }
            }
            lines.append(line)
        }
        return lines
    }
}
