import ConsoleUI
import Testing

@Suite("Console state")
struct ConsoleStateTests {
    @Test("keys move the selection within bounds; q quits; the screen has header, tree, detail and footer at 80x24")
    func keysAndLayout() {
        var state = ConsoleState()
        state.rows = (0..<30).map { TreeRow(depth: $0 % 3, label: "row \($0)", role: .accepted, ref: nil) }
        state.header = "gwconsole header"
        state.detail = ["Name: x", "Kind: y"]
        #expect(state.handle(key: 107, pageSize: 10) == .moved)   // k at the top stays
        #expect(state.selected == 0)
        _ = state.handle(key: 71, pageSize: 10)                    // G
        #expect(state.selected == 29)
        _ = state.handle(key: 339, pageSize: 10)                   // PgUp
        #expect(state.selected == 19)
        let screen = GridScreen(rows: 24, columns: 80)
        state.draw(on: screen)
        let lines = screen.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "gwconsole header")
        #expect(lines[1].hasSuffix("│ Name: x"))
        #expect(lines[23].hasPrefix("j/k move"))
        #expect(screen.text.contains("✓ row 19"))
        #expect(state.handle(key: 113, pageSize: 10) == .quit && state.quit)
    }
}
