/// The messages, enums and services of one or more parsed `.proto` files, every type name resolved: what a gRPC
/// call needs to find a method and to encode its request and decode its response (see ``ProtoJSON``).
///
/// Type names resolve across all the files given, as if each imported the others. Imports must still be satisfied:
/// each names a given file (its name, or its end after a `/`) or one of the built-in `google/protobuf/` files
/// (`any`, `duration`, `empty`, `field_mask`, `struct`, `timestamp`, `wrappers`), which are added when imported and
/// not given.
public struct ProtoSchema: Sendable {
    /// The files given, then the built-in files their imports added.
    public let files: [ProtoFile]
    /// Every service, sorted by full name (as `grpcurl list` prints them).
    public let services: [ServiceDescriptor]
    let messages: [String: MessageDescriptor]
    let enums: [String: EnumDescriptor]

    /// Resolves `files` into a schema. Fails on an import not given, a type name that resolves to nothing (naming the
    /// file, line and name), a name declared twice, or a method whose request or response is not a message.
    public init(files: [ProtoFile]) throws(ProtoSchemaError) {
        let files = try SchemaBuilder.withImports(files)
        var builder = SchemaBuilder()
        for file in files { try builder.declare(file) }
        for file in files { try builder.build(file) }
        self.files = files
        messages = builder.messages
        enums = builder.enums
        services = builder.services.sorted { $0.fullName < $1.fullName }
    }

    /// The message with this full name (a leading dot is allowed).
    public func message(_ name: String) -> MessageDescriptor? {
        messages[Self.withoutLeadingDot(name)]
    }

    /// The enum with this full name (a leading dot is allowed).
    public func enumeration(_ name: String) -> EnumDescriptor? {
        enums[Self.withoutLeadingDot(name)]
    }

    /// The service with this full name (a leading dot is allowed).
    public func service(_ name: String) -> ServiceDescriptor? {
        let name = Self.withoutLeadingDot(name)
        return services.first { $0.fullName == name }
    }

    /// The method `fullMethod` names: `helloworld.Greeter/SayHello`, `helloworld.Greeter.SayHello` or
    /// `/helloworld.Greeter/SayHello`. Fails with what exists: the services when none has the name, the service's
    /// methods when it has no such method.
    public func method(_ fullMethod: String) throws(ProtoLookupError) -> MethodDescriptor {
        let name = fullMethod.hasPrefix("/") ? String(fullMethod.dropFirst()) : fullMethod
        guard let separator = name.lastIndex(of: "/") ?? name.lastIndex(of: "."), service(name) == nil else {
            throw .invalidMethodName(fullMethod)
        }
        let serviceName = String(name[..<separator])
        let methodName = String(name[name.index(after: separator)...])
        guard !serviceName.isEmpty, !methodName.isEmpty else { throw .invalidMethodName(fullMethod) }
        guard let service = service(serviceName) else {
            throw .noService(serviceName, services: services.map(\.fullName))
        }
        guard let method = service.methods.first(where: { $0.name == methodName }) else {
            throw .noMethod(methodName, service: service.fullName, methods: service.methods.map(\.name))
        }
        return method
    }

    static func withoutLeadingDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}
