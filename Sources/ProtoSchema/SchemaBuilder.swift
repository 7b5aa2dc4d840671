/// Builds a ``ProtoSchema``'s descriptors from parsed files: every declared name in one table, then each type name
/// resolved against it with protobuf's scoping rules.
struct SchemaBuilder {
    /// What a fully-qualified name declares.
    private enum Symbol {
        case package
        case message
        case enumeration
        case service

        /// Whether names can be looked up inside it (`Outer.Inner`, `pkg.Type`).
        var isAggregate: Bool { self != .enumeration }
    }

    private var symbols: [String: Symbol] = [:]
    /// Where each message, enum and service is declared.
    private var declarations: [String: ProtoLocation] = [:]
    private(set) var messages: [String: MessageDescriptor] = [:]
    private(set) var enums: [String: EnumDescriptor] = [:]
    private(set) var services: [ServiceDescriptor] = []

    /// `files` followed by the built-in files their imports need. Every import must name a given file (its whole
    /// name, or the end of it after a `/`) or a built-in one.
    static func withImports(_ files: [ProtoFile]) throws(ProtoSchemaError) -> [ProtoFile] {
        var result: [ProtoFile] = []
        for file in files {
            if result.contains(where: { $0.name == file.name }) {
                throw ProtoSchemaError(
                    file: file.name, line: 1, column: 1, message: "the file \(file.name) is given twice")
            }
            result.append(file)
        }
        var unchecked = result
        while let file = unchecked.popLast() {
            for anImport in file.imports where !result.contains(where: { provides($0, anImport.path) }) {
                guard let builtIn = WellKnownFiles.files[anImport.path] else {
                    throw ProtoSchemaError(
                        anImport.location,
                        "import \"\(anImport.path)\" was not found; give that file too (built in: "
                            + WellKnownFiles.paths.joined(separator: ", ") + ")")
                }
                result.append(builtIn)
                unchecked.append(builtIn)
            }
        }
        return result
    }

    private static func provides(_ file: ProtoFile, _ path: String) -> Bool {
        file.name == path || file.name.hasSuffix("/" + path)
    }

    static func qualified(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    // MARK: - Declaring

    /// Adds the file's package, messages (map entries included), enums and services to the name table.
    mutating func declare(_ file: ProtoFile) throws(ProtoSchemaError) {
        var prefix = ""
        for part in file.package.split(separator: ".") {
            prefix = Self.qualified(prefix, String(part))
            if symbols[prefix] == nil { symbols[prefix] = .package }
        }
        for message in file.messages { try declare(message, scope: file.package) }
        for enumeration in file.enums {
            try add(Self.qualified(file.package, enumeration.name), .enumeration, at: enumeration.location)
        }
        for service in file.services {
            try add(Self.qualified(file.package, service.name), .service, at: service.location)
        }
    }

    private mutating func declare(_ message: ProtoMessage, scope: String) throws(ProtoSchemaError) {
        let fullName = Self.qualified(scope, message.name)
        try add(fullName, .message, at: message.location)
        for field in message.fields {
            if case .map = field.type {
                let entry = Self.qualified(fullName, FieldDescriptor.mapEntryName(for: field.name))
                try add(entry, .message, at: field.location)
            }
        }
        for nested in message.messages { try declare(nested, scope: fullName) }
        for enumeration in message.enums {
            try add(Self.qualified(fullName, enumeration.name), .enumeration, at: enumeration.location)
        }
    }

    private mutating func add(_ name: String, _ symbol: Symbol, at location: ProtoLocation) throws(ProtoSchemaError) {
        if symbols[name] != nil {
            let previous = declarations[name].map { "at \($0)" } ?? "as a package"
            throw ProtoSchemaError(location, "\(name) is already declared \(previous)")
        }
        symbols[name] = symbol
        declarations[name] = location
    }

    // MARK: - Building

    /// Builds the file's descriptors, resolving every type name.
    mutating func build(_ file: ProtoFile) throws(ProtoSchemaError) {
        for message in file.messages { try build(message, scope: file.package, file: file) }
        for enumeration in file.enums { build(enumeration, scope: file.package, file: file) }
        for service in file.services { try build(service, file: file) }
    }

    private mutating func build(_ message: ProtoMessage, scope: String, file: ProtoFile) throws(ProtoSchemaError) {
        let fullName = Self.qualified(scope, message.name)
        var nestedMessages: [String] = []
        var fields: [FieldDescriptor] = []
        for field in message.fields {
            fields.append(try build(field, in: message, fullName: fullName, file: file, entries: &nestedMessages))
        }
        for nested in message.messages {
            nestedMessages.append(Self.qualified(fullName, nested.name))
            try build(nested, scope: fullName, file: file)
        }
        for enumeration in message.enums { build(enumeration, scope: fullName, file: file) }
        messages[fullName] = MessageDescriptor(
            fullName: fullName, name: message.name, file: file.name, syntax: file.syntax, fields: fields,
            oneofs: message.oneofs, nestedMessages: nestedMessages,
            nestedEnums: message.enums.map { Self.qualified(fullName, $0.name) },
            reservedNumbers: message.reservedNumbers, reservedNames: message.reservedNames, location: message.location)
    }

    /// A field's descriptor; a map field's entry message is built too and its name added to `entries`.
    private mutating func build(
        _ field: ProtoField, in message: ProtoMessage, fullName: String, file: ProtoFile, entries: inout [String]
    ) throws(ProtoSchemaError) -> FieldDescriptor {
        let context = "in message \(fullName)"
        var type: FieldType
        var label = field.label
        var isMap = false
        switch field.type {
        case .scalar(let scalar):
            type = .scalar(scalar)
        case .named(let name):
            type = try resolve(name, scope: fullName, at: field.typeLocation, context: context)
        case .map(let key, let value):
            let valueType: FieldType
            switch value {
            case .named(let name):
                valueType = try resolve(name, scope: fullName, at: field.typeLocation, context: context)
            case .scalar(let scalar): valueType = .scalar(scalar)
            case .map: preconditionFailure("the parser refuses maps of maps")
            }
            let entryName = FieldDescriptor.mapEntryName(for: field.name)
            let entry = Self.qualified(fullName, entryName)
            messages[entry] = MessageDescriptor(
                fullName: entry, name: entryName, file: file.name, syntax: file.syntax,
                fields: [
                    Self.entryField("key", 1, .scalar(key)), Self.entryField("value", 2, valueType),
                ],
                isMapEntry: true, location: field.location)
            entries.append(entry)
            type = .message(entry)
            label = .repeated
            isMap = true
        }
        return FieldDescriptor(
            name: field.name, jsonName: field.jsonName ?? FieldDescriptor.jsonName(for: field.name),
            number: field.number, label: label, type: type, isMap: isMap, oneof: field.oneof.map { message.oneofs[$0] },
            isPacked: label == .repeated && type.isPackable && (field.packed ?? (file.syntax == .proto3)),
            hasPresence: label != .repeated
                && (file.syntax == .proto2 || label == .optional || field.oneof != nil || type.isMessage),
            hasExplicitJSONName: field.jsonName != nil)
    }

    /// A map entry's `key` or `value` field.
    private static func entryField(_ name: String, _ number: Int, _ type: FieldType) -> FieldDescriptor {
        FieldDescriptor(
            name: name, jsonName: name, number: number, label: .none, type: type, isMap: false, oneof: nil,
            isPacked: false, hasPresence: type.isMessage, hasExplicitJSONName: false)
    }

    private mutating func build(_ enumeration: ProtoEnum, scope: String, file: ProtoFile) {
        let fullName = Self.qualified(scope, enumeration.name)
        enums[fullName] = EnumDescriptor(
            fullName: fullName, name: enumeration.name, file: file.name,
            values: enumeration.values.map { EnumDescriptor.Value(name: $0.name, number: $0.number) },
            allowAlias: enumeration.allowAlias, location: enumeration.location)
    }

    private mutating func build(_ service: ProtoService, file: ProtoFile) throws(ProtoSchemaError) {
        let fullName = Self.qualified(file.package, service.name)
        var methods: [MethodDescriptor] = []
        for method in service.methods {
            let context = "in method \(fullName).\(method.name)"
            let input = try resolveMessage(
                method.inputType, scope: fullName, at: method.inputLocation, context: context)
            let output = try resolveMessage(
                method.outputType, scope: fullName, at: method.outputLocation, context: context)
            methods.append(
                MethodDescriptor(
                    service: fullName, name: method.name, inputType: input, outputType: output,
                    clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming))
        }
        services.append(
            ServiceDescriptor(
                fullName: fullName, name: service.name, file: file.name, methods: methods, location: service.location))
    }

    // MARK: - Resolving

    private func resolveMessage(
        _ name: String, scope: String, at location: ProtoLocation, context: String
    ) throws(ProtoSchemaError) -> String {
        switch try resolve(name, scope: scope, at: location, context: context) {
        case .message(let fullName): return fullName
        case .enumeration(let fullName):
            throw ProtoSchemaError(location, "'\(name)' \(context) is enum \(fullName); a method takes messages")
        case .scalar(let scalar):
            throw ProtoSchemaError(location, "'\(name)' \(context) is the scalar \(scalar); a method takes messages")
        }
    }

    /// Resolves a message or enum name as protoc does: a name with a leading dot is fully qualified; otherwise its
    /// first component is looked for in `scope`, then in each enclosing scope out to the root, and the rest of a
    /// dotted name must be found inside what the first component names.
    private func resolve(
        _ name: String, scope: String, at location: ProtoLocation, context: String
    ) throws(ProtoSchemaError) -> FieldType {
        if name.hasPrefix(".") {
            return try type(named: String(name.dropFirst()), written: name, at: location, context: context)
        }
        let first = String(name.prefix { $0 != "." })
        var scope = scope
        while true {
            let candidate = Self.qualified(scope, first)
            if let symbol = symbols[candidate] {
                if first.count < name.count, symbol.isAggregate {
                    let fullName = Self.qualified(scope, name)
                    guard symbols[fullName] != nil else {
                        throw ProtoSchemaError(
                            location,
                            "unknown type '\(name)' \(context): '\(first)' is \(candidate), which declares no "
                                + "'\(name.dropFirst(first.count + 1))'; a leading '.' searches from the outermost "
                                + "scope")
                    }
                    return try type(named: fullName, written: name, at: location, context: context)
                }
                if first.count == name.count, let type = type(candidate) { return type }
            }
            if scope.isEmpty { break }
            scope = String(scope[..<(scope.lastIndex(of: ".") ?? scope.startIndex)])
        }
        throw ProtoSchemaError(location, "unknown type '\(name)' \(context)")
    }

    private func type(
        named fullName: String, written: String, at location: ProtoLocation, context: String
    ) throws(ProtoSchemaError) -> FieldType {
        if let type = type(fullName) { return type }
        guard let symbol = symbols[fullName] else {
            throw ProtoSchemaError(location, "unknown type '\(written)' \(context)")
        }
        let kind = symbol == .package ? "package" : "service"
        throw ProtoSchemaError(location, "'\(written)' \(context) is a \(kind), not a message or enum")
    }

    /// The message or enum declared with this full name.
    private func type(_ fullName: String) -> FieldType? {
        switch symbols[fullName] {
        case .message: .message(fullName)
        case .enumeration: .enumeration(fullName)
        default: nil
        }
    }
}
