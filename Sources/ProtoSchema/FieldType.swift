/// A field's type with names resolved to fully-qualified ones (no leading dot).
public enum FieldType: Sendable, Equatable, Hashable {
    case scalar(ProtoScalarType)
    case message(String)
    case enumeration(String)

    var isMessage: Bool {
        if case .message = self { return true }
        return false
    }

    /// Whether repeated values of the type can be packed: numbers, bools and enums.
    var isPackable: Bool {
        switch self {
        case .scalar(let scalar): scalar.isPackable
        case .enumeration: true
        case .message: false
        }
    }
}
