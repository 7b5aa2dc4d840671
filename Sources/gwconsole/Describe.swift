import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import ResourcePrinters

/// `gwconsole describe KIND [NAME]`: kubectl's describe layout; Secret values never shown.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show details of an object or of all objects of a kind.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "KIND [NAME...] or KIND/NAME. A NAME that matches no object exactly matches by prefix, as kubectl does.")
    var arguments: [String] = []

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Describe across all namespaces.")
    var allNamespaces = false

    mutating func run() throws {
        try reportingErrors {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let query = try ObjectQuery.parse(arguments, store: store)
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            var sections: [String] = []
            var errors: [String] = []
            for request in query.requests {
                let ns = request.type.namespaced ? namespace : ""
                let all = try store.list(request.type.groupKind, namespace: ns)
                var objects: [StoredObject] = []
                if request.names.isEmpty {
                    objects = all
                } else {
                    for name in request.names {
                        if let exact = all.first(where: { $0.name == name }) {
                            objects.append(exact)
                        } else {
                            let prefixed = all.filter { $0.name.hasPrefix(name) }
                            if prefixed.isEmpty {
                                errors.append("Error from server (NotFound): \(request.type.qualifiedPlural) \"\(name)\" not found")
                            }
                            objects += prefixed
                        }
                    }
                }
                sections += objects.map { object in
                    let ref = ObjectRef(group: object.groupKind.group, kind: object.groupKind.kind, namespace: object.namespace, name: object.name)
                    var sections = GraphSections.sections(for: ref, in: graph)
                    if global.clusterMode, let views = StatusViews.section(for: ref, stored: object, graph: graph) { sections.append(views) }
                    return Describer.describe(request.type, object: object.object, events: Describe.events(for: ref, stateDirectory: store.directory),
                                              sections: sections)
                }
            }
            if sections.isEmpty && errors.isEmpty {
                Output.error(namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
            }
            Output.out(sections.joined(separator: "\n\n"))
            if !errors.isEmpty { throw CLIError(errors.joined(separator: "\n")) }
        }
    }

    /// A Gateway's data plane history as events: each generation applied or refused, newest last.
    static func events(for ref: ObjectRef, stateDirectory: String) -> [Describer.Event] {
        guard ref.kind == "Gateway", let record = DataplaneManager(stateDirectory: stateDirectory).load().gateways[ref.namespacedName] else { return [] }
        return record.history.suffix(10).map { entry in
            Describer.Event(type: entry.result == "Applied" ? "Normal" : "Warning",
                            reason: entry.result == "Applied" ? "ConfigApplied" : "ConfigRejected",
                            age: AgeFormatter.age(since: entry.time), from: "gwconsole-dataplane",
                            message: "generation \(entry.generation) (\(entry.trigger))" + (entry.message.isEmpty ? "" : ": \(entry.message)"))
        }
    }
}
