import ArgumentParser

/// `-o` of the commands that print a table or text by default and JSON on request: the one other format.
/// An unknown value is refused by the parser, naming the choices.
enum JSONOutput: String, ExpressibleByArgument, CaseIterable {
    case json
}
