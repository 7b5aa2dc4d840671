extension ProtoSchema {
    /// A service, method, message or enum as `grpcurl describe` shows it: a line naming what it is, then its
    /// declaration in `.proto` form with type names fully qualified (`.pkg.Type`). Comments and options other than
    /// `json_name` and `allow_alias` are not shown. No newline at the end.
    ///
    ///     helloworld.Greeter is a service:
    ///     service Greeter {
    ///       rpc SayHello ( .helloworld.HelloRequest ) returns ( .helloworld.HelloReply );
    ///     }
    public func describe(_ symbol: String) throws(ProtoLookupError) -> String {
        let name = Self.withoutLeadingDot(symbol)
        if let service = service(name) {
            var lines = ["service \(service.name) {"]
            lines += service.methods.map { "  " + Self.declaration(of: $0) }
            return "\(name) is a service:\n" + (lines + ["}"]).joined(separator: "\n")
        }
        if let message = message(name) {
            return "\(name) is a message:\n" + declaration(of: message, indent: "").joined(separator: "\n")
        }
        if let enumeration = enumeration(name) {
            return "\(name) is an enum:\n" + Self.declaration(of: enumeration, indent: "").joined(separator: "\n")
        }
        if let dot = name.lastIndex(of: "."), let service = service(String(name[..<dot])),
            let method = service.methods.first(where: { $0.name == name[name.index(after: dot)...] })
        {
            return "\(name) is a method:\n" + Self.declaration(of: method)
        }
        throw .noSymbol(symbol)
    }

    /// `rpc Name ( stream .pkg.Request ) returns ( .pkg.Response );`.
    private static func declaration(of method: MethodDescriptor) -> String {
        let input = (method.clientStreaming ? "stream " : "") + "." + method.inputType
        let output = (method.serverStreaming ? "stream " : "") + "." + method.outputType
        return "rpc \(method.name) ( \(input) ) returns ( \(output) );"
    }

    /// A message's lines: fields in declaration order (oneof members in their block), nested enums and messages
    /// (map entries show as `map<K, V>` fields instead), reserved numbers and names.
    private func declaration(of message: MessageDescriptor, indent: String) -> [String] {
        var lines = [indent + "message \(message.name) {"]
        let inner = indent + "  "
        var oneofsShown: Set<String> = []
        for field in message.fields {
            guard let oneof = field.oneof else {
                lines.append(inner + declaration(of: field))
                continue
            }
            guard oneofsShown.insert(oneof).inserted else { continue }
            lines.append(inner + "oneof \(oneof) {")
            for member in message.fields where member.oneof == oneof {
                lines.append(inner + "  " + declaration(of: member))
            }
            lines.append(inner + "}")
        }
        for name in message.nestedEnums {
            lines += Self.declaration(of: enumeration(name)!, indent: inner)
        }
        for name in message.nestedMessages {
            let nested = self.message(name)!
            if !nested.isMapEntry { lines += declaration(of: nested, indent: inner) }
        }
        if !message.reservedNumbers.isEmpty {
            let ranges = message.reservedNumbers.map { range in
                let upper = range.upperBound == ProtoField.maxNumber ? "max" : "\(range.upperBound)"
                return range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound) to \(upper)"
            }
            lines.append(inner + "reserved " + ranges.joined(separator: ", ") + ";")
        }
        if !message.reservedNames.isEmpty {
            lines.append(inner + "reserved " + message.reservedNames.map { "\"\($0)\"" }.joined(separator: ", ") + ";")
        }
        return lines + [indent + "}"]
    }

    /// `repeated .pkg.Header headers = 1 [json_name = "h"];`, `map<string, int32> counts = 2;`.
    private func declaration(of field: FieldDescriptor) -> String {
        var text: String
        if field.isMap, case .message(let entryName) = field.type, let entry = message(entryName) {
            text = "map<\(Self.typeName(entry.fields[0].type)), \(Self.typeName(entry.fields[1].type))> "
        } else {
            text = field.label == .none ? "" : field.label.rawValue + " "
            text += Self.typeName(field.type) + " "
        }
        text += "\(field.name) = \(field.number)"
        if field.hasExplicitJSONName { text += " [json_name = \"\(field.jsonName)\"]" }
        return text + ";"
    }

    private static func typeName(_ type: FieldType) -> String {
        switch type {
        case .scalar(let scalar): scalar.rawValue
        case .message(let name), .enumeration(let name): "." + name
        }
    }

    private static func declaration(of enumeration: EnumDescriptor, indent: String) -> [String] {
        var lines = [indent + "enum \(enumeration.name) {"]
        if enumeration.allowAlias { lines.append(indent + "  option allow_alias = true;") }
        lines += enumeration.values.map { indent + "  \($0.name) = \($0.number);" }
        return lines + [indent + "}"]
    }
}
