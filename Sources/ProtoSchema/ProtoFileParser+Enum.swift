extension ProtoFileParser {
    /// `enum Name { VALUE = 0; … }`; the current token is `enum`.
    mutating func enumeration() throws(ProtoParseError) -> ProtoEnum {
        let start = take()
        let name = try identifier("an enum name").value
        try expect("{", "after the enum name")
        var result = ProtoEnum(name: name, values: [], location: location(start))
        while !skip("}") {
            guard token.kind != .end else { throw unexpected("'}' to close enum \(name)") }
            if skip(";") { continue }
            if token.isIdentifier("option") && !nextToken.isSymbol("=") {
                let option = try option()
                if option.name == "allow_alias" { result.allowAlias = option.value == .identifier("true") }
            } else if token.isIdentifier("reserved") && !nextToken.isSymbol("=") {
                try skipEnumReserved()
            } else {
                result.values.append(try enumValue())
            }
        }
        try validate(result)
        return result
    }

    /// `NAME = number [options];`.
    private mutating func enumValue() throws(ProtoParseError) -> ProtoEnumValue {
        let nameToken = try identifier("an enum value name")
        try expect("=", "after the enum value name")
        let numberToken = token
        let negative = skip("-")
        guard let magnitude = integerValue(token) else { throw unexpected("the enum value's number") }
        take()
        guard let number = Int32(exactly: negative ? -magnitude : magnitude) else {
            throw error(at: numberToken, "enum values must fit in 32 bits")
        }
        _ = try bracketedOptions()
        try expect(";", "after the enum value")
        return ProtoEnumValue(name: nameToken.value, number: number, location: location(nameToken))
    }

    /// `reserved 2, 15 to max;` or `reserved "FOO";` in an enum: nothing here depends on them.
    private mutating func skipEnumReserved() throws(ProtoParseError) {
        let start = take()
        while !skip(";") {
            guard token.kind != .end else { throw error(at: start, "expected ';' to end the reserved list") }
            take()
        }
    }

    /// At least one value; proto3's first value zero; a number shared only with `allow_alias`.
    private func validate(_ enumeration: ProtoEnum) throws(ProtoParseError) {
        guard let first = enumeration.values.first else {
            throw ProtoParseError(enumeration.location, "enum \(enumeration.name) has no values")
        }
        if syntax == .proto3 && first.number != 0 {
            throw ProtoParseError(first.location, "the first value of enum \(enumeration.name) must be zero in proto3")
        }
        var names: [Int32: String] = [:]
        var declared: Set<String> = []
        for value in enumeration.values {
            if !declared.insert(value.name).inserted {
                throw ProtoParseError(value.location, "enum value \(value.name) is already declared")
            }
            if let other = names[value.number], !enumeration.allowAlias {
                throw ProtoParseError(
                    value.location,
                    "\(value.name) and \(other) share the number \(value.number) in enum \(enumeration.name); "
                        + "add 'option allow_alias = true;' to allow aliases")
            }
            names[value.number] = names[value.number] ?? value.name
        }
    }
}
