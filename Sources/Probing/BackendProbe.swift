import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// Finds the route rule and backend a Gateway request reaches, and asks each of its endpoints plain HTTP and TLS
/// (with the policy's CA and SNI when one is in effect, else without verifying).
public enum BackendProbe {
    public static func analyse(
        url: String, resolve: [String], method: String = "GET", headers: [String] = [], graph: Graph,
        dataplane: DataplaneFacts, snapshot: ResourceSnapshot
    ) -> [BackendReport] {
        guard let components = URLComponents(string: url), let host = components.host,
            let (_, decision) = decision(
                url: url, resolve: resolve, method: method, headers: headers, graph: graph, dataplane: dataplane),
            let match = decision.match
        else { return [] }
        let path = components.path.isEmpty ? "/" : components.path
        let route = match.route
        let rule = match.rule
        var reports: [BackendReport] = []
        for backend in rule.backends {
            guard let service = backend.service, let servicePort = backend.port else { continue }
            let policy = backend.policy.flatMap { graph.policy($0) }
            for endpoint in Endpoints.addresses(
                service: service, port: servicePort, portName: backend.portName, snapshot: snapshot)
            {
                let (ip, endpointPort) = BackendReport.split(endpoint)
                let plain = HTTPProbe.perform(
                    HTTPProbe.Request(url: "http://\(ip):\(endpointPort)\(path)", headers: ["Host: \(host)"]))
                let sni = policy?.source.spec.validation.hostname ?? host
                var tlsRequest = HTTPProbe.Request(
                    url: "https://\(sni):\(endpointPort)\(path)", resolve: ["\(sni):\(endpointPort):\(ip)"])
                if let ca = policy?.caCertificates {
                    tlsRequest.caPEM = ca
                } else if policy == nil {
                    tlsRequest.insecure = true
                }
                let tls = HTTPProbe.perform(tlsRequest)
                reports.append(
                    BackendReport(
                        route: route.ref.namespacedName, rule: rule.index,
                        service: "\(service.namespacedName):\(servicePort)",
                        endpoint: endpoint, policy: policy?.ref.namespacedName, sni: policy == nil ? nil : sni,
                        plain: plain, tls: tls))
            }
        }
        return reports
    }

    /// Which Gateway serves `url` here and which route, rule and match take the request (`RequestRouter`, as nginx
    /// decides): nil when no Gateway of this machine serves the address and port.
    public static func decision(
        url: String, resolve: [String], method: String = "GET", headers: [String] = [], graph: Graph,
        dataplane: DataplaneFacts
    ) -> (gateway: GatewayNode, decision: RequestRouter.Decision)? {
        guard let parsed = RequestURL(url), let (address, port) = destination(url, resolve: resolve),
            let (name, listeners) = dataplane.gateway(serving: address, port: port),
            let gateway = graph.gateways.first(where: { $0.ref.namespacedName == name }),
            let listener = gateway.listeners.first(where: { listeners.contains($0.name) })
        else { return nil }
        let request = RoutedRequest(method: method, host: parsed.host, target: parsed.target, headerLines: headers)
        return (gateway, RequestRouter.decide(request, port: Int(listener.port), gateway: gateway, graph: graph))
    }

    /// Where a request for `url` connects: the address a `--resolve` entry (`host:port:address`) gives its host
    /// and port, else the host itself; and the port (the scheme's when the URL names none).
    public static func destination(_ url: String, resolve: [String]) -> (address: String, port: Int)? {
        guard let components = URLComponents(string: url), let host = components.host else { return nil }
        let port = components.port ?? (components.scheme == "https" ? 443 : 80)
        let address =
            resolve.compactMap { entry -> String? in
                let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
                return parts.count == 3 && parts[0] == host && Int(parts[1]) == port ? parts[2] : nil
            }.first ?? host
        return (address, port)
    }

    /// The Gateway a URL reaches here and the listener port it names (declared): by the address and port it
    /// connects to when one of this machine's Gateways serves them, else by a listener declared on the URL's port
    /// for its host.
    public static func explainedGateway(
        url: String, resolve: [String], urlPort: Int, host: String, graph: Graph, dataplane: DataplaneFacts
    ) -> (GatewayNode, Int)? {
        if let (address, port) = BackendProbe.destination(url, resolve: resolve),
            let (name, listeners) = dataplane.gateway(serving: address, port: port),
            let gateway = graph.gateways.first(where: { $0.ref.namespacedName == name }),
            let listener = gateway.listeners.first(where: { listeners.contains($0.name) })
        {
            return (gateway, Int(listener.port))
        }
        for gateway in graph.gateways {
            let hosts = gateway.listeners.filter {
                $0.valid && Int($0.port) == urlPort && [.http, .https].contains($0.protocol)
            }.map(\.hostname)
            if case .some = HostnameMatching.mostSpecificListener(hosts, covering: host.lowercased()) {
                return (gateway, urlPort)
            }
        }
        // The port where a Gateway serves here (a port offset), without an address to tell which Gateway: the one
        // whose listener bound there takes the host.
        for gateway in graph.gateways {
            guard let facts = dataplane.gateways[gateway.ref.namespacedName] else { continue }
            for binding in facts.bindings where binding.port == urlPort {
                if let listener = gateway.listener(binding.listener), listener.valid,
                    HostnameMatching.covers(listener: listener.hostname, host: host.lowercased())
                {
                    return (gateway, Int(listener.port))
                }
            }
        }
        return nil
    }
}
