/// A parsed YAML or JSON value that remembers where each part came from.
///
/// Decoding runs over this tree so that every error can name the file, line, column and field.
public final class SourceNode: @unchecked Sendable {
    /// A scalar after YAML core-schema resolution: plain `80` is an integer, quoted `"80"` a string.
    public enum Scalar: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
    }

    public enum Content: @unchecked Sendable {
        case scalar(Scalar, text: String)
        case sequence([SourceNode])
        /// Keys in document order; keys are always strings here (non-string keys are rejected on load).
        case mapping([(key: String, keyPosition: SourcePosition?, value: SourceNode)])
    }

    public let content: Content
    public let position: SourcePosition?

    public init(_ content: Content, position: SourcePosition?) {
        self.content = content
        self.position = position
    }

    /// The value of mapping member `key`, or nil.
    public subscript(key: String) -> SourceNode? {
        if case .mapping(let members) = content {
            return members.first(where: { $0.key == key })?.value
        }
        return nil
    }

    /// The position of the key `key` in a mapping (where an unknown field is reported).
    public func keyPosition(_ key: String) -> SourcePosition? {
        if case .mapping(let members) = content {
            return members.first(where: { $0.key == key })?.keyPosition
        }
        return nil
    }

    /// Follows a field path (`spec`, `listeners`, index 0, `port`) as far as it exists.
    /// Returns the deepest node reached and whether the whole path was found.
    public func node(at path: FieldPath) -> (node: SourceNode, complete: Bool) {
        var current = self
        for component in path.components {
            switch (component, current.content) {
            case (.key(let key), .mapping):
                guard let next = current[key] else { return (current, false) }
                current = next
            case (.index(let index), .sequence(let items)) where index < items.count:
                current = items[index]
            default:
                return (current, false)
            }
        }
        return (current, true)
    }

    /// The best position for a field path: the field's value, else the key, else the nearest parent.
    public func position(of path: FieldPath) -> SourcePosition? {
        let (node, complete) = self.node(at: path)
        if complete { return node.position ?? position }
        if case .key(let key)? = path.components.last, path.components.count >= 1 {
            let parentPath = FieldPath(Array(path.components.dropLast()))
            let (parent, parentComplete) = self.node(at: parentPath)
            if parentComplete, let keyPos = parent.keyPosition(key) { return keyPos }
        }
        return node.position ?? position
    }

    /// A short rendering of this node for messages: a scalar's text, or its type.
    public var summary: String {
        switch content {
        case .scalar(let scalar, let text):
            switch scalar {
            case .string(let s): return "\"\(s.count > 60 ? String(s.prefix(60)) + "…" : s)\""
            case .null: return "null"
            default: return text
            }
        case .sequence: return "a list"
        case .mapping: return "an object"
        }
    }

    /// Converts to plain JSON, dropping positions.
    public func toJSON() -> JSONValue {
        switch content {
        case .scalar(let scalar, _):
            switch scalar {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let s): return .string(s)
            }
        case .sequence(let items): return .array(items.map { $0.toJSON() })
        case .mapping(let members):
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(members.count)
            for member in members { object[member.key] = member.value.toJSON() }
            return .object(object)
        }
    }

    /// Builds a position-less tree from JSON (for decoding stored objects).
    public convenience init(json: JSONValue) {
        switch json {
        case .null: self.init(.scalar(.null, text: "null"), position: nil)
        case .bool(let b): self.init(.scalar(.bool(b), text: b ? "true" : "false"), position: nil)
        case .int(let i): self.init(.scalar(.int(i), text: String(i)), position: nil)
        case .double(let d): self.init(.scalar(.double(d), text: String(d)), position: nil)
        case .string(let s): self.init(.scalar(.string(s), text: s), position: nil)
        case .array(let items): self.init(.sequence(items.map { SourceNode(json: $0) }), position: nil)
        case .object(let members):
            self.init(
                .mapping(
                    members.keys.sorted().map { (key: $0, keyPosition: nil, value: SourceNode(json: members[$0]!)) }),
                position: nil)
        }
    }
}
