import CProcess
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the nginx binary: test a config, start a master, signal it. nginx daemonizes; the pid file tracks it.
struct NginxProcess {
    let binary: String
    /// The runtime directory (pid file, logs, control socket, temp paths).
    let runtime: String

    var pidFile: String { runtime + "/nginx.pid" }
    var errorLog: String { runtime + "/logs/error.log" }
    var controlSocket: String { runtime + "/control.sock" }

    /// nginx found on PATH or in /usr/sbin.
    static func locate() -> String? {
        if let env = ProcessInfo.processInfo.environment["GWCONSOLE_NGINX"], !env.isEmpty { return env }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/local/sbin:/sbin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/nginx"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    func prepare() throws {
        let fm = FileManager.default
        for dir in ["logs", "temp"] {
            try fm.createDirectory(
                atPath: runtime + "/" + dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Runs nginx with arguments; returns its exit status and combined output (through a file: a daemonizing
    /// master must not inherit any of our descriptors).
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = runtime + "/logs/nginx-command.log"
        // $NGINX names sockets to inherit (nginx's binary upgrade); one in the user's environment must not reach it.
        let status = try Spawn.run(
            binary, ["-p", runtime + "/", "-e", errorLog] + arguments, outputPath: outputPath, environment: ["NGINX"])
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// `nginx -t` on a config file: nil when it passes, else nginx's own message.
    func test(config: String) throws -> String? {
        let (status, output) = try run(["-t", "-q", "-c", config])
        if status == 0 { return nil }
        let lines = output.split(separator: "\n").map(String.init).filter { !$0.contains("test failed") }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The master's pid when it runs.
    var pid: pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        return NginxProcess.isAlive(pid) ? pid : nil
    }

    /// Alive and not a zombie (a killed daemon whose parent does not reap it still answers kill(pid, 0)).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// Processes left from a master that died (its workers keep their listening sockets): nginx processes
    /// with a descriptor open in this runtime directory.
    func orphans() -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var result: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), pid != getpid(),
                let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                cmdline.hasPrefix("nginx"),
                let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
            else { continue }
            let ours = fds.contains { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))?.hasPrefix(
                    runtime + "/") == true
            }
            if ours { result.append(pid) }
        }
        return result
    }

    /// Starts a master on `config`; returns nginx's message on failure.
    ///
    /// Workers orphaned by a dead master still hold the listening sockets. The new master takes copies of those
    /// sockets (nginx inherits listeners named in `$NGINX`, as in its binary upgrade), so connections keep queueing
    /// on the same sockets while it starts; then the orphans quit gracefully and are killed if they linger. Where
    /// the sockets cannot be taken (no pidfd_getfd), the orphans quit first and connections are refused until the
    /// new master binds.
    func start(config: String) throws -> String? {
        let orphaned = orphans()
        var sockets: [Int32] = []
        if !orphaned.isEmpty {
            var taken = [Int32](repeating: -1, count: 16)
            let count = gw_take_listening_sockets(
                orphaned.map { Int32($0) }, Int32(orphaned.count), &taken, Int32(taken.count))
            sockets = Array(taken.prefix(Int(max(count, 0))))
        }
        defer { for socket in sockets { close(socket) } }
        func retireOrphans() {
            for orphan in orphaned { kill(orphan, SIGQUIT) }
            waitForRetirement(of: orphaned, timeout: 2)
        }
        if sockets.isEmpty { retireOrphans() }
        defer {
            if !sockets.isEmpty { retireOrphans() }
            for _ in 0..<50 where orphaned.contains(where: NginxProcess.isAlive) { usleep(20_000) }
            for orphan in orphaned where NginxProcess.isAlive(orphan) { kill(orphan, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: controlSocket)
        let inherit = sockets.isEmpty ? ["NGINX"] : ["NGINX=" + sockets.indices.map { "\(3 + $0);" }.joined()]
        let outputPath = runtime + "/logs/nginx-command.log"
        // nginx does not detach when it inherits sockets: it is not waited for, and an exit shows as no pid.
        let status = try Spawn.run(
            binary, ["-p", runtime + "/", "-e", errorLog, "-c", config], outputPath: outputPath,
            passing: sockets, environment: inherit, wait: sockets.isEmpty)
        func output() -> String {
            ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "").trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        if status != 0 { return output() }
        for _ in 0..<100 where pid == nil { usleep(20_000) }
        return pid == nil ? "nginx did not start (no pid in \(pidFile))\(output().isEmpty ? "" : ": " + output())" : nil
    }

    func reload() -> Bool {
        guard let pid else { return false }
        return kill(pid, SIGHUP) == 0
    }

    /// The master's worker processes now.
    func workers() -> [pid_t] {
        guard let pid, let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        else { return [] }
        return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Waits until the given (old) workers stopped accepting: gone, or titled "is shutting down" (nginx closes its
    /// listening sockets before it renames itself so).
    func waitForRetirement(of old: [pid_t], timeout: TimeInterval = 3) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let accepting = old.filter { worker in
                guard let title = try? String(contentsOfFile: "/proc/\(worker)/cmdline", encoding: .utf8),
                    !title.isEmpty
                else { return false }
                return !title.contains("shutting down")
            }
            if accepting.isEmpty { return }
            usleep(5_000)
        }
    }

    /// Retires a reload's old workers now: nginx's master would tell them to finish gracefully only 100 ms after
    /// starting the new ones, and until then they keep accepting with the old config. Called once a new worker
    /// has answered; in-flight requests finish.
    func retire(_ workers: [pid_t]) {
        for worker in workers where NginxProcess.isAlive(worker) { kill(worker, SIGQUIT) }
        waitForRetirement(of: workers)
    }

    /// Stops the master gracefully (QUIT), then forcefully after a few seconds; workers it leaves behind (still
    /// busy when it was killed, or shutting down after a reload) are killed too, so `down` leaves no nginx.
    /// Stops the master: gracefully (SIGQUIT: connections finish), or at once (`fast`, SIGTERM).
    func stop(fast: Bool = false) {
        guard let pid else { return }
        kill(pid, fast ? SIGTERM : SIGQUIT)
        var stopped = false
        for _ in 0..<150 {
            if !NginxProcess.isAlive(pid) {
                stopped = true
                break
            }
            usleep(20_000)
        }
        if !stopped {
            kill(pid, SIGKILL)
            usleep(50_000)
        }
        for _ in 0..<25 {
            let left = orphans()
            if left.isEmpty { return }
            usleep(20_000)
            if NginxProcess.isAlive(pid) { continue }
            for orphan in left { kill(orphan, SIGKILL) }
        }
    }

    /// The generation the running nginx reports on its control socket.
    func runningGeneration() -> Int? {
        UnixHTTP.get(socketPath: controlSocket, path: "/generation").flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// How a reload or start ended.
    enum ReloadOutcome: Equatable {
        /// The new workers serve the generation.
        case serving
        /// nginx refused the config (an `[emerg]` in its log); a running master keeps its previous config.
        case refused
        /// No answer in time, or the master died.
        case noAnswer
    }

    /// Waits until nginx serves `generation`. With `logOffset` (the error log's size before the signal), it first
    /// waits for nginx's own verdict on the config, however long parsing a large config takes: `[emerg]` is a
    /// refusal, "start worker processes" means it was taken; then `oldWorkers` are retired at once (nginx's
    /// master would let them accept with the old config for another 100 ms). Then it waits until nginx reports
    /// the generation on its control socket, several times in a row while old workers may still answer.
    /// `master`: the pid signalled to reload (nil for a master that was just started). Only its own lines count:
    /// its `[emerg]`, and "start worker processes" after its "reconfiguring" (a worker's error, or a respawned
    /// worker, is no verdict on the new config).
    func waitForGeneration(
        _ generation: Int, logOffset: UInt64? = nil, master: pid_t? = nil, retiring oldWorkers: [pid_t] = [],
        parseTimeout: TimeInterval = 600, timeout: TimeInterval = 5
    ) -> ReloadOutcome {
        var needed = 5
        if let logOffset {
            let start = Date()
            let parseDeadline = start.addingTimeInterval(parseTimeout)
            while true {
                let verdict = NginxProcess.reloadVerdict(errorLogSince(logOffset), master: master)
                if verdict == .refused { return .refused }
                if verdict == .serving {
                    // Connections queue on the shared listening sockets until a new worker accepts them.
                    if !oldWorkers.isEmpty {
                        retire(oldWorkers)
                        needed = 1
                    }
                    break
                }
                if runningGeneration() == generation { break }
                if pid == nil || Date() >= parseDeadline { return .noAnswer }
                // A small config parses in milliseconds: look every millisecond at first, then every 20.
                usleep(Date().timeIntervalSince(start) < 0.2 ? 1_000 : 20_000)
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var streak = 0
        while Date() < deadline {
            if let logOffset, NginxProcess.reloadVerdict(errorLogSince(logOffset), master: master) == .refused {
                return .refused
            }
            if runningGeneration() == generation {
                streak += 1
                if streak >= needed { return .serving }
                usleep(5_000)
            } else {
                streak = 0
                usleep(2_000)
            }
        }
        return .noAnswer
    }

    /// nginx's verdict on a config from its error log since the signal: `.serving` when it started the new
    /// workers, `.refused` on an `[emerg]`, else `.noAnswer` (still parsing). See `waitForGeneration`.
    static func reloadVerdict(_ said: String, master: pid_t?) -> ReloadOutcome {
        guard let master else {
            if said.contains("[emerg]") { return .refused }
            return said.contains("start worker process") ? .serving : .noAnswer
        }
        // Only what follows the master's own "reconfiguring" (not the signal handler's "signal 1 (SIGHUP) received
        // …, reconfiguring", which it logs at once, even while it still works on an earlier reload whose last
        // `[emerg]`, such as "still could not bind()", may come after the signal).
        var reconfiguring = false
        for line in said.split(separator: "\n") where line.contains(" \(master)#") {
            if line.hasSuffix(": reconfiguring") {
                reconfiguring = true
                continue
            }
            guard reconfiguring else { continue }
            if line.contains("[emerg]") { return .refused }
            if line.contains("start worker processes") { return .serving }
        }
        return .noAnswer
    }

    /// Everything the error log got since `offset` bytes.
    func errorLogSince(_ offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: errorLog) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Error log lines written since `offset` bytes (what a failed reload said).
    func errorLogTail(since offset: UInt64) -> String {
        errorLogSince(offset).split(separator: "\n")
            .filter {
                $0.contains("[emerg]") || $0.contains("[alert]") || $0.contains("[crit]") || $0.contains("[error]")
            }
            .joined(separator: "\n")
    }

    var errorLogSize: UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: errorLog)[.size]) as? NSNumber)?.uint64Value ?? 0
    }
}
