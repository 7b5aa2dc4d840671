/// Parses `.proto` files: the proto2 and proto3 language as service definitions use it.
///
/// Read: `syntax`, `package`, `import` (`public`, `weak`), `message` (nested messages and enums, `oneof`,
/// `map<K, V>`, `repeated`, `optional`, `required`, `reserved`), `enum` (`option allow_alias`), `service` with `rpc`
/// methods (streaming or not, with or without an options body), comments and string escapes. Options are parsed and
/// dropped, except the field options `json_name` and `packed` and the enum option `allow_alias`. `extend` blocks and
/// `extensions` ranges are skipped. Groups and editions are refused with an error saying so.
public enum ProtoParser {
    /// Parses `text`; `file` names it in the result and in errors (give the path imports use for it).
    public static func parse(_ text: String, file: String) throws(ProtoParseError) -> ProtoFile {
        var parser = ProtoFileParser(tokens: try ProtoLexer.tokens(text, file: file), file: file)
        return try parser.parseFile()
    }
}
