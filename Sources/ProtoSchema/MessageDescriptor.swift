/// A message type with its field types resolved.
public struct MessageDescriptor: Sendable, Equatable {
    /// `helloworld.HelloRequest`.
    public let fullName: String
    /// `HelloRequest`.
    public let name: String
    /// The file that declares it.
    public let file: String
    public let syntax: ProtoSyntax
    /// Fields in declaration order.
    public let fields: [FieldDescriptor]
    /// The names of its oneofs, in declaration order.
    public let oneofs: [String]
    /// Whether this is the entry message protobuf makes for a `map<K, V>` field.
    public let isMapEntry: Bool
    /// Full names of the messages declared inside it, map entries included, in declaration order.
    public let nestedMessages: [String]
    /// Full names of the enums declared inside it, in declaration order.
    public let nestedEnums: [String]
    public let reservedNumbers: [ClosedRange<Int>]
    public let reservedNames: [String]
    /// Where the declaration starts.
    public let location: ProtoLocation
    /// Fields in field-number order, as they are written to the wire and to JSON.
    let fieldsByNumber: [FieldDescriptor]
    /// Field indexes by name and by JSON name.
    private let indexByName: [String: Int]
    /// Field indexes by number.
    private let indexByNumber: [Int: Int]

    init(
        fullName: String, name: String, file: String, syntax: ProtoSyntax, fields: [FieldDescriptor],
        oneofs: [String] = [], isMapEntry: Bool = false, nestedMessages: [String] = [], nestedEnums: [String] = [],
        reservedNumbers: [ClosedRange<Int>] = [], reservedNames: [String] = [], location: ProtoLocation
    ) {
        self.fullName = fullName
        self.name = name
        self.file = file
        self.syntax = syntax
        self.fields = fields
        self.oneofs = oneofs
        self.isMapEntry = isMapEntry
        self.nestedMessages = nestedMessages
        self.nestedEnums = nestedEnums
        self.reservedNumbers = reservedNumbers
        self.reservedNames = reservedNames
        self.location = location
        fieldsByNumber = fields.sorted { $0.number < $1.number }
        var byName: [String: Int] = [:]
        var byNumber: [Int: Int] = [:]
        for (position, field) in fields.enumerated() {
            byName[field.name] = position
            byName[field.jsonName] = byName[field.jsonName] ?? position
            byNumber[field.number] = position
        }
        indexByName = byName
        indexByNumber = byNumber
    }

    /// The field with this name or JSON name.
    public func field(named name: String) -> FieldDescriptor? {
        indexByName[name].map { fields[$0] }
    }

    /// The field with this number.
    public func field(number: Int) -> FieldDescriptor? {
        indexByNumber[number].map { fields[$0] }
    }
}
