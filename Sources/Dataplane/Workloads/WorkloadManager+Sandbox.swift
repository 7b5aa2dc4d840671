import Foundation
import GatewayAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Sandboxed nginx pods (docs/workloads.md, "Sandbox"): the image's nginx runs unchanged, with its own nginx.conf,
/// conf.d and paths, in a sandbox that shows it its files and volumes and nothing of this machine's.
extension WorkloadManager {
    /// Why pods cannot run in sandboxes here, or nil; checked once per process by starting an empty one.
    static func sandboxProblem(helper: [String]) -> String? {
        sandboxCheck.lock.lock()
        defer { sandboxCheck.lock.unlock() }
        if let known = sandboxCheck.problem { return known.reason }
        let reason = checkSandbox(helper: helper)
        sandboxCheck.problem = .some((reason, ()))
        return reason
    }

    /// What `up` says when nginx pods cannot have sandboxes here (they then run as host processes, their
    /// configuration rewritten, as before sandboxes), or nil.
    public static func sandboxWarning(images: LocalImages) -> String? {
        guard let helper = images.podSandbox, let problem = sandboxProblem(helper: helper) else { return nil }
        return "Warning: local nginx pods run without a sandbox (\(problem)); they run as processes of this machine, "
            + "their configuration rewritten, and cannot use their own nginx.conf (docs/workloads.md)\n"
    }

    private static let sandboxCheck = SandboxCheck()

    /// The check's result, once known.
    private final class SandboxCheck: @unchecked Sendable {
        let lock = NSLock()
        var problem: (reason: String?, Void)?
    }

    /// bubblewrap on this machine, or nil.
    static var bwrap: String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/bwrap" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private static func checkSandbox(helper: [String]) -> String? {
        if ProcessInfo.processInfo.environment["GWCONSOLE_POD_SANDBOX"] == "off" {
            return "GWCONSOLE_POD_SANDBOX=off"
        }
        guard let bwrap else {
            return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
        }
        let output = NSTemporaryDirectory() + "gwconsole-sandbox-check-\(getpid()).log"
        defer { unlink(output) }
        let sandbox = PodSandbox(hostname: "check", binds: [], environment: [:], command: ["/usr/bin/true"])
        let status = try? Spawn.run(
            helper[0], Array(helper.dropFirst()) + ["--", bwrap] + sandbox.bwrapArguments(), outputPath: output)
        if status == 0 { return nil }
        let said = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
            .split(separator: "\n").suffix(2).joined(separator: " | ")
        return "a sandbox could not be made (\(said.isEmpty ? "exit status \(status ?? -1)" : said)): "
            + "it needs user and network namespaces (sysctl kernel.unprivileged_userns_clone=1, "
            + "user.max_user_namespaces > 0)"
    }

    /// The ports a pod's container listens on, as its manifest says (its image's default port when it names none).
    static func forwards(_ container: Container, defaultPort: Int) -> [PodSandbox.Forward] {
        let declared = (container.ports ?? []).map {
            PodSandbox.Forward(udp: $0.protocol?.uppercased() == "UDP", port: Int($0.containerPort))
        }
        var seen: Set<String> = []
        let unique = declared.filter { seen.insert("\($0.udp)/\($0.port)").inserted }
        return unique.isEmpty ? [PodSandbox.Forward(port: defaultPort)] : unique
    }

    /// Lays out the image's files under the pod's directory around its volumes (`mounts`, already written there),
    /// and describes the sandbox: what it shows where, and the command.
    func nginxSandbox(
        pod: DesiredPod, container: Container, ip: String, mounts: [(path: String, writable: Bool)],
        imageFiles: Bool = true
    ) throws -> PodSandbox {
        let fm = FileManager.default
        let podRoot = podRoot(pod.namespace, pod.name)
        let image = NginxImageFiles(image: container.image)
        let paths = mounts.map(\.path)
        let etc = podRoot + "/etc/nginx"
        // The image's /etc/nginx, unless a volume is mounted there (it hides the image's files, as on Kubernetes).
        if imageFiles && !paths.contains("/etc/nginx") {
            try fm.createDirectory(atPath: etc + "/conf.d", withIntermediateDirectories: true)
            if !fm.fileExists(atPath: etc + "/nginx.conf") {
                try image.mainConfig.write(toFile: etc + "/nginx.conf", atomically: true, encoding: .utf8)
            }
            for file in NginxImageFiles.sharedFiles where !fm.fileExists(atPath: etc + "/" + file) {
                try? fm.copyItem(atPath: "/etc/nginx/" + file, toPath: etc + "/" + file)
            }
            if (try? fm.destinationOfSymbolicLink(atPath: etc + "/modules")) == nil {
                try? fm.createSymbolicLink(atPath: etc + "/modules", withDestinationPath: "/usr/lib/nginx/modules")
            }
            if !paths.contains("/etc/nginx/conf.d") {
                try image.defaultServer.write(toFile: etc + "/conf.d/default.conf", atomically: true, encoding: .utf8)
            }
        }
        // Its own /etc: users, hosts, host name.
        let own = podRoot + "/.sandbox"
        try fm.createDirectory(atPath: own, withIntermediateDirectories: true)
        let files = [
            ("passwd", NginxImageFiles.passwd), ("group", NginxImageFiles.group),
            ("hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\(ip)\t\(pod.name)\n"),
            ("hostname", pod.name + "\n"),
        ]
        var binds: [PodSandbox.Bind] = []
        for (name, text) in files {
            try text.write(toFile: own + "/" + name, atomically: true, encoding: .utf8)
            binds.append(.init(source: own + "/" + name, target: "/etc/" + name))
        }
        if imageFiles && fm.fileExists(atPath: etc) { binds.append(.init(source: etc, target: "/etc/nginx")) }
        // Volumes elsewhere, each at its path (one inside /etc/nginx or inside another is there already, unless
        // it is writable, as an emptyDir is).
        for mount in mounts.sorted(by: { $0.path.count < $1.path.count }) {
            let covered = binds.contains { $0.target != mount.path && mount.path.hasPrefix($0.target + "/") }
            if covered && !mount.writable { continue }
            if binds.contains(where: { $0.target == mount.path }) { continue }
            binds.append(.init(source: podRoot + mount.path, target: mount.path, writable: mount.writable))
        }
        // The container's command, as the image gives it by default (`nginx -g 'daemon off;'`), with the image's
        // prefix (/etc/nginx: `load_module modules/…` finds the modules there).
        var command = (container.command ?? []) + (container.args ?? [])
        if command.isEmpty { command = ["nginx", "-g", "daemon off;"] }
        var binary = NginxProcess.locate() ?? "/usr/sbin/nginx"
        if !binary.hasPrefix("/usr/") {
            binds.append(.init(source: binary, target: "/.gwconsole/nginx"))
            binary = "/.gwconsole/nginx"
        }
        if command[0] == "nginx" || command[0].hasSuffix("/nginx") {
            command[0] = binary
            if !command.contains("-p") { command.insert(contentsOf: ["-p", "/etc/nginx/"], at: 1) }
        }
        var environment = self.environment(container, pod: pod, ip: ip)
        environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        environment["HOSTNAME"] = pod.name
        return PodSandbox(
            hostname: pod.name, binds: binds, environment: environment, command: command,
            workingDirectory: container.workingDir ?? "/")
    }

    /// A sandboxed pod (nginx and golang images): stopped with the data plane, left running while it runs (and its
    /// liveness probe passes), else started afresh: its directory emptied but for its emptyDir volumes, its volumes
    /// written, its sandbox described and started.
    func syncSandboxed(
        _ pod: DesiredPod, container: Container, volumes: [Volume], profile: ImageProfile, ip: String, running: Bool,
        started: Bool, restarts: Int64, helper: [String], mountVolumes: () throws -> [String]?,
        keepsRunning: () throws -> Bool, write: (String, Bool, JSONValue, Int64, String?) throws -> Void
    ) throws {
        let process = command(pod.namespace, pod.name)
        guard running else {
            process.stop()
            return try write(
                "Pending", false,
                [
                    "waiting": [
                        "reason": "DataPlaneStopped",
                        "message": "the data plane is not running: gwconsole up starts local workloads",
                    ]
                ], restarts, nil)
        }
        if try process.running != nil && started && keepsRunning() { return }
        process.stop(zombiesStopped: true)
        func volume(_ mount: VolumeMount) -> Volume? { volumes.first { $0.name == mount.name } }
        func path(_ mount: VolumeMount) -> String { ("/" + mount.mountPath as NSString).standardizingPath }
        let emptyDirs = (container.volumeMounts ?? []).filter { volume($0)?.emptyDir != nil }.map(path)
        freshPodDirectory(podRoot(pod.namespace, pod.name), keeping: emptyDirs)
        guard let paths = try mountVolumes() else { return }
        let mounts = paths.map { mounted in
            let mount = container.volumeMounts?.first { path($0) == mounted }
            return (path: mounted, writable: mount.flatMap(volume)?.emptyDir != nil && mount?.readOnly != true)
        }
        let golang = profile == .golang
        let sandbox =
            golang
            ? try commandSandbox(pod: pod, container: container, ip: ip, mounts: mounts)
            : try nginxSandbox(pod: pod, container: container, ip: ip, mounts: mounts)
        let defaultPort = golang ? profile.defaultPort : NginxImageFiles(image: container.image).defaultPort
        // `go run` compiles first: it may take a while to listen.
        try runSandboxed(
            sandbox, helper: helper, forwards: Self.forwards(container, defaultPort: defaultPort), pod: pod,
            container: container, ip: ip, count: started ? restarts + 1 : restarts, timeout: golang ? 60 : 5,
            write: write)
    }

    /// Empties a pod's directory for a fresh start, but for its run directory and its emptyDir volumes (`keeping`,
    /// paths in the container): an emptyDir lives as long as the pod, across its container's restarts.
    func freshPodDirectory(_ podRoot: String, keeping emptyDirs: [String]) {
        let fm = FileManager.default
        var kept: [(aside: String, path: String)] = []
        for (index, path) in emptyDirs.enumerated()
        where path != "/" && !path.split(separator: "/").contains("..") && fm.fileExists(atPath: podRoot + path) {
            let aside = podRoot + "/run/emptydir-\(index)"
            try? fm.removeItem(atPath: aside)
            if (try? fm.moveItem(atPath: podRoot + path, toPath: aside)) != nil { kept.append((aside, path)) }
        }
        for entry in (try? fm.contentsOfDirectory(atPath: podRoot)) ?? [] where entry != "run" {
            try? fm.removeItem(atPath: podRoot + "/" + entry)
        }
        for (aside, path) in kept {
            try? fm.createDirectory(
                atPath: (podRoot + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? fm.moveItem(atPath: aside, toPath: podRoot + path)
        }
    }

    /// Go on this machine (Debian's golang-go), or nil.
    static var go: String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/go/bin"
        return path.split(separator: ":").map { "\($0)/go" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A pod that runs its container's own command (the golang image's `go run`): its volumes, its own /etc, and
    /// the image's writable places (`/go`, the home directory `/root`, `/tmp`), with the image's environment.
    func commandSandbox(
        pod: DesiredPod, container: Container, ip: String, mounts: [(path: String, writable: Bool)]
    ) throws -> PodSandbox {
        var sandbox = try nginxSandbox(pod: pod, container: container, ip: ip, mounts: mounts, imageFiles: false)
        sandbox.scratch = ["/tmp", "/run", "/go", "/root"]
        sandbox.symlinks = [("/var/run", "../run")]
        sandbox.command = (container.command ?? []) + (container.args ?? [])
        if let go = Self.go, !go.hasPrefix("/usr/") {
            sandbox.binds.append(.init(source: (go as NSString).deletingLastPathComponent, target: "/usr/local/go/bin"))
        }
        sandbox.environment["PATH"] =
            "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        sandbox.environment["GOPATH"] = sandbox.environment["GOPATH"] ?? "/go"
        sandbox.environment["HOME"] = "/root"
        return sandbox
    }

    /// Starts a sandboxed pod; ready once it listens on its first TCP port (through its address here), within
    /// `timeout` seconds.
    func runSandboxed(
        _ sandbox: PodSandbox, helper: [String], forwards: [PodSandbox.Forward], pod: DesiredPod,
        container: Container, ip: String,
        count: Int64, timeout: TimeInterval = 5, write: (String, Bool, JSONValue, Int64, String?) throws -> Void
    ) throws {
        guard !sandbox.command.isEmpty else {
            let message = "the container gives no command to run"
            return try write(
                "Running", false, ["waiting": ["reason": "CrashLoopBackOff", "message": .string(message)]], count,
                message)
        }
        let process = command(pod.namespace, pod.name)
        guard let bwrap = Self.bwrap else { return }
        let arguments =
            Array(helper.dropFirst()) + forwards.flatMap { ["--forward", $0.argument(address: ip)] } + ["--", bwrap]
            + sandbox.bwrapArguments()
        func crashed(_ message: String) throws {
            try write(
                "Running", false, ["waiting": ["reason": "CrashLoopBackOff", "message": .string(message)]], count,
                message)
        }
        do {
            try process.start([helper[0]] + arguments, environment: [])
        } catch {
            return try crashed("\(error)")
        }
        let port = forwards.first { !$0.udp }?.port ?? forwards[0].port
        if process.waitUntilListening(address: ip, port: port, udp: forwards.allSatisfy(\.udp), timeout: timeout) {
            try write(
                "Running", beginProbes(pod, container: container, ip: ip),
                ["running": ["startedAt": .string(Store.timestamp(Date()))]], count, nil)
            return
        }
        let output = (try? String(contentsOfFile: process.logFile, encoding: .utf8)) ?? ""
        process.stop()
        try crashed(
            "\(sandbox.command.joined(separator: " ")) did not listen on port \(port)"
                + (output.isEmpty ? "" : ": " + output.split(separator: "\n").suffix(3).joined(separator: " | ")))
    }
}
