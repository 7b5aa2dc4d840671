import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a state directory's resident controller keeps its files.
public struct ControllerPaths: Sendable {
    public let stateDirectory: String
    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    public var socket: String { stateDirectory + "/controller.sock" }
    /// Held (flock) by the running controller for its whole life: free means no controller runs.
    public var lock: String { stateDirectory + "/controller.lock" }
    public var pidFile: String { stateDirectory + "/controller.pid" }
    public var log: String { stateDirectory + "/controller.log" }
    /// The settings the running controller acts with (its environment's and options'), written when it starts.
    public var settings: String { stateDirectory + "/controller.settings" }

    /// The running controller's settings, or nil.
    public var runningSettings: String? { try? String(contentsOfFile: settings, encoding: .utf8) }

    /// Whether the socket's path fits a unix socket address (a very long state path does not).
    public var socketPathFits: Bool { UnixSocket.address(socket) != nil }

    /// Whether a controller holds this state directory's lock now.
    public var isRunning: Bool {
        let fd = open(lock, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    public var pid: pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// What a command asks the resident controller for. The answer comes once the store revision is reconciled:
/// `status` as soon as statuses are written, `serve` once the data plane serves it too; `force` runs a full pass
/// (data plane included) even when nothing changed, and answers when it is done.
public enum ControllerRequest: String, Sendable {
    case status, serve, force
}

/// The client side: one request, one answer line, over the controller's unix socket.
public enum ControllerClient {
    public enum Answer: Equatable, Sendable {
        /// Reconciled through this revision.
        case reconciled(Int64)
        /// The controller could not reconcile; the caller does it itself.
        case failed(String)
    }

    /// Asks the controller to reconcile through `revision`; nil when no controller answers (none runs, or it died
    /// while the request waited): the caller reconciles in-process, as without a controller.
    public static func sync(_ paths: ControllerPaths, revision: Int64, request: ControllerRequest) -> Answer? {
        guard paths.isRunning else { return nil }
        let fd = UnixSocket.connect(paths.socket)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard UnixSocket.send(fd, "sync \(revision) \(request.rawValue)\n") else { return nil }
        // A pass over a large store (and nginx parsing its config) can take long: wait while the controller lives.
        var line = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 1_000)
            if ready == 0 {
                if !paths.isRunning { return nil }
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            line += buffer[0..<n]
            if let end = line.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: line[..<end], as: UTF8.self)
                if text.hasPrefix("ok "), let revision = Int64(text.dropFirst(3)) { return .reconciled(revision) }
                return .failed(text.hasPrefix("error ") ? String(text.dropFirst(6)) : text)
            }
        }
    }
}

/// Unix stream sockets: connect, listen, send a line.
enum UnixSocket {
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return address
    }

    /// A connected descriptor, or -1.
    static func connect(_ path: String) -> Int32 {
        guard var address = address(path) else { return -1 }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// A listening descriptor on `path` (an old socket file there is replaced), or why not.
    static func listen(_ path: String) throws -> Int32 {
        guard var address = address(path) else {
            throw DataplaneError(
                "the controller socket path \(path) is longer than a unix socket allows; use a shorter --state")
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DataplaneError("socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw DataplaneError("cannot listen on \(path): \(message)")
        }
        chmod(path, 0o600)
        return fd
    }

    @discardableResult
    static func send(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }
}
