import ConsoleUI
import Foundation
import GatewayAPI
import GatewayCore
import Testing

/// Main screens drawn on the in-memory screen, compared with files in Snapshots/ (text and, per theme, colours).
/// GWCONSOLE_RECORD_SNAPSHOTS=1 rewrites the files; review the diff before committing.
@Suite("Console snapshots")
struct SnapshotTests {
    static let directory = GuideFixture.root.appendingPathComponent("Tests/ConsoleUITests/Snapshots")

    func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = SnapshotTests.directory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["GWCONSOLE_RECORD_SNAPSHOTS"] == "1" {
            try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(
            text + "\n" == expected, "snapshot \(name) differs; GWCONSOLE_RECORD_SNAPSHOTS=1 rewrites it.\n\(text)",
            sourceLocation: sourceLocation)
    }

    func draw(_ model: ConsoleModel, rows: Int, columns: Int) -> GridScreen {
        var model = model
        let screen = GridScreen(rows: rows, columns: columns)
        ConsoleRenderer.draw(&model, on: screen)
        return screen
    }

    @Test(
        "the guide's topology with the route described and a probe's 400, at 80x24 and 160x48",
        arguments: [(24, 80), (48, 160)])
    func main(size: (Int, Int)) throws {
        let screen = draw(try GuideFixture.model(), rows: size.0, columns: size.1)
        try assertSnapshot(screen.text, named: "main-\(size.1)x\(size.0)")
        #expect(screen.text.contains("HTTPRoute default/secure-app"))
        #expect(screen.text.contains("400 The plain HTTP request was sent to HTTPS port"))
    }

    @Test(
        "themes colour the same screen differently; 256-colour themes fold onto 8 colours",
        arguments: ["default", "light", "high-contrast", "solarized-dark", "monochrome"])
    func themes(name: String) throws {
        let theme = try Theme.parse(BuiltinThemes.files[name]!, file: name + ".yaml")
        let screen = draw(try GuideFixture.model(), rows: 24, columns: 80)
        try assertSnapshot(screen.colorMap(theme), named: "colors-\(name)-80x24")
        try assertSnapshot(screen.colorMap(theme, colors: 8), named: "colors-\(name)-80x24-8colors")
    }

    @Test("help overlay, flat list, scenario tab, filter prompt and ASCII drawing at 80x24")
    func otherScreens() throws {
        var help = try GuideFixture.model()
        help.mode = .help
        try assertSnapshot(draw(help, rows: 24, columns: 80).text, named: "help-80x24")

        var list = try GuideFixture.model()
        list.view = .list("httproutes")
        list.setList(
            ResourceList(
                title: "httproutes", header: "NAME         HOSTNAMES                    AGE",
                rows: [ListRow(text: "secure-app   [\"secure-app.example.com\"]   5m", ref: nil)]))
        list.selected = 0
        try assertSnapshot(draw(list, rows: 24, columns: 80).text, named: "list-80x24")

        var scenario = try GuideFixture.model()
        scenario.scenario = ScenarioPanel(
            name: "secure-backend", title: "Securing backend traffic",
            steps: [
                .init(title: "Set up the secure-app application", prose: "", manifest: ""),
                .init(title: "Send traffic without backend TLS configuration", prose: "", manifest: ""),
                .init(
                    title: "Create the BackendTLSPolicy",
                    prose: "The policy makes NGINX speak TLS to the backend, verifying it with the CA.",
                    manifest: "apiVersion: gateway.networking.k8s.io/v1alpha3\nkind: BackendTLSPolicy"),
            ], completed: 2)
        scenario.detailTab = .scenario
        scenario.mode = .filter("secure")
        try assertSnapshot(draw(scenario, rows: 24, columns: 80).text, named: "scenario-filter-80x24")

        var ascii = try GuideFixture.model()
        ascii.glyphs = .ascii
        let text = draw(ascii, rows: 24, columns: 80).text
        #expect(!text.unicodeScalars.contains { $0.value > 127 }, "ASCII drawing uses no UTF-8 beyond ASCII:\n\(text)")
        try assertSnapshot(text, named: "ascii-80x24")
    }

    @Test("tiny and huge terminals draw without crashing; the too-small notice")
    func sizes() throws {
        for (rows, columns) in [(1, 1), (5, 19), (6, 20), (10, 40), (24, 69), (24, 70), (200, 400)] {
            let screen = draw(try GuideFixture.model(), rows: rows, columns: columns)
            if rows < 6 || columns < 20 { #expect(screen.text.contains("too small") || columns < 20) }
        }
    }
}

/// Names users look for, at the width most terminals open with.
@Suite("Names at 80 columns")
struct NamesAt80Tests {
    static let examplesPath = GuideFixture.root.deletingLastPathComponent().appendingPathComponent(
        "shared/ngf-examples"
    )
    .path

    static func model(_ objects: [DecodedObject]) throws -> ConsoleModel {
        var model = ConsoleModel()
        model.setTree(TopologyTree.rows(try GuideFixture.graph(objects)))
        model.header.dataplane = "up"
        return model
    }

    /// Every object the tree shows, by name, is on the 80x24 screen whole (the tree scrolls; each row is checked
    /// where it is drawn).
    func expectNamesWhole(_ objects: [DecodedObject], _ label: String) throws {
        var model = try Self.model(objects)
        let names = Set(model.visibleRows.compactMap { $0.row.ref?.name })
        var seen: Set<String> = []
        for index in model.visibleRows.indices {
            model.selected = index
            let screen = GridScreen(rows: 24, columns: 80)
            ConsoleRenderer.draw(&model, on: screen)
            for name in names where screen.text.contains(name) { seen.insert(name) }
        }
        #expect(seen == names, "\(label): not whole at 80x24: \(names.subtracting(seen).sorted())")
    }

    @Test("the guide's names are whole at 80x24")
    func guide() throws {
        try expectNamesWhole(GuideFixture.objects(), "the guide")
    }

    @Test(
        "NGF's examples' names are whole at 80x24 (cafe, https-termination, traffic-splitting)",
        .enabled(
            if: FileManager.default.fileExists(atPath: examplesPath + "/cafe-example"), "needs ../shared/ngf-examples"))
    func ngfExamples() throws {
        for folder in ["cafe-example", "https-termination", "traffic-splitting"] {
            let path = Self.examplesPath + "/" + folder
            let files = try FileManager.default.contentsOfDirectory(atPath: path).filter {
                $0.hasSuffix(".yaml") && $0 != "cafe-route-equal-weight.yaml"
            }
            let objects = try ManifestDecoder().decode(ManifestReader().read(paths: files.map { path + "/" + $0 }))
            try expectNamesWhole(objects, folder)
        }
    }

    @Test("z zooms the focused pane to the whole body; < > take indentation out of the tree and put it back")
    func zoomAndShift() throws {
        var model = try GuideFixture.model()
        var layout = ConsoleLayout(rows: 24, columns: 80, model: model)
        #expect(layout.tree.width < 80 && layout.detail.width > 0)
        _ = model.handle(.char("z"), layout: layout)
        layout = ConsoleLayout(rows: 24, columns: 80, model: model)
        #expect(layout.tree == .init(top: 1, left: 0, height: 21, width: 80) && layout.detail.height == 0)
        #expect(layout.diagnostics.height == 0 && layout.divider == nil)
        _ = model.handle(.char("z"), layout: layout)
        #expect(!model.zoomed)
        _ = model.handle(.char(">"), layout: layout)
        #expect(model.treeShift == 4)
        let screen = GridScreen(rows: 24, columns: 80)
        ConsoleRenderer.draw(&model, on: screen)
        #expect(
            screen.text.contains("✓ Service default/secure-app:8443") || screen.text.contains("Service secure-app:8443")
        )
        _ = model.handle(.char("<"), layout: layout)
        #expect(model.treeShift == 0)
    }
}
