/// An option's value as written; only a few options are read, so values are kept simply.
enum ProtoOptionValue: Sendable, Equatable {
    /// `true`, `false`, an enum value name, `inf`, `nan`.
    case identifier(String)
    /// A number with its sign, as written: `-1`, `0x10`, `2.5`.
    case number(String)
    /// A string (adjacent literals joined).
    case string(String)
    /// A `{ … }` message literal, skipped.
    case aggregate
}

/// One `name = value` option, with where its name starts.
struct ProtoOption: Sendable, Equatable {
    var name: String
    var value: ProtoOptionValue
    var token: ProtoToken
}

extension ProtoFileParser {
    /// `option name = value;`; the current token is `option`.
    mutating func option() throws(ProtoParseError) -> ProtoOption {
        take()
        let option = try optionAssignment()
        try expect(";", "after the option")
        return option
    }

    /// `[name = value, …]` after a field or enum value; empty when there is no `[`.
    mutating func bracketedOptions() throws(ProtoParseError) -> [ProtoOption] {
        guard skip("[") else { return [] }
        var options = [try optionAssignment()]
        while skip(",") { options.append(try optionAssignment()) }
        try expect("]", "after the options")
        return options
    }

    /// `name = value`, where a name is `word`, `(full.name)` or several of them joined by dots.
    private mutating func optionAssignment() throws(ProtoParseError) -> ProtoOption {
        let start = token
        var name = try optionNamePart()
        while skip(".") { name += "." + (try optionNamePart()) }
        try expect("=", "after the option name")
        return ProtoOption(name: name, value: try optionValue(), token: start)
    }

    private mutating func optionNamePart() throws(ProtoParseError) -> String {
        guard skip("(") else { return try identifier("an option name").value }
        let name = try typeName("an extension name")
        try expect(")", "after the extension name")
        return "(\(name))"
    }

    private mutating func optionValue() throws(ProtoParseError) -> ProtoOptionValue {
        switch token.kind {
        case .string:
            var value = take().value
            while token.kind == .string { value += take().value }
            return .string(value)
        case .identifier:
            return .identifier(take().value)
        case .integer, .float:
            return .number(take().value)
        case .symbol where token.isSymbol("-") || token.isSymbol("+"):
            let sign = take().value == "-" ? "-" : ""
            guard [.integer, .float, .identifier].contains(token.kind) else {
                throw unexpected("a number after the sign")
            }
            return .number(sign + take().value)
        case .symbol where token.isSymbol("{"):
            try skipBraces()
            return .aggregate
        default:
            throw unexpected("an option value")
        }
    }
}
