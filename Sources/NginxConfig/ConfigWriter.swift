/// Builds indented nginx configuration text.
struct ConfigWriter {
    private(set) var text = ""
    private var level = 0

    mutating func line(_ s: String = "") {
        text += s.isEmpty ? "\n" : String(repeating: "    ", count: level) + s + "\n"
    }

    mutating func block(_ header: String, _ body: (inout ConfigWriter) -> Void) {
        line(header + " {")
        level += 1
        body(&self)
        level -= 1
        line("}")
    }
}
