import GatewayAPI

/// Turns the graph into the status each object should have, as a controller writes it: conditions with
/// observedGeneration, lastTransitionTime kept while a condition's status is unchanged, and entries of other
/// controllers in routes and policies left as they are.
public enum StatusBuilder {
    /// One status to write.
    public struct Update: Sendable {
        public var ref: ObjectRef
        public var status: JSONValue
    }

    public static func updates(_ graph: Graph, now: String) -> [Update] {
        var updates: [Update] = []
        for node in graph.gatewayClasses where node.ours {
            var status = node.source.status ?? GatewayClassStatus()
            status.conditions = stamp(
                node.conditions, previous: status.conditions, generation: node.source.metadata.generation, now: now)
            updates.append(Update(ref: node.ref, status: encode(status)))
        }
        for node in graph.gateways {
            let generation = node.source.metadata.generation
            let previous = node.source.status
            var status = GatewayStatus()
            status.addresses =
                node.addresses.isEmpty ? nil : node.addresses.map { GatewayStatusAddress(type: "IPAddress", value: $0) }
            status.conditions = stamp(node.conditions, previous: previous?.conditions, generation: generation, now: now)
            status.listeners = listenerStatuses(
                node.ownListeners, previous: previous?.listeners, generation: generation, now: now)
            // Written once the Gateway allows ListenerSets (before, the field is not theirs to show).
            if node.source.spec.allowedListeners != nil || !node.listenerSets.isEmpty {
                status.attachedListenerSets = Int32(node.attachedListenerSets)
            }
            updates.append(Update(ref: node.ref, status: encode(status)))
        }
        for set in graph.listenerSets {
            let generation = set.source.metadata.generation
            let previous = set.source.status
            let listeners = graph.gateway(set.gateway)?.listeners.filter { $0.listenerSet == set.ref } ?? []
            var status = ListenerSetStatus(
                conditions: stamp(set.conditions, previous: previous?.conditions, generation: generation, now: now))
            if !listeners.isEmpty {
                status.listeners = listenerStatuses(
                    listeners, previous: previous?.listeners, generation: generation, now: now)
            }
            updates.append(Update(ref: set.ref, status: encode(status)))
        }
        for node in graph.routes {
            let parents = routeParents(
                node.parents, previous: node.source.status?.parents ?? [], generation: node.source.metadata.generation,
                controllerName: graph.controllerName, now: now)
            updates.append(Update(ref: node.ref, status: encode(HTTPRouteStatus(parents: parents))))
        }
        for node in graph.l4Routes {
            let parents = routeParents(
                node.parents, previous: node.status?.parents ?? [], generation: node.metadata.generation,
                controllerName: graph.controllerName, now: now)
            updates.append(Update(ref: node.ref, status: encode(RouteStatus(parents: parents))))
        }
        for node in graph.policies {
            let generation = node.source.metadata.generation
            let previous = node.source.status?.ancestors ?? []
            var ancestors = previous.filter { $0.controllerName != graph.controllerName }
            for gateway in node.ancestors {
                let ancestorRef = ParentReference(
                    group: Gateway.group, kind: "Gateway", namespace: gateway.namespace, name: gateway.name)
                let old = previous.first { $0.controllerName == graph.controllerName && $0.ancestorRef == ancestorRef }
                ancestors.append(
                    PolicyAncestorStatus(
                        ancestorRef: ancestorRef, controllerName: graph.controllerName,
                        conditions: stamp(node.conditions, previous: old?.conditions, generation: generation, now: now))
                )
            }
            updates.append(Update(ref: node.ref, status: encode(PolicyStatus(ancestors: ancestors))))
        }
        for node in graph.ngfPolicies where !node.ancestors.isEmpty {
            let generation = node.metadata.generation
            let previous = node.previousStatus?.ancestors ?? []
            var ancestors = previous.filter { $0.controllerName != graph.controllerName }
            for ancestor in node.ancestors {
                let ancestorRef = ParentReference(
                    group: ancestor.ref.group, kind: ancestor.ref.kind, namespace: ancestor.ref.namespace,
                    name: ancestor.ref.name)
                let old = previous.first { $0.controllerName == graph.controllerName && $0.ancestorRef == ancestorRef }
                ancestors.append(
                    PolicyAncestorStatus(
                        ancestorRef: ancestorRef, controllerName: graph.controllerName,
                        conditions: stamp(
                            node.statusConditions(ancestor), previous: old?.conditions, generation: generation, now: now
                        )
                    ))
            }
            updates.append(Update(ref: node.ref, status: encode(PolicyStatus(ancestors: ancestors))))
        }
        for node in graph.ngfFilters {
            let previous = node.previousStatus?.controllers ?? []
            var controllers = previous.filter { $0.controllerName != graph.controllerName }
            let old = previous.first { $0.controllerName == graph.controllerName }
            controllers.append(
                NGFControllerStatus(
                    controllerName: graph.controllerName,
                    conditions: stamp(node.conditions, previous: old?.conditions, generation: node.generation, now: now)
                ))
            updates.append(Update(ref: node.ref, status: encode(NGFFilterStatus(controllers: controllers))))
        }
        return updates
    }

    /// Listeners' statuses, by the names their Gateway or ListenerSet gives them.
    static func listenerStatuses(
        _ listeners: [ListenerNode], previous: [ListenerStatus]?, generation: Int64?, now: String
    ) -> [ListenerStatus] {
        listeners.map { listener in
            let old = previous?.first { $0.name == listener.source.name }
            return ListenerStatus(
                name: listener.source.name, supportedKinds: listener.supportedKinds,
                attachedRoutes: Int32(listener.attachedRoutes.count),
                conditions: stamp(listener.conditions, previous: old?.conditions, generation: generation, now: now)
                    ?? [])
        }
    }

    /// A route's parents: other controllers' entries as they are, then this controller's.
    static func routeParents(
        _ nodes: [ParentNode], previous: [RouteParentStatus], generation: Int64?, controllerName: String, now: String
    ) -> [RouteParentStatus] {
        var parents = previous.filter { $0.controllerName != controllerName }
        for parent in nodes {
            let old = previous.first { $0.controllerName == controllerName && $0.parentRef == parent.parentRef }
            parents.append(
                RouteParentStatus(
                    parentRef: parent.parentRef, controllerName: controllerName,
                    conditions: stamp(parent.conditions, previous: old?.conditions, generation: generation, now: now)))
        }
        return parents
    }

    /// Fills observedGeneration, and lastTransitionTime: kept from the previous condition of the same type
    /// when its status is unchanged, else `now`.
    static func stamp(_ conditions: [Condition], previous: [Condition]?, generation: Int64?, now: String)
        -> [Condition]?
    {
        conditions.map { condition in
            var stamped = condition
            stamped.observedGeneration = generation
            if let old = previous?.first(where: { $0.type == condition.type }), old.status == condition.status,
                let time = old.lastTransitionTime
            {
                stamped.lastTransitionTime = time
            } else {
                stamped.lastTransitionTime = now
            }
            return stamped
        }
    }

    static func encode<T: Encodable>(_ value: T) -> JSONValue {
        (try? JSONValueEncoder().encode(value)) ?? .object([:])
    }
}
