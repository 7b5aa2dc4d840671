import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A local pod's process that is not nginx (the conformance echo server, an image the user mapped to a command):
/// started in a session of its own, its pid in the pod's run directory, its output in the pod's log.
struct CommandProcess {
    /// The pod's run directory.
    let runtime: String
    var pidFile: String { runtime + "/process.pid" }
    var logFile: String { runtime + "/logs/output.log" }

    /// The running process, or nil (a finished child of this process is reaped here, so it does not linger). The
    /// pid file also holds the process's start time: a pid the system gave to another process since is not it.
    var pid: pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first, let pid = pid_t(first), pid > 0 else { return nil }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return nil }
        guard kill(pid, 0) == 0 else { return nil }
        if fields.count > 1, Self.startTime(pid) != String(fields[1]) { return nil }
        return pid
    }

    /// The running process, not counting one that finished and waits for a parent to reap it (a zombie): for
    /// a sandboxed nginx pod, whose liveness is nginx's (a killed sandbox under an init that does not reap, as in a
    /// container, is not running).
    var running: pid_t? { pid.flatMap { NginxProcess.isAlive($0) ? $0 : nil } }

    /// A process's start time (field 22 of /proc/PID/stat), which with its pid names it uniquely.
    static func startTime(_ pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        return rest.count > 19 ? String(rest[19]) : nil
    }

    func start(_ command: [String], environment: [String]) throws {
        guard let executable = command.first else { throw DataplaneError("the command is empty") }
        try FileManager.default.createDirectory(atPath: runtime + "/logs", withIntermediateDirectories: true)
        let pid = try Spawn.background(
            executable, Array(command.dropFirst()), outputPath: logFile, environment: environment)
        try "\(pid) \(Self.startTime(pid) ?? "")\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
    }

    /// SIGTERM, then SIGKILL to what is left after two seconds: the command and every process of its session
    /// (it was started in a session of its own), also when the command itself already died and left children
    /// that would keep the pod's port. `zombiesStopped`: a finished process nobody has reaped yet counts as gone
    /// (for `down`, once the resident controller that started it has stopped: an init that does not reap, as in
    /// a container, would otherwise cost every pod the whole two seconds); else it counts as there until its parent
    /// reaps it.
    func stop(zombiesStopped: Bool = false) {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let first = text.split(whereSeparator: \.isWhitespace).first, let leader = pid_t(first), leader > 1
        else { return }
        let alive = pid
        for member in Self.session(leader) + (alive.map { [$0] } ?? []) { kill(member, SIGTERM) }
        let deadline = Date().addingTimeInterval(2)
        func there() -> Bool { zombiesStopped ? pid.map(NginxProcess.isAlive) ?? false : pid != nil }
        while (there() || !Self.session(leader).isEmpty) && Date() < deadline { usleep(10_000) }
        for member in Self.session(leader) { kill(member, SIGKILL) }
        if let alive = self.pid { kill(alive, SIGKILL) }
        unlink(pidFile)
    }

    /// The processes whose session is `leader`'s (field 6 of /proc/PID/stat): the command's own, nothing else's
    /// (a pid reused by another process leads no session of ours).
    static func session(_ leader: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var members: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the name: state, ppid, pgrp, session.
            if fields.count > 3, pid_t(fields[3]) == leader, fields[0] != "Z" { members.append(pid) }
        }
        return members
    }

    /// Waits until something accepts TCP connections on `address:port` (the process is listening), or the deadline.
    func waitUntilListening(address: String, port: Int, udp: Bool = false, timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if pid == nil { return false }
            if udp ? Self.boundUDP(address: address, port: port) : Self.accepts(address: address, port: port) {
                return true
            }
            usleep(2_000)
        }
        return false
    }

    /// Whether a UDP socket is bound to the address and port (`/proc/net/udp`: `0100007F:0035`, the address in
    /// host byte order on little-endian machines, as the kernel prints it).
    static func boundUDP(address: String, port: Int) -> Bool {
        var addr = in_addr()
        guard inet_pton(AF_INET, address, &addr) == 1,
            let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8)
        else { return false }
        let wanted = String(format: "%08X:%04X", UInt32(littleEndian: addr.s_addr), port)
        return table.split(separator: "\n").contains { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) == wanted
        }
    }

    static func accepts(address: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }
}
