import Dataplane
import Foundation
import GatewayAPI
import KubeClient
import ResourcePrinters

/// Changes to a cluster with --write: server-side apply (field manager `gwconsole`) and delete. Every object is
/// first applied as a server dry run, so a manifest the server refuses changes nothing; then the cache is resynced.
public struct ClusterWrites {
    public init(session: ClusterSession) {
        self.session = session
    }

    public let session: ClusterSession

    /// One object's change: how it is served, and what the server's dry run says it becomes.
    public struct Change: Sendable {
        public var object: DecodedObject
        public var version: String
        public var action: String
        /// The object as it is and as the dry run returns it, as YAML lines without server-kept fields.
        public var diff: [String]
    }

    /// The plan for `objects`: each applied as a server dry run (a manifest the server refuses changes nothing),
    /// with the diff of what is there against what would be.
    public func plan(_ objects: [DecodedObject]) throws -> [Change] {
        try objects.map { object in
            let version = splitAPIVersion(object.apiVersion).version
            let existing = try? session.api.json(
                "GET",
                KubeAPI.path(
                    object.type, version: version, namespace: object.type.namespaced ? object.namespace : nil,
                    name: object.name))
            let result: JSONValue
            do {
                result = try session.api.apply(object.object, type: object.type, version: version, dryRun: true)
            } catch let error as KubeError {
                let position = object.position.map { "\($0): " } ?? ""
                throw CLIError(
                    "\(position)\(object.type.qualifiedSingular)/\(object.name): \(error.description)\nerror: nothing was applied to cluster \(session.connection.contextName)"
                )
            }
            let diff = LineDiff.lines(
                old: existing.map { Self.comparable($0) } ?? [], new: Self.comparable(result, other: existing))
            return Change(
                object: object, version: version, action: existing == nil ? "created" : "serverside-applied",
                diff: diff)
        }
    }

    /// An object's YAML lines without what the server keeps for itself (managedFields, versions, status, kubectl's
    /// last-applied copy). Secret values are never printed: each shows its length, and `changed` when it differs
    /// from the same key in `other` (the object's other side of the diff).
    public static func comparable(_ object: JSONValue, other: JSONValue? = nil) -> [String] {
        var object = object
        for field in ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp"] {
            object.set(nil, at: ["metadata", field])
        }
        object.set(nil, at: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"])
        if object["metadata"]?["annotations"]?.objectValue?.isEmpty == true {
            object.set(nil, at: ["metadata", "annotations"])
        }
        object.set(nil, at: ["status"])
        if object["kind"]?.stringValue == "Secret" {
            for field in ["data", "stringData"] {
                guard case .object(let members)? = object[field] else { continue }
                let others = other?[field]?.objectValue
                object.set(
                    .object(
                        members.mapValues { value -> JSONValue in
                            let text = value.stringValue ?? ""
                            return .string("(hidden: \(text.utf8.count) bytes)")
                        }.reduce(into: [:]) { result, entry in
                            let changed = other != nil && others?[entry.key] != members[entry.key]
                            result[entry.key] =
                                changed
                                ? .string((entry.value.stringValue ?? "").dropLast() + ", changed)") : entry.value
                        }),
                    at: [field])
            }
        }
        return YAMLWriter.write(object).split(separator: "\n").map(String.init)
    }

    public func printPlan(_ plan: [Change]) {
        Output.out(
            "Plan for cluster \(session.connection.contextName) (\(session.connection.server)), field manager gwconsole:\n"
        )
        for change in plan {
            let name = "\(change.object.type.qualifiedSingular)/\(change.object.name)"
            if change.action == "created" {
                Output.out("  \(name) will be created\n")
            } else if change.diff.isEmpty {
                Output.out("  \(name) is unchanged\n")
            } else {
                Output.out("  \(name) will be updated\n")
            }
            let shown = change.diff.prefix(60)
            for line in shown { Output.out("      \(line)\n") }
            if change.diff.count > shown.count { Output.out("      … \(change.diff.count - shown.count) more lines\n") }
        }
    }

    /// Server-side applies a plan; the actions, in order.
    @discardableResult
    public func execute(_ plan: [Change], report: Bool) throws -> [String] {
        var actions: [String] = []
        for change in plan {
            do {
                _ = try session.api.apply(change.object.object, type: change.object.type, version: change.version)
            } catch let error as KubeError {
                throw CLIError("\(change.object.type.qualifiedSingular)/\(change.object.name): \(error.description)")
            }
            if report { Output.out("\(change.object.type.qualifiedSingular)/\(change.object.name) \(change.action)\n") }
            actions.append(change.action)
        }
        try resync()
        return actions
    }

    public func apply(_ objects: [DecodedObject], dryRun: Bool) throws {
        let plan = try plan(objects)
        printPlan(plan)
        if dryRun {
            Output.out("(dry run: nothing changed)\n")
            return
        }
        try execute(plan, report: true)
    }

    /// Deletes objects; which existed (those that did not are errors unless `ignoreNotFound`).
    @discardableResult
    public func delete(_ targets: [(ResourceType, ObjectKey)], ignoreNotFound: Bool, report: Bool = true) throws
        -> [Bool]
    {
        var existed: [Bool] = []
        let discovery = try session.api.discover(targets.map(\.0))
        var missing: [String] = []
        for (type, key) in targets {
            guard let version = discovery.served[type.groupKind] else {
                throw CLIError(
                    "error: \(type.qualifiedPlural) is not installed in cluster \(session.connection.contextName)")
            }
            do {
                try session.api.delete(type, version: version, namespace: key.namespace, name: key.name)
                existed.append(true)
                guard report else { continue }
                Output.out(
                    "\(type.qualifiedSingular) \"\(key.name)\" deleted\(key.namespace.isEmpty ? "" : " from \(key.namespace) namespace")\n"
                )
            } catch KubeError.status(404, _, _) {
                existed.append(false)
                if !ignoreNotFound {
                    missing.append("Error from server (NotFound): \(type.qualifiedPlural) \"\(key.name)\" not found")
                }
            } catch let error as KubeError {
                throw CLIError(error.description)
            }
        }
        try resync()
        if !missing.isEmpty { throw CLIError(missing.joined(separator: "\n")) }
        return existed
    }

    public func resync() throws {
        do {
            try ClusterSync(session: session, store: try Store(directory: session.cacheDirectory)).syncAll()
        } catch let error as KubeError {
            throw CLIError(error.description)
        }
    }
}
