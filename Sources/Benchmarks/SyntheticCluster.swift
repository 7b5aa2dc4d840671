import Foundation
import Probing

/// Synthetic manifests for benchmarks: one Gateway, N HTTPRoutes over N/10 hostnames (10 paths each) and up to
/// 10 namespaces, each rule to its own Service with an EndpointSlice, and a BackendTLSPolicy on a share of the
/// Services with one CA ConfigMap per namespace.
public struct SyntheticCluster {
    public var routes: Int
    /// The share of Services with a BackendTLSPolicy (0…1).
    public var tlsShare = 0.5
    /// The share of routes that are GRPCRoutes (0…1): each calls `/bench.SvcN/Get` on its host.
    public var grpcShare = 0.0
    /// The backend address endpoints point at.
    public var endpoint = "127.0.0.1"
    /// A CA certificate (PEM) for the ConfigMaps.
    public var caPEM: String

    public init(routes: Int, tlsShare: Double = 0.5, grpcShare: Double = 0, endpoint: String = "127.0.0.1") {
        self.routes = routes
        self.tlsShare = tlsShare
        self.grpcShare = grpcShare
        self.endpoint = endpoint
        caPEM = CertificateInspector.issue(commonName: "bench-ca", dnsName: nil, isCA: true)?.cert ?? ""
    }

    /// Whether route `index` is a GRPCRoute, and whether its Service has a BackendTLSPolicy.
    public func isGRPC(_ index: Int) -> Bool { grpcShare > 0 && index % grpcEvery == grpcEvery - 1 }
    public func isTLS(_ index: Int) -> Bool { tlsShare > 0 && index % tlsEvery == 0 }
    var tlsEvery: Int { tlsShare <= 0 ? Int.max : max(1, Int((1 / tlsShare).rounded())) }
    var grpcEvery: Int { grpcShare <= 0 ? Int.max : max(1, Int((1 / grpcShare).rounded())) }

    public var namespaces: [String] { (0..<min(10, max(1, routes / 100))).map { "bench-\($0)" } }

    public func namespace(of route: Int) -> String { namespaces[route % namespaces.count] }

    /// The multi-document YAML.
    public func manifests() -> String {
        var out = ""
        out.reserveCapacity(routes * 1_400)
        let caIndented = caPEM.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        out += """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: nginx}
            spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: bench-gw}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: bench, namespace: bench-gw}
            spec:
              gatewayClassName: nginx
              listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes: {namespaces: {from: All}}

            """
        for ns in namespaces {
            out += """
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: \(ns)}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: bench-ca, namespace: \(ns)}
                data:
                  ca.crt: |
                \(caIndented)

                """
        }
        for i in 0..<routes {
            let ns = namespace(of: i)
            out +=
                isGRPC(i)
                ? """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: grpc-\(i), namespace: \(ns)}
                spec:
                  parentRefs: [{name: bench, namespace: bench-gw}]
                  hostnames: [host-\(i / 10).example.com]
                  rules:
                  - matches: [{method: {service: bench.Svc\(i % 10), method: Get}}]
                    backendRefs: [{name: svc-\(i), port: 80}]

                """
                : """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: route-\(i), namespace: \(ns)}
                spec:
                  parentRefs: [{name: bench, namespace: bench-gw}]
                  hostnames: [host-\(i / 10).example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /p\(i % 10)}}]
                    backendRefs: [{name: svc-\(i), port: 80}]

                """
            out += """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc-\(i), namespace: \(ns)}
                spec:
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: svc-\(i)-1, namespace: \(ns), labels: {kubernetes.io/service-name: svc-\(i)}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints: [{addresses: [\(endpoint)], conditions: {ready: true}}]

                """
            if isTLS(i) {
                out += """
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: BackendTLSPolicy
                    metadata: {name: tls-\(i), namespace: \(ns)}
                    spec:
                      targetRefs: [{group: "", kind: Service, name: svc-\(i)}]
                      validation:
                        caCertificateRefs: [{group: "", kind: ConfigMap, name: bench-ca}]
                        hostname: svc-\(i).example.com

                    """
            }
        }
        return out
    }
}
