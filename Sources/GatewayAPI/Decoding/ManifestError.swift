/// One problem with user input, positioned: `guide.md:42:7: spec.listeners[0].port: expected an integer, got "eighty"`.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: SourcePosition?
    /// The field the problem is about; empty for problems with the document as a whole.
    public var path: FieldPath
    public var message: String

    public init(position: SourcePosition?, path: FieldPath = FieldPath(), message: String) {
        self.position = position
        self.path = path
        self.message = message
    }

    public var description: String {
        var out = ""
        if let position { out += "\(position): " }
        if !path.isEmpty { out += "\(path): " }
        out += message
        return out
    }
}

/// Several problems found in one pass; an apply reports them all and stores nothing.
public struct ManifestErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ManifestError]

    public init(_ errors: [ManifestError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
