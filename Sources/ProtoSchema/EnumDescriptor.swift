/// An enum type.
public struct EnumDescriptor: Sendable, Equatable {
    /// One name and its number.
    public struct Value: Sendable, Equatable {
        public let name: String
        public let number: Int32
    }

    public let fullName: String
    public let name: String
    /// The file that declares it.
    public let file: String
    /// Values in declaration order; with `allow_alias`, several may share a number.
    public let values: [Value]
    public let allowAlias: Bool
    /// Where the declaration starts.
    public let location: ProtoLocation

    /// The first name declared for `number`, as JSON prints it; nil for a number the enum does not name.
    public func name(of number: Int32) -> String? {
        values.first { $0.number == number }?.name
    }

    /// The number a name stands for.
    public func number(of name: String) -> Int32? {
        values.first { $0.name == name }?.number
    }
}
