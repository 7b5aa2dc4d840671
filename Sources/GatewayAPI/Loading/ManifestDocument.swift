/// One YAML or JSON document cut out of an input, with where it starts.
public struct ManifestDocument: Sendable {
    /// The file name used in messages (`stdin` for standard input).
    public var file: String
    /// Lines before the document's first line in `file`.
    public var lineOffset: Int
    public var text: String

    public init(file: String, lineOffset: Int, text: String) {
        self.file = file
        self.lineOffset = lineOffset
        self.text = text
    }
}
