/// A parsed `.proto` file: its syntax, package, imports and top-level declarations, as written. Type names are kept as
/// written (relative or with a leading dot); ``ProtoSchema`` resolves them. Options are read only where they change how
/// messages are encoded or printed (`json_name`, `packed`, `allow_alias`).
public struct ProtoFile: Sendable, Equatable {
    /// The name the caller gave the file, as imports name it (`grpc.proto`, `google/protobuf/empty.proto`).
    public var name: String
    public var syntax: ProtoSyntax
    /// The package, dotted; empty when the file declares none.
    public var package: String
    public var imports: [ProtoImport]
    public var messages: [ProtoMessage]
    public var enums: [ProtoEnum]
    public var services: [ProtoService]

    public init(
        name: String, syntax: ProtoSyntax, package: String = "", imports: [ProtoImport] = [],
        messages: [ProtoMessage] = [], enums: [ProtoEnum] = [], services: [ProtoService] = []
    ) {
        self.name = name
        self.syntax = syntax
        self.package = package
        self.imports = imports
        self.messages = messages
        self.enums = enums
        self.services = services
    }
}

/// The `syntax` a file declares; `proto2` when it declares none, as protoc assumes.
public enum ProtoSyntax: String, Sendable, Equatable {
    case proto2
    case proto3
}
