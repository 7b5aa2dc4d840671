/// A `message` declaration as written, with its nested messages and enums.
public struct ProtoMessage: Sendable, Equatable {
    public var name: String
    /// Fields in declaration order, oneof members included (see ``ProtoField/oneof``).
    public var fields: [ProtoField]
    /// The names of the message's `oneof`s, in declaration order.
    public var oneofs: [String]
    public var messages: [ProtoMessage]
    public var enums: [ProtoEnum]
    /// `reserved` field numbers, each range inclusive (`reserved 9 to 11` is `9...11`; `max` is 536870911).
    public var reservedNumbers: [ClosedRange<Int>]
    /// `reserved` field names.
    public var reservedNames: [String]
    /// Where the declaration starts.
    public var location: ProtoLocation

    public init(
        name: String, fields: [ProtoField] = [], oneofs: [String] = [], messages: [ProtoMessage] = [],
        enums: [ProtoEnum] = [], reservedNumbers: [ClosedRange<Int>] = [], reservedNames: [String] = [],
        location: ProtoLocation
    ) {
        self.name = name
        self.fields = fields
        self.oneofs = oneofs
        self.messages = messages
        self.enums = enums
        self.reservedNumbers = reservedNumbers
        self.reservedNames = reservedNames
        self.location = location
    }
}
