import Foundation
import Testing

@testable import Dataplane

/// The per-machine lease of a state directory's loopback range.
@Suite("Address leases")
struct AddressLeaseTests {
    /// A base of the test's own (a real one would be shared with the machine's running data planes).
    let base = "test-\(UUID().uuidString)"

    func stateDirectory(running: Bool, masterAlive: Bool? = nil) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-lease-state-\(UUID().uuidString)"
        ).path
        let manager = DataplaneManager(stateDirectory: directory)
        var state = DataplaneManager.State()
        state.running = running
        if let masterAlive {
            state.gateways["default/gateway"] = DataplaneManager.GatewayRecord(
                index: 1, address: "127.0.100.1", generation: 1, lastGenerationWritten: 1, programmed: true,
                message: "", bindings: [], fingerprint: "", failedFingerprint: nil, failedAt: nil, history: [])
            let run = directory + "/dp/1/run"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            // This test process stands for a live master; a pid that is not running for a dead one.
            try "\(masterAlive ? getpid() : 999_999_999)\n".write(
                toFile: run + "/nginx.pid", atomically: true, encoding: .utf8)
        }
        try manager.save(state)
        return directory
    }

    func holder() throws -> String {
        try String(contentsOfFile: AddressLease.path(base), encoding: .utf8)
    }

    @Test("a lease is held while its state directory's data plane is up; stopped, deleted or killed, it is taken")
    func holding() throws {
        defer { unlink(AddressLease.path(base)) }
        let first = try stateDirectory(running: true)
        defer { try? FileManager.default.removeItem(atPath: first) }
        let taken = try #require(AddressLease.take(base, for: first))
        #expect(taken.base == base)
        taken.release()
        #expect(try holder() == first + "\n")
        // Held: another state directory cannot take it; its holder can, again.
        let other = try stateDirectory(running: true)
        defer { try? FileManager.default.removeItem(atPath: other) }
        #expect(AddressLease.take(base, for: other) == nil)
        #expect(AddressLease.take(base, for: first) != nil)
        // The holder's data plane down: taken.
        try DataplaneManager(stateDirectory: first).save(DataplaneManager.State())
        #expect(AddressLease.take(base, for: other) != nil)
        #expect(try holder() == other + "\n")
        // The holder deleted (a test's state directory, a crashed run cleaned up): taken.
        try FileManager.default.removeItem(atPath: other)
        #expect(AddressLease.take(base, for: first) != nil)
        // A holder whose nginx master is gone although its state says up (killed with everything): taken; with a
        // master alive: held.
        let killed = try stateDirectory(running: true, masterAlive: false)
        let alive = try stateDirectory(running: true, masterAlive: true)
        defer { for directory in [killed, alive] { try? FileManager.default.removeItem(atPath: directory) } }
        #expect(AddressLease.take(base, for: killed) != nil)
        #expect(AddressLease.take(base, for: first) != nil)
        #expect(AddressLease.take(base, for: alive) != nil)
        #expect(AddressLease.take(base, for: first) == nil)
        #expect(try holder() == alive + "\n")
    }
}
