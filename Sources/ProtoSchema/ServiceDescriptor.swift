/// A service and its methods.
public struct ServiceDescriptor: Sendable, Equatable {
    /// `helloworld.Greeter`.
    public let fullName: String
    /// `Greeter`.
    public let name: String
    /// The file that declares it.
    public let file: String
    /// Methods in declaration order.
    public let methods: [MethodDescriptor]
    /// Where the declaration starts.
    public let location: ProtoLocation
}
