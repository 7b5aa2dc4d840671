import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import ResourcePrinters

/// `gwconsole describe KIND [NAME]`: kubectl's describe layout; Secret values never shown.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show details of an object or of all objects of a kind.")

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: "KIND [NAME...] or KIND/NAME. A NAME that matches no object exactly matches by prefix, as kubectl does.")
    var arguments: [String] = []

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Describe across all namespaces.")
    var allNamespaces = false

    mutating func run() throws {
        try reportingErrors {
            let store = try global.openFreshStore()
            let query = try ObjectQuery.parse(arguments, store: store)
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            let sources = SectionSources(global: global, store: store)
            if global.clusterMode {
                // With a cache keeper, the named objects are brought to their current versions in the cache and the
                // sections read from its views; without one (or when it lags), the cluster is listed again.
                let session = try global.cluster()
                if ClusterKeeper.isReady(global, session: session, store: store) {
                    if try ClusterKeeper.catchUp(
                        query.requests, namespace: namespace, global: global, session: session, store: store)
                    {
                        sources.keeperViews = true
                    } else {
                        try session.resync()
                    }
                }
            }
            var sections: [String] = []
            var errors: [String] = []
            for request in query.requests {
                let ns = request.type.namespaced ? namespace : ""
                var objects: [StoredObject] = []
                if request.names.isEmpty {
                    objects = try store.list(request.type.groupKind, namespace: ns)
                } else {
                    for name in request.names {
                        if let ns,
                            let exact = try store.get(
                                ObjectKey(groupKind: request.type.groupKind, namespace: ns, name: name))
                        {
                            objects.append(exact)
                            continue
                        }
                        // kubectl's prefix match: only when no object has the name exactly.
                        let all = try store.list(request.type.groupKind, namespace: ns)
                        if let exact = all.first(where: { $0.name == name }) {
                            objects.append(exact)
                        } else {
                            let prefixed = all.filter { $0.name.hasPrefix(name) }
                            if prefixed.isEmpty {
                                errors.append(
                                    "Error from server (NotFound): \(request.type.qualifiedPlural) \"\(name)\" not found"
                                )
                            }
                            objects += prefixed
                        }
                    }
                }
                for object in objects {
                    let ref = ObjectRef(
                        group: object.groupKind.group, kind: object.groupKind.kind, namespace: object.namespace,
                        name: object.name)
                    sections.append(
                        Describer.describe(
                            request.type, object: object.object,
                            events: Describe.events(for: ref, stateDirectory: store.directory),
                            sections: try sources.sections(for: ref, stored: object)))
                }
            }
            if sections.isEmpty && errors.isEmpty {
                Output.error(namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
            }
            Output.out(sections.joined(separator: "\n\n"))
            if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
        }
    }

    /// Where describe's graph sections come from: the store's views when they are current (no graph built), else
    /// a graph built once (cluster mode, whose core status is computed and never written; a state that could not
    /// be reconciled).
    final class SectionSources {
        let global: GlobalOptions
        let store: Store
        private var graph: Graph?
        /// Cluster mode: the cache keeper's views are current (see `ClusterKeeper.catchUp`).
        var keeperViews = false

        init(global: GlobalOptions, store: Store) {
            self.global = global
            self.store = store
        }

        func sections(for ref: ObjectRef, stored: StoredObject) throws -> [GraphSections.Section] {
            let key = ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)
            if global.clusterMode && keeperViews {
                let hasSections = ["Gateway", "HTTPRoute", "Service"].contains(ref.kind)
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
            guard ["Gateway", "HTTPRoute", "Service"].contains(ref.kind) else { return [] }
            if let view = try Reconciler.currentView(key, store: store) {
                return view.flatMap(GraphSections.decode) ?? GraphSections.empty(for: ref)
            }
            return GraphSections.sections(for: ref, in: try built())
        }

        /// A Certificate's issued chain, read from its Secret with OpenSSL: what the Gateway will present.
        func issuedChain(_ stored: StoredObject) -> GraphSections.Section {
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

    /// A Gateway's data plane history as events: each generation applied or refused, newest last.
    static func events(for ref: ObjectRef, stateDirectory: String) -> [Describer.Event] {
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
