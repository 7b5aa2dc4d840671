import Foundation
import Testing

@testable import Dataplane

/// A pod's own process as `down` and the controller see it.
@Suite("Pod command processes")
struct CommandProcessTests {
    @Test("a finished process its parent has not reaped (a zombie) is not running: down does not wait for it")
    func zombieIsNotRunning() throws {
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-command-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: runtime + "/logs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        // A shell whose child exits at once, then becomes a `sleep` that never reaps it: the child stays a zombie
        // of a parent other than this process, as a pod's process does under the resident controller.
        let process = CommandProcess(runtime: runtime)
        try process.start(
            ["/bin/sh", "-c", "sleep 0 & echo $! > \(runtime)/child; exec sleep 30"], environment: [])
        defer { process.stop() }
        let deadline = Date().addingTimeInterval(10)
        var child: pid_t?
        var zombie = false
        while Date() < deadline, !zombie {
            child = (try? String(contentsOfFile: runtime + "/child", encoding: .utf8)).flatMap {
                pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if let child, let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8) {
                zombie = stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).first == "Z"
            }
            if !zombie { usleep(10_000) }
        }
        let pid = try #require(child)
        #expect(zombie, "the child \(pid) became a zombie")
        #expect(kill(pid, 0) == 0, "a zombie still answers kill(0)")
        // Its pid file, as the pod's start writes one: the zombie is not a running pod process.
        let zombieRuntime = runtime + "/zombie"
        try FileManager.default.createDirectory(atPath: zombieRuntime, withIntermediateDirectories: true)
        try "\(pid) \(CommandProcess.startTime(pid) ?? "")\n".write(
            toFile: zombieRuntime + "/process.pid", atomically: true, encoding: .utf8)
        #expect(CommandProcess(runtime: zombieRuntime).pid == nil)
        // The live parent is.
        #expect(process.pid != nil)
    }
}
