import Foundation
import GatewayAPI

/// The embedded object store: a SQLite database in the state directory with API-server semantics.
///
/// - uid and creationTimestamp are set on create; every write takes a new resourceVersion from one counter;
///   generation bumps only when something other than metadata and status changes.
/// - One `apply` is one transaction: all objects land or none.
/// - Writers in several processes queue on SQLite's lock (BEGIN IMMEDIATE), so no update is lost.
/// - `revision()` is a cheap change counter for readers that poll.
public final class Store: @unchecked Sendable {
    public let directory: String
    private let db: SQLiteDatabase
    private let lock = NSLock()

    /// The schema version: 2 added the views table (what reads show beside each object, derived at reconcile),
    /// 3 the change feed (rows by resourceVersion, and tombstones of deleted objects), 4 the revision each row
    /// last changed at (`changed`: a cluster's cache keeps the cluster's resourceVersions, so the feed reads this).
    static let schemaVersion: Int64 = 4

    /// Namespaces every cluster has.
    public static let builtinNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]

    /// Namespaces the embedded default creates: the built-in ones, and `cert-manager` (where cert-manager's manifests
    /// put a ClusterIssuer's CA, as an installed cert-manager provides it). Only the built-in ones cannot be deleted.
    public static let createdNamespaces = builtinNamespaces + ["cert-manager"]

    /// The most objects `apply` may leave in the store (a cluster's cache, written by the mirror, is not limited).
    public let maxObjects: Int

    /// Opens (creating if needed) the store in `directory`. The directory is made 0700 and the database 0600,
    /// since it holds Secret data. On a read-only file system an existing store opens read-only.
    public init(directory: String, maxObjects: Int = ResourceLimits.current.maxStoredObjects) throws {
        self.directory = directory
        self.maxObjects = maxObjects
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try fm.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.storage(
                    "cannot create state directory \(directory): \((error as NSError).localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw StoreError.storage("state path \(directory) is not a directory")
        }
        let path = (directory as NSString).appendingPathComponent("state.db")
        let oldMask = umask(0o077)
        defer { umask(oldMask) }
        if StorageCheck.isReadOnly(directory), FileManager.default.fileExists(atPath: path) {
            // Readable, not writable: reads work, every write says why not.
            db = try SQLiteDatabase(
                path: path,
                readOnlyReason: StorageCheck.explain(directory) ?? "the state directory \(directory) is not writable")
            return
        }
        db = try SQLiteDatabase(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=NORMAL")
        try db.execute("PRAGMA foreign_keys=OFF")
        try migrate()
    }

    /// Copies the write-ahead log into the database file (see `SQLiteDatabase.checkpoint`).
    public func checkpoint() { lock.withLock { db.checkpoint() } }

    /// A copy of this store as it is now, as a new store in `directory` (created 0700, the database 0600): for
    /// changes that must not touch this one (what-if).
    public func copy(into directory: String) throws -> Store {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError.storage("cannot create \(directory): \((error as NSError).localizedDescription)")
        }
        let path = (directory as NSString).appendingPathComponent("state.db")
        let oldMask = umask(0o077)
        defer { umask(oldMask) }
        try locked { try db.execute("VACUUM INTO '\(path.replacingOccurrences(of: "'", with: "''"))'") }
        return try Store(directory: directory, maxObjects: maxObjects)
    }

    /// Why this store cannot be written (its directory is read-only), or nil.
    public var readOnlyReason: String? { db.readOnlyReason }

    /// Whether the schema and the built-in namespaces exist; read first, so opening a full disk's store works.
    private func isMigrated() -> Bool {
        guard let stmt = try? db.prepare("SELECT value FROM meta WHERE key = 'schema'"), (try? stmt.step()) == true,
            stmt.int(0) >= Store.schemaVersion
        else { return false }
        return Store.builtinNamespaces.allSatisfy { namespace in
            (try? fetch(ObjectKey(groupKind: ResourceRegistry.namespace.groupKind, namespace: "", name: namespace)))
                != nil
        }
    }

    private func migrate() throws {
        if isMigrated() { return }
        try db.writeTransaction {
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS objects (
                    grp TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                    api_version TEXT NOT NULL, uid TEXT NOT NULL, resource_version INTEGER NOT NULL,
                    generation INTEGER NOT NULL, created TEXT NOT NULL, body TEXT NOT NULL, status TEXT,
                    changed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (grp, kind, namespace, name));
                CREATE INDEX IF NOT EXISTS objects_by_namespace ON objects (namespace);
                CREATE INDEX IF NOT EXISTS objects_by_revision ON objects (resource_version);
                CREATE TABLE IF NOT EXISTS tombstones (
                    grp TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                    resource_version INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS tombstones_by_revision ON tombstones (resource_version);
                CREATE TABLE IF NOT EXISTS views (
                    grp TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
                    PRIMARY KEY (grp, kind, namespace, name));
                INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0), ('schema', 1), ('next_cluster_ip', 1);
                """)
            // Schema 3 → 4: the change column, from the resourceVersions (the same counter in an embedded store).
            var columns: [String] = []
            try query("PRAGMA table_info(objects)", []) { columns.append($0.text(1) ?? "") }
            if !columns.contains("changed") {
                try db.execute("ALTER TABLE objects ADD COLUMN changed INTEGER NOT NULL DEFAULT 0")
                try db.execute("UPDATE objects SET changed = resource_version")
            }
            try db.execute("CREATE INDEX IF NOT EXISTS objects_by_change ON objects (changed)")
            try db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run([.int(Store.schemaVersion)])
            let now = Store.timestamp(Date())
            for namespace in Store.createdNamespaces
            where try fetch(ObjectKey(groupKind: ResourceRegistry.namespace.groupKind, namespace: "", name: namespace))
                == nil
            {
                let body: JSONValue = [
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": [
                        "name": .string(namespace), "labels": ["kubernetes.io/metadata.name": .string(namespace)],
                    ],
                ]
                try insert(
                    groupKind: ResourceRegistry.namespace.groupKind, apiVersion: "v1", namespace: "", name: namespace,
                    body: body, status: ["phase": "Active"], created: now)
            }
        }
    }

    // MARK: Reading

    /// How many objects the store holds.
    func objectCount() throws -> Int {
        let stmt = try db.prepare("SELECT COUNT(*) FROM objects")
        guard try stmt.step() else { return 0 }
        return Int(stmt.int(0))
    }

    /// The change counter: it grows with every write, so a reader re-reads only when it moved.
    public func revision() throws -> Int64 {
        try locked {
            let stmt = try db.prepare("SELECT value FROM meta WHERE key = 'revision'")
            stmt.bind([])
            return try stmt.step() ? stmt.int(0) : 0
        }
    }

    public func get(_ key: ObjectKey) throws -> StoredObject? {
        try locked { try fetch(key) }
    }

    /// Objects of one kind, in one namespace or all (`namespace == nil`), sorted by namespace and name.
    public func list(_ groupKind: GroupKind, namespace: String? = nil) throws -> [StoredObject] {
        try locked {
            var sql = "SELECT \(Store.columns) FROM objects WHERE grp = ? AND kind = ?"
            var values: [SQLValue] = [.text(groupKind.group), .text(groupKind.kind)]
            if let namespace {
                sql += " AND namespace = ?"
                values.append(.text(namespace))
            }
            sql += " ORDER BY namespace, name"
            let stmt = try db.prepare(sql)
            stmt.bind(values)
            var result: [StoredObject] = []
            while try stmt.step() { result.append(try Store.row(stmt)) }
            return result
        }
    }

    /// Every namespace: the Namespace objects and any namespace an object is in (read from the index; nothing
    /// is decoded).
    public func namespacesInUse() throws -> [String] {
        try locked {
            let stmt = try db.prepare(
                "SELECT DISTINCT namespace FROM objects WHERE namespace != '' UNION SELECT name FROM objects WHERE grp = '' AND kind = 'Namespace' ORDER BY 1"
            )
            stmt.bind([])
            var result: [String] = []
            while try stmt.step() { result.append(stmt.text(0) ?? "") }
            return result
        }
    }

    /// Every group/kind with at least one object, with one apiVersion seen for it.
    public func kinds() throws -> [(groupKind: GroupKind, apiVersion: String)] {
        try locked {
            let stmt = try db.prepare(
                "SELECT grp, kind, MAX(api_version) FROM objects GROUP BY grp, kind ORDER BY grp, kind")
            stmt.bind([])
            var result: [(GroupKind, String)] = []
            while try stmt.step() {
                result.append((GroupKind(group: stmt.text(0) ?? "", kind: stmt.text(1) ?? ""), stmt.text(2) ?? ""))
            }
            return result
        }
    }

    /// A small integer the shell keeps beside the objects (such as the revision last reconciled).
    public func meta(_ key: String) throws -> Int64? {
        try locked {
            let stmt = try db.prepare("SELECT value FROM meta WHERE key = ?")
            stmt.bind([.text(key)])
            return try stmt.step() ? stmt.int(0) : nil
        }
    }

    public func setMeta(_ key: String, _ value: Int64) throws {
        try locked {
            try db.writeTransaction {
                try db.prepare(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                )
                .run([.text(key), .int(value)])
            }
        }
    }

    // MARK: Writing

    /// Applies all objects in one transaction, as `kubectl apply` would object by object, and reports each outcome.
    /// Throws (and changes nothing) when any object cannot be written; `index` in the error names which.
    public func apply(_ objects: [DecodedObject], now: Date = Date(), dryRun: Bool = false) throws -> [ApplyOutcome] {
        if dryRun {
            // The same transaction, rolled back: the outcomes are exactly what a real apply would report.
            do {
                _ = try applyTransaction(objects, now: now, rollBack: true)
            } catch let rollback as DryRunRollback {
                return rollback.outcomes
            }
        }
        return try applyTransaction(objects, now: now, rollBack: false)
    }

    struct DryRunRollback: Error {
        var outcomes: [ApplyOutcome]
    }

    private func applyTransaction(_ objects: [DecodedObject], now: Date, rollBack: Bool) throws -> [ApplyOutcome] {
        try locked {
            try db.writeTransaction {
                let created = Store.timestamp(now)
                let incomingNamespaces = Set(
                    objects.filter { $0.type.groupKind == ResourceRegistry.namespace.groupKind }.map(\.name))
                var outcomes: [ApplyOutcome] = []
                for (index, incoming) in objects.enumerated() {
                    do {
                        outcomes.append(
                            try applyOne(incoming, created: created, incomingNamespaces: incomingNamespaces))
                    } catch let error as StoreError {
                        throw ObjectStoreError(index: index, error: error)
                    }
                }
                let createdCount = outcomes.filter { $0.action == .created }.count
                if createdCount > 0 {
                    let total = try objectCount()
                    if total > maxObjects {
                        throw StoreError.limit(
                            "the store would hold \(total) objects after this apply (\(createdCount) new), over the limit of "
                                + "\(maxObjects) (GWCONSOLE_MAX_OBJECTS); delete objects first or raise the limit")
                    }
                }
                if rollBack { throw DryRunRollback(outcomes: outcomes) }
                return outcomes
            }
        }
    }

    private func applyOne(_ incoming: DecodedObject, created: String, incomingNamespaces: Set<String>) throws
        -> ApplyOutcome
    {
        let groupKind = incoming.type.groupKind
        let namespace = incoming.type.namespaced ? incoming.namespace : ""
        if incoming.type.namespaced && !incomingNamespaces.contains(namespace) {
            let namespaceKey = ObjectKey(
                groupKind: ResourceRegistry.namespace.groupKind, namespace: "", name: namespace)
            if try fetch(namespaceKey) == nil { throw StoreError.namespaceNotFound(namespace) }
        }
        let key = ObjectKey(groupKind: groupKind, namespace: namespace, name: incoming.name)
        var body = incoming.object
        guard let existing = try fetch(key) else {
            if let expected = incoming.expectedResourceVersion, !expected.isEmpty {
                throw StoreError.conflict(
                    "\(incoming.type.qualifiedPlural) \"\(incoming.name)\" not found, but the manifest sets metadata.resourceVersion \(expected) (an update precondition)"
                )
            }
            if groupKind == ResourceRegistry.service.groupKind { try allocateClusterIP(&body) }
            let stored = try insert(
                groupKind: groupKind, apiVersion: incoming.apiVersion, namespace: namespace, name: incoming.name,
                body: body, status: Store.initialStatus(groupKind), created: created)
            return ApplyOutcome(action: .created, object: stored)
        }
        if let expected = incoming.expectedResourceVersion, !expected.isEmpty,
            expected != String(existing.resourceVersion)
        {
            throw StoreError.conflict(
                "Operation cannot be fulfilled on \(incoming.type.qualifiedPlural) \"\(incoming.name)\": the object has been modified; please apply your changes to the latest version and try again"
            )
        }
        if groupKind == ResourceRegistry.service.groupKind {
            // The cluster IP is allocated once and kept, as the API server does.
            if body.value(at: ["spec", "clusterIP"]) == nil, let ip = existing.body.value(at: ["spec", "clusterIP"]) {
                body.set(ip, at: ["spec", "clusterIP"])
                if let ips = existing.body.value(at: ["spec", "clusterIPs"]) {
                    body.set(ips, at: ["spec", "clusterIPs"])
                }
            } else if let ip = body.value(at: ["spec", "clusterIP"]),
                ip != existing.body.value(at: ["spec", "clusterIP"])
            {
                throw StoreError.forbidden(
                    "Service \"\(incoming.name)\" is invalid: spec.clusterIP: Invalid value: \(JSONWriter.compact(ip)): field is immutable"
                )
            }
        }
        if existing.body == body { return ApplyOutcome(action: .unchanged, object: existing) }
        if existing.groupKind == ResourceRegistry.configMap.groupKind
            || existing.groupKind == ResourceRegistry.secret.groupKind,
            existing.body["immutable"]?.boolValue == true
        {
            throw StoreError.forbidden(
                "\(incoming.type.kind) \"\(incoming.name)\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
            )
        }
        let specChanged = Store.withoutMetadata(existing.body) != Store.withoutMetadata(body)
        let generation = specChanged ? existing.generation + 1 : existing.generation
        let stored = try update(existing, apiVersion: incoming.apiVersion, body: body, generation: generation)
        return ApplyOutcome(action: .configured, object: stored)
    }

    /// Replaces the status of one object (a controller's status write); bumps resourceVersion, never generation.
    /// With `expectedResourceVersion`, fails on a concurrent change instead of overwriting it.
    @discardableResult
    public func updateStatus(_ key: ObjectKey, status: JSONValue?, expectedResourceVersion: Int64? = nil) throws
        -> StoredObject
    {
        try locked {
            try db.writeTransaction {
                guard let existing = try fetch(key) else {
                    throw StoreError.notFound(kind: key.groupKind.description, name: key.name)
                }
                if let expected = expectedResourceVersion, expected != existing.resourceVersion {
                    throw StoreError.conflict(
                        "the object has been modified; resourceVersion \(existing.resourceVersion), expected \(expected)"
                    )
                }
                if existing.status == status { return existing }
                let rv = try nextRevision()
                try db.prepare(
                    "UPDATE objects SET status = ?, resource_version = ?, changed = ? WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?"
                )
                .run([
                    status.map { .text(JSONWriter.compact($0)) } ?? .null, .int(rv), .int(rv),
                    .text(key.groupKind.group), .text(key.groupKind.kind), .text(key.namespace), .text(key.name),
                ])
                var updated = existing
                updated.status = status
                updated.resourceVersion = rv
                return updated
            }
        }
    }

    /// Deletes objects in one transaction; returns the deleted ones (nil for keys that did not exist).
    /// Deleting a namespace deletes everything in it. The `default` and system namespaces cannot be deleted.
    public func delete(_ keys: [ObjectKey]) throws -> [StoredObject?] {
        try locked {
            try db.writeTransaction {
                var result: [StoredObject?] = []
                for key in keys {
                    guard let existing = try fetch(key) else {
                        result.append(nil)
                        continue
                    }
                    let rv = try nextRevision()
                    if key.groupKind == ResourceRegistry.namespace.groupKind {
                        if Store.builtinNamespaces.contains(key.name) {
                            throw StoreError.forbidden(
                                "namespaces \"\(key.name)\" is forbidden: this namespace may not be deleted")
                        }
                        // What is in it goes with it; each object leaves a tombstone for the change feed.
                        try db.prepare(
                            "INSERT INTO tombstones SELECT grp, kind, namespace, name, ? FROM objects WHERE namespace = ?"
                        )
                        .run([.int(rv), .text(key.name)])
                        try db.prepare("DELETE FROM objects WHERE namespace = ?").run([.text(key.name)])
                    }
                    try db.prepare("DELETE FROM objects WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?")
                        .run([
                            .text(key.groupKind.group), .text(key.groupKind.kind), .text(key.namespace),
                            .text(key.name),
                        ])
                    try db.prepare(
                        "INSERT INTO tombstones (grp, kind, namespace, name, resource_version) VALUES (?, ?, ?, ?, ?)"
                    )
                    .run([
                        .text(key.groupKind.group), .text(key.groupKind.kind), .text(key.namespace), .text(key.name),
                        .int(rv),
                    ])
                    result.append(existing)
                }
                return result
            }
        }
    }

    // MARK: Internals

    private static let columns =
        "grp, kind, namespace, name, api_version, uid, resource_version, generation, created, body, status"

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// One write transaction under the store's lock (for extensions in this module).
    func withWriteTransaction<T>(_ body: () throws -> T) throws -> T {
        try locked { try db.writeTransaction { try body() } }
    }

    func execute(_ sql: String, _ values: [SQLValue]) throws { try db.prepare(sql).run(values) }

    /// Runs a query, calling `row` for each result row (for extensions in this module; take the lock around it).
    func query(_ sql: String, _ values: [SQLValue], row: (SQLiteDatabase.Statement) throws -> Void) throws {
        let stmt = try db.prepare(sql)
        stmt.bind(values)
        while try stmt.step() { try row(stmt) }
    }

    /// Runs `body` under the store's lock (for extensions in this module).
    func withLock<T>(_ body: () throws -> T) throws -> T { try locked(body) }

    private func fetch(_ key: ObjectKey) throws -> StoredObject? {
        let stmt = try db.prepare(
            "SELECT \(Store.columns) FROM objects WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?")
        stmt.bind([.text(key.groupKind.group), .text(key.groupKind.kind), .text(key.namespace), .text(key.name)])
        return try stmt.step() ? try Store.row(stmt) : nil
    }

    /// What changed after `revision`: objects written since (created, updated, status written) and objects deleted
    /// since, read in one consistent view with the revision it reached. The resident controller's change feed.
    public func changes(since revision: Int64) throws -> StoreChanges {
        try locked {
            try db.readTransaction {
                var changes = StoreChanges(revision: 0, upserted: [], deleted: [])
                let current = try db.prepare("SELECT value FROM meta WHERE key = 'revision'")
                current.bind([])
                changes.revision = try current.step() ? current.int(0) : 0
                let rows = try db.prepare("SELECT \(Store.columns) FROM objects WHERE changed > ? ORDER BY changed")
                rows.bind([.int(revision)])
                while try rows.step() { changes.upserted.append(try Store.row(rows)) }
                let tombstones = try db.prepare(
                    "SELECT grp, kind, namespace, name FROM tombstones WHERE resource_version > ? ORDER BY resource_version"
                )
                tombstones.bind([.int(revision)])
                while try tombstones.step() {
                    changes.deleted.append(
                        ObjectKey(
                            groupKind: GroupKind(group: tombstones.text(0) ?? "", kind: tombstones.text(1) ?? ""),
                            namespace: tombstones.text(2) ?? "", name: tombstones.text(3) ?? ""))
                }
                return changes
            }
        }
    }

    /// Every object, one at a time (nothing is held but the one being read), in one consistent view; returns the
    /// revision of that view. The resident controller's first load.
    public func scan(_ each: (StoredObject) throws -> Void) throws -> Int64 {
        try locked {
            try db.readTransaction {
                let current = try db.prepare("SELECT value FROM meta WHERE key = 'revision'")
                current.bind([])
                let revision = try current.step() ? current.int(0) : 0
                let rows = try db.prepare("SELECT \(Store.columns) FROM objects")
                rows.bind([])
                while try rows.step() { try each(try Store.row(rows)) }
                return revision
            }
        }
    }

    /// Forgets tombstones up to `revision` (the resident controller has seen them).
    public func pruneTombstones(through revision: Int64) throws {
        try locked {
            try db.writeTransaction {
                try db.prepare("DELETE FROM tombstones WHERE resource_version <= ?").run([.int(revision)])
            }
        }
    }

    private static func row(_ stmt: SQLiteDatabase.Statement) throws -> StoredObject {
        let body = try stmt.withBytes(9) { try JSONValue.parse($0) } ?? [:]
        let status = try stmt.withBytes(10) { try JSONValue.parse($0) }
        return StoredObject(
            groupKind: GroupKind(group: stmt.text(0) ?? "", kind: stmt.text(1) ?? ""), apiVersion: stmt.text(4) ?? "",
            namespace: stmt.text(2) ?? "", name: stmt.text(3) ?? "", uid: stmt.text(5) ?? "",
            resourceVersion: stmt.int(6), generation: stmt.int(7), creationTimestamp: stmt.text(8) ?? "",
            body: body, status: status)
    }

    /// Takes the next revision (inside a write transaction).
    func nextRevision() throws -> Int64 {
        try db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'revision'").run()
        let stmt = try db.prepare("SELECT value FROM meta WHERE key = 'revision'")
        stmt.bind([])
        _ = try stmt.step()
        return stmt.int(0)
    }

    @discardableResult
    private func insert(
        groupKind: GroupKind, apiVersion: String, namespace: String, name: String, body: JSONValue,
        status: JSONValue?, created: String
    ) throws -> StoredObject {
        let rv = try nextRevision()
        let uid = UUID().uuidString.lowercased()
        try db.prepare("INSERT INTO objects (\(Store.columns), changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run([
                .text(groupKind.group), .text(groupKind.kind), .text(namespace), .text(name), .text(apiVersion),
                .text(uid),
                .int(rv), .int(1), .text(created), .text(JSONWriter.compact(body)),
                status.map { .text(JSONWriter.compact($0)) } ?? .null,
                .int(rv),
            ])
        return StoredObject(
            groupKind: groupKind, apiVersion: apiVersion, namespace: namespace, name: name, uid: uid,
            resourceVersion: rv, generation: 1, creationTimestamp: created, body: body, status: status)
    }

    private func update(_ existing: StoredObject, apiVersion: String, body: JSONValue, generation: Int64) throws
        -> StoredObject
    {
        let rv = try nextRevision()
        try db.prepare(
            """
            UPDATE objects SET api_version = ?, body = ?, generation = ?, resource_version = ?, changed = ?
            WHERE grp = ? AND kind = ? AND namespace = ? AND name = ?
            """
        ).run([
            .text(apiVersion), .text(JSONWriter.compact(body)), .int(generation), .int(rv), .int(rv),
            .text(existing.groupKind.group), .text(existing.groupKind.kind), .text(existing.namespace),
            .text(existing.name),
        ])
        var updated = existing
        updated.apiVersion = apiVersion
        updated.body = body
        updated.generation = generation
        updated.resourceVersion = rv
        return updated
    }

    /// Allocates the next address of the service range 10.96.0.0/12 (display only; traffic uses endpoints).
    private func allocateClusterIP(_ body: inout JSONValue) throws {
        let type = body.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP"
        guard type != "ExternalName", body.value(at: ["spec", "clusterIP"]) == nil else { return }
        try db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'next_cluster_ip'").run()
        let stmt = try db.prepare("SELECT value FROM meta WHERE key = 'next_cluster_ip'")
        stmt.bind([])
        _ = try stmt.step()
        let n = stmt.int(0) % (1 << 20)
        let ip = "10.\(96 + (n >> 16) & 0x0F).\((n >> 8) & 0xFF).\(n & 0xFF)"
        body.set(.string(ip), at: ["spec", "clusterIP"])
        body.set(.array([.string(ip)]), at: ["spec", "clusterIPs"])
    }

    private static func initialStatus(_ groupKind: GroupKind) -> JSONValue? {
        switch groupKind {
        case ResourceRegistry.namespace.groupKind: return ["phase": "Active"]
        case ResourceRegistry.service.groupKind: return ["loadBalancer": [:]]
        default: return nil
        }
    }

    private static func withoutMetadata(_ body: JSONValue) -> JSONValue {
        var copy = body
        copy["metadata"] = nil
        copy["apiVersion"] = nil
        return copy
    }

    /// RFC 3339 in UTC with seconds, as Kubernetes writes timestamps.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// A store error about the object at `index` of an apply, so the caller can point at its document.
public struct ObjectStoreError: Error, CustomStringConvertible {
    public var index: Int
    public var error: StoreError
    public var description: String { error.description }
}
