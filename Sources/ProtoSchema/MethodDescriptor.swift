/// A service method, as a gRPC call needs it.
public struct MethodDescriptor: Sendable, Equatable {
    /// The service's full name: `helloworld.Greeter`.
    public let service: String
    /// `SayHello`.
    public let name: String
    /// The HTTP/2 `:path` of a call: `/helloworld.Greeter/SayHello`.
    public let fullName: String
    /// The request message's full name: `helloworld.HelloRequest`.
    public let inputType: String
    /// The response message's full name: `helloworld.HelloReply`.
    public let outputType: String
    /// Whether the client sends a stream of requests.
    public let clientStreaming: Bool
    /// Whether the server answers with a stream of responses.
    public let serverStreaming: Bool

    public init(
        service: String, name: String, inputType: String, outputType: String, clientStreaming: Bool = false,
        serverStreaming: Bool = false
    ) {
        self.service = service
        self.name = name
        fullName = "/\(service)/\(name)"
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
    }
}
