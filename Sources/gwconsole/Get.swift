import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import ResourcePrinters
import Session

/// `gwconsole get KIND[,KIND...] [NAME...]`: list objects as kubectl does.
struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Display one or many objects.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "KIND[,KIND...] [NAME...], or KIND/NAME.")
    var arguments: [String] = []

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List across all namespaces.")
    var allNamespaces = false

    @Option(name: [.customShort("o"), .long], help: "Output format: wide, yaml, json or name.")
    var output: String?

    mutating func run() throws {
        try reportingErrors {
            guard let format = OutputFormat(output) else {
                throw CLIError(
                    "error: unable to match a printer suitable for the output format \"\(output ?? "")\", allowed formats are: json,name,wide,yaml"
                )
            }
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            var results: [(ResourceType, [StoredObject])] = []
            var notFound: [String] = []
            let query: ObjectQuery
            if global.clusterMode {
                // As kubectl: fetch what is printed, with the status the cluster's controller wrote.
                let session = try global.cluster()
                query = try ObjectQuery.parse(arguments, store: nil)
                let discovery = try session.discovery()
                for request in query.requests {
                    guard
                        let objects = try session.fetch(
                            request, namespace: namespace, discovery: discovery, notFound: &notFound)
                    else { continue }
                    results.append((request.type, objects))
                }
                if results.isEmpty && notFound.isEmpty { return }
            } else {
                let store = try global.openFreshStore()
                query = try ObjectQuery.parse(arguments, store: store)
                for request in query.requests {
                    results.append(
                        (
                            request.type,
                            try ObjectQuery.fetch(request, namespace: namespace, store: store, notFound: &notFound)
                        ))
                }
            }
            try print(
                results, format: format, singleObject: query.requests.count == 1 && query.requests[0].names.count == 1,
                namespace: namespace)
            if !notFound.isEmpty { throw CLIError(notFound.joined(separator: "\n")) }
        }
    }

    private func print(
        _ results: [(ResourceType, [StoredObject])], format: OutputFormat, singleObject: Bool, namespace: String?
    ) throws {
        let objects = results.flatMap { type, list in list.map { (type, $0) } }
        switch format {
        case .json, .yaml:
            let values = objects.map { $0.1.object }
            let value: JSONValue
            if singleObject, let only = values.first, values.count == 1 {
                value = only
            } else {
                if values.isEmpty && singleObject { return }
                value = [
                    "apiVersion": "v1", "kind": "List", "items": .array(values), "metadata": ["resourceVersion": ""],
                ]
            }
            Output.out(format == .json ? JSONWriter.pretty(value) + "\n" : YAMLWriter.write(value))
        case .name:
            for (type, object) in objects { Output.out("\(type.qualifiedSingular)/\(object.name)\n") }
        case .table, .wide:
            if objects.isEmpty {
                if results.allSatisfy({ $0.1.isEmpty }) && !singleObject {
                    let clusterScoped = results.allSatisfy { !$0.0.namespaced }
                    Output.error(
                        clusterScoped
                            ? "No resources found"
                            : namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
                }
                return
            }
            let qualify = results.filter { !$0.1.isEmpty }.count > 1
            var first = true
            for (type, list) in results where !list.isEmpty {
                if !first { Output.out("\n") }
                first = false
                let options = TableOptions(
                    wide: format == .wide, allNamespaces: namespace == nil, qualifyNames: qualify)
                Output.out(ResourceTable.table(type, objects: list.map(\.object), options: options).render())
            }
        }
    }
}

enum OutputFormat {
    case table, wide, yaml, json, name

    init?(_ text: String?) {
        switch text {
        case nil, "": self = .table
        case "wide": self = .wide
        case "yaml": self = .yaml
        case "json": self = .json
        case "name": self = .name
        default: return nil
        }
    }
}
