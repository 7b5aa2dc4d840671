import Dataplane
import Foundation
import Testing

/// The resident controller `up` starts: one per state directory, woken by commands, and never the only holder of
/// anything: killed at any moment, what was applied is still applied and served.
@Suite("The resident controller", .serialized)
struct ResidentControllerTests {
    func controllerPID(_ live: LiveDataplane) -> pid_t? {
        let paths = ControllerPaths(stateDirectory: live.cli.state)
        return paths.isRunning ? paths.pid : nil
    }

    func controllerProcesses(_ live: LiveDataplane) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return cmdline.contains(live.cli.state) && cmdline.split(separator: "\0").last == "controller"
        }
    }

    @Test("up starts one controller; applies are reconciled by it and served when apply returns; down stops it")
    func lifecycle() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let pid = try #require(controllerPID(live), "a controller runs after up")
        #expect(try live.run(["up"]).status == 0)
        #expect(controllerPID(live) == pid, "up again keeps the running controller")
        #expect(controllerProcesses(live).count == 1)
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: TestManifests.gateway + "---\n"
                + TestManifests.redirectRoute("one", host: "one.example.com", to: "/one"))
        #expect(applied.status == 0, "\(applied.stderr)")
        let (ip, port) = try #require(LiveDataplane.gatewayVariables(live.run(["status"]).stdout))
        #expect(
            try LiveDataplane.curl(host: "one.example.com", ip: ip, port: port).status == 302,
            "served when apply returned")
        let log = try String(contentsOfFile: live.cli.state + "/controller.log", encoding: .utf8)
        #expect(log.contains("pass") && log.contains("change"), "the change was the controller's pass:\n\(log)")
        #expect(try live.run(["get", "httproute", "one"]).stdout.contains("True"))
        #expect(try live.run(["down"]).status == 0)
        #expect(controllerPID(live) == nil && controllerProcesses(live).isEmpty, "down stops the controller")
    }

    @Test(
        "a command with its own settings (a limit in its environment) reconciles itself; GWCONSOLE_CONTROLLER=0 never uses one"
    )
    func settings() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let pid = try #require(controllerPID(live))
        var env = live.environment
        env["GWCONSOLE_CONTROLLER"] = "0"
        let applied = try live.cli.run(["apply", "-f", "-"], stdin: TestManifests.gateway, environment: env)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(controllerPID(live) == pid, "the controller was neither used nor replaced")
        let history = try live.run(["config", "history"]).stdout
        #expect(history.contains("apply"), "the in-process reconcile programmed the Gateway:\n\(history)")
    }

    @Test(
        "a controller whose gwconsole was replaced on disk stops between requests; the next command starts the new one")
    func replacedExecutable() throws {
        let live = LiveDataplane()
        // A copy of gwconsole to replace, so the build's own binary is left alone.
        let copy = live.backendDir + "-gwconsole"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: copy)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: copy)
        process.arguments = ["--state", live.cli.state, "controller"]
        process.environment = live.environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        var deadline = Date().addingTimeInterval(20)
        while controllerPID(live) == nil, Date() < deadline { usleep(100_000) }
        #expect(controllerPID(live) == process.processIdentifier)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: copy)
        deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(100_000) }
        #expect(!process.isRunning, "the controller stopped after its executable changed")
        if process.isRunning { process.terminate() }
        let log = (try? String(contentsOfFile: live.cli.state + "/controller.log", encoding: .utf8)) ?? ""
        #expect(controllerPID(live) == nil, "\(log)")
    }

    @Test("deleting what the graph does not read (a Deployment) returns, and the controller stops its pods")
    func deleteWorkload() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        #expect(try live.run(["apply", "-f", CLI.guide]).status == 0)
        #expect(try live.run(["get", "pods"]).stdout.contains("Running"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["--state", live.cli.state, "delete", "deployment", "secure-app"]
        process.environment = live.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let returned = !process.isRunning
        if !returned { process.terminate() }
        #expect(returned && process.terminationStatus == 0, "delete returned")
        let pods = try live.run(["get", "pods"])
        #expect(!pods.stdout.contains("secure-app"), "the Deployment's pod is gone: \(pods.stdout)\(pods.stderr)")
    }

    @Test(
        "the controller killed during applies under load: every applied route is stored, accepted and served; the next command restarts it"
    )
    func killedMidApply() throws {
        let rig = try FaultRig()
        let live = rig.live
        #expect(controllerPID(live) != nil)
        var kills = 0
        let load = try rig.underLoad {
            for i in 0..<12 {
                // Each apply meets a running controller (the one killed last time is brought back by `up`), so the
                // kill below lands in the apply however busy the machine is.
                if controllerPID(live) == nil { #expect(try live.run(["up"]).status == 0) }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CLI.binary)
                process.arguments = ["--state", live.cli.state, "apply", "-f", "-"]
                process.environment = live.environment
                let input = Pipe()
                process.standardInput = input
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                input.fileHandleForWriting.write(
                    Data(TestManifests.redirectRoute("r\(i)", host: "r\(i).example.com", to: "/r\(i)").utf8))
                try input.fileHandleForWriting.close()
                // Kill the controller at a different moment of each apply: before its pass, in it, in the reload.
                usleep(useconds_t(i * 4_000))
                if let pid = controllerPID(live) {
                    kill(pid, SIGKILL)
                    kills += 1
                }
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "apply r\(i) exits 0 although its controller was killed")
            }
        }
        #expect(kills == 12, "the controller was killed during every apply: \(kills)")
        #expect(load.failed == 0, "the steady route never failed: \(load)")
        for i in 0..<12 {
            #expect(try rig.request("r\(i).example.com").status == 302, "route r\(i) serves")
            #expect(try rig.run(["get", "httproute", "r\(i)"]).stdout.contains("True"), "route r\(i) is accepted")
        }
        _ = try rig.run(
            ["apply", "-f", "-"], stdin: TestManifests.redirectRoute("after", host: "after.example.com", to: "/after"))
        #expect(controllerPID(live) != nil, "a command restarted the controller")
        #expect(try rig.request("after.example.com").status == 302)
        try rig.checkStore([("httproute/steady", "steady.example.com"), ("httproute/r11", "r11.example.com")])
    }
}
