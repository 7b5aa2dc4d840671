import CProcess
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded data plane: one nginx per Gateway under `<state>/dp/<n>/`, each on its own loopback address.
///
/// Every sync renders each Gateway, and when its config changed: writes a new generation directory, runs
/// `nginx -t`, switches the `current` link, reloads, and confirms through the control socket that the new
/// generation serves. Any failure leaves the last good generation serving and is recorded for status and history.
public final class DataplaneManager: @unchecked Sendable {
    public let stateDirectory: String
    var root: String { stateDirectory + "/dp" }
    var stateFile: String { root + "/state.json" }

    /// The largest configuration written for one Gateway; a larger one is refused and the last good one serves.
    public let maxConfigBytes: Int

    public init(stateDirectory: String, maxConfigBytes: Int = ResourceLimits.current.maxConfigBytes) {
        self.stateDirectory = stateDirectory
        self.maxConfigBytes = maxConfigBytes
    }

    // MARK: Persistent state

    public struct GatewayRecord: Codable, Sendable {
        public var index: Int
        public var address: String
        /// The generation serving now (0: none yet).
        public var generation: Int
        public var lastGenerationWritten: Int
        public var programmed: Bool
        public var message: String
        public var bindings: [ListenerBinding]
        /// The fingerprint of the generation serving now.
        public var fingerprint: String
        /// The fingerprint of the last config nginx refused (not retried while the serving nginx lives).
        public var failedFingerprint: String?
        /// When that config last failed: a master that cannot be started again is retried every few seconds, not
        /// on every look (each try writes a generation).
        public var failedAt: Date?
        public var history: [HistoryEntry]
    }

    public struct HistoryEntry: Codable, Sendable {
        public var generation: Int
        public var time: String
        public var trigger: String
        public var result: String
        public var message: String
    }

    public struct State: Codable, Sendable {
        public var running = false
        public var portOffset = 0
        public var pinnedAddress: String?
        public var nextIndex = 1
        public var gateways: [String: GatewayRecord] = [:]
        /// The index (and so the address) each Gateway got, kept when it is deleted so it comes back on the same one.
        public var assigned: [String: Int]? = [:]
        /// The loopback /24 this state directory leased at its last `up` (`AddressLease`), or the one
        /// `GWCONSOLE_ADDRESS_BASE` chose then.
        public var addressBase: String?

        public init() {}

        /// A data plane run by someone else (a cluster's NGF): taken as running, with nothing of ours to inspect.
        public static var clusterManaged: State {
            var state = State()
            state.running = true
            return state
        }
    }

    public func load() -> State {
        guard let data = FileManager.default.contents(atPath: stateFile),
            let state = try? JSONDecoder().decode(State.self, from: data)
        else { return State() }
        return state
    }

    func save(_ state: State) throws {
        try FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: URL(fileURLWithPath: stateFile), options: .atomic)
    }

    public var isRunning: Bool { load().running }

    /// What the controller writes into Gateway status: address and Programmed, per Gateway.
    public func gatewayStates() -> [ObjectRef: DataplaneState] {
        let state = load()
        var result: [ObjectRef: DataplaneState] = [:]
        for (key, record) in state.gateways {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            result[.gateway(parts[0], parts[1])] =
                state.running
                ? DataplaneState(address: record.address, programmed: record.programmed, detail: record.message)
                : DataplaneState(
                    address: record.address, programmed: false,
                    detail: "The embedded data plane is not running (gwconsole up starts it)")
        }
        return result
    }

    // MARK: Lifecycle

    /// Marks the data plane as up; the next sync starts every Gateway's nginx.
    public func up(portOffset: Int, pinnedAddress: String?) throws {
        guard NginxProcess.locate() != nil else {
            throw DataplaneError("nginx is not installed (apt-get install nginx-light), or set GWCONSOLE_NGINX")
        }
        var state = load()
        state.running = true
        // `up` again retries what failed: a generation nginx refused for an outside cause (a busy port) is tried anew.
        for key in state.gateways.keys { state.gateways[key]!.failedFingerprint = nil }
        state.portOffset = portOffset
        state.pinnedAddress = pinnedAddress
        var lease: AddressLease.Claim?
        defer { lease?.release() }
        if let chosen = Self.chosenBase {
            // Chosen by hand: no lease; kept, so commands run without the variable use the same range.
            state.addressBase = chosen
        } else if pinnedAddress == nil {
            guard let claim = AddressLease.claim(stateDirectory: stateDirectory, previous: state.addressBase) else {
                throw DataplaneError(
                    "every loopback range gwconsole leases (127.0.100-254.*, 127.1.*) is held by another state directory's running data plane; stop one (gwconsole --state DIR down) or choose addresses with GWCONSOLE_ADDRESS_BASE"
                )
            }
            // Held locked until the state below says the data plane is up.
            lease = claim
            state.addressBase = claim.base
        }
        for key in state.gateways.keys {
            state.gateways[key]!.address = pinnedAddress ?? Self.address(index: state.gateways[key]!.index, in: state)
        }
        try save(state)
    }

    /// The first three octets of the addresses this state directory's Gateways and pods use.
    public var addressBase: String { Self.base(load()) }

    /// `GWCONSOLE_ADDRESS_BASE`, when set.
    static var chosenBase: String? {
        ProcessInfo.processInfo.environment["GWCONSOLE_ADDRESS_BASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func base(_ state: State) -> String { chosenBase ?? state.addressBase ?? "127.0.100" }

    /// Stops every nginx it started.
    public func down() throws {
        var state = load()
        for record in state.gateways.values { process(record).stop() }
        state.running = false
        for key in state.gateways.keys {
            state.gateways[key]!.programmed = false
            state.gateways[key]!.generation = 0
        }
        try save(state)
    }

    /// Gateways (`namespace/name`) whose nginx master is gone while the data plane is up (killed, crashed); their
    /// orphaned workers may still serve, but nothing can reload them. The next reconcile restarts them.
    public func gatewaysWithoutMaster() -> [String] {
        let state = load()
        guard state.running else { return [] }
        return state.gateways.filter { $0.value.generation > 0 && process($0.value).pid == nil }.map(\.key).sorted()
    }

    func directory(_ record: GatewayRecord) -> String { root + "/\(record.index)" }

    /// The request log of a Gateway (`namespace/name`) this data plane serves or served.
    public func requestLog(gateway: String) -> String? {
        load().gateways[gateway].map { directory($0) + "/run/logs/access.log" }
    }

    /// The session log of a Gateway's TCP, UDP and TLS passthrough listeners.
    public func sessionLog(gateway: String) -> String? {
        load().gateways[gateway].map { directory($0) + "/run/logs/stream.log" }
    }

    func process(_ record: GatewayRecord) -> NginxProcess {
        NginxProcess(binary: NginxProcess.locate() ?? "nginx", runtime: directory(record) + "/run")
    }

    static func address(index: Int, in state: State) -> String {
        "\(base(state)).\(index % 254 == 0 ? 254 : index % 254)"
    }

    // MARK: Sync

    /// Brings every accepted Gateway's nginx to the graph; stops those whose Gateway is gone.
    public func sync(graph: Graph, snapshot: ResourceSnapshot, trigger: String, now: Date = Date()) throws {
        var state = load()
        guard state.running else { return }
        let wanted = Dictionary(
            uniqueKeysWithValues: graph.gateways.filter(\.accepted).map { ($0.ref.namespacedName, $0) })
        for (key, record) in state.gateways where wanted[key] == nil {
            process(record).stop()
            try? FileManager.default.removeItem(atPath: directory(record))
            state.gateways[key] = nil
        }
        for key in wanted.keys.sorted() {
            let gateway = wanted[key]!
            var record =
                state.gateways[key]
                ?? {
                    let index: Int
                    if let previous = state.assigned?[key] {
                        index = previous
                    } else {
                        index = state.nextIndex
                        state.nextIndex += 1
                        state.assigned = (state.assigned ?? [:]).merging([key: index]) { $1 }
                    }
                    return GatewayRecord(
                        index: index, address: state.pinnedAddress ?? Self.address(index: index, in: state),
                        generation: 0,
                        lastGenerationWritten: 0, programmed: false, message: "", bindings: [], fingerprint: "",
                        history: [])
                }()
            syncOne(
                gateway, graph: graph, snapshot: snapshot, record: &record, portOffset: state.portOffset,
                trigger: trigger, now: now)
            state.gateways[key] = record
            try save(state)
        }
        try save(state)
    }

    func syncOne(
        _ gateway: GatewayNode, graph: Graph, snapshot: ResourceSnapshot, record: inout GatewayRecord,
        portOffset: Int, trigger: String, now: Date
    ) {
        let dir = directory(record)
        let nginx = process(record)
        let generation = record.lastGenerationWritten + 1
        let genDir = dir + "/generations/\(generation)"
        let settings = RenderSettings(
            address: record.address, portOffset: portOffset, configDirectory: genDir,
            runtimeDirectory: dir + "/run", generation: generation, workersAsRoot: geteuid() == 0)
        let rendered = Renderer.render(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings)
        let fingerprint = Self.fingerprint(rendered, configDirectory: genDir)
        let alive = nginx.pid != nil && record.generation > 0

        // Unchanged config on a live nginx: nothing to do. Back to the config that serves after a failed attempt:
        // the failure no longer applies.
        if alive && fingerprint == record.fingerprint {
            if !record.programmed {
                record.programmed = true
                record.message = ""
                record.failedFingerprint = nil
            }
            return
        }
        if alive && fingerprint == record.failedFingerprint { return }
        if !alive, fingerprint == record.failedFingerprint, let failedAt = record.failedAt,
            now.timeIntervalSince(failedAt) < 5
        {
            return
        }
        func fail(_ message: String) {
            record.failedAt = now
            Self.prune(dir + "/generations", keep: [record.generation])
            record.failedFingerprint = fingerprint
            record.programmed = false
            record.message = message
            record.history.append(
                HistoryEntry(
                    generation: generation, time: Store.timestamp(now), trigger: trigger, result: "Failed",
                    message: message))
            record.history = Array(record.history.suffix(Self.historyLimit))
        }
        let size = rendered.files.reduce(0) { $0 + $1.content.utf8.count }
        if size > maxConfigBytes {
            fail(
                "generation \(generation) not written: its configuration is \(ResourceLimits.size(size)), over the limit of "
                    + "\(ResourceLimits.size(maxConfigBytes)) (GWCONSOLE_MAX_CONFIG_BYTES)\(record.generation > 0 ? "; generation \(record.generation) keeps serving" : "")"
            )
            return
        }
        do {
            try nginx.prepare()
            try Self.write(rendered, to: genDir)
            record.lastGenerationWritten = generation
            // One parse per change: a running master validates the new config itself on HUP and keeps its old
            // workers when it refuses it, so only a master that must start is tested first (`nginx -t`).
            let reloading = nginx.pid != nil
            if !reloading, let problem = try nginx.test(config: genDir + "/nginx.conf") {
                fail("nginx rejected generation \(generation): \(problem)")
                if !alive, record.generation > 0 { _ = try? nginx.start(config: dir + "/current/nginx.conf") }
                return
            }
            let previous = record.generation
            try Self.link(dir + "/current", to: "generations/\(generation)")
            let logOffset = nginx.errorLogSize
            let oldWorkers = nginx.workers()
            var signalled: pid_t?
            if nginx.pid == nil {
                if let problem = try nginx.start(config: dir + "/current/nginx.conf") {
                    if previous > 0 {
                        try? Self.link(dir + "/current", to: "generations/\(previous)")
                        _ = try? nginx.start(config: dir + "/current/nginx.conf")
                    }
                    fail("nginx did not start with generation \(generation): \(problem)")
                    return
                }
            } else {
                signalled = nginx.pid
                _ = nginx.reload()
            }
            // Once nginx took the config its old workers are retired, so the next request cannot meet the old one.
            let outcome = nginx.waitForGeneration(
                generation, logOffset: logOffset, master: signalled, retiring: oldWorkers)
            if outcome == .serving {
                nginx.waitForRetirement(of: oldWorkers)
                record.generation = generation
                record.programmed = true
                record.message = ""
                record.fingerprint = fingerprint
                record.failedFingerprint = nil
                record.bindings = rendered.bindings
                record.history.append(
                    HistoryEntry(
                        generation: generation, time: Store.timestamp(now), trigger: trigger, result: "Applied",
                        message: ""))
                record.history = Array(record.history.suffix(Self.historyLimit))
                Self.prune(dir + "/generations", keep: [generation, previous])
            } else {
                let said = nginx.errorLogTail(since: logOffset)
                if previous > 0 {
                    try? Self.link(dir + "/current", to: "generations/\(previous)")
                    if nginx.pid == nil {
                        _ = try? nginx.start(config: dir + "/current/nginx.conf")
                    } else if outcome != .refused {
                        // Refused: the master still runs the previous config. Otherwise make sure it does.
                        _ = nginx.reload()
                    }
                }
                if outcome == .refused {
                    fail("nginx rejected generation \(generation): \(said)")
                } else {
                    fail("nginx did not take generation \(generation)\(said.isEmpty ? "" : ": \(said)")")
                }
            }
        } catch {
            fail("could not write generation \(generation): \(error)")
        }
    }

    /// The history kept per Gateway (`config history`, describe's events).
    static let historyLimit = 200

    // MARK: Files

    static func write(_ config: RenderedConfig, to dir: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(
            atPath: dir + "/conf.d", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(
            atPath: dir + "/secrets", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // A new generation's directory: files are written straight (no temporary and rename each); switching the
        // `current` link is what makes a generation take effect, at once.
        for file in config.files {
            let path = dir + "/" + file.path
            let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, file.secret ? 0o600 : 0o644)
            guard fd >= 0 else { throw DataplaneError("cannot write \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            fchmod(fd, file.secret ? 0o600 : 0o644)
            var content = file.content
            let written = content.withUTF8 { bytes -> Bool in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return false }
                    offset += n
                }
                return true
            }
            guard written else { throw DataplaneError("cannot write \(path): \(String(cString: strerror(errno)))") }
        }
        // The files in the renderer's order, for `render` to print a served generation without rendering it again.
        let list = config.files.map { "\($0.secret ? "secret" : "file") \($0.path)\n" }.joined()
        try list.write(toFile: dir + "/" + Self.fileList, atomically: false, encoding: .utf8)
    }

    /// A generation's list of its files (`file PATH` or `secret PATH` per line).
    public static let fileList = "files.list"

    /// The files of the generation a Gateway serves, read back in the renderer's order; nil when it serves none,
    /// nginx refused the latest config (what is served is not what the store asks for), or the generation was
    /// written without its list.
    public func servedFiles(_ record: GatewayRecord) -> [RenderedFile]? {
        guard record.generation > 0, record.programmed, record.failedFingerprint == nil else { return nil }
        let dir = directory(record) + "/generations/\(record.generation)"
        guard let list = try? String(contentsOfFile: dir + "/" + Self.fileList, encoding: .utf8) else { return nil }
        var files: [RenderedFile] = []
        for line in list.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let content = try? String(contentsOfFile: dir + "/" + parts[1], encoding: .utf8)
            else { return nil }
            files.append(RenderedFile(path: String(parts[1]), content: content, secret: parts[0] == "secret"))
        }
        return files
    }

    /// A fingerprint of a config's content independent of its generation and directory (FNV-1a, 64 bits): the
    /// generation's directory counts as one fixed token, and the line that reports the generation (`return 200
    /// "N\n"; # gw-generation`, the renderer's own) is left out; any other line with the marker counts.
    static func fingerprint(_ config: RenderedConfig, configDirectory: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: UnsafeRawBufferPointer) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        let marker = Array(Renderer.generationMarker.utf8)
        let directory = Array(configDirectory.utf8)
        let token = Array("\u{1}generation\u{1}".utf8)
        for file in config.files {
            var path = file.path
            path.withUTF8 { mix(UnsafeRawBufferPointer($0)) }
            var content = file.content
            content.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                guard let base = bytes.baseAddress else { return }
                func find(_ needle: [UInt8], from: Int) -> Int? {
                    needle.withUnsafeBytes { n in
                        gw_memmem(base + from, bytes.count - from, n.baseAddress, n.count).map { $0 - base }
                    }
                }
                var position = 0
                var nextDirectory = find(directory, from: 0)
                var nextMarker = find(marker, from: 0)
                while position < bytes.count {
                    if let d = nextDirectory, d < position { nextDirectory = find(directory, from: position) }
                    if let m = nextMarker, m < position { nextMarker = find(marker, from: position) }
                    let d = nextDirectory ?? Int.max
                    let m = nextMarker ?? Int.max
                    if d == Int.max && m == Int.max {
                        mix(UnsafeRawBufferPointer(rebasing: bytes[position...]))
                        break
                    }
                    if d < m {
                        mix(UnsafeRawBufferPointer(rebasing: bytes[position..<d]))
                        token.withUnsafeBytes { mix($0) }
                        position = d + directory.count
                    } else {
                        var lineStart = m
                        while lineStart > position && bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
                        let newline = memchr(base + m, 0x0A, bytes.count - m).map { UnsafeRawPointer($0) - base }
                        let lineEnd = newline ?? bytes.count
                        if Self.isGenerationLine(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])) {
                            mix(UnsafeRawBufferPointer(rebasing: bytes[position..<lineStart]))
                            position = lineEnd + 1
                        } else {
                            // The marker inside other text (a quoted user value): hashed as it is.
                            mix(UnsafeRawBufferPointer(rebasing: bytes[position..<(m + marker.count)]))
                            position = m + marker.count
                        }
                    }
                }
            }
            hash ^= 1
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// The renderer's generation line: `return 200 "<digits>\n"; # gw-generation`, with leading spaces.
    static func isGenerationLine(_ line: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        let head = "return 200 \""
        let tail = "\\n\"; " + Renderer.generationMarker
        guard text.hasPrefix(head), text.hasSuffix(tail), text.count > head.count + tail.count else { return false }
        return text.dropFirst(head.count).dropLast(tail.count).allSatisfy(\.isNumber)
    }

    static func link(_ path: String, to target: String) throws {
        let temp = path + ".new"
        try? FileManager.default.removeItem(atPath: temp)
        try FileManager.default.createSymbolicLink(atPath: temp, withDestinationPath: target)
        guard rename(temp, path) == 0 else {
            throw DataplaneError("cannot switch \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Keeps the last few generations (for history and diff), removing older ones.
    static func prune(_ dir: String, keep: [Int]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        let numbers = names.compactMap(Int.init).sorted()
        for number in numbers.dropLast(10) where !keep.contains(number) {
            try? FileManager.default.removeItem(atPath: dir + "/\(number)")
        }
    }
}

public struct DataplaneError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
