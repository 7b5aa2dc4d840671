import Foundation
import GatewayAPI

/// Writing objects as another API server holds them (cluster mode's cache): uid, resourceVersion, generation,
/// creation time and status are the cluster's, kept as they come; nothing is defaulted or validated.
extension Store {
    /// Replaces every object of a kind (in `namespace`, or all when nil) with `objects`, in one transaction. Every
    /// row written and every object gone takes the store's next revision (the change feed's), not the cluster's.
    public func mirrorReplace(_ groupKind: GroupKind, namespace: String?, objects: [JSONValue]) throws {
        try withWriteTransaction {
            let revision = try nextRevision()
            var scope = "grp = ? AND kind = ?"
            var values: [SQLValue] = [.text(groupKind.group), .text(groupKind.kind)]
            if let namespace {
                scope += " AND namespace = ?"
                values.append(.text(namespace))
            }
            // Tombstones only for what the new list lacks (a relist of an unchanged kind leaves none behind).
            var listed = Set<String>()
            for object in objects {
                let metadata = object["metadata"] ?? [:]
                listed.insert((metadata["namespace"]?.stringValue ?? "") + "/" + (metadata["name"]?.stringValue ?? ""))
            }
            var gone: [(String, String)] = []
            try query("SELECT namespace, name FROM objects WHERE \(scope)", values) { row in
                let namespace = row.text(0) ?? ""
                let name = row.text(1) ?? ""
                if !listed.contains(namespace + "/" + name) { gone.append((namespace, name)) }
            }
            for (namespace, name) in gone {
                let key = ObjectKey(groupKind: groupKind, namespace: namespace, name: name)
                try execute(
                    "DELETE FROM objects WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?",
                    Store.keyValues(key))
                try execute(
                    "INSERT INTO tombstones (grp, kind, namespace, name, resource_version) VALUES (?, ?, ?, ?, ?)",
                    Store.keyValues(key) + [.int(revision)])
            }
            for object in objects { try mirrorWrite(groupKind, object, revision: revision, keepNewer: false) }
        }
    }

    /// Creates or replaces one object (a watch's ADDED or MODIFIED).
    public func mirrorUpsert(_ groupKind: GroupKind, object: JSONValue) throws {
        try withWriteTransaction {
            try mirrorWrite(groupKind, object, revision: try nextRevision(), keepNewer: true)
        }
    }

    /// Removes one object (a watch's DELETED).
    public func mirrorDelete(_ key: ObjectKey) throws {
        try withWriteTransaction {
            let revision = try nextRevision()
            try execute(
                "DELETE FROM objects WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?", Store.keyValues(key))
            try execute(
                "INSERT INTO tombstones (grp, kind, namespace, name, resource_version) VALUES (?, ?, ?, ?, ?)",
                Store.keyValues(key) + [.int(revision)])
        }
    }

    /// `keepNewer`: a watch event older than the row (same uid, a lower resourceVersion: another writer of the
    /// cache, such as a command's list, got there first) changes nothing.
    private func mirrorWrite(_ groupKind: GroupKind, _ object: JSONValue, revision: Int64, keepNewer: Bool) throws {
        guard let stored = StoredObject(mirroring: object, groupKind: groupKind) else { return }
        if keepNewer {
            var newer = false
            try query(
                "SELECT uid, resource_version FROM objects WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?",
                Store.keyValues(ObjectKey(groupKind: groupKind, namespace: stored.namespace, name: stored.name))
            ) { row in newer = row.text(0) == stored.uid && row.int(1) > stored.resourceVersion }
            if newer { return }
        }
        let values: [SQLValue] = [
            .text(groupKind.group), .text(groupKind.kind), .text(stored.namespace), .text(stored.name),
            .text(stored.apiVersion),
            .text(stored.uid), .int(stored.resourceVersion), .int(stored.generation), .text(stored.creationTimestamp),
            .text(JSONWriter.compact(stored.body)), stored.status.map { .text(JSONWriter.compact($0)) } ?? .null,
            .int(revision),
        ]
        try execute(
            "INSERT OR REPLACE INTO objects (grp, kind, namespace, name, api_version, uid, resource_version, generation, created, body, status, changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values)
    }
}

extension StoredObject {
    /// An object as another API server serves it, in the store's form: server metadata and status kept apart from
    /// the body, as the cache holds it (nil without a name).
    public init?(mirroring object: JSONValue, groupKind: GroupKind) {
        let metadata = object["metadata"] ?? [:]
        guard let name = metadata["name"]?.stringValue else { return nil }
        var body = object
        body["status"] = nil
        var meta = metadata
        for field in ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"] {
            meta[field] = nil
        }
        body["metadata"] = meta
        self.init(
            groupKind: groupKind, apiVersion: object["apiVersion"]?.stringValue ?? "",
            namespace: metadata["namespace"]?.stringValue ?? "",
            name: name, uid: metadata["uid"]?.stringValue ?? "",
            resourceVersion: Int64(metadata["resourceVersion"]?.stringValue ?? "") ?? 0,
            generation: metadata["generation"]?.intValue ?? 0,
            creationTimestamp: metadata["creationTimestamp"]?.stringValue ?? "",
            body: body, status: object["status"])
    }
}
