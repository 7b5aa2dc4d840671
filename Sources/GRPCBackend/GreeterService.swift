import GRPCCore

/// grpc-go's helloworld greeter, which `ghcr.io/nginx/kic-test-grpc-server` runs.
struct GreeterService: Helloworld_Greeter.SimpleServiceProtocol {
    let log: GoLog

    func sayHello(request: Helloworld_HelloRequest, context: ServerContext) async throws -> Helloworld_HelloReply {
        log.print("Received: \(request.name)")
        var reply = Helloworld_HelloReply()
        reply.message = "Hello " + request.name
        return reply
    }
}
