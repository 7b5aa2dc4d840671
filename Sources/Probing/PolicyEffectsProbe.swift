import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore

/// The rule a probe's request reached (by the Gateway serving its address and the routes' matches) and what its
/// policies and filters did to the answers (`PolicyEffects`).
public enum PolicyEffectsProbe {
    public static func explain(
        url: String, resolve: [String], method: String, requestHeaders: [String] = [], bodyBytes: Int,
        statuses: [Int], headers: [String], graph: Graph, dataplane: DataplaneFacts
    ) -> [String] {
        // The rule the request took (by its own headers; `headers` are the response's, for PolicyEffects).
        guard
            let match = BackendProbe.decision(
                url: url, resolve: resolve, method: method, headers: requestHeaders, graph: graph,
                dataplane: dataplane)?
                .decision.match
        else { return [] }
        let route = match.route
        let rule = match.rule.index
        return PolicyEffects.explain(
            PolicyEffects.Request(method: method, bodyBytes: bodyBytes, statuses: statuses, headers: headers),
            route: route, rule: rule, graph: graph)
    }
}
