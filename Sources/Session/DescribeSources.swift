import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import ResourcePrinters

/// Where describe's graph sections come from: the store's views when they are current (no graph built), else
/// a graph built once (cluster mode, whose core status is computed and never written; a state that could not
/// be reconciled).
public final class DescribeSources {
    public let global: Session
    public let store: Store
    private var graph: Graph?
    /// Cluster mode: the cache keeper's views are current (see `ClusterKeeper.catchUp`).
    public var keeperViews = false

    public init(global: Session, store: Store) {
        self.global = global
        self.store = store
    }

    public func sections(for ref: ObjectRef, stored: StoredObject) throws -> [GraphSections.Section] {
        let key = ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)
        if global.clusterMode && keeperViews {
            let hasSections = GraphSections.hasSections(ref.kind)
            guard let text = try store.view(key), let view = ClusterViews.decode(text) else {
                return hasSections ? GraphSections.empty(for: ref) : []
            }
            var sections = view.sections
            if let computed = view.computed {
                sections.append(
                    StatusViews.section(
                        stored: stored, computed: computed,
                        controllerName: global.clusterControllerConfig.controllerName))
            }
            return sections
        }
        if global.clusterMode {
            let graph = try built()
            var sections = GraphSections.sections(for: ref, in: graph)
            if let views = StatusViews.section(for: ref, stored: stored, graph: graph) { sections.append(views) }
            return sections
        }
        if stored.groupKind == ResourceRegistry.certificate.groupKind { return [issuedChain(stored)] }
        guard GraphSections.hasSections(ref.kind) else { return [] }
        if let view = try Reconciler.currentView(key, store: store) {
            return view.flatMap(GraphSections.decode) ?? GraphSections.empty(for: ref)
        }
        return GraphSections.sections(for: ref, in: try built())
    }

    /// A Certificate's issued chain, read from its Secret with OpenSSL: what the Gateway will present.
    public func issuedChain(_ stored: StoredObject) -> GraphSections.Section {
        let headers = ["Secret Key", "Subject", "Issuer", "Not After", "SANs"]
        let secretName = stored.body["spec"]?["secretName"]?.stringValue ?? ""
        let key = ObjectKey(
            groupKind: ResourceRegistry.secret.groupKind, namespace: stored.namespace, name: secretName)
        guard let secret = try? store.get(key), let data = secret.body["data"] else {
            return GraphSections.Section(
                title: "Issued Chain", headers: headers, rows: [["<not issued yet>", "", "", "", ""]])
        }
        var rows: [[String]] = []
        for field in ["tls.crt", "ca.crt"] {
            guard
                let pem = data[field]?.stringValue.flatMap(Base64.decode).map({
                    String(decoding: $0, as: UTF8.self)
                })
            else {
                continue
            }
            for certificate in CertificateInspector.certificates(pem: pem) {
                rows.append([
                    field, certificate.subject, certificate.issuer, certificate.notAfter,
                    certificate.subjectAltNames.isEmpty
                        ? "<none>" : certificate.subjectAltNames.joined(separator: ","),
                ])
            }
        }
        return GraphSections.Section(title: "Issued Chain", headers: headers, rows: rows)
    }

    private func built() throws -> Graph {
        if let graph { return graph }
        let built =
            global.clusterMode
            ? try Reconciler(store: store, config: global.clusterControllerConfig).currentGraph()
            : try global.reconciler(store).currentGraph()
        graph = built
        return built
    }
}

public enum DataplaneEvents {
    /// A Gateway's data plane history as events: each generation applied or refused, newest last.
    public static func events(for ref: ObjectRef, stateDirectory: String) -> [Describer.Event] {
        guard ref.kind == "Gateway",
            let record = DataplaneManager(stateDirectory: stateDirectory).load().gateways[ref.namespacedName]
        else { return [] }
        return record.history.suffix(10).map { entry in
            Describer.Event(
                type: entry.result == "Applied" ? "Normal" : "Warning",
                reason: entry.result == "Applied" ? "ConfigApplied" : "ConfigRejected",
                age: AgeFormatter.age(since: entry.time), from: "gwconsole-dataplane",
                message: "generation \(entry.generation) (\(entry.trigger))"
                    + (entry.message.isEmpty ? "" : ": \(entry.message)"))
        }
    }
}
