extension ProtoFileParser {
    /// `message Name { … }`; the current token is `message`.
    mutating func message() throws(ProtoParseError) -> ProtoMessage {
        let start = take()
        let name = try identifier("a message name").value
        try expect("{", "after the message name")
        var message = ProtoMessage(name: name, location: location(start))
        while !skip("}") {
            guard token.kind != .end else { throw unexpected("'}' to close message \(name)") }
            if token.isSymbol(";") {
                take()
                continue
            }
            switch token.kind == .identifier ? token.value : "" {
            case "message":
                message.messages.append(try self.message())
            case "enum":
                message.enums.append(try enumeration())
            case "option":
                _ = try option()
            case "oneof":
                try oneof(into: &message)
            case "reserved":
                try reserved(into: &message)
            case "extensions":
                try skipExtensions()
            case "extend":
                try skipExtend()
            default:
                message.fields.append(try field(oneof: nil))
            }
        }
        try validate(message)
        return message
    }

    /// A field, a map field or (refused) a group, up to its `;`.
    private mutating func field(oneof: Int?) throws(ProtoParseError) -> ProtoField {
        let start = token
        var label = ProtoField.Label.none
        if token.kind == .identifier, let written = ProtoField.Label(rawValue: token.value), written != .none {
            if oneof != nil { throw error(at: token, "fields in a oneof cannot be '\(written.rawValue)'") }
            if written == .required && syntax == .proto3 {
                throw error(at: token, "required fields are not allowed in proto3")
            }
            label = written
            take()
        }
        if token.isIdentifier("group") {
            throw error(at: token, "groups are not supported; declare a nested message and a field of its type instead")
        }
        let typeToken = token
        let type: ProtoFieldType
        if token.isIdentifier("map") && nextToken.isSymbol("<") {
            if label != .none { throw error(at: start, "map fields cannot be '\(label.rawValue)'") }
            if oneof != nil { throw error(at: start, "map fields cannot be in a oneof") }
            type = try mapType()
        } else {
            type = try fieldType()
        }
        let name = try identifier("a field name").value
        try expect("=", "after the field name")
        let number = try fieldNumber()
        var field = ProtoField(
            name: name, number: number, label: label, type: type, oneof: oneof, location: location(start),
            typeLocation: location(typeToken))
        let options = try bracketedOptions()
        for option in options { try apply(option, to: &field) }
        try expect(";", options.isEmpty ? "after the field number" : "after the field options")
        return field
    }

    private mutating func fieldType() throws(ProtoParseError) -> ProtoFieldType {
        let name = try typeName("a field type")
        if let scalar = ProtoScalarType(rawValue: name) { return .scalar(scalar) }
        return .named(name)
    }

    /// `map<key, value>`; the current token is `map`.
    private mutating func mapType() throws(ProtoParseError) -> ProtoFieldType {
        take()
        take()
        let keyToken = token
        let keyName = try typeName("a map key type")
        guard let key = ProtoScalarType(rawValue: keyName), key.isMapKey else {
            throw error(at: keyToken, "map keys must be an integer type, bool or string, not '\(keyName)'")
        }
        try expect(",", "after the map key type")
        let valueToken = token
        let value = try fieldType()
        if case .named("map") = value, token.isSymbol("<") {
            throw error(at: valueToken, "map values cannot be maps; wrap the inner map in a message")
        }
        try expect(">", "after the map value type")
        return .map(key: key, value: value)
    }

    private mutating func fieldNumber() throws(ProtoParseError) -> Int {
        let numberToken = token
        guard numberToken.kind == .integer else { throw unexpected("a field number") }
        take()
        guard let number = integerValue(numberToken), (1...ProtoField.maxNumber).contains(number) else {
            throw error(at: numberToken, "field numbers must be between 1 and \(ProtoField.maxNumber)")
        }
        if ProtoField.implementationReserved.contains(number) {
            throw error(at: numberToken, "field numbers 19000 to 19999 are reserved for the protobuf implementation")
        }
        return number
    }

    private func apply(_ option: ProtoOption, to field: inout ProtoField) throws(ProtoParseError) {
        switch option.name {
        case "json_name":
            guard case .string(let name) = option.value else {
                throw error(at: option.token, "json_name must be a string")
            }
            field.jsonName = name
        case "packed":
            guard case .identifier(let word) = option.value, word == "true" || word == "false" else {
                throw error(at: option.token, "packed must be true or false")
            }
            field.packed = word == "true"
        case "default" where syntax == .proto3:
            throw error(at: option.token, "explicit default values are not allowed in proto3")
        default:
            break
        }
    }

    /// `oneof name { fields }`; the current token is `oneof`.
    private mutating func oneof(into message: inout ProtoMessage) throws(ProtoParseError) {
        take()
        let name = try identifier("a oneof name").value
        try expect("{", "after the oneof name")
        let index = message.oneofs.count
        message.oneofs.append(name)
        let start = message.fields.count
        while !skip("}") {
            guard token.kind != .end else { throw unexpected("'}' to close oneof \(name)") }
            if skip(";") { continue }
            if token.isIdentifier("option") {
                _ = try option()
                continue
            }
            message.fields.append(try field(oneof: index))
        }
        if message.fields.count == start {
            throw error(at: token, "oneof \(name) has no fields")
        }
    }

    /// `reserved 2, 9 to 11, 40 to max;` or `reserved "foo", "bar";`; the current token is `reserved`.
    private mutating func reserved(into message: inout ProtoMessage) throws(ProtoParseError) {
        take()
        if token.kind == .string || token.kind == .identifier {
            repeat {
                guard token.kind == .string || token.kind == .identifier else { throw unexpected("a reserved name") }
                message.reservedNames.append(take().value)
            } while skip(",")
        } else {
            repeat {
                message.reservedNumbers.append(try reservedRange())
            } while skip(",")
        }
        try expect(";", "after the reserved list")
    }

    private mutating func reservedRange() throws(ProtoParseError) -> ClosedRange<Int> {
        let startToken = token
        guard let low = integerValue(startToken) else { throw unexpected("a field number or range to reserve") }
        take()
        var high = low
        if token.isIdentifier("to") {
            take()
            if token.isIdentifier("max") {
                take()
                high = ProtoField.maxNumber
            } else {
                guard let value = integerValue(token) else { throw unexpected("a number or 'max' after 'to'") }
                take()
                high = value
            }
        }
        guard low >= 1, low <= high else {
            throw error(at: startToken, "reserved range \(low) to \(high) is empty or starts below 1")
        }
        return low...high
    }

    /// `extensions 100 to 199 [options];`: extension ranges do not matter here.
    private mutating func skipExtensions() throws(ProtoParseError) {
        let start = take()
        while !skip(";") {
            guard token.kind != .end else { throw error(at: start, "expected ';' to end the extensions range") }
            take()
        }
    }

    /// Field numbers and names unique, none reserved.
    private func validate(_ message: ProtoMessage) throws(ProtoParseError) {
        var numbers: [Int: String] = [:]
        var names: Set<String> = []
        for field in message.fields {
            func fail(_ text: String) -> ProtoParseError { ProtoParseError(field.location, text) }
            if let other = numbers[field.number] {
                throw fail(
                    "field number \(field.number) of '\(field.name)' is already used by '\(other)' in \(message.name)")
            }
            if !names.insert(field.name).inserted {
                throw fail("field '\(field.name)' is already declared in \(message.name)")
            }
            if message.reservedNumbers.contains(where: { $0.contains(field.number) }) {
                throw fail("field '\(field.name)' uses number \(field.number), which \(message.name) reserves")
            }
            if message.reservedNames.contains(field.name) {
                throw fail("field name '\(field.name)' is reserved in \(message.name)")
            }
            numbers[field.number] = field.name
        }
    }
}
