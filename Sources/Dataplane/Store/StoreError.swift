import CSQLite

/// Why a store operation failed. Every failure leaves the store as it was.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case database(String)
    /// The disk or the state directory cannot take the write.
    case storage(String)
    case notFound(kind: String, name: String)
    case namespaceNotFound(String)
    case conflict(String)
    case forbidden(String)
    /// A resource limit (ResourceLimits) would be exceeded.
    case limit(String)

    static func fromSQLite(_ code: Int32, _ message: String) -> StoreError {
        switch code & 0xFF {
        case SQLITE_FULL: return .storage("no space left for the state database: \(message)")
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_PERM:
            return .storage("cannot write the state database: \(message)")
        default: return .database(message)
        }
    }

    public var description: String {
        switch self {
        case .database(let m): return "state database error: \(m)"
        case .storage(let m): return m
        case .notFound(let kind, let name): return "\(kind) \"\(name)\" not found"
        case .namespaceNotFound(let ns): return "namespaces \"\(ns)\" not found"
        case .conflict(let m): return m
        case .forbidden(let m): return m
        case .limit(let m): return m
        }
    }
}
