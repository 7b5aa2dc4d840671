import Dataplane
import Foundation
import GatewayAPI
import KubeClient

/// Changes to a cluster with --write: server-side apply (field manager `gwconsole`) and delete. Every object is
/// first applied as a server dry run, so a manifest the server refuses changes nothing; then the cache is resynced.
struct ClusterWrites {
    let session: ClusterSession

    func apply(_ objects: [DecodedObject], dryRun: Bool) throws {
        let plan = try objects.map { object -> (DecodedObject, String, String) in
            let version = splitAPIVersion(object.apiVersion).version
            let existing = try? session.api.json(
                "GET",
                KubeAPI.path(
                    object.type, version: version, namespace: object.type.namespaced ? object.namespace : nil,
                    name: object.name))
            do {
                _ = try session.api.apply(object.object, type: object.type, version: version, dryRun: true)
            } catch let error as KubeError {
                let position = object.position.map { "\($0): " } ?? ""
                throw CLIError(
                    "\(position)\(object.type.qualifiedSingular)/\(object.name): \(error.description)\nerror: nothing was applied to cluster \(session.connection.contextName)"
                )
            }
            return (object, version, existing == nil ? "created" : "serverside-applied")
        }
        Output.out(
            "Plan for cluster \(session.connection.contextName) (\(session.connection.server)), field manager gwconsole:\n"
        )
        for (object, _, action) in plan {
            Output.out(
                "  \(object.type.qualifiedSingular)/\(object.name) will be \(action == "created" ? "created" : "updated")\n"
            )
        }
        if dryRun {
            Output.out("(dry run: nothing changed)\n")
            return
        }
        for (object, version, action) in plan {
            do {
                _ = try session.api.apply(object.object, type: object.type, version: version)
            } catch let error as KubeError {
                throw CLIError("\(object.type.qualifiedSingular)/\(object.name): \(error.description)")
            }
            Output.out("\(object.type.qualifiedSingular)/\(object.name) \(action)\n")
        }
        try resync()
    }

    func delete(_ targets: [(ResourceType, ObjectKey)], ignoreNotFound: Bool) throws {
        let discovery = try session.api.discover(targets.map(\.0))
        var missing: [String] = []
        for (type, key) in targets {
            guard let version = discovery.served[type.groupKind] else {
                throw CLIError(
                    "error: \(type.qualifiedPlural) is not installed in cluster \(session.connection.contextName)")
            }
            do {
                try session.api.delete(type, version: version, namespace: key.namespace, name: key.name)
                Output.out(
                    "\(type.qualifiedSingular) \"\(key.name)\" deleted\(key.namespace.isEmpty ? "" : " from \(key.namespace) namespace")\n"
                )
            } catch KubeError.status(404, _, _) {
                if !ignoreNotFound {
                    missing.append("Error from server (NotFound): \(type.qualifiedPlural) \"\(key.name)\" not found")
                }
            } catch let error as KubeError {
                throw CLIError(error.description)
            }
        }
        try resync()
        if !missing.isEmpty { throw CLIError(missing.joined(separator: "\n")) }
    }

    func resync() throws {
        do {
            try ClusterSync(session: session, store: try Store(directory: session.cacheDirectory)).syncAll()
        } catch let error as KubeError {
            throw CLIError(error.description)
        }
    }
}
