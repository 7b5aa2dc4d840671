import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore

/// The rule a probe's request reached (by the Gateway serving its address and the routes' matches) and what its
/// policies and filters did to the answers (`PolicyEffects`).
public enum PolicyEffectsProbe {
    public static func explain(
        url: String, resolve: [String], method: String, bodyBytes: Int, statuses: [Int], headers: [String],
        graph: Graph, dataplane: DataplaneFacts
    ) -> [String] {
        guard let components = URLComponents(string: url), let host = components.host,
            let (address, port) = BackendProbe.destination(url, resolve: resolve),
            let (name, _) = dataplane.gateway(serving: address, port: port),
            let gateway = graph.gateways.first(where: { $0.ref.namespacedName == name })
        else { return [] }
        let path = components.path.isEmpty ? "/" : components.path
        let record = RequestRouting.assign(
            RequestRecord(time: "", method: method, host: host, uri: path, status: statuses.last ?? 0),
            gateway: gateway.ref, graph: graph)
        let parts = record.route.split(separator: "/")
        guard parts.count == 2, let rule = Int(record.rule),
            let route = graph.route(
                ObjectRef(
                    group: HTTPRoute.group, kind: "HTTPRoute", namespace: String(parts[0]), name: String(parts[1])))
        else { return [] }
        return PolicyEffects.explain(
            PolicyEffects.Request(method: method, bodyBytes: bodyBytes, statuses: statuses, headers: headers),
            route: route, rule: rule, graph: graph)
    }
}
