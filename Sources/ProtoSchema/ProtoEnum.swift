/// An `enum` declaration as written.
public struct ProtoEnum: Sendable, Equatable {
    public var name: String
    /// Values in declaration order.
    public var values: [ProtoEnumValue]
    /// Whether `option allow_alias = true;` lets two names share a number.
    public var allowAlias: Bool
    /// Where the declaration starts.
    public var location: ProtoLocation

    public init(name: String, values: [ProtoEnumValue], allowAlias: Bool = false, location: ProtoLocation) {
        self.name = name
        self.values = values
        self.allowAlias = allowAlias
        self.location = location
    }
}

/// One value of an enum: `STATUS_OK = 1;`.
public struct ProtoEnumValue: Sendable, Equatable {
    public var name: String
    public var number: Int32
    /// Where the declaration starts.
    public var location: ProtoLocation

    public init(name: String, number: Int32, location: ProtoLocation) {
        self.name = name
        self.number = number
        self.location = location
    }
}
