import GatewayAPI
import GatewayCore

/// What doctor saw of a GRPCRoute: one call of its first method through the Gateway (an empty message, valid for
/// any method), and, when that failed, each endpoint asked directly in gRPC and in HTTP/1.1.
public struct GRPCRouteObservation: Sendable {
    public struct Endpoint: Sendable {
        /// `Service ns/name:port`.
        public var service: String
        /// `address:port`.
        public var endpoint: String
        public var grpc: GRPCCallResult
        /// The HTTP/1.1 status the endpoint answered a plain GET with (nil: no HTTP/1.1 answer).
        public var http1Status: Int?

        public init(service: String, endpoint: String, grpc: GRPCCallResult, http1Status: Int?) {
            self.service = service
            self.endpoint = endpoint
            self.grpc = grpc
            self.http1Status = http1Status
        }
    }

    public var throughGateway: GRPCCallResult
    public var endpoints: [Endpoint]

    /// The statuses of a call that failed on the way to the backend (nginx could not speak gRPC to it).
    public static let transportFailures: Set<GRPCStatusCode> = [.unavailable, .internal, .unknown]

    public init(throughGateway: GRPCCallResult, endpoints: [Endpoint]) {
        self.throughGateway = throughGateway
        self.endpoints = endpoints
    }
}

/// Findings from a GRPCRoute's calls.
enum GRPCRouteRules {
    static func findings(_ route: RouteNode, _ observation: GRPCRouteObservation) -> [Finding] {
        let through = observation.throughGateway
        guard GRPCRouteObservation.transportFailures.contains(through.status) else { return [] }
        return observation.endpoints.compactMap { endpoint -> Finding? in
            // The endpoint takes no HTTP/2 but answers HTTP/1.1: an HTTP server where a gRPC server should be.
            guard
                endpoint.grpc.transportError != nil
                    || GRPCRouteObservation.transportFailures.contains(endpoint.grpc.status),
                let status = endpoint.http1Status
            else { return nil }
            return Finding(
                .backendNotGRPC, .error, objects: [route.ref.description, endpoint.service],
                summary:
                    "\(endpoint.service) answers HTTP/1.1, not gRPC (HTTP/2): calls through the Gateway end with \(through.status.rawValue) \(through.status.name)",
                evidence: [
                    "through the Gateway: \(through.method) → \(through.status.rawValue) \(through.status.name): \(through.message)",
                    "endpoint \(endpoint.endpoint) over HTTP/2: \(endpoint.grpc.transportError ?? "\(endpoint.grpc.status.rawValue) \(endpoint.grpc.status.name): \(endpoint.grpc.message)")",
                    "endpoint \(endpoint.endpoint) over HTTP/1.1: HTTP \(status)",
                ],
                fix:
                    "point the GRPCRoute's backendRef at the gRPC server's Service port, or route this HTTP backend with an HTTPRoute"
            )
        }
    }
}
