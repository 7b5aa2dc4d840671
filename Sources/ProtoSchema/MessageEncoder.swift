/// JSON values to protobuf wire bytes, by a schema's descriptors (see ``ProtoJSON`` for the forms accepted).
struct MessageEncoder {
    let schema: ProtoSchema

    /// `value` as a `type` message's bytes; `path` names it in errors.
    func encode(
        _ value: JSONValue, as type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> [UInt8] {
        guard depth < ProtoJSON.maxDepth else {
            throw .invalidValue(path: path, message: "messages nest deeper than \(ProtoJSON.maxDepth)")
        }
        if let wellKnown = WellKnownType(rawValue: type.fullName) {
            return try encode(value, as: wellKnown, type: type, path: path, depth: depth)
        }
        return try encodeFields(value, as: type, path: path, depth: depth)
    }

    /// A message from a JSON object of its fields.
    func encodeFields(
        _ value: JSONValue, as type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> [UInt8] {
        let members: [JSONMember]
        switch value {
        case .object(let objectMembers): members = objectMembers
        case .null: members = []
        default: throw Self.expected("an object for message \(type.fullName)", value, path)
        }
        var assigned: [(field: FieldDescriptor, value: JSONValue, path: String)] = []
        var oneofs: [String: String] = [:]
        for member in members {
            guard let field = type.field(named: member.key) else {
                throw .unknownField(member.key, message: type.fullName, path: path)
            }
            let fieldPath = FieldPath.member(path, member.key)
            if let previous = assigned.first(where: { $0.field.number == field.number }) {
                throw .invalidValue(path: fieldPath, message: "field \(field.name) is already set by \(previous.path)")
            }
            if case .null = member.value, field.isRepeated || !Self.takesNull(field.type) { continue }
            if let oneof = field.oneof {
                if let other = oneofs[oneof] {
                    throw .invalidValue(
                        path: fieldPath, message: "\(other) is already set, and both are in oneof \(oneof); set one")
                }
                oneofs[oneof] = member.key
            }
            assigned.append((field, member.value, fieldPath))
        }
        var writer = WireWriter()
        for (field, value, fieldPath) in assigned.sorted(by: { $0.field.number < $1.field.number }) {
            try write(value, field: field, path: fieldPath, depth: depth, into: &writer)
        }
        return writer.bytes
    }

    /// Whether `null` is a value of the type rather than "unset": only for `google.protobuf.Value`.
    private static func takesNull(_ type: FieldType) -> Bool {
        type == .message(WellKnownType.value.rawValue)
    }

    /// A field's value with its tag: a map's entries, a repeated field's elements (packed when the field is), or one
    /// value (left out when zero and the field has no presence).
    func write(
        _ value: JSONValue, field: FieldDescriptor, path: String, depth: Int, into writer: inout WireWriter
    ) throws(ProtoJSONError) {
        if field.isMap {
            try writeMap(value, field: field, path: path, depth: depth, into: &writer)
        } else if field.isRepeated {
            guard case .array(let elements) = value else {
                throw Self.expected("an array for repeated field \(field.name)", value, path)
            }
            if field.isPacked && !elements.isEmpty {
                var packed = WireWriter()
                for (index, element) in elements.enumerated() {
                    try scalar(element, field.type, path: FieldPath.element(path, index)).writePayload(into: &packed)
                }
                writer.tag(field.number, .lengthDelimited)
                writer.lengthDelimited(packed.bytes)
            } else {
                for (index, element) in elements.enumerated() {
                    if case .null = element, !Self.takesNull(field.type) {
                        throw .invalidValue(
                            path: FieldPath.element(path, index), message: "repeated field elements cannot be null")
                    }
                    try writeSingle(
                        element, field: field, path: FieldPath.element(path, index), depth: depth, keepZero: true,
                        into: &writer)
                }
            }
        } else {
            try writeSingle(value, field: field, path: path, depth: depth, keepZero: field.hasPresence, into: &writer)
        }
    }

    /// A map field from a JSON object: one entry message (key 1, value 2) per member, in the object's order.
    private func writeMap(
        _ value: JSONValue, field: FieldDescriptor, path: String, depth: Int, into writer: inout WireWriter
    ) throws(ProtoJSONError) {
        guard case .object(let members) = value else {
            throw Self.expected("an object for map field \(field.name)", value, path)
        }
        let entry = messageType(field.type)
        for member in members {
            let entryPath = FieldPath.entry(path, member.key)
            if case .null = member.value, !Self.takesNull(entry.fields[1].type) {
                throw .invalidValue(path: entryPath, message: "map values cannot be null")
            }
            var entryWriter = WireWriter()
            try writeSingle(
                .string(member.key), field: entry.fields[0], path: entryPath, depth: depth, keepZero: true,
                into: &entryWriter)
            try writeSingle(
                member.value, field: entry.fields[1], path: entryPath, depth: depth, keepZero: true, into: &entryWriter)
            writer.tag(field.number, .lengthDelimited)
            writer.lengthDelimited(entryWriter.bytes)
        }
    }

    /// One value with its tag; a zero scalar is left out unless `keepZero`.
    func writeSingle(
        _ value: JSONValue, field: FieldDescriptor, path: String, depth: Int, keepZero: Bool,
        into writer: inout WireWriter
    ) throws(ProtoJSONError) {
        if case .message = field.type {
            let bytes = try encode(value, as: messageType(field.type), path: path, depth: depth + 1)
            writer.tag(field.number, .lengthDelimited)
            writer.lengthDelimited(bytes)
            return
        }
        let encoded = try scalar(value, field.type, path: path)
        guard keepZero || !encoded.isZero else { return }
        writer.tag(field.number, encoded.wireType)
        encoded.writePayload(into: &writer)
    }

    private func messageType(_ type: FieldType) -> MessageDescriptor {
        guard case .message(let name) = type, let message = schema.message(name) else {
            preconditionFailure("a schema's message fields name its messages")
        }
        return message
    }

    static func expected(_ what: String, _ value: JSONValue, _ path: String) -> ProtoJSONError {
        .invalidValue(path: path, message: "expected \(what), got \(value.summary)")
    }
}
