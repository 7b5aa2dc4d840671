/// An `import` statement.
public struct ProtoImport: Sendable, Equatable {
    /// `import public` and `import weak` are read as plain imports; the kind is kept for display.
    public enum Kind: String, Sendable, Equatable {
        case normal
        case `public`
        case weak
    }

    /// The imported path, as written between the quotes.
    public var path: String
    public var kind: Kind
    /// Where the declaration starts.
    public var location: ProtoLocation

    public init(path: String, kind: Kind = .normal, location: ProtoLocation) {
        self.path = path
        self.kind = kind
        self.location = location
    }
}
