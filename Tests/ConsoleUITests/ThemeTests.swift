import ConsoleUI
import Foundation
import Testing

@Suite("Themes and settings")
struct ThemeTests {
    let root = GuideFixture.root

    @Test(
        "the themes/ files are the built-in ones (scripts/embed-themes.sh), all parse, and there are the five documented"
    )
    func shipped() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("themes").path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltinThemes.files.keys))
        #expect(
            Set(BuiltinThemes.files.keys).isSuperset(of: [
                "default", "light", "high-contrast", "solarized-dark", "monochrome",
            ]))
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent("themes/" + file), encoding: .utf8)
            #expect(
                text == BuiltinThemes.files[String(file.dropLast(5))]! + "\n",
                "\(file) differs from the built-in copy: run scripts/embed-themes.sh")
            let theme = try Theme.parse(text, file: file)
            #expect(theme.name == String(file.dropLast(5)))
        }
        #expect(Theme.standard.name == "default")
        #expect(Theme.standard.style(for: .error).foreground == .index(1))
    }

    @Test("a broken theme names the file, line and field")
    func broken() {
        let cases = [
            ("name: x\nroles:\n  error: crimson\n", "mine.yaml:3:10: roles.error: unknown colour \"crimson\""),
            ("name: x\nroles:\n  eror: red\n", "mine.yaml:3:3: roles.eror: unknown role"),
            ("name: x\nroles:\n  error: {fg: red, blink: true}\n", "mine.yaml:3:20: roles.error.blink: unknown field"),
            ("name: x\nroles:\n  error: {fg: 300}\n", "mine.yaml:3:15: roles.error.fg: unknown colour"),
            ("name: x\npalette: {}\n", "mine.yaml:2:1: palette: unknown field"),
        ]
        for (text, expected) in cases {
            do {
                _ = try Theme.parse(text, file: "mine.yaml")
                Issue.record("\(text) parsed")
            } catch {
                #expect("\(error)".hasPrefix(expected), "\(error)")
            }
        }
    }

    @Test("roles a theme leaves out inherit; selection defaults to reverse video")
    func inheritance() throws {
        let theme = try Theme.parse("roles:\n  border: blue\n  accepted: {fg: green, bold: true}\n", file: "t.yaml")
        #expect(theme.style(for: .borderFocus).foreground == .index(4))
        #expect(theme.style(for: .resolved).bold)
        #expect(theme.style(for: .selection).reverse)
        #expect(theme.style(for: .tabActive).reverse)
        #expect(theme.name == "t")
    }

    @Test("256-palette colours fall back to the nearest of the eight on 8-colour terminals")
    func fallback() {
        #expect(ThemeColor.index(160).fallback(colors: 8) == .index(1))  // red
        #expect(ThemeColor.index(64).fallback(colors: 8) == .index(2))  // solarized green
        #expect(ThemeColor.index(19).fallback(colors: 8) == .index(4))  // blue
        #expect(ThemeColor.index(33).fallback(colors: 8) == .index(6))  // solarized blue is nearer cyan
        #expect(ThemeColor.index(234).fallback(colors: 8) == .index(0))  // near black
        #expect(ThemeColor.index(254).fallback(colors: 8) == .index(7))  // near white
        #expect(ThemeColor.index(12).fallback(colors: 8) == .index(4))  // bright blue
        #expect(ThemeColor.index(160).fallback(colors: 256) == .index(160))
        #expect(ThemeColor("bright-red") == .index(9) && ThemeColor("7") == .index(7) && ThemeColor("256") == nil)
    }

    @Test("the catalog prefers the user's theme, falls back to the default with a reason for a broken or unknown one")
    func catalog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "name: mine\nroles:\n  error: magenta\n".write(
            to: dir.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
        try "name: light\nroles:\n  error: blue\n".write(
            to: dir.appendingPathComponent("light.yaml"), atomically: true, encoding: .utf8)
        try "roles:\n  error: crimson\n".write(
            to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(userDirectory: dir.path)
        #expect(catalog.names.contains("mine") && catalog.names.contains("solarized-dark"))
        let (mine, none) = catalog.load("mine")
        #expect(mine.style(for: .error).foreground == .index(5) && none == nil)
        #expect(
            catalog.load("light").0.style(for: .error).foreground == .index(4),
            "a user theme overrides a shipped one of the same name")
        let (broken, warning) = catalog.load("broken")
        #expect(broken == Theme.standard)
        #expect(warning?.contains("broken.yaml:2:10: roles.error: unknown colour") == true, "\(warning ?? "")")
        let (unknown, why) = catalog.load("nope")
        #expect(unknown == Theme.standard && why?.contains("not found") == true)
        #expect(catalog.load(dir.appendingPathComponent("mine.yaml").path).0.name == "mine", "a path works too")
    }

    @Test("the config file: known fields, positioned errors for the rest")
    func config() throws {
        let config = try ConsoleConfig.parse(
            "theme: light\nnamespace: shop\nmouse: false\nascii: true\nrefreshMillis: 250\neditor: nano\n",
            file: "config.yaml")
        #expect(
            config.theme == "light" && config.namespace == "shop" && !config.mouse && config.ascii
                && config.refreshMillis == 250 && config.editor == "nano")
        #expect(throws: (any Error).self) { try ConsoleConfig.parse("mouse: maybe\n", file: "c.yaml") }
        do {
            _ = try ConsoleConfig.parse("theme: light\ncolour: red\n", file: "c.yaml")
        } catch {
            #expect("\(error)".hasPrefix("c.yaml:2:1: colour: unknown field"), "\(error)")
        }
        #expect(try ConsoleConfig.load(file: "/nonexistent/config.yaml") == ConsoleConfig())
    }
}
