import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import ResourcePrinters

/// Cluster mode's two views of status: what the cluster's controller wrote, and what gwconsole's core computes.
public enum StatusViews {
    /// The status the core computes for each object it processes.
    public static func computed(_ graph: Graph) -> [ObjectRef: JSONValue] {
        var result: [ObjectRef: JSONValue] = [:]
        for update in StatusBuilder.updates(graph, now: Store.timestamp(Date())) { result[update.ref] = update.status }
        return result
    }

    /// The describe section: where the views differ (or that they agree).
    public static func section(for ref: ObjectRef, stored: StoredObject, graph: Graph) -> GraphSections.Section? {
        guard let computed = computed(graph)[ref] else { return nil }
        return section(stored: stored, computed: computed, controllerName: graph.controllerName)
    }

    /// The describe section for an object's stored status beside the one the core computed for it.
    public static func section(stored: StoredObject, computed: JSONValue, controllerName: String)
        -> GraphSections.Section
    {
        let differences = StatusDrift.differences(
            cluster: stored.status, computed: computed, controllerName: controllerName)
        if differences.isEmpty {
            return GraphSections.Section(
                title: "Status Views", headers: ["Cluster's Controller", "gwconsole"], rows: [["agrees", "agrees"]])
        }
        func text(_ entry: StatusDrift.Entry?) -> String { entry.map { "\($0.status) \($0.reason)" } ?? "<absent>" }
        return GraphSections.Section(
            title: "Status Views (differ)", headers: ["Where", "Condition", "Cluster's Controller", "gwconsole"],
            rows: differences.map { [$0.place, $0.type.rawValue, text($0.cluster), text($0.computed)] })
    }

    /// StatusDrift findings for doctor: every object whose two views differ.
    public static func findings(store: Store, graph: Graph, namespace: String?) -> [Finding] {
        let computed = computed(graph)
        var written: [ObjectRef: JSONValue?] = [:]
        for ref in computed.keys where namespace == nil || ref.namespace.isEmpty || ref.namespace == namespace {
            let key = ObjectKey(
                groupKind: GroupKind(group: ref.group, kind: ref.kind), namespace: ref.namespace, name: ref.name)
            if let stored = try? store.get(key) { written[ref] = .some(stored.status) }
        }
        return StatusDriftRule.findings(
            computed: computed, written: written, controllerName: graph.controllerName, namespace: namespace)
    }
}
