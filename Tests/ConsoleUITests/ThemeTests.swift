import ConsoleUI
import Foundation
import Testing

@Suite("Themes")
struct ThemeTests {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the shipped default theme is the built-in one; every shipped theme parses")
    func shipped() throws {
        let text = try String(contentsOf: root.appendingPathComponent("themes/default.yaml"), encoding: .utf8)
        #expect(try Theme.parse(text, file: "default.yaml") == Theme.standard)
        for file in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("themes").path) where file.hasSuffix(".yaml") {
            _ = try Theme.parse(try String(contentsOf: root.appendingPathComponent("themes/" + file), encoding: .utf8), file: file)
        }
    }

    @Test("a broken theme names the file, line and field")
    func broken() {
        #expect(throws: (any Error).self) { try Theme.parse("name: x\ncolors:\n  error: crimson\n", file: "mine.yaml") }
        do {
            _ = try Theme.parse("name: x\ncolors:\n  error: crimson\n", file: "mine.yaml")
        } catch {
            #expect("\(error)".hasPrefix("mine.yaml:3:10: colors.error: unknown colour \"crimson\""), "\(error)")
        }
    }
}
