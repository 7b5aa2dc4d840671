import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// The probes behind doctor's backend rules: for each route the rules will check, one request through its Gateway
/// (with the error-log lines nginx wrote for it), its backend's endpoints asked plain and TLS, and the extra looks
/// a mismatch needs (which CA ConfigMap would verify a TLS backend; a refused certificate's chain).
public enum DoctorProbe {
    public static func observe(
        _ routes: [RouteNode], graph: Graph, dataplane: DataplaneFacts, snapshot: ResourceSnapshot
    ) -> [ObjectRef: RouteObservation] {
        guard dataplane.running, !dataplane.managedElsewhere else { return [:] }
        var observations: [ObjectRef: RouteObservation] = [:]
        // GRPCRoutes are called in gRPC (observeGRPC), not with an HTTP/1.1 GET.
        for route in routes where route.grpc == nil {
            guard let parent = route.parents.first(where: \.accepted), let gateway = parent.gateway,
                let facts = dataplane.gateways[gateway.namespacedName],
                let binding = facts.bindings.first(where: {
                    parent.listeners.contains($0.listener) && $0.protocol == .http
                })
            else { continue }
            let listener = graph.gateway(gateway)?.listeners.first { $0.name == binding.listener }
            guard let recipe = RouteRequestRecipe.request(for: route, listener: listener) else { continue }
            let url = "http://\(recipe.host):\(binding.port)\(recipe.target)"
            let resolve = "\(recipe.host):\(binding.port):\(binding.address)"
            let backends = BackendProbe.analyse(
                url: url, resolve: [resolve], method: recipe.method, headers: recipe.headerLines, graph: graph,
                dataplane: dataplane, snapshot: snapshot)
            let tail = ErrorLogTail(path: facts.errorLog)
            var request = HTTPProbe.Request(url: url, resolve: [resolve], headers: recipe.headerLines)
            if recipe.method != "GET" { request.method = recipe.method }
            let through = HTTPProbe.perform(request)
            usleep(50_000)  // nginx writes the request's error-log lines as it handles it
            var observation = RouteObservation(
                url: url, throughGateway: through, errorLogLines: tail.newLines(), backends: backends)
            for report in backends where !report.agrees && report.policy == nil && report.backendSpeaks == .tls {
                let (ip, port) = report.address
                observation.trustedCA[report.endpoint] = .some(
                    trustedCAConfigMap(
                        namespace: namespace(of: report), hostname: report.tls.peerChain.first?.hostname ?? recipe.host,
                        ip: ip, port: port, snapshot: snapshot))
            }
            for report in backends
            where report.policy != nil && report.backendSpeaks == .tls && (report.tls.verifyResult ?? 0) != 0
                && report.tls.peerChain.isEmpty
            {
                // A failed verification stops the handshake before the chain is reported: look again without verifying.
                let (ip, port) = report.address
                let sni = report.sni ?? recipe.host
                var look = HTTPProbe.Request(url: "https://\(sni):\(port)/", resolve: ["\(sni):\(port):\(ip)"])
                look.insecure = true
                observation.unverifiedChains[report.endpoint] = HTTPProbe.perform(look).peerChain
            }
            observations[route.ref] = observation
        }
        return observations
    }

    static func namespace(of report: BackendReport) -> String {
        let service = report.service.split(separator: ":").first.map(String.init) ?? report.service
        return service.split(separator: "/", maxSplits: 1).count == 2
            ? String(service.split(separator: "/")[0]) : "default"
    }

    /// A ConfigMap in the namespace whose ca.crt verifies the backend (a real TLS handshake with it as the only CA).
    static func trustedCAConfigMap(
        namespace: String, hostname: String, ip: String, port: Int, snapshot: ResourceSnapshot
    ) -> String? {
        for configMap in snapshot.configMaps where configMap.namespace == namespace {
            guard let ca = configMap.data?["ca.crt"], !ca.isEmpty else { continue }
            var request = HTTPProbe.Request(url: "https://\(hostname):\(port)/", resolve: ["\(hostname):\(port):\(ip)"])
            request.caPEM = ca
            if HTTPProbe.perform(request).verifyResult == 0 { return configMap.name }
        }
        return nil
    }
}

extension DoctorProbe {
    /// For each GRPCRoute: a call of its first method through its Gateway with an empty message (valid for any
    /// method's input); when the call fails on the way to the backend, each endpoint asked directly in gRPC and
    /// with a plain HTTP/1.1 GET.
    public static func observeGRPC(
        _ routes: [RouteNode], dataplane: DataplaneFacts, snapshot: ResourceSnapshot
    ) -> [ObjectRef: GRPCRouteObservation] {
        guard dataplane.running, !dataplane.managedElsewhere else { return [:] }
        var observations: [ObjectRef: GRPCRouteObservation] = [:]
        for route in routes {
            guard let grpc = route.grpc, let parent = route.parents.first(where: \.accepted),
                let gateway = parent.gateway, let facts = dataplane.gateways[gateway.namespacedName],
                let binding = facts.bindings.first(where: { parent.listeners.contains($0.listener) })
            else { continue }
            let method = (grpc.spec.rules ?? []).flatMap { $0.matches ?? [] }.compactMap(\.method).first {
                $0.service != nil && $0.method != nil
            }
            let service = method?.service ?? "grpc.health.v1.Health"
            let name = method?.method ?? "Check"
            let authority = route.source.spec.hostnames?.first { !$0.hasPrefix("*") }
            let through = GRPCProbe.call(
                GRPCProbe.Request(
                    host: binding.address, port: binding.port, authority: authority, service: service, method: name,
                    security: binding.protocol == .https ? .tls(caFile: nil) : .plaintext, timeoutSeconds: 5))
            var endpoints: [GRPCRouteObservation.Endpoint] = []
            if GRPCRouteObservation.transportFailures.contains(through.status) {
                for rule in route.rules where rule.dropped == nil {
                    for backend in rule.backends where backend.valid {
                        guard let ref = backend.service, let port = backend.port else { continue }
                        for address in Endpoints.addresses(
                            service: ref, port: port, portName: backend.portName, snapshot: snapshot)
                        {
                            guard let colon = address.lastIndex(of: ":"),
                                let endpointPort = Int(address[address.index(after: colon)...])
                            else { continue }
                            let host = String(address[..<colon])
                            let direct = GRPCProbe.call(
                                GRPCProbe.Request(
                                    host: host, port: endpointPort, service: service, method: name, timeoutSeconds: 3))
                            let http1 = HTTPProbe.get("http://\(address)/", timeoutSeconds: 3)
                            endpoints.append(
                                GRPCRouteObservation.Endpoint(
                                    service: "Service \(ref.namespacedName):\(port)", endpoint: address, grpc: direct,
                                    http1Status: http1.status > 0 ? http1.status : nil))
                        }
                    }
                }
            }
            observations[route.ref] = GRPCRouteObservation(throughGateway: through, endpoints: endpoints)
        }
        return observations
    }
}
