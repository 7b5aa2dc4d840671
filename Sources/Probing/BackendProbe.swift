import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// Finds the route rule and backend a Gateway request reaches, and asks each of its endpoints plain HTTP and TLS
/// (with the policy's CA and SNI when one is in effect, else without verifying).
public enum BackendProbe {
    public static func analyse(
        url: String, resolve: [String], graph: Graph, dataplane: DataplaneFacts, snapshot: ResourceSnapshot
    ) -> [BackendReport] {
        guard let components = URLComponents(string: url), let host = components.host,
            let (address, port) = destination(url, resolve: resolve),
            let (name, listeners) = dataplane.gateway(serving: address, port: port),
            let gateway = graph.gateways.first(where: { $0.ref.namespacedName == name })
        else { return [] }
        let path = components.path.isEmpty ? "/" : components.path
        var reports: [BackendReport] = []
        for listener in gateway.listeners where listeners.contains(listener.name) {
            for routeRef in listener.attachedRoutes {
                guard let route = graph.route(routeRef) else { continue }
                let hostnames = route.source.spec.hostnames ?? []
                guard hostnames.isEmpty || hostnames.contains(where: { HostnameMatching.intersects($0, host) }) else {
                    continue
                }
                guard let rule = route.rules.first(where: { matches($0, path: path) }) else { continue }
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
        }
        return reports
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

    /// Whether a request for `path` takes this rule (its path matches; a rule without matches takes all).
    static func matches(_ rule: RuleNode, path: String) -> Bool {
        rule.dropped == nil && (rule.source.matches ?? []).isEmpty
            || (rule.source.matches ?? []).contains { match in
                let value = match.path?.value ?? "/"
                switch match.path?.type ?? .pathPrefix {
                case .exact: return path == value
                case .pathPrefix:
                    return value == "/" || path == value || path.hasPrefix(value.hasSuffix("/") ? value : value + "/")
                default: return false
                }
            }
    }
}
