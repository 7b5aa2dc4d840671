import Foundation

/// An exclusive advisory lock on a file (flock), held until released. `descriptor` reads and writes the file
/// under the lock (an address lease's holder).
final class FileLock {
    private(set) var descriptor: Int32

    /// nil when the file cannot be opened (another user's, or a link with `noFollow`).
    init?(path: String, mode: mode_t = 0o600, noFollow: Bool = false) {
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | (noFollow ? O_NOFOLLOW : 0), mode)
        guard descriptor >= 0 else { return nil }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
