import EchoBackend
import GRPCCore

/// echo-basic's gRPC mode: Echo and EchoTwo answer with the call as the server saw it, EchoThree is unimplemented.
struct GrpcEchoService: GatewayApiConformance_EchoBasic_Grpcecho_GrpcEcho.ServiceProtocol {
    typealias Request = GatewayApiConformance_EchoBasic_Grpcecho_EchoRequest
    typealias Response = GatewayApiConformance_EchoBasic_Grpcecho_EchoResponse

    let context: EchoServer.Context

    func echo(request: ServerRequest<Request>, context: ServerContext) async throws -> ServerResponse<Response> {
        ServerResponse(message: answer(request.metadata, method: context.descriptor))
    }

    func echoTwo(request: ServerRequest<Request>, context: ServerContext) async throws -> ServerResponse<Response> {
        ServerResponse(message: answer(request.metadata, method: context.descriptor))
    }

    func echoThree(request: ServerRequest<Request>, context: ServerContext) async throws -> ServerResponse<Response> {
        throw RPCError(code: .unimplemented, message: "method EchoThree not implemented")
    }

    /// The call's method, its metadata (pseudo-headers included, one entry per value, names in lower case), its
    /// authority and the pod's identity.
    func answer(_ metadata: Metadata, method: MethodDescriptor) -> Response {
        var assertions = GatewayApiConformance_EchoBasic_Grpcecho_Assertions()
        assertions.fullyQualifiedMethod = "/" + method.fullyQualifiedMethod
        for (key, value) in metadata {
            var header = GatewayApiConformance_EchoBasic_Grpcecho_Header()
            header.key = key.lowercased()
            switch value {
            case .string(let text): header.value = text
            case .binary(let bytes): header.value = String(decoding: bytes, as: UTF8.self)
            }
            assertions.headers.append(header)
            if header.key == ":authority" { assertions.authority = header.value }
        }
        var identity = GatewayApiConformance_EchoBasic_Grpcecho_Context()
        identity.namespace = context.namespace
        identity.ingress = context.ingress
        identity.serviceName = context.service
        identity.pod = context.pod
        assertions.context = identity
        var response = Response()
        response.assertions = assertions
        return response
    }
}
