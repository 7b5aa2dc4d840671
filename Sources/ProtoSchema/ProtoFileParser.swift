/// The recursive-descent parser behind ``ProtoParser``: one file's tokens to a ``ProtoFile``. Declarations are in
/// extensions by kind (messages, enums, services, options).
struct ProtoFileParser {
    let tokens: [ProtoToken]
    let file: String
    var position = 0
    var syntax = ProtoSyntax.proto2

    init(tokens: [ProtoToken], file: String) {
        self.tokens = tokens
        self.file = file
    }

    mutating func parseFile() throws(ProtoParseError) -> ProtoFile {
        var result = ProtoFile(name: file, syntax: .proto2)
        var packageToken: ProtoToken?
        var first = true
        while token.kind != .end {
            defer { first = false }
            if token.isSymbol(";") {
                take()
                continue
            }
            guard token.kind == .identifier else { throw unexpected("a declaration") }
            switch token.value {
            case "syntax":
                guard first else { throw error(at: token, "'syntax' must be the first statement of the file") }
                syntax = try syntaxStatement()
                result.syntax = syntax
            case "edition":
                throw error(at: token, "editions are not supported; declare syntax = \"proto3\" or \"proto2\"")
            case "package":
                if let packageToken {
                    throw error(at: token, "the package is already declared at line \(packageToken.line)")
                }
                packageToken = token
                take()
                result.package = try fullIdentifier("a package name")
                try expect(";", "after the package name")
            case "import":
                result.imports.append(try importStatement())
            case "option":
                _ = try option()
            case "message":
                result.messages.append(try message())
            case "enum":
                result.enums.append(try enumeration())
            case "service":
                result.services.append(try service())
            case "extend":
                try skipExtend()
            default:
                throw unexpected("a declaration (syntax, package, import, option, message, enum or service)")
            }
        }
        return result
    }

    private mutating func syntaxStatement() throws(ProtoParseError) -> ProtoSyntax {
        take()
        try expect("=", "after 'syntax'")
        let value = token
        guard value.kind == .string else { throw unexpected("\"proto2\" or \"proto3\" after 'syntax ='") }
        guard let syntax = ProtoSyntax(rawValue: value.value) else {
            throw error(at: value, "unknown syntax \"\(value.value)\"; expected \"proto2\" or \"proto3\"")
        }
        take()
        try expect(";", "after the syntax")
        return syntax
    }

    private mutating func importStatement() throws(ProtoParseError) -> ProtoImport {
        let start = take()
        var kind = ProtoImport.Kind.normal
        if token.isIdentifier("public") || token.isIdentifier("weak") {
            kind = take().value == "public" ? .public : .weak
        }
        guard token.kind == .string else { throw unexpected("the imported file's name in quotes") }
        let path = take().value
        try expect(";", "after the import")
        return ProtoImport(path: path, kind: kind, location: location(start))
    }

    /// `extend Type { … }`: extensions add nothing a request or response needs, so the block is skipped.
    mutating func skipExtend() throws(ProtoParseError) {
        take()
        _ = try typeName("the extended type's name")
        guard token.isSymbol("{") else { throw unexpected("'{' after the extended type") }
        try skipBraces()
    }
}

// MARK: - Tokens

extension ProtoFileParser {
    var token: ProtoToken { tokens[position] }

    /// The token after the current one (the last, `.end`, when there is none).
    var nextToken: ProtoToken { tokens[min(position + 1, tokens.count - 1)] }

    @discardableResult
    mutating func take() -> ProtoToken {
        let taken = tokens[position]
        if taken.kind != .end { position += 1 }
        return taken
    }

    func location(_ token: ProtoToken) -> ProtoLocation {
        ProtoLocation(file: file, line: token.line, column: token.column)
    }

    func error(at token: ProtoToken, _ message: String) -> ProtoParseError {
        ProtoParseError(location(token), message)
    }

    /// "expected WHAT, found 'x'" at the current token.
    func unexpected(_ what: String) -> ProtoParseError {
        error(at: token, "expected \(what), found \(token.quoted)")
    }

    /// Takes `symbol`, or fails with "expected 'symbol' CONTEXT, found …".
    mutating func expect(_ symbol: Character, _ context: String) throws(ProtoParseError) {
        guard token.isSymbol(symbol) else { throw unexpected("'\(symbol)' \(context)") }
        take()
    }

    /// Takes `symbol` when it is next.
    mutating func skip(_ symbol: Character) -> Bool {
        guard token.isSymbol(symbol) else { return false }
        take()
        return true
    }

    mutating func identifier(_ what: String) throws(ProtoParseError) -> ProtoToken {
        guard token.kind == .identifier else { throw unexpected(what) }
        return take()
    }

    /// `a.b.c`.
    mutating func fullIdentifier(_ what: String) throws(ProtoParseError) -> String {
        var name = try identifier(what).value
        while skip(".") { name += "." + (try identifier("a name after '.'").value) }
        return name
    }

    /// A type reference: `Name`, `Outer.Inner`, `.pkg.Name`.
    mutating func typeName(_ what: String) throws(ProtoParseError) -> String {
        if token.isSymbol(".") {
            take()
            return "." + (try fullIdentifier(what))
        }
        return try fullIdentifier(what)
    }

    /// An integer literal's value: decimal, hex (`0x1F`) or octal (`017`); nil when it is not one or does not fit.
    func integerValue(_ token: ProtoToken) -> Int? {
        guard token.kind == .integer else { return nil }
        let text = token.value
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return Int(text.dropFirst(2), radix: 16) }
        if text.count > 1 && text.hasPrefix("0") { return Int(text.dropFirst(), radix: 8) }
        return Int(text)
    }

    /// Skips a `{ … }` block, nested braces included; the current token is its `{`.
    mutating func skipBraces() throws(ProtoParseError) {
        let open = take()
        var depth = 1
        while depth > 0 {
            let next = take()
            if next.kind == .end { throw error(at: open, "this '{' is never closed") }
            if next.isSymbol("{") { depth += 1 }
            if next.isSymbol("}") { depth -= 1 }
        }
    }
}
