import Foundation

/// What the file system under the state directory says when a write fails: read-only, or out of space.
enum StorageCheck {
    /// Space below this counts as full: SQLite needs room for its journal pages besides the data.
    static let minimumFreeBytes: UInt64 = 256 * 1024

    /// Whether `directory` is on a read-only file system (nothing at all can write it).
    static func isReadOnly(_ directory: String) -> Bool {
        var info = statvfs()
        return statvfs(directory, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }

    /// Why writes under `directory` fail, when the file system tells; nil when it looks healthy.
    static func explain(_ directory: String) -> String? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        if info.f_flag & UInt(ST_RDONLY) != 0 {
            return "the state directory \(directory) is on a read-only file system"
        }
        if access(directory, W_OK) != 0 {
            return "the state directory \(directory) is not writable: \(String(cString: strerror(errno)).lowercased())"
        }
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        if free < minimumFreeBytes {
            return "no space left on the device holding the state directory \(directory) (\(free / 1024) KiB free)"
        }
        return nil
    }
}
