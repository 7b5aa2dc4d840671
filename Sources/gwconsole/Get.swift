import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import ResourcePrinters

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
                throw CLIError("error: unable to match a printer suitable for the output format \"\(output ?? "")\", allowed formats are: json,name,wide,yaml")
            }
            let (store, _) = try global.openReconciledStore(readOnly: true)
            let query = try ObjectQuery.parse(arguments, store: store)
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            var results: [(ResourceType, [StoredObject])] = []
            var notFound: [String] = []
            for request in query.requests {
                let objects = try ObjectQuery.fetch(request, namespace: namespace, store: store, notFound: &notFound)
                results.append((request.type, objects))
            }
            if global.clusterMode, let report = try global.cluster().report() {
                // A kind the cluster does not serve is not an error: say so, list the rest.
                for (type, _) in results {
                    if let why = report.notInstalled[type.groupKind.description] { Output.error("Warning: \(type.qualifiedPlural): not installed in cluster \(report.context): \(why)") }
                    if let why = report.forbidden[type.groupKind.description] { Output.error("Warning: \(type.qualifiedPlural): \(why)") }
                }
                results = results.filter { report.notInstalled[$0.0.groupKind.description] == nil }
                if results.isEmpty { return }
            }
            try print(results, format: format, singleObject: query.requests.count == 1 && query.requests[0].names.count == 1,
                      namespace: namespace)
            if !notFound.isEmpty { throw CLIError(notFound.joined(separator: "\n")) }
        }
    }

    private func print(_ results: [(ResourceType, [StoredObject])], format: OutputFormat, singleObject: Bool, namespace: String?) throws {
        let objects = results.flatMap { type, list in list.map { (type, $0) } }
        switch format {
        case .json, .yaml:
            let values = objects.map { $0.1.object }
            let value: JSONValue
            if singleObject, let only = values.first, values.count == 1 {
                value = only
            } else {
                if values.isEmpty && singleObject { return }
                value = ["apiVersion": "v1", "kind": "List", "items": .array(values), "metadata": ["resourceVersion": ""]]
            }
            Output.out(format == .json ? JSONWriter.pretty(value) + "\n" : YAMLWriter.write(value))
        case .name:
            for (type, object) in objects { Output.out("\(type.qualifiedSingular)/\(object.name)\n") }
        case .table, .wide:
            if objects.isEmpty {
                if results.allSatisfy({ $0.1.isEmpty }) && !singleObject {
                    let clusterScoped = results.allSatisfy { !$0.0.namespaced }
                    Output.error(clusterScoped ? "No resources found" : namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
                }
                return
            }
            let qualify = results.filter { !$0.1.isEmpty }.count > 1
            var first = true
            for (type, list) in results where !list.isEmpty {
                if !first { Output.out("\n") }
                first = false
                let options = TableOptions(wide: format == .wide, allNamespaces: namespace == nil, qualifyNames: qualify)
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
