import GatewayAPI

/// Views: what read commands show beside an object that only the graph knows (describe's attached routes,
/// backends, effective policies, referenced-by), derived at reconcile and kept one row per object, so that a read
/// decodes the object it shows and its view, never the whole store. Writing views never bumps the revision.
extension Store {
    /// Replaces the views with `views`: rows whose text changed are written, rows of objects not in it removed.
    /// `previous`: the hashes of what the caller last wrote, when it knows (else the rows are read to compare).
    public func replaceViews(_ views: [ObjectKey: String], previous: [ObjectKey: Int]? = nil) throws {
        try withWriteTransaction {
            var existing: [ObjectKey: Int] = previous ?? [:]
            if previous == nil {
                try query("SELECT grp, kind, namespace, name, body FROM views", []) { row in
                    let key = ObjectKey(
                        groupKind: GroupKind(group: row.text(0) ?? "", kind: row.text(1) ?? ""),
                        namespace: row.text(2) ?? "", name: row.text(3) ?? "")
                    existing[key] = (row.text(4) ?? "").hashValue
                }
            }
            for key in existing.keys where views[key] == nil {
                try execute(
                    "DELETE FROM views WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?", Store.keyValues(key))
            }
            for (key, body) in views where existing[key] != body.hashValue {
                try execute(
                    "INSERT OR REPLACE INTO views (grp, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?)",
                    Store.keyValues(key) + [.text(body)])
            }
        }
    }

    /// The view of one object, or nil when it has none.
    public func view(_ key: ObjectKey) throws -> String? {
        try withLock {
            var body: String?
            try query(
                "SELECT body FROM views WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?", Store.keyValues(key)
            ) {
                body = $0.text(0)
            }
            return body
        }
    }

    static func keyValues(_ key: ObjectKey) -> [SQLValue] {
        [.text(key.groupKind.group), .text(key.groupKind.kind), .text(key.namespace), .text(key.name)]
    }
}
