import CSQLite
import Foundation

/// A minimal SQLite connection: prepared statements, typed binds and reads, transactions.
final class SQLiteDatabase {
    private(set) var handle: OpaquePointer?
    let path: String

    /// Why this connection cannot write (it was opened read-only on a read-only file system), or nil.
    let readOnlyReason: String?

    /// Opens `path` for reading and writing, or with `readOnlyReason` read-only and immutable: no locks and no
    /// journal files, which only holds while nothing can write the file — a read-only file system.
    init(path: String, busyTimeoutMilliseconds: Int32 = 60_000, readOnlyReason: String? = nil) throws {
        self.path = path
        self.readOnlyReason = readOnlyReason
        var db: OpaquePointer?
        let flags =
            readOnlyReason == nil
            ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
            : SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX
        let name =
            readOnlyReason == nil
            ? path
            : "file:" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path) + "?immutable=1"
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError.database("cannot open \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    /// A storage error with what the file system says about the state directory.
    func error(_ rc: Int32, _ message: String) -> StoreError {
        let error = StoreError.fromSQLite(rc, message)
        guard case .storage(let text) = error,
            let reason = StorageCheck.explain((path as NSString).deletingLastPathComponent)
        else { return error }
        return .storage("\(text): \(reason)")
    }

    deinit {
        checkpoint()
        sqlite3_close_v2(handle)
    }

    /// Copies what the write-ahead log holds into the database file, as far as readers allow (never waits). With a
    /// resident controller holding the database open, closing a connection no longer does it, and a reader that
    /// must open the file immutable (a read-only file system) sees only the database file.
    func checkpoint() {
        guard readOnlyReason == nil else { return }
        sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw error(rc, text)
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, lastError) }
        return Statement(stmt, db: self)
    }

    /// Runs `body` in a write transaction taken up front (BEGIN IMMEDIATE), so that concurrent writers queue
    /// on the database lock instead of failing midway; rolls back on any error.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if let readOnlyReason { throw StoreError.storage("cannot write the state database: \(readOnlyReason)") }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in a read transaction: every query in it sees one consistent state of the database.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        defer { try? execute("COMMIT") }
        return try body()
    }

    final class Statement {
        private let stmt: OpaquePointer
        private unowned let db: SQLiteDatabase

        init(_ stmt: OpaquePointer, db: SQLiteDatabase) {
            self.stmt = stmt
            self.db = db
        }

        deinit { sqlite3_finalize(stmt) }

        @discardableResult
        func bind(_ values: [SQLValue]) -> Statement {
            sqlite3_reset(stmt)
            sqlite3_clear_bindings(stmt)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case .null: sqlite3_bind_null(stmt, index)
                case .int(let i): sqlite3_bind_int64(stmt, index, i)
                case .text(let s): _ = gw_sqlite3_bind_text_transient(stmt, index, s, Int32(s.utf8.count))
                }
            }
            return self
        }

        /// Steps once; true while a row is available.
        func step() throws -> Bool {
            let rc = sqlite3_step(stmt)
            switch rc {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw db.error(rc, db.lastError)
            }
        }

        func run(_ values: [SQLValue] = []) throws {
            bind(values)
            while try step() {}
        }

        func int(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

        /// A text column's UTF-8 bytes, valid only inside `body` (no String made); nil for NULL.
        func withBytes<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
            guard let pointer = sqlite3_column_text(stmt, column) else { return nil }
            let count = Int(sqlite3_column_bytes(stmt, column))
            return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: count))
        }

        func text(_ column: Int32) -> String? {
            guard let cString = sqlite3_column_text(stmt, column) else { return nil }
            return String(cString: cString)
        }
    }
}

enum SQLValue {
    case null
    case int(Int64)
    case text(String)
}
