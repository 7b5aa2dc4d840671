import Foundation
import Probing
import Testing

/// Faults injected while a second process sends requests through the Gateway: the steady route keeps serving
/// (failed requests counted, target zero), the last good config keeps serving, status and doctor say what
/// happened, and the store keeps every applied object whole.
@Suite("Faults while serving", .serialized)
struct FaultsUnderLoadTests {
    func report(_ fault: String, _ load: FaultRig.Load, objects: Int) {
        print(
            "fault \(fault): \(load.sent) requests, \(load.failed) failed \(load.reasons), \(objects) objects checked")
    }

    @Test(
        "an apply nginx refuses (its new listener's port is taken): stored, reported, the last good config serves; up retries"
    )
    func rejectedApply() throws {
        let rig = try FaultRig()
        // Another process holds the port the new listener needs on the Gateway's address.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            "import socket,sys,time; s=socket.socket(); s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(); print('ok', flush=True); time.sleep(60)",
            rig.gateway.ip, String(rig.gateway.port + 1),
        ]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        // SIGKILL: the test runner's children may inherit a blocked SIGTERM.
        defer { kill(holder.processIdentifier, SIGKILL) }
        _ = ready.fileHandleForReading.availableData
        let changed = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec: {gatewayClassName: nginx, listeners: [{name: http, port: 80, protocol: HTTP}, {name: other, port: 81, protocol: HTTP}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: extra}
            spec:
              parentRefs: [{name: gw, sectionName: http}]
              hostnames: [extra.example.com]
              rules: [{filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /extra}, statusCode: 302}}]}]
            """
        var applied = CLI.Result(status: -1, stdout: "", stderr: "")
        let load = try rig.underLoad { applied = try rig.run(["apply", "-f", "-"], stdin: changed) }
        #expect(applied.status == 0, "the objects are valid and stored: \(applied.stderr)")
        #expect(load.failed == 0, "\(load)")
        let status = try rig.run(["status"]).stdout
        #expect(status.contains("not programmed") && status.contains("Address already in use"), "\(status)")
        #expect(try rig.run(["doctor"]).stdout.contains("ConfigRejected"))
        #expect(try rig.request("extra.example.com").status == 404, "the refused generation does not serve")
        let objects = try rig.checkStore([
            ("gateway/gw", "\"other\""), ("httproute/extra", "extra.example.com"),
            ("httproute/steady", "steady.example.com"),
        ])
        report("rejected apply", load, objects: objects)
        // The port is free again: `up` retries the refused generation.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let up = try rig.run(["up"])
        #expect(up.stdout.contains("default/gw: programmed"), "\(up.stdout)\(up.stderr)")
        let served = try rig.request("extra.example.com")
        let after = served.status == 302 ? "" : try rig.run(["status"]).stdout
        #expect(served.status == 302, "\(served); status: \(after)")
    }

    @Test("an nginx worker killed: the master starts another; requests keep succeeding")
    func workerKilled() throws {
        let rig = try FaultRig()
        let master = try #require(rig.masterPID)
        let before = rig.workers(of: master)
        #expect(!before.isEmpty)
        let load = try rig.underLoad {
            for worker in before { kill(worker, SIGKILL) }
        }
        var after = rig.workers(of: master)
        for _ in 0..<100 where after.isEmpty || after == before {
            usleep(20_000)
            after = rig.workers(of: master)
        }
        #expect(!after.isEmpty && Set(after).isDisjoint(with: before), "a new worker serves")
        // A request the killed worker was handling at that instant is lost (one per load connection at most);
        // every later one is served by the new worker.
        let inFlight: Set<String> = ["ConnectionResetError", "RemoteDisconnected", "BrokenPipeError"]
        #expect(load.failed <= 2 && load.reasons.keys.allSatisfy(inFlight.contains), "\(load)")
        #expect(try rig.run(["status"]).stdout.contains("default/gw: programmed"))
        report("worker killed", load, objects: try rig.checkStore([("httproute/steady", "steady.example.com")]))
    }

    @Test(
        "the nginx master killed: orphaned workers keep serving; the next command restarts it on their sockets, recorded in history"
    )
    func masterKilled() throws {
        let rig = try FaultRig()
        let master = try #require(rig.masterPID)
        var status = ""
        let load = try rig.underLoad {
            kill(master, SIGKILL)
            usleep(500_000)
            status = try rig.run(["status"]).stdout
        }
        #expect(status.contains("default/gw: programmed"), "\(status)")
        let restarted = try #require(rig.masterPID)
        #expect(restarted != master && NginxAlive.check(restarted))
        #expect(
            try rig.run(["config", "history"]).stdout.contains("restart (nginx master of default/gw was not running)"))
        let doctor = try rig.run(["doctor"]).stdout
        #expect(
            doctor.contains("WARNING DataplaneRestarted")
                && doctor.contains("restart (nginx master of default/gw was not running)"), "\(doctor)")
        // The new master took the orphans' listening sockets, so connections queued on them the whole time.
        #expect(load.failed == 0, "\(load)")
        let errorLog =
            (try? String(contentsOfFile: rig.live.cli.state + "/dp/1/run/logs/error.log", encoding: .utf8)) ?? ""
        #expect(errorLog.contains("using inherited sockets"), "the restart reused the listening sockets")
        #expect(try rig.steady() == 200)
        report("master killed", load, objects: try rig.checkStore([("httproute/steady", "steady.example.com")]))
    }

    @Test(
        "the state directory read-only: applies are refused with the reason and change nothing; reads and traffic go on",
        .enabled(if: FaultRig.canMount, "needs root and mount (a read-only bind mount)"))
    func readOnlyState() throws {
        let rig = try FaultRig()
        let state = rig.live.cli.state
        try FaultRig.shell("/bin/mount", ["--bind", state, state])
        try FaultRig.shell("/bin/mount", ["-o", "remount,ro,bind", state])
        var unmounted = false
        defer { if !unmounted { _ = try? FaultRig.shell("/bin/umount", ["-l", state]) } }
        var applied = CLI.Result(status: -1, stdout: "", stderr: "")
        var read = CLI.Result(status: -1, stdout: "", stderr: "")
        let load = try rig.underLoad {
            applied = try rig.run(
                ["apply", "-f", "-"],
                stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: refused}\ndata: {a: b}\n")
            read = try rig.run(["get", "httproute"])
        }
        #expect(applied.status == 1 && applied.stderr.contains("nothing was applied"), "\(applied.stderr)")
        #expect(
            applied.stderr.contains(
                "apply needs to write the state, but the state directory \(state) is on a read-only file system"),
            "\(applied.stderr)")
        #expect(read.status == 0 && read.stdout.contains("steady"), "\(read.stderr)")
        #expect(load.failed == 0, "\(load)")
        try FaultRig.shell("/bin/umount", [state])
        unmounted = true
        let objects = try rig.checkStore([("httproute/steady", "steady.example.com"), ("gateway/gw", "\"http\"")])
        #expect(try rig.run(["get", "configmap", "refused"]).status != 0, "the refused object is not stored")
        report("read-only state", load, objects: objects)
    }

    @Test(
        "the disk full under the state directory: applies are refused with the reason, nothing half-written; freeing space recovers",
        .enabled(if: FaultRig.canMount, "needs root and mount (a small tmpfs)"))
    func diskFull() throws {
        var mountPoint = ""
        let rig = try FaultRig { state in
            mountPoint = state
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            try FaultRig.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", state])
        }
        defer {
            _ = try? rig.run(["down"])
            _ = try? FaultRig.shell("/bin/umount", ["-l", mountPoint])
        }
        // Fill what is left.
        let filler = mountPoint + "/filler"
        try FaultRig.shell("/bin/dd", ["if=/dev/zero", "of=" + filler, "bs=64k"])
        // More than SQLite's write-ahead log can take in the space it already holds (it reuses its file after a
        // checkpoint: about 120 KB after the rig's set-up), so the write needs new space.
        var routes = ""
        for i in 0..<400 {
            routes +=
                "---\n"
                + TestManifests.redirectRoute(
                    "full-\(i)", host: "full-\(i).example.com", to: "/full-\(i)-" + String(repeating: "x", count: 800))
        }
        var applied = CLI.Result(status: -1, stdout: "", stderr: "")
        let load = try rig.underLoad { applied = try rig.run(["apply", "-f", "-"], stdin: routes) }
        #expect(
            applied.status == 1 && applied.stderr.contains("nothing was applied"), "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stderr.contains("no space left on the device holding the state directory"), "\(applied.stderr)")
        #expect(load.failed == 0, "\(load)")
        try FileManager.default.removeItem(atPath: filler)
        var objects = try rig.checkStore([("httproute/steady", "steady.example.com")])
        #expect(try rig.run(["get", "httproute", "full-0"]).status != 0, "nothing of the refused apply is stored")
        // With space again, the same apply lands and serves.
        rig.expectSuccess(try rig.run(["apply", "-f", "-"], stdin: routes))
        objects += try rig.checkStore([("httproute/full-399", "full-399.example.com")])
        #expect(try rig.request("full-399.example.com").status == 302)
        report("disk full", load, objects: objects)
    }

    @Test(
        "eight processes applying at once under load: every object lands whole and serves; the steady route never fails"
    )
    func concurrentAppliers() throws {
        let rig = try FaultRig()
        let writers = 8
        let results = ResultBox(count: writers)
        let cli = rig.live.cli
        let environment = rig.live.environment
        let load = try rig.underLoad {
            let group = DispatchGroup()
            for w in 0..<writers {
                DispatchQueue.global().async(group: group) {
                    let text =
                        TestManifests.redirectRoute("writer-\(w)", host: "writer-\(w).example.com", to: "/writer-\(w)")
                            + """
                            ---
                            apiVersion: v1
                            kind: ConfigMap
                            metadata: {name: shared}
                            data: {writer: "\(w)"}
                            """
                    results.set(
                        w,
                        (try? cli.run(["apply", "-f", "-"], stdin: text, environment: environment))
                            ?? CLI.Result(status: -1, stdout: "", stderr: "did not run"))
                }
            }
            group.wait()
        }
        for (w, result) in results.all.enumerated() { #expect(result.status == 0, "writer \(w): \(result.stderr)") }
        #expect(load.failed == 0, "\(load)")
        #expect(try rig.run(["status"]).stdout.contains("default/gw: programmed"))
        var expected = (0..<writers).map { ("httproute/writer-\($0)", "writer-\($0).example.com") }
        expected.append(("configmap/shared", "\"writer\""))
        let objects = try rig.checkStore(expected)
        for w in 0..<writers {
            #expect(try rig.request("writer-\(w).example.com").status == 302, "writer-\(w) serves")
        }
        report("\(writers) concurrent appliers", load, objects: objects)
    }

    @Test(
        "a CA ConfigMap deleted under a live BackendTLSPolicy: its route fails closed (500, never plain HTTP), status and doctor say why, others keep serving"
    )
    func configMapDeletedUnderPolicy() throws {
        let ca = try #require(
            CertificateInspector.issue(
                commonName: "Fault CA", dnsName: nil, notBeforeDays: -1, notAfterDays: 3650, isCA: true))
        let leaf = try #require(
            CertificateInspector.issue(commonName: "secure.example.com", dnsName: "secure.example.com", issuer: ca))
        let rig = try FaultRig(extra: "")
        try rig.live.startBackend(
            name: "secure", address: rig.live.backendAddress(2), port: 8443, ssl: leaf,
            body: "location / { return 200 \"secure\\n\"; }")
        let secure = """
            apiVersion: v1
            kind: Service
            metadata: {name: secure}
            spec: {ports: [{name: https, port: 443, targetPort: 8443}]}
            ---
            \(LiveDataplane.endpointSlice(service: "secure", portName: "https", port: 8443, addresses: [rig.live.backendAddress(2)]))---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: secure-ca}
            data:
              ca.crt: |
            \(ca.cert.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: secure-tls}
            spec:
              targetRefs: [{group: '', kind: Service, name: secure}]
              validation: {caCertificateRefs: [{group: '', kind: ConfigMap, name: secure-ca}], hostname: secure.example.com}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: secure}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [secure.example.com]
              rules: [{backendRefs: [{name: secure, port: 443}]}]
            """
        rig.expectSuccess(try rig.run(["apply", "-f", "-"], stdin: secure))
        let before = try rig.request("secure.example.com")
        #expect(before.status == 200 && before.body.hasPrefix("secure"), "\(before)")
        var deleted = CLI.Result(status: -1, stdout: "", stderr: "")
        let load = try rig.underLoad { deleted = try rig.run(["delete", "configmap", "secure-ca"]) }
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(load.failed == 0, "\(load)")
        #expect(try rig.request("secure.example.com").status == 500, "fails closed: no plain-text fallback")
        let policy = try rig.run(["get", "backendtlspolicy", "secure-tls", "-o", "yaml"]).stdout
        #expect(policy.contains("ConfigMap default/secure-ca does not exist"), "\(policy)")
        let doctor = try rig.run(["doctor"]).stdout
        #expect(doctor.contains("secure-ca"), "\(doctor)")
        var objects = try rig.checkStore([
            ("backendtlspolicy/secure-tls", "secure-ca"), ("httproute/secure", "secure.example.com"),
            ("httproute/steady", "steady.example.com"),
        ])
        // Restored: the route verifies and serves again.
        rig.expectSuccess(try rig.run(["apply", "-f", "-"], stdin: secure))
        objects += try rig.checkStore([("configmap/secure-ca", "BEGIN CERTIFICATE")])
        let after = try rig.request("secure.example.com")
        #expect(after.status == 200 && after.body.hasPrefix("secure"), "\(after)")
        report("CA ConfigMap deleted under a live policy", load, objects: objects)
    }
}

/// Results written from several threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [CLI.Result]
    init(count: Int) { results = Array(repeating: CLI.Result(status: -1, stdout: "", stderr: ""), count: count) }
    func set(_ index: Int, _ result: CLI.Result) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }
    var all: [CLI.Result] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

/// Liveness of a process by pid (signal 0).
enum NginxAlive {
    static func check(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }
}
