import CProcess
import Foundation
import GatewayAPI
import GatewayCore

#if canImport(Glibc)
    import Glibc
#endif

/// The resident controller of one state directory (`gwconsole up` starts it; NGF's shape: a control plane next to
/// its nginx processes). It keeps the store's objects in memory (`ControllerCache`), learns of changes from
/// commands over its unix socket (no one polls the store), and reconciles what changed: statuses first, then the
/// data plane. Every second it also checks that the nginx masters and local pods it runs are alive.
///
/// It holds nothing the store does not: killed at any point, the next one loads the store and carries on, and
/// commands that find no controller reconcile in-process as before.
public final class ResidentController: @unchecked Sendable {
    let reconciler: Reconciler
    let paths: ControllerPaths
    let cache = ControllerCache()
    private let lock = NSLock()
    private var waiters: [Waiter] = []
    private let wakeUp = DispatchSemaphore(value: 0)
    private var reconciled: Int64 = -1
    private var served: Int64 = -1
    private var log: (String) -> Void
    private let settings: String
    /// Stop after this long without a request (a cluster's cache keeper, which nobody stops); nil: never.
    private let idleExit: TimeInterval?
    /// Whether the program it runs was replaced on disk since it started.
    public var isOutdated: (() -> Bool)?
    private var lastRequest = Date()
    private var stopped = false

    struct Waiter {
        var fd: Int32
        var revision: Int64
        var request: ControllerRequest
        /// A `force` request runs a pass of its own: answered only after a pass that started after it.
        var pass: Int
    }

    private var passesStarted = 0

    /// `reconciler` must have the data plane; `log` gets one line per pass.
    /// `settings`: what it acts with, for commands to compare with theirs (see `ControllerPaths.settings`).
    public init(
        reconciler: Reconciler, settings: String, idleExit: TimeInterval? = nil, log: @escaping (String) -> Void
    ) {
        self.reconciler = reconciler
        self.paths = ControllerPaths(stateDirectory: reconciler.store.directory)
        self.settings = settings
        self.idleExit = idleExit
        self.log = log
    }

    /// Wakes the loop for a change written in this process (a cluster watch's event): no request, no wait.
    public func wake() { wakeUp.signal() }

    /// Whether the controller stopped or is stopping (for threads of its process that work for it).
    public var isStopping: Bool { gw_stop_requested() != 0 || lock.withLock { stopped } }

    /// Runs until SIGTERM or SIGINT. Returns false at once when another controller already runs here.
    public func run() throws -> Bool {
        let lockFD = open(paths.lock, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else {
            throw DataplaneError("cannot open \(paths.lock): \(String(cString: strerror(errno)))")
        }
        // Commands probe the lock for an instant (`ControllerPaths.isRunning`): only a lock held for a while is
        // another controller's.
        var locked = false
        for _ in 0..<100 {
            if flock(lockFD, LOCK_EX | LOCK_NB) == 0 {
                locked = true
                break
            }
            usleep(10_000)
        }
        guard locked else {
            close(lockFD)
            return false
        }
        defer { close(lockFD) }
        gw_install_stop_handler()
        let listener = try UnixSocket.listen(paths.socket)
        defer {
            close(listener)
            unlink(paths.socket)
        }
        _ = FileManager.default.createFile(
            atPath: paths.pidFile, contents: Data("\(getpid())\n".utf8), attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(
            atPath: paths.settings, contents: Data(settings.utf8), attributes: [.posixPermissions: 0o600])
        let acceptor = Thread { [self] in accept(listener) }
        acceptor.start()
        log("controller \(getpid()) serving \(paths.stateDirectory)")
        var first = true
        while gw_stop_requested() == 0 {
            if cache.pending.isEmpty && !first { _ = wakeUp.wait(timeout: .now() + 1) }
            if gw_stop_requested() != 0 { break }
            // Its state directory removed (a test's, a scratch one): nothing left to control.
            if !FileManager.default.fileExists(atPath: reconciler.store.directory + "/state.db") { break }
            // gwconsole was upgraded or rebuilt: stop between requests, so the next command starts the new one.
            if let isOutdated, lock.withLock({ waiters.isEmpty }), isOutdated() {
                log("its executable was replaced: stopping (the next command starts the new one)")
                break
            }
            if let idleExit, lock.withLock({ waiters.isEmpty && Date().timeIntervalSince(lastRequest) > idleExit }) {
                log("no request for \(Int(idleExit)) s: stopping")
                break
            }
            do {
                try pass(first: first)
                first = false
            } catch {
                log("pass failed: \(error)")
                answerAll("error \(String(describing: error).replacingOccurrences(of: "\n", with: " "))")
                usleep(200_000)
            }
        }
        lock.withLock { stopped = true }
        answerAll("error the controller stopped")
        unlink(paths.pidFile)
        unlink(paths.settings)
        log("controller \(getpid()) stopped")
        return true
    }

    /// One look at the store and the processes; a reconcile when something changed or a request forces one.
    func pass(first: Bool) throws {
        try cache.refresh(from: reconciler.store)
        let forced = lock.withLock { waiters.contains { $0.request == .force } }
        let dataplane = reconciler.dataplane
        let deadMasters = dataplane?.gatewaysWithoutMaster() ?? []
        let deadPods = try dataplane?.isRunning == true && WorkloadManager(store: reconciler.store).hasDeadPods()
        let pending = cache.pending
        // A Certificate past its renewal time is renewed by a pass of its own.
        let renewal = try reconciler.certificateIssuer != nil && CertificateManager.isRenewalDue(reconciler.store)
        guard first || forced || !pending.isEmpty || !deadMasters.isEmpty || deadPods || renewal else {
            // Nothing to act on: what moved the revision since the last pass needs no reconcile.
            try reconciler.markIdle(cache)
            lock.withLock {
                reconciled = max(reconciled, cache.revision)
                served = max(served, cache.revision)
            }
            answer(.idle)
            return
        }
        let passNumber = lock.withLock {
            passesStarted += 1
            return passesStarted
        }
        let workloadKinds: Set<GroupKind> = [
            ResourceRegistry.deployment.groupKind, ResourceRegistry.pod.groupKind,
            ResourceRegistry.service.groupKind, ResourceRegistry.configMap.groupKind,
            ResourceRegistry.secret.groupKind, ResourceRegistry.endpointSlice.groupKind,
            ResourceRegistry.issuer.groupKind, ResourceRegistry.clusterIssuer.groupKind,
            ResourceRegistry.certificate.groupKind,
        ]
        let workloads = first || deadPods || renewal || !pending.changedKinds.isDisjoint(with: workloadKinds)
        let trigger =
            if !deadMasters.isEmpty {
                "restart (nginx master of \(deadMasters.joined(separator: ", ")) was not running)"
            } else if deadPods {
                "restart (a pod's nginx was not running)"
            } else if renewal {
                "renew (a Certificate is due)"
            } else {
                first ? "controller start" : "change"
            }
        let start = DispatchTime.now().uptimeNanoseconds
        var last = start
        var phases: [String] = []
        func phase(_ name: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            phases.append(String(format: "%@ %.1f", name, Double(now - last) / 1_000_000))
            last = now
        }
        try reconciler.reconcile(
            cache: cache, workloads: workloads, trigger: trigger, phase: phase,
            statusWritten: { revision in
                lock.withLock { reconciled = max(reconciled, revision) }
                answer(.statusWritten)
            },
            served: {
                lock.withLock { served = max(served, reconciled) }
                answer(.passFinished(passNumber))
            })
        let finished = lock.withLock { (reconciled, served) }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        log(
            String(
                format: "pass %d (%@, %d objects changed): %.1f ms (%@), reconciled %lld", passNumber, trigger,
                pending.changedObjects, ms,
                phases.joined(separator: ", "), finished.0))
        // Tombstones up to what the cache has seen are of no use to anyone else (only a controller reads them).
        try? reconciler.store.pruneTombstones(through: cache.revision)
        reconciler.store.checkpoint()
        answer(.passFinished(passNumber))
    }

    /// When waiters are answered.
    enum Moment {
        /// A pass wrote its statuses: `status` waiters whose revision they cover.
        case statusWritten
        /// Pass N finished (data plane synced): waiters that arrived before it started, revision covered.
        case passFinished(Int)
        /// A look found nothing to do (no change, every process alive): every covered waiter.
        case idle
    }

    /// Answers every waiter the moment covers: `status` by the reconciled revision, `serve` by the served one (and
    /// only by a pass that began after it asked, or a look that found nothing to do: a dead nginx it reported must
    /// be restarted first), `force` by a pass that began after it asked.
    private func answer(_ moment: Moment) {
        let ready: [Waiter] = lock.withLock {
            let done = waiters.filter { waiter in
                switch (waiter.request, moment) {
                case (.status, _): return waiter.revision <= reconciled
                case (.serve, .statusWritten), (.force, .statusWritten), (.force, .idle): return false
                case (.serve, .idle): return waiter.revision <= served
                case (.serve, .passFinished(let pass)): return waiter.pass <= pass && waiter.revision <= served
                case (.force, .passFinished(let pass)): return waiter.pass <= pass
                }
            }
            let fds = Set(done.map(\.fd))
            waiters.removeAll { fds.contains($0.fd) }
            return done
        }
        for waiter in ready {
            UnixSocket.send(waiter.fd, "ok \(waiter.request == .status ? reconciled : served)\n")
            close(waiter.fd)
        }
    }

    private func answerAll(_ line: String) {
        let all = lock.withLock {
            defer { waiters = [] }
            return waiters
        }
        for waiter in all {
            UnixSocket.send(waiter.fd, line + "\n")
            close(waiter.fd)
        }
    }

    /// Accepts requests: one line each, `sync REVISION status|serve|force`; every request also wakes the loop.
    private func accept(_ listener: Int32) {
        while !isStopping {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 500) > 0 else { continue }
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            let words =
                n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).split(whereSeparator: \.isWhitespace) : []
            guard words.count == 3, words[0] == "sync", let revision = Int64(words[1]),
                let request = ControllerRequest(rawValue: String(words[2]))
            else {
                UnixSocket.send(fd, "error expected: sync REVISION status|serve|force\n")
                close(fd)
                continue
            }
            lock.withLock {
                waiters.append(Waiter(fd: fd, revision: revision, request: request, pass: passesStarted + 1))
                lastRequest = Date()
            }
            wakeUp.signal()
        }
    }
}
