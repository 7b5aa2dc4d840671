/// A `service` declaration as written.
public struct ProtoService: Sendable, Equatable {
    public var name: String
    /// Methods in declaration order.
    public var methods: [ProtoMethod]
    /// Where the declaration starts.
    public var location: ProtoLocation

    public init(name: String, methods: [ProtoMethod], location: ProtoLocation) {
        self.name = name
        self.methods = methods
        self.location = location
    }
}

/// An `rpc` declaration: `rpc SayHello (HelloRequest) returns (stream HelloReply);`.
public struct ProtoMethod: Sendable, Equatable {
    public var name: String
    /// The request message name as written.
    public var inputType: String
    /// The response message name as written.
    public var outputType: String
    public var clientStreaming: Bool
    public var serverStreaming: Bool
    /// Where the declaration starts.
    public var location: ProtoLocation
    /// Where the request and response type names are written, for errors about them.
    public var inputLocation: ProtoLocation
    public var outputLocation: ProtoLocation

    public init(
        name: String, inputType: String, outputType: String, clientStreaming: Bool = false,
        serverStreaming: Bool = false, location: ProtoLocation, inputLocation: ProtoLocation? = nil,
        outputLocation: ProtoLocation? = nil
    ) {
        self.name = name
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.location = location
        self.inputLocation = inputLocation ?? location
        self.outputLocation = outputLocation ?? location
    }
}
