import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import ResourcePrinters
import Session

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
            let sources = DescribeSources(global: global.session, store: store)
            if global.clusterMode {
                // With a cache keeper, the named objects are brought to their current versions in the cache and the
                // sections read from its views; without one (or when it lags), the cluster is listed again.
                let session = try global.cluster()
                if ClusterKeeper.isReady(global.session, session: session, store: store) {
                    if try ClusterKeeper.catchUp(
                        query.requests, namespace: namespace, global: global.session, session: session, store: store)
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
                            events: DataplaneEvents.events(for: ref, stateDirectory: store.directory),
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
}
