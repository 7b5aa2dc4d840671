import Dataplane
import Foundation
import Probing
import Testing

/// A serving Gateway for fault injection: the real binary, a real nginx data plane, a backend nginx for the
/// `steady` route, and a bounded load against that route from a second process (Fixtures/load.py).
final class FaultRig {
    let live = LiveDataplane()
    private(set) var gateway: (ip: String, port: Int) = ("", 0)
    static let loadScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/load.py"
    ).path

    /// What the load process reports.
    struct Load: CustomStringConvertible {
        var sent: Int
        var failed: Int
        var reasons: [String: Int]
        var description: String { "\(failed) of \(sent) requests failed \(reasons)" }
    }

    static let base =
        TestManifests.gateway + """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: steady}
            spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: steady}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [steady.example.com]
              rules: [{backendRefs: [{name: steady, port: 80}]}]
            ---

            """

    /// Starts the backend and the data plane and applies the base objects (plus `extra`). `beforeStart` runs
    /// before the first command touches the state directory (to mount something there).
    init(extra: String = "", beforeStart: (String) throws -> Void = { _ in }) throws {
        try beforeStart(live.cli.state)
        try live.startBackend(
            name: "steady", address: live.backendAddress(1), port: 8080,
            body: "location / { return 200 \"steady\\n\"; }")
        try expectSuccess(live.run(["up"]))
        try expectSuccess(
            live.run(
                ["apply", "-f", "-"],
                stdin: FaultRig.base
                    + LiveDataplane.endpointSlice(
                        service: "steady", portName: "http", port: 8080, addresses: [live.backendAddress(1)]) + "---\n"
                    + extra))
        gateway = try #require(LiveDataplane.gatewayVariables(live.run(["status"]).stdout))
        #expect(try steady() == 200)
    }

    @discardableResult
    func expectSuccess(_ result: CLI.Result, sourceLocation: SourceLocation = #_sourceLocation) -> CLI.Result {
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Result { try live.run(arguments, stdin: stdin) }

    func steady() throws -> Int {
        try LiveDataplane.curl(host: "steady.example.com", ip: gateway.ip, port: gateway.port).status
    }

    func request(_ host: String, path: String = "/") throws -> (status: Int, body: String) {
        try LiveDataplane.curl(host: host, ip: gateway.ip, port: gateway.port, path: path)
    }

    /// Runs `fault` while a second process sends requests to the steady route (bounded: 60,000 requests or
    /// 30 s), then lets the load run 300 ms past the fault and reports it.
    func underLoad(_ fault: () throws -> Void) throws -> Load {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-load-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            FaultRig.loadScript, "--address", gateway.ip, "--port", String(gateway.port), "--host",
            "steady.example.com",
            "--expect-body", "steady", "--max-requests", "60000", "--max-seconds", "30",
            "--stop-file", dir + "/stop", "--ready-file", dir + "/ready",
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        for _ in 0..<250 where !FileManager.default.fileExists(atPath: dir + "/ready") { usleep(20_000) }
        usleep(200_000)
        var faultError: Error?
        do { try fault() } catch { faultError = error }
        usleep(300_000)
        FileManager.default.createFile(atPath: dir + "/stop", contents: nil)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if let faultError { throw faultError }
        let json = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any],
            "load output: \(String(decoding: data, as: UTF8.self))")
        return Load(
            sent: json["sent"] as? Int ?? 0, failed: json["failed"] as? Int ?? -1,
            reasons: json["reasons"] as? [String: Int] ?? [:])
    }

    /// The master pid of the Gateway's nginx.
    var masterPID: pid_t? {
        (try? String(contentsOfFile: live.cli.state + "/dp/1/run/nginx.pid", encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func workers(of master: pid_t) -> [pid_t] {
        ((try? String(contentsOfFile: "/proc/\(master)/task/\(master)/children", encoding: .utf8)) ?? "")
            .split(separator: " ").compactMap { pid_t($0) }
    }

    /// Checks the store after a fault: SQLite's integrity check passes and every object named (`kind/name`) is
    /// there with `marker` in its JSON. Returns how many objects were checked.
    @discardableResult
    func checkStore(_ expected: [(object: String, marker: String)], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> Int
    {
        let integrity = try FaultRig.shell(
            "/usr/bin/python3",
            [
                "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
                live.cli.state + "/state.db",
            ])
        #expect(
            integrity.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "integrity: \(integrity)",
            sourceLocation: sourceLocation)
        for (object, marker) in expected {
            let got = try live.run(["get", object, "-o", "json"])
            #expect(
                got.status == 0 && got.stdout.contains(marker), "\(object): \(got.stderr)",
                sourceLocation: sourceLocation)
        }
        return expected.count
    }

    /// Runs a program and returns its standard output (and error).
    @discardableResult
    static func shell(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether this machine lets the tests mount (root with CAP_SYS_ADMIN, as in CI's container).
    static let canMount: Bool = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-mountcheck-\(UUID().uuidString)"
        ).path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard geteuid() == 0, (try? shell("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir])) != nil else {
            return false
        }
        let mounted = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8))?.contains(" \(dir) ") == true
        _ = try? shell("/bin/umount", [dir])
        return mounted
    }()
}
