/// A field declaration: `repeated string tags = 4 [json_name = "labels"];` or `map<string, int32> counts = 5;`.
public struct ProtoField: Sendable, Equatable {
    /// The label written before the type; `none` for a singular field written without one (proto3's default, and
    /// always for map fields and oneof members).
    public enum Label: String, Sendable, Equatable {
        case none
        case optional
        case required
        case repeated
    }

    /// The highest field number protobuf allows.
    static let maxNumber = 536_870_911
    /// Field numbers protobuf keeps for itself.
    static let implementationReserved = 19_000...19_999

    public var name: String
    public var number: Int
    public var label: Label
    public var type: ProtoFieldType
    /// The `json_name` option, when given.
    public var jsonName: String?
    /// The `packed` option, when given.
    public var packed: Bool?
    /// The index of the containing oneof in ``ProtoMessage/oneofs``; nil outside oneofs.
    public var oneof: Int?
    /// Where the field starts.
    public var location: ProtoLocation
    /// Where its type name is written, for errors about the type.
    public var typeLocation: ProtoLocation

    public init(
        name: String, number: Int, label: Label = .none, type: ProtoFieldType, jsonName: String? = nil,
        packed: Bool? = nil, oneof: Int? = nil, location: ProtoLocation, typeLocation: ProtoLocation? = nil
    ) {
        self.name = name
        self.number = number
        self.label = label
        self.type = type
        self.jsonName = jsonName
        self.packed = packed
        self.oneof = oneof
        self.location = location
        self.typeLocation = typeLocation ?? location
    }
}

/// A field's type as written.
public enum ProtoFieldType: Sendable, Equatable {
    /// One of protobuf's scalar types (`int32`, `string`, …).
    case scalar(ProtoScalarType)
    /// A message or enum name, relative (`Header`, `Outer.Inner`) or fully qualified (`.pkg.Header`).
    case named(String)
    /// `map<key, value>`; the value is a scalar or a named type.
    indirect case map(key: ProtoScalarType, value: ProtoFieldType)
}
