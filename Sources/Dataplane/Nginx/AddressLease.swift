import Foundation

/// The loopback /24 a state directory's data plane uses (its Gateways `.1`–`.99`, its pods `.100` and up), leased
/// per machine: two state directories (two users, a test beside a user) never serve on the same addresses.
///
/// A lease is a file `/tmp/gwconsole-lease-127.0.X` naming the state directory that holds it, taken under an
/// exclusive `flock` so two `up`s at once cannot both take one. It holds while that state directory exists and its
/// data plane is up; after `down`, or once the directory is gone (a crashed or deleted run), the next `up` anywhere
/// may take it. A state directory keeps its base when it can, so its Gateways keep their addresses from one `up` to
/// the next. `GWCONSOLE_ADDRESS_BASE` (or `up --address`) chooses addresses by hand and takes no lease.
enum AddressLease {
    /// Where the leases are: a directory every user can write to, whose sticky bit keeps each user's own.
    static let directory = "/tmp"

    /// The bases in the order they are offered: `127.0.100` (the documented default) to `127.0.254`, then `127.1.*`.
    static var candidates: [String] { (100...254).map { "127.0.\($0)" } + (0...254).map { "127.1.\($0)" } }

    static func path(_ base: String) -> String { directory + "/gwconsole-lease-" + base }

    /// A base taken, its lease still locked: the caller marks its data plane up, then releases the lock, so another
    /// `up` waiting on the lease sees it held.
    struct Claim {
        let base: String
        let lock: FileLock

        func release() { lock.release() }
    }

    /// Takes a base for `stateDirectory`: `previous` when it is free or already ours, else the first free one; nil
    /// when every base is held.
    static func claim(stateDirectory: String, previous: String?) -> Claim? {
        let own = (stateDirectory as NSString).standardizingPath
        for base in (previous.map { [$0] } ?? []) + candidates {
            if let claim = take(base, for: own) { return claim }
        }
        return nil
    }

    /// Takes one base when its lease is free, stale or ours.
    static func take(_ base: String, for stateDirectory: String) -> Claim? {
        // Another user's lease (the sticky /tmp keeps it theirs) cannot be opened: held.
        guard let lock = FileLock(path: path(base), mode: 0o644, noFollow: true) else { return nil }
        let fd = lock.descriptor
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = pread(fd, &buffer, buffer.count, 0)
        let holder = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if !holder.isEmpty && holder != stateDirectory && holds(holder) { return nil }
        let text = Array((stateDirectory + "\n").utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.count, 0) == text.count else { return nil }
        return Claim(base: base, lock: lock)
    }

    /// Whether the state directory named in a lease still holds it: it exists and its data plane is up, with an
    /// nginx master alive when it has Gateways (a run killed with everything it started holds nothing).
    static func holds(_ stateDirectory: String) -> Bool {
        guard FileManager.default.fileExists(atPath: stateDirectory) else { return false }
        let manager = DataplaneManager(stateDirectory: stateDirectory)
        let state = manager.load()
        guard state.running else { return false }
        let started = state.gateways.values.filter { $0.generation > 0 }
        return started.isEmpty || started.contains { manager.process($0).pid != nil }
    }
}
