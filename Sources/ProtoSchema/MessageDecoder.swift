/// Protobuf wire bytes to JSON values, by a schema's descriptors, as grpcurl prints them (see ``ProtoJSON``).
struct MessageDecoder {
    let schema: ProtoSchema

    /// How a float prints: Go's `strconv` `'g'` form in message fields, `json.Marshal`'s in well-known types.
    enum FloatStyle {
        case general
        case json
    }

    /// A `type` message from its bytes; `path` names it in errors.
    func decode(
        _ bytes: ArraySlice<UInt8>, as type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        try decode(try Self.fields(bytes, path: path), as: type, path: path, depth: depth)
    }

    /// A `type` message from its wire fields (several occurrences of a message merge by joining their fields).
    func decode(
        _ fields: [WireField], as type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard depth < ProtoJSON.maxDepth else {
            throw .invalidValue(path: path, message: "messages nest deeper than \(ProtoJSON.maxDepth)")
        }
        if let wellKnown = WellKnownType(rawValue: type.fullName) {
            return try decode(fields, as: wellKnown, type: type, path: path, depth: depth)
        }
        return .object(try members(fields, of: type, path: path, depth: depth))
    }

    /// The message's set fields as JSON members, in field-number order.
    func members(
        _ fields: [WireField], of type: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> [JSONMember] {
        var occurrences: [Int: [WireField]] = [:]
        var lastPosition: [Int: Int] = [:]
        for (position, wireField) in fields.enumerated() {
            guard let field = type.field(number: wireField.number), Self.accepts(field, wireField.value.wireType)
            else { continue }
            occurrences[field.number, default: []].append(wireField)
            lastPosition[field.number] = position
        }
        // A oneof holds the member set last.
        var oneofWinners: [String: (number: Int, position: Int)] = [:]
        for field in type.fields {
            guard let oneof = field.oneof, let position = lastPosition[field.number] else { continue }
            if let winner = oneofWinners[oneof], winner.position > position { continue }
            oneofWinners[oneof] = (field.number, position)
        }
        var members: [JSONMember] = []
        for field in type.fieldsByNumber {
            guard let found = occurrences[field.number] else { continue }
            if let oneof = field.oneof, oneofWinners[oneof]?.number != field.number { continue }
            let fieldPath = FieldPath.member(path, field.jsonName)
            if let value = try value(of: field, found, path: fieldPath, depth: depth) {
                members.append(JSONMember(key: field.jsonName, value: value))
            }
        }
        return members
    }

    /// Whether a field reads values of this wire type; others are skipped as unknown, as protobuf does.
    static func accepts(_ field: FieldDescriptor, _ wireType: WireType) -> Bool {
        switch field.type {
        case .message: wireType == .lengthDelimited
        case .enumeration: wireType == .varint || (field.isRepeated && wireType == .lengthDelimited)
        case .scalar(let scalar):
            wireType == scalar.wireType || (field.isRepeated && scalar.isPackable && wireType == .lengthDelimited)
        }
    }

    /// A field's JSON value from its occurrences; nil when it prints nothing (a proto3 zero without presence).
    private func value(
        of field: FieldDescriptor, _ occurrences: [WireField], path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue? {
        if field.isMap { return try map(field, occurrences, path: path, depth: depth) }
        if field.isRepeated {
            var elements: [JSONValue] = []
            for occurrence in occurrences {
                if case .lengthDelimited(let bytes) = occurrence.value, field.type.isPackable {
                    for element in try Self.unpack(bytes, field.type, path: path) {
                        elements.append(scalarValue(element, field.type))
                    }
                } else {
                    let elementPath = FieldPath.element(path, elements.count)
                    elements.append(try single(field.type, [occurrence], path: elementPath, depth: depth))
                }
            }
            return elements.isEmpty ? nil : .array(elements)
        }
        if case .message = field.type { return try single(field.type, occurrences, path: path, depth: depth) }
        let last = occurrences[occurrences.count - 1].value
        if !field.hasPresence && last.isZero { return nil }
        return scalarValue(last, field.type)
    }

    /// A singular value: the last occurrence of a scalar, or every occurrence of a message merged.
    func single(
        _ type: FieldType, _ occurrences: [WireField], path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard case .message(let name) = type else {
            return scalarValue(occurrences[occurrences.count - 1].value, type)
        }
        var fields: [WireField] = []
        for occurrence in occurrences {
            guard case .lengthDelimited(let bytes) = occurrence.value else { continue }
            fields += try Self.fields(bytes, path: path)
        }
        return try decode(fields, as: schema.message(name)!, path: path, depth: depth + 1)
    }

    /// A map field: entries by key (the last entry for a key wins), sorted by key as grpcurl sorts them.
    private func map(
        _ field: FieldDescriptor, _ occurrences: [WireField], path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard case .message(let entryName) = field.type, let entry = schema.message(entryName) else {
            preconditionFailure("a map field's type is its entry message")
        }
        let keyField = entry.fields[0]
        let valueField = entry.fields[1]
        guard case .scalar(let keyType) = keyField.type else { preconditionFailure("map keys are scalars") }
        var entries: [String: (key: MapKey, value: JSONValue)] = [:]
        for occurrence in occurrences {
            guard case .lengthDelimited(let bytes) = occurrence.value else { continue }
            var keyValue: WireField.Value?
            var valueFields: [WireField] = []
            for wireField in try Self.fields(bytes, path: path) {
                if wireField.number == 1, Self.accepts(keyField, wireField.value.wireType) {
                    keyValue = wireField.value
                }
                if wireField.number == 2, Self.accepts(valueField, wireField.value.wireType) {
                    valueFields.append(wireField)
                }
            }
            let key = MapKey(keyValue ?? .zero(of: keyField.type), keyType)
            if valueFields.isEmpty {
                valueFields = [WireField(number: 2, value: .zero(of: valueField.type), offset: 0)]
            }
            let value = try single(
                valueField.type, valueFields, path: FieldPath.entry(path, key.text), depth: depth)
            entries[key.text] = (key, value)
        }
        return .object(
            entries.values.sorted { $0.key < $1.key }.map { JSONMember(key: $0.key.text, value: $0.value) })
    }

    // MARK: - Wire values

    static func fields(_ bytes: ArraySlice<UInt8>, path: String) throws(ProtoJSONError) -> [WireField] {
        do {
            return try WireReader.fields(bytes)
        } catch {
            throw .malformedWire(offset: error.offset, path: path, message: error.message)
        }
    }

    /// The elements of a packed run.
    private static func unpack(
        _ bytes: ArraySlice<UInt8>, _ type: FieldType, path: String
    ) throws(ProtoJSONError) -> [WireField.Value] {
        let wireType = if case .scalar(let scalar) = type { scalar.wireType } else { WireType.varint }
        var reader = WireReader(bytes)
        var values: [WireField.Value] = []
        do {
            while !reader.isAtEnd {
                switch wireType {
                case .fixed32: values.append(.fixed32(try reader.fixed32()))
                case .fixed64: values.append(.fixed64(try reader.fixed64()))
                default: values.append(.varint(try reader.varint()))
                }
            }
        } catch {
            throw .malformedWire(offset: error.offset, path: path, message: "in a packed run: " + error.message)
        }
        return values
    }
}
