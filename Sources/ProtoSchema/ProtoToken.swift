/// A token of the `.proto` language, with where it starts.
struct ProtoToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A name or keyword: `message`, `int32`, `HelloRequest`.
        case identifier
        /// An integer literal as written: `12`, `0x1F`, `017`.
        case integer
        /// A floating-point literal as written: `1.5`, `2e10`.
        case float
        /// A string literal; `value` holds it with escapes decoded (adjacent literals are separate tokens).
        case string
        /// One punctuation character: `;`, `{`, `=`, `<`, `.`.
        case symbol
        /// The end of the file.
        case end
    }

    var kind: Kind
    /// The identifier, the number's text, the punctuation character or the string's decoded value.
    var value: String
    var line: Int
    var column: Int

    /// How errors quote it: `'int32'`, `"grpc.proto"`, `end of file`.
    var quoted: String {
        switch kind {
        case .end: "end of file"
        case .string: "string \"\(value)\""
        default: "'\(value)'"
        }
    }

    func isSymbol(_ symbol: Character) -> Bool { kind == .symbol && value == String(symbol) }
    func isIdentifier(_ word: String) -> Bool { kind == .identifier && value == word }
}
