import ConsoleUI
import Testing

@Suite("Config highlighting")
struct ConfigHighlighterTests {
    @Test("directives, strings and comments get their roles; marked lines a bar")
    func tokens() {
        let line = ConfigHighlighter.styled(["    proxy_ssl_name \"a # b\"; # sni"], marked: [0])[0]
        #expect(line.text == "▌     proxy_ssl_name \"a # b\"; # sni")
        #expect(
            line.spans.map(\.role) == [
                .configHighlight, .normal, .configDirective, .normal, .configString, .normal, .configComment,
            ])
        #expect(ConfigHighlighter.styled(["# only a comment"])[0].spans.last?.role == .configComment)
        #expect(ConfigHighlighter.styled(["x"], marked: [0], glyphs: .ascii)[0].text == "> x")
    }

    @Test("diff lines: additions, removals, headers")
    func diff() {
        #expect(
            ConfigHighlighter.diff(["+a", "-b", "@@ x", " c"]).map { $0.spans[0].role } == [
                .diffAdd, .diffRemove, .title, .normal,
            ])
    }
}
