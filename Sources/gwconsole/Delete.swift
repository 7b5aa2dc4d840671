import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import Session

/// `gwconsole delete -f PATH...` or `gwconsole delete KIND NAME...`.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete objects named in manifests or by kind and name.")

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("f"), .long], help: "A file, directory or - for stdin (repeatable).")
    var filename: [String] = []

    @Flag(name: [.customShort("R"), .long], help: "Read directories recursively.")
    var recursive = false

    @Flag(name: .long, help: "Treat objects that do not exist as deleted.")
    var ignoreNotFound = false

    @OptionGroup var whatIf: WhatIfOptions

    @Argument(help: "KIND NAME... or KIND/NAME...")
    var arguments: [String] = []

    mutating func run() throws {
        try reportingErrors {
            let store =
                global.clusterMode && global.write || whatIf.whatIf
                ? try global.openStore() : try global.openWritableStore(for: "delete")
            var targets: [(type: ResourceType, key: ObjectKey)] = []
            if !filename.isEmpty {
                guard arguments.isEmpty else { throw CLIError("error: cannot specify both -f and KIND NAME arguments") }
                for object in try ManifestLoading.load(paths: filename, recursive: recursive, global: global.session) {
                    targets.append(
                        (
                            object.type,
                            ObjectKey(
                                groupKind: object.type.groupKind,
                                namespace: object.type.namespaced ? object.namespace : "", name: object.name)
                        ))
                }
            } else {
                let query = try ObjectQuery.parse(arguments, store: store)
                for request in query.requests {
                    if request.names.isEmpty {
                        throw CLIError("error: resource(s) were provided, but no name was specified")
                    }
                    for name in request.names {
                        targets.append(
                            (
                                request.type,
                                ObjectKey(
                                    groupKind: request.type.groupKind,
                                    namespace: request.type.namespaced ? global.effectiveNamespace : "", name: name)
                            ))
                    }
                }
            }
            if whatIf.whatIf {
                try whatIf.run(.delete(targets), session: global.session)
                return
            }
            if global.clusterMode && global.write {
                try ClusterWrites(session: try global.cluster()).delete(
                    targets.map { ($0.type, $0.key) }, ignoreNotFound: ignoreNotFound)
                return
            }
            let deleted: [StoredObject?]
            do {
                deleted = try store.delete(targets.map(\.key))
            } catch let error as StoreError {
                throw CLIError("Error from server (Forbidden): \(error)")
            }
            try global.reconcileChange(store, trigger: "delete")
            var missing: [String] = []
            for (target, result) in zip(targets, deleted) {
                if result != nil {
                    let scope = target.key.namespace.isEmpty ? "" : " from \(target.key.namespace) namespace"
                    Output.out("\(target.type.qualifiedSingular) \"\(target.key.name)\" deleted\(scope)\n")
                } else if !ignoreNotFound {
                    missing.append(
                        "Error from server (NotFound): \(target.type.qualifiedPlural) \"\(target.key.name)\" not found")
                }
            }
            if !missing.isEmpty { throw CLIError(missing.joined(separator: "\n")) }
        }
    }
}
