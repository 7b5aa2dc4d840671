import GatewayAPI

/// Builds the graph from a snapshot: classes → Gateways and listeners → routes and backends → policies.
public enum GraphBuilder {
    public static func build(_ snapshot: ResourceSnapshot, config: ControllerConfig) -> Graph {
        var graph = Graph(controllerName: config.controllerName)
        var references = ReferenceIndex()
        graph.gatewayClasses = GatewayGraph.classes(snapshot, config)
        var gateways = GatewayGraph.gateways(snapshot, config, classes: graph.gatewayClasses, references: &references)
        graph.listenerSets = ListenerSetGraph.attach(snapshot, config, gateways: &gateways, references: &references)
        graph.ngfFilters = NGFFilterGraph.filters(snapshot, config, references: &references)
        let filters = Dictionary(graph.ngfFilters.map { ($0.ref, $0) }, uniquingKeysWith: { a, _ in a })
        var routes = RouteGraph.routes(
            snapshot, config, gateways: &gateways, allGateways: snapshot.gateways, filters: filters,
            references: &references)
        graph.l4Routes = L4RouteGraph.routes(
            snapshot, config, gateways: &gateways, allGateways: snapshot.gateways, references: &references)
        graph.policies = PolicyGraph.policies(
            snapshot, config, gateways: gateways, routes: &routes, references: &references)
        graph.ngfPolicies = NGFPolicyGraph.policies(
            snapshot, config, gateways: &gateways, routes: &routes, servicePolicies: &graph.servicePolicies,
            references: &references)
        graph.nginxProxies = NginxProxyGraph.effective(snapshot, gateways: gateways)
        RouteGraph.finishConditions(&routes)
        graph.gateways = gateways
        graph.routes = routes
        graph.references = references
        return graph
    }
}
