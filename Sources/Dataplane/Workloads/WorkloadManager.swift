import Foundation
import GatewayAPI
import GatewayCore

/// Runs Deployments of nginx images as local nginx processes ("pods") on loopback addresses while the data plane
/// is up, keeps their Pod objects and status in the store, and maintains EndpointSlices for Services with selectors.
public struct WorkloadManager: Sendable {
    public let store: Store
    /// The echo server and the user's image map (`ImageProfile`).
    public let images: LocalImages
    var root: String { store.directory + "/pods" }
    static let managedBy = "gwconsole"

    public init(store: Store, images: LocalImages = .none) {
        self.store = store
        self.images = images
    }

    // MARK: Pods

    struct DesiredPod {
        var name: String
        var namespace: String
        var deployment: Deployment
        var templateHash: String
    }

    static func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    static func base36(_ value: UInt64, length: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var v = value
        var out = ""
        for _ in 0..<length {
            out.append(alphabet[Int(v % UInt64(alphabet.count))])
            v /= UInt64(alphabet.count)
        }
        return out
    }

    /// Brings pods to the Deployments: start, restart, roll out, scale, stop; then writes EndpointSlices.
    public func sync(running: Bool) throws {
        let deployments = try store.list(ResourceRegistry.deployment.groupKind).compactMap {
            try? Deployment.decode($0.object)
        }
        var desired: [DesiredPod] = []
        for deployment in deployments {
            let template = (try? JSONValueEncoder().encode(deployment.spec.template)).map(JSONWriter.compact) ?? ""
            let hash = Self.base36(Self.fnv(template), length: 10)
            for replica in 0..<Int(max(0, deployment.spec.replicas ?? 1)) {
                let suffix = Self.base36(
                    Self.fnv("\(deployment.namespace)/\(deployment.name)/\(hash)/\(replica)"), length: 5)
                desired.append(
                    DesiredPod(
                        name: "\(deployment.name)-\(hash)-\(suffix)", namespace: deployment.namespace,
                        deployment: deployment, templateHash: hash))
            }
        }
        let existing = try store.list(ResourceRegistry.pod.groupKind)
        let wanted = Set(desired.map { "\($0.namespace)/\($0.name)" })
        for pod in existing
        where pod.body.value(at: ["metadata", "labels", "gwconsole.io/managed"]) == "true"
            && !wanted.contains("\(pod.namespace)/\(pod.name)")
        {
            stopPod(pod.namespace, pod.name)
            try? FileManager.default.removeItem(atPath: podRoot(pod.namespace, pod.name))
            _ = try store.delete([
                ObjectKey(groupKind: ResourceRegistry.pod.groupKind, namespace: pod.namespace, name: pod.name)
            ])
        }
        // Pods that left the store without passing here (their Namespace was deleted, and the pods with it): their
        // processes still hold their addresses, so they stop too.
        let stored = Set(existing.map { "\($0.namespace)_\($0.name)" })
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        where !stored.contains(entry) && !wanted.contains(entry.replacingOccurrences(of: "_", with: "/")) {
            guard let separator = entry.firstIndex(of: "_") else { continue }
            stopPod(String(entry[..<separator]), String(entry[entry.index(after: separator)...]))
            try? FileManager.default.removeItem(atPath: root + "/" + entry)
        }
        var usedIPs = Set(existing.compactMap { $0.status?["podIP"]?.stringValue })
        let addressBase = DataplaneManager(stateDirectory: store.directory).addressBase
        // The data plane stopped (`down`): every pod's process at once, before each pod's status says so.
        if !running { stopAll() }
        for pod in desired {
            // One pod that cannot be set up (its files cannot be written) says so in its status; the others go on.
            do {
                try syncPod(pod, running: running, addressBase: addressBase, usedIPs: &usedIPs)
            } catch {
                let key = ObjectKey(groupKind: ResourceRegistry.pod.groupKind, namespace: pod.namespace, name: pod.name)
                let message = "cannot set up the pod's files: \(error.localizedDescription)"
                var status = (try? store.get(key))??.status ?? [:]
                status["phase"] = "Pending"
                status["message"] = .string(message)
                status["containerStatuses"] = [
                    [
                        "name": .string(pod.deployment.spec.template.spec.containers.first?.name ?? "app"),
                        "ready": false, "restartCount": 0,
                        "state": ["waiting": ["reason": "CreateContainerConfigError", "message": .string(message)]],
                    ]
                ]
                _ = try? store.updateStatus(key, status: status)
            }
        }
        try syncDeploymentStatus(deployments)
        try syncEndpointSlices()
    }

    /// Whether a pod the store shows running has lost its nginx (killed, crashed): a cheap check for read commands,
    /// which sync workloads only then.
    public func hasDeadPods() throws -> Bool {
        try store.list(ResourceRegistry.pod.groupKind).contains { pod in
            pod.body.value(at: ["metadata", "labels", "gwconsole.io/managed"]) == "true"
                && pod.status?["containerStatuses"]?.arrayValue?.first?["state"]?["running"] != nil
                && (!isAlive(pod.namespace, pod.name) || hasProbeDue(pod))
        }
    }

    func podRoot(_ namespace: String, _ name: String) -> String { root + "/\(namespace)_\(name)" }

    /// A pod's own process, when it is not nginx (it has a pid file of that kind).
    func command(_ namespace: String, _ name: String) -> CommandProcess {
        CommandProcess(runtime: podRoot(namespace, name) + "/run")
    }

    func isAlive(_ namespace: String, _ name: String) -> Bool {
        let command = command(namespace, name)
        if FileManager.default.fileExists(atPath: podRoot(namespace, name) + "/.sandbox") {
            return command.running != nil
        }
        if FileManager.default.fileExists(atPath: command.pidFile) { return command.pid != nil }
        return process(namespace, name).pid != nil
    }

    func stopPod(_ namespace: String, _ name: String) {
        command(namespace, name).stop()
        process(namespace, name).stop()
    }

    func process(_ namespace: String, _ name: String) -> NginxProcess {
        NginxProcess(binary: NginxProcess.locate() ?? "nginx", runtime: podRoot(namespace, name) + "/run")
    }

    static func podAddress(_ n: Int, base: String) -> String { "\(base).\(100 + n)" }

    func syncPod(_ pod: DesiredPod, running: Bool, addressBase: String, usedIPs: inout Set<String>) throws {
        let key = ObjectKey(groupKind: ResourceRegistry.pod.groupKind, namespace: pod.namespace, name: pod.name)
        let stored = try store.get(key)
        let spec = pod.deployment.spec.template.spec
        if stored == nil {
            var labels = pod.deployment.spec.template.metadata?.labels ?? [:]
            labels["pod-template-hash"] = pod.templateHash
            labels["gwconsole.io/managed"] = "true"
            var body: JSONValue = [
                "apiVersion": "v1", "kind": "Pod",
                "metadata": [
                    "name": .string(pod.name), "namespace": .string(pod.namespace),
                    "labels": .object(labels.mapValues { .string($0) }),
                    "ownerReferences": [
                        [
                            "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(pod.deployment.name),
                            "uid": .string(pod.deployment.metadata.uid ?? ""), "controller": true,
                        ]
                    ],
                ],
            ]
            body["spec"] = (try? JSONValueEncoder().encode(spec)) ?? [:]
            _ = try store.apply([DecodedObject(type: ResourceRegistry.pod, object: body)])
        }
        var status = try store.get(key)?.status ?? [:]
        let container = spec.containers.first
        var ip = status["podIP"]?.stringValue
        // A pod keeps its address while it is in the range the data plane leased (a new range at `up` moves it).
        if let current = ip, !current.hasPrefix(addressBase + ".") { ip = nil }
        if ip == nil {
            var n = 0
            while usedIPs.contains(Self.podAddress(n, base: addressBase)) && n < 99 { n += 1 }
            ip = Self.podAddress(n, base: addressBase)
            usedIPs.insert(ip!)
        }
        let restarts = status["containerStatuses"]?.arrayValue?.first?["restartCount"]?.intValue ?? 0
        let started = status["containerStatuses"]?.arrayValue?.first?["state"]?["running"] != nil
        func write(phase: String, ready: Bool, state: JSONValue, restartCount: Int64, message: String? = nil) throws {
            var next: JSONValue = [
                "phase": .string(phase), "podIP": .string(ip!), "podIPs": [["ip": .string(ip!)]], "hostIP": "127.0.0.1",
                "startTime": status["startTime"] ?? .string(Store.timestamp(Date())),
                "conditions": [
                    ["type": .string(ConditionType.ready.rawValue), "status": .string(ConditionStatus(ready).rawValue)]
                ],
                "containerStatuses": [
                    [
                        "name": .string(container?.name ?? "app"), "image": .string(container?.image ?? ""),
                        "imageID": "", "ready": .bool(ready), "restartCount": .int(restartCount),
                        "started": .bool(ready), "state": state,
                    ]
                ],
            ]
            if let message { next["message"] = .string(message) }
            if next != status { try store.updateStatus(key, status: next) }
            status = next
        }
        /// A running container: its probes when due. True while it should go on running; false when its
        /// liveness probe failed (the caller restarts it).
        func keepsRunning(_ container: Container) throws -> Bool {
            let ready = status["containerStatuses"]?.arrayValue?.first?["ready"] == .bool(true)
            return try probeRunning(pod, container: container, ip: ip!, ready: ready) { verdict in
                try write(
                    phase: "Running", ready: verdict,
                    state: status["containerStatuses"]?.arrayValue?.first?["state"] ?? [:], restartCount: restarts)
            }
        }
        guard let container, let profile = ImageProfile.of(container, images: images) else {
            let message =
                "image \(container?.image ?? "") cannot run locally: it has no local profile (gwconsole runs \(ImageProfile.supported) as local pods); "
                + "map it to a local command under images: in ~/.config/gwconsole/config.yaml (docs/workloads.md), "
                + "or run your own process and point the Service at it with an EndpointSlice"
            // A process started while the image was mapped (another image map, since changed) does not go on.
            stopPod(pod.namespace, pod.name)
            try write(
                phase: "Pending", ready: false,
                state: ["waiting": ["reason": "ImageNotLocal", "message": .string(message)]],
                restartCount: 0, message: message)
            return
        }
        let podRoot = self.podRoot(pod.namespace, pod.name)
        // nginx images run unchanged in a sandbox of their own where this machine can make one (docs/workloads.md);
        // decided when the pod starts: one that runs goes on as it started.
        let sandboxHelper: [String]? = {
            guard profile == .nginx || profile == .golang, let helper = images.podSandbox else { return nil }
            if command(pod.namespace, pod.name).running != nil { return helper }
            guard running, !(process(pod.namespace, pod.name).pid != nil && started) else { return nil }
            return Self.sandboxProblem(helper: helper) == nil ? helper : nil
        }()
        // A golang pod runs the container's own command: only ever in a sandbox, and only with Go installed.
        if profile == .golang, running, sandboxHelper == nil || Self.go == nil {
            let reason =
                Self.go == nil
                ? "Go is not installed on this machine (apt-get install golang-go)"
                : images.podSandbox.flatMap { Self.sandboxProblem(helper: $0) } ?? "no sandbox helper"
            let message =
                "image \(container.image ?? "golang") runs its command with this machine's Go in a sandbox, and cannot here: \(reason)"
            stopPod(pod.namespace, pod.name)
            try write(
                phase: "Pending", ready: false,
                state: ["waiting": ["reason": "ImageNotLocal", "message": .string(message)]],
                restartCount: 0, message: message)
            return
        }
        /// The container's volume mounts materialised under the pod's directory; nil when one cannot be (the pod's
        /// status then says why).
        func mountVolumes() throws -> [String]? {
            /// The pod waits with CreateContainerConfigError and the reason, as kubelet's pods do.
            func configError(_ message: String) throws {
                try write(
                    phase: "Pending", ready: false,
                    state: ["waiting": ["reason": "CreateContainerConfigError", "message": .string(message)]],
                    restartCount: restarts, message: message)
            }
            var mounts: [String] = []
            for var mount in container.volumeMounts ?? [] {
                guard let volume = spec.volumes?.first(where: { $0.name == mount.name }) else { continue }
                // A ConfigMap or Secret that does not exist (and is not optional): the pod waits for it, as
                // kubelet's do, and starts once it is there.
                if let missing = try missingSource(volume, namespace: pod.namespace) {
                    try write(
                        phase: "Pending", ready: false,
                        state: ["waiting": ["reason": "ContainerCreating", "message": .string(missing)]],
                        restartCount: restarts, message: missing)
                    return nil
                }
                // Inside the pod's directory only: a relative path is taken from the container's root, as kubelet does,
                // and the root itself cannot be a mount.
                mount.mountPath = ("/" + mount.mountPath as NSString).standardizingPath
                guard mount.mountPath != "/", !mount.mountPath.split(separator: "/").contains("..") else {
                    let message = "volumeMount \(mount.name): mountPath \(mount.mountPath) cannot be mounted"
                    try configError(message)
                    return nil
                }
                if mount.mountPath == "/etc/nginx/nginx.conf" && profile == .nginx && sandboxHelper == nil {
                    // Local nginx pods run gwconsole's main config around the pod's conf.d (addresses, paths, pid
                    // differ from a container's); a main config of the pod's own cannot run as written.
                    let message =
                        "the container mounts its own /etc/nginx/nginx.conf: local nginx pods run their conf.d inside gwconsole's main config; map \(container.image ?? "the image") to a command of yours in the image map (docs/workloads.md)"
                    try configError(message)
                    return nil
                }
                mounts.append(mount.mountPath)
                if let subPath = mount.subPath, !subPath.isEmpty {
                    // One key of the volume as the file at mountPath.
                    let staging = podRoot + "/.volumes/" + mount.name
                    try materialise(volume, at: staging, namespace: pod.namespace)
                    let file = podRoot + mount.mountPath
                    try FileManager.default.createDirectory(
                        atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try? FileManager.default.removeItem(atPath: file)
                    if !subPath.contains(".."), FileManager.default.fileExists(atPath: staging + "/" + subPath) {
                        try FileManager.default.copyItem(atPath: staging + "/" + subPath, toPath: file)
                    }
                    continue
                }
                try materialise(volume, at: podRoot + mount.mountPath, namespace: pod.namespace)
                // A volume at /etc/nginx that holds an nginx.conf is the pod's own main config too (NGF's
                // secure-backend example mounts one there).
                if profile == .nginx, sandboxHelper == nil, mount.mountPath == "/etc/nginx",
                    FileManager.default.fileExists(atPath: podRoot + "/etc/nginx/nginx.conf")
                {
                    let message =
                        "the container mounts its own /etc/nginx/nginx.conf (volume \(mount.name) at /etc/nginx): local nginx pods run their conf.d inside gwconsole's main config; map \(container.image ?? "the image") to a command of yours in the image map (docs/workloads.md)"
                    try configError(message)
                    return nil
                }
            }
            return mounts
        }
        if case .command(let command, _) = profile {
            try runCommand(
                command, pod: pod, container: container, port: profile.port(container), ip: ip!, running: running,
                started: started, restarts: restarts, prepare: { try mountVolumes() != nil },
                keepsRunning: { try keepsRunning(container) }, write: write)
            return
        }
        if let sandboxHelper {
            try syncSandboxed(
                pod, container: container, volumes: spec.volumes ?? [], profile: profile, ip: ip!, running: running,
                started: started, restarts: restarts, helper: sandboxHelper, mountVolumes: mountVolumes,
                keepsRunning: { try keepsRunning(container) },
                write: { try write(phase: $0, ready: $1, state: $2, restartCount: $3, message: $4) })
            return
        }
        let nginx = process(pod.namespace, pod.name)
        guard running else {
            nginx.stop()
            try write(
                phase: "Pending", ready: false,
                state: [
                    "waiting": [
                        "reason": "DataPlaneStopped",
                        "message": "the data plane is not running: gwconsole up starts local workloads",
                    ]
                ], restartCount: restarts)
            return
        }
        if nginx.pid != nil && started {
            if try keepsRunning(container) { return }
            nginx.stop()  // its liveness probe failed: restarted below
        }
        // Start (or restart) the pod: materialise volumes and config, nginx -t, start.
        guard var mounts = try mountVolumes() else { return }
        let confD = podRoot + "/etc/nginx/conf.d"
        let count = started ? restarts + 1 : restarts
        let port = profile.port(container)
        // An image other than nginx answers as it does through a server block of its own.
        if let problem = profile.problem() {
            try write(
                phase: "Running", ready: false,
                state: ["waiting": ["reason": "CrashLoopBackOff", "message": .string(problem)]],
                restartCount: count, message: problem)
            return
        }
        if let server = profile.server(podIP: ip!, port: port, podName: pod.name) {
            try? FileManager.default.removeItem(atPath: confD)
            try FileManager.default.createDirectory(atPath: confD, withIntermediateDirectories: true)
            try server.write(toFile: confD + "/image.conf", atomically: true, encoding: .utf8)
            mounts.append("/etc/nginx/conf.d")
        }
        let hasConfD = mounts.contains("/etc/nginx/conf.d")
        if hasConfD, let files = try? FileManager.default.contentsOfDirectory(atPath: confD) {
            for file in files where file.hasSuffix(".conf") {
                let path = confD + "/" + file
                let rewritten = PodConfig.rewrite(
                    try String(contentsOfFile: path, encoding: .utf8), root: podRoot, mounts: mounts, podIP: ip!,
                    podName: pod.name)
                if let problem = PodConfig.pathProblem(rewritten, root: podRoot) {
                    try? FileManager.default.removeItem(atPath: path)
                    let message = "\(file): \(problem)"
                    try write(
                        phase: "Running", ready: false,
                        state: ["waiting": ["reason": "CrashLoopBackOff", "message": .string(message)]],
                        restartCount: count, message: message)
                    return
                }
                try rewritten.write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        try nginx.prepare()
        let main = podRoot + "/etc/nginx/nginx.conf"
        try FileManager.default.createDirectory(atPath: podRoot + "/etc/nginx", withIntermediateDirectories: true)
        let unprivileged = container.image?.contains("unprivileged") ?? false
        let defaultPort = container.ports?.first.map { Int($0.containerPort) } ?? (unprivileged ? 8080 : 80)
        try PodConfig.main(
            root: podRoot, includeConfD: hasConfD, defaultPort: profile == .nginx ? defaultPort : port, podIP: ip!,
            asRoot: geteuid() == 0
        )
        .write(toFile: main, atomically: true, encoding: .utf8)
        if let problem = try nginx.test(config: main) {
            try write(
                phase: "Running", ready: false,
                state: ["waiting": ["reason": "CrashLoopBackOff", "message": .string(problem)]],
                restartCount: count, message: problem)
            return
        }
        if let problem = try nginx.start(config: main) {
            try write(
                phase: "Running", ready: false,
                state: ["waiting": ["reason": "CrashLoopBackOff", "message": .string(problem)]],
                restartCount: count, message: problem)
            return
        }
        try write(
            phase: "Running", ready: beginProbes(pod, container: container, ip: ip!),
            state: ["running": ["startedAt": .string(Store.timestamp(Date()))]], restartCount: count)
    }

    /// A pod whose process is a command of its own: started with the pod's variables and environment, ready once
    /// it accepts connections on its port.
    /// A path in a pod's container, under the pod's directory here: lexically, as the container sees it (no `..`,
    /// nothing resolved on this machine's filesystem); relative paths are from the container's `/`.
    func containerPath(_ path: String, root: String) -> String? {
        let parts = path.split(separator: "/").filter { $0 != "." }
        guard !parts.isEmpty, !parts.contains("..") else { return nil }
        return root + "/" + parts.joined(separator: "/")
    }

    func runCommand(
        _ command: [String], pod: DesiredPod, container: Container, port: Int, ip: String, running: Bool, started: Bool,
        restarts: Int64, prepare: () throws -> Bool, keepsRunning: () throws -> Bool,
        write: (String, Bool, JSONValue, Int64, String?) throws -> Void
    ) throws {
        let process = self.command(pod.namespace, pod.name)
        guard running else {
            process.stop()
            try write(
                "Pending", false,
                [
                    "waiting": [
                        "reason": "DataPlaneStopped",
                        "message": "the data plane is not running: gwconsole up starts local workloads",
                    ]
                ],
                restarts, nil)
            return
        }
        if try process.pid != nil && started && keepsRunning() { return }
        process.stop()
        // Its volumes, as an nginx pod's (the echo server's TLS files are in a Secret volume).
        guard try prepare() else { return }
        var variables = environment(container, pod: pod, ip: ip)
        variables["POD_IP"] = ip
        variables["POD_PORT"] = String(port)
        variables["POD_PORTS"] = (container.ports ?? []).map { String($0.containerPort) }.joined(separator: ",")
        variables["POD_NAME"] = pod.name
        variables["POD_NAMESPACE"] = pod.namespace
        let expanded = command.map { ImageMapping.expand($0, variables) }
        // The echo server is told where to listen; a mapped command is given the address in its variables.
        let echo = expanded.count >= 2 && ["echo-server", "grpc-server"].contains(expanded[1])
        let dns = expanded.count >= 4 && expanded[1] == "dns-server"
        var arguments = echo && !expanded.contains("--listen") ? expanded + ["--listen", "\(ip):\(port)"] : expanded
        if dns {
            // The Corefile is a path in the container: the pod's volumes, under its directory here (lexically); a
            // path that climbs out (`..`) is refused, never read on this machine.
            guard let corefile = containerPath(arguments[3], root: podRoot(pod.namespace, pod.name)) else {
                let message = "-conf \(arguments[3]): not a path inside the container"
                try write(
                    "Running", false, ["waiting": ["reason": "CrashLoopBackOff", "message": .string(message)]],
                    restarts, message)
                return
            }
            arguments[3] = corefile
            arguments += ["--listen", ip]
        }
        // Of the pod's variables only its own reach the process's environment (and, for the echo server, the names it
        // reads): a manifest's env must not set LD_PRELOAD or PATH for a process on this machine. A mapped
        // command can still take any of the container's env values in its arguments, as ${NAME}.
        var passed: Set<String> = ["POD_IP", "POD_PORT", "POD_PORTS", "POD_NAME", "POD_NAMESPACE"]
        if echo {
            passed.formUnion([
                "NAMESPACE", "SERVICE_NAME", "INGRESS_NAME", "HTTP_PORT", "HTTPS_PORT", "TCP_ECHO_SERVER",
                "UDP_ECHO_SERVER", "GRPC_ECHO_SERVER", "TCP_PORT", "TLS_PORT", "UDP_PORT",
            ])
            // Its TLS files are paths in the container: the pod's volumes, under its directory here.
            let root = podRoot(pod.namespace, pod.name)
            // (TLS_SERVER_PRIV_KEY is the TCP mode's spelling.)
            for name in ["TLS_SERVER_CERT", "TLS_SERVER_PRIVKEY", "TLS_SERVER_PRIV_KEY", "TLS_CLIENT_CACERTS"] {
                guard let path = variables[name], path.hasPrefix("/"), let mapped = containerPath(path, root: root)
                else { continue }
                variables[name] = mapped
                passed.insert(name)
            }
        }
        let environment = variables.filter { passed.contains($0.key) }.map { "\($0.key)=\($0.value)" }.sorted()
        let count = started ? restarts + 1 : restarts
        do {
            try process.start(arguments, environment: environment)
        } catch {
            try write(
                "Running", false, ["waiting": ["reason": "CrashLoopBackOff", "message": .string("\(error)")]], count,
                "\(error)")
            return
        }
        // echo-basic's UDP mode listens on a UDP port only.
        let udp = echo && !(variables["UDP_ECHO_SERVER"] ?? "").isEmpty && (variables["TCP_ECHO_SERVER"] ?? "").isEmpty
        if process.waitUntilListening(address: ip, port: port, udp: udp) {
            try write(
                "Running", beginProbes(pod, container: container, ip: ip),
                ["running": ["startedAt": .string(Store.timestamp(Date()))]], count, nil)
            return
        }
        let output = (try? String(contentsOfFile: process.logFile, encoding: .utf8)) ?? ""
        let message =
            "\(arguments.joined(separator: " ")) did not listen on \(ip):\(port)"
            + (output.isEmpty ? "" : ": " + output.split(separator: "\n").suffix(3).joined(separator: " | "))
        process.stop()
        try write(
            "Running", false, ["waiting": ["reason": "CrashLoopBackOff", "message": .string(message)]], count, message)
    }

    /// A container's environment with the downward API's fields filled in (metadata.name, metadata.namespace,
    /// status.podIP); other sources are left out.
    func environment(_ container: Container, pod: DesiredPod, ip: String) -> [String: String] {
        var result: [String: String] = [:]
        for entry in container.env ?? [] {
            guard let name = entry["name"]?.stringValue else { continue }
            if let value = entry["value"]?.stringValue {
                result[name] = value
            } else if let field = entry["valueFrom"]?["fieldRef"]?["fieldPath"]?.stringValue {
                switch field {
                case "metadata.name": result[name] = pod.name
                case "metadata.namespace": result[name] = pod.namespace
                case "status.podIP": result[name] = ip
                case "spec.nodeName": result[name] = "localhost"
                default: break
                }
            }
        }
        return result
    }

    /// kubelet's message for a volume whose ConfigMap or Secret does not exist, or nil (it exists, is optional, or
    /// the volume is of another kind).
    func missingSource(_ volume: Volume, namespace: String) throws -> String? {
        if let source = volume.configMap, let name = source.name, source.optional != true,
            try store.get(ObjectKey(groupKind: ResourceRegistry.configMap.groupKind, namespace: namespace, name: name))
                == nil
        {
            return "MountVolume.SetUp failed for volume \"\(volume.name)\" : configmap \"\(name)\" not found"
        }
        if let source = volume.secret, let name = source.secretName, source.optional != true,
            try store.get(ObjectKey(groupKind: ResourceRegistry.secret.groupKind, namespace: namespace, name: name))
                == nil
        {
            return "MountVolume.SetUp failed for volume \"\(volume.name)\" : secret \"\(name)\" not found"
        }
        return nil
    }

    /// Writes a ConfigMap or Secret volume's keys as files (Secret keys mode 0600).
    func materialise(_ volume: Volume, at path: String, namespace: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var files: [(String, Data, Int)] = []
        if let source = volume.configMap, let name = source.name,
            let cm = try store.get(
                ObjectKey(groupKind: ResourceRegistry.configMap.groupKind, namespace: namespace, name: name)
            ).flatMap({ try? ConfigMap.decode($0.object) })
        {
            for (key, value) in cm.data ?? [:] { files.append((key, Data(value.utf8), 0o644)) }
            files = remap(files, items: source.items)
        } else if let source = volume.secret, let name = source.secretName,
            let secret = try store.get(
                ObjectKey(groupKind: ResourceRegistry.secret.groupKind, namespace: namespace, name: name)
            ).flatMap({ try? Secret.decode($0.object) })
        {
            for (key, value) in secret.data ?? [:] { files.append((key, Base64.decode(value) ?? Data(), 0o600)) }
            files = remap(files, items: source.items)
        }
        for (name, data, mode) in files {
            guard !name.contains(".."), !name.hasPrefix("/") else { continue }
            let file = path + "/" + name
            try fm.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: file, contents: data, attributes: [.posixPermissions: mode])
        }
    }

    func remap(_ files: [(String, Data, Int)], items: [KeyToPath]?) -> [(String, Data, Int)] {
        guard let items, !items.isEmpty else { return files }
        return items.compactMap { item in files.first { $0.0 == item.key }.map { (item.path, $0.1, $0.2) } }
    }

    func syncDeploymentStatus(_ deployments: [Deployment]) throws {
        let pods = try store.list(ResourceRegistry.pod.groupKind)
        for deployment in deployments {
            let owned = pods.filter {
                $0.namespace == deployment.namespace
                    && $0.body.value(at: ["metadata", "ownerReferences"])?.arrayValue?.first?["name"]?.stringValue
                        == deployment.name
            }
            let ready = owned.filter { ($0.status ?? [:]).conditionList.isTrue(.ready) }.count
            let key = ObjectKey(
                groupKind: ResourceRegistry.deployment.groupKind, namespace: deployment.namespace, name: deployment.name
            )
            let status: JSONValue = [
                "observedGeneration": .int(deployment.metadata.generation ?? 1), "replicas": .int(Int64(owned.count)),
                "updatedReplicas": .int(Int64(owned.count)), "readyReplicas": .int(Int64(ready)),
                "availableReplicas": .int(Int64(ready)),
            ]
            if try store.get(key)?.status != status { try store.updateStatus(key, status: status) }
        }
    }

    // MARK: EndpointSlices

    /// For every Service with a selector, an EndpointSlice `<service>-gwconsole` of the matching pods' IPs.
    func syncEndpointSlices() throws {
        let services = try store.list(ResourceRegistry.service.groupKind).compactMap { try? Service.decode($0.object) }
        let pods = try store.list(ResourceRegistry.pod.groupKind).compactMap { try? Pod.decode($0.object) }
        var wanted = Set<String>()
        for service in services {
            guard let selector = service.spec?.selector, !selector.isEmpty else { continue }
            let name = "\(service.name)-gwconsole"
            wanted.insert("\(service.namespace)/\(name)")
            let members = pods.filter { pod in
                pod.namespace == service.namespace && selector.allSatisfy { pod.metadata.labels?[$0.key] == $0.value }
                    && pod.status?.podIP != nil
            }.sorted { $0.name < $1.name }
            let ports: [JSONValue] = (service.spec?.ports ?? []).map { port in
                var number = Int64(port.port)
                switch port.targetPort {
                case .int(let value)?: number = Int64(value)
                case .string(let named)?:
                    number =
                        members.lazy.compactMap {
                            $0.spec.containers.flatMap { $0.ports ?? [] }.first { $0.name == named }?.containerPort
                        }.first.map(Int64.init) ?? number
                case nil: break
                }
                var entry: JSONValue = ["port": .int(number), "protocol": .string(port.protocol ?? "TCP")]
                if let portName = port.name { entry["name"] = .string(portName) }
                return entry
            }
            let endpoints: [JSONValue] = members.map { pod in
                let ready = pod.status?.containerStatuses?.first?.ready ?? false
                return [
                    "addresses": [.string(pod.status!.podIP!)],
                    "conditions": ["ready": .bool(ready), "serving": .bool(ready), "terminating": false],
                    "targetRef": ["kind": "Pod", "name": .string(pod.name), "namespace": .string(pod.namespace)],
                ]
            }
            let body: JSONValue = [
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                "metadata": [
                    "name": .string(name), "namespace": .string(service.namespace),
                    "labels": [
                        "kubernetes.io/service-name": .string(service.name),
                        "endpointslice.kubernetes.io/managed-by": .string(Self.managedBy),
                    ],
                ],
                "ports": .array(ports), "endpoints": .array(endpoints),
            ]
            _ = try store.apply([DecodedObject(type: ResourceRegistry.endpointSlice, object: body)])
        }
        for slice in try store.list(ResourceRegistry.endpointSlice.groupKind)
        where slice.body.value(at: ["metadata", "labels", "endpointslice.kubernetes.io/managed-by"])
            == .string(Self.managedBy)
            && !wanted.contains("\(slice.namespace)/\(slice.name)")
        {
            _ = try store.delete([
                ObjectKey(
                    groupKind: ResourceRegistry.endpointSlice.groupKind, namespace: slice.namespace, name: slice.name)
            ])
        }
    }

    /// Stops every pod process (for `down`), keeping the Pod objects: all at once, each on a thread of its own,
    /// so `down` takes as long as the slowest pod, not their sum.
    public func stopAll() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        let group = DispatchGroup()
        let binary = NginxProcess.locate() ?? "nginx"
        for entry in entries {
            let runtime = root + "/" + entry + "/run"
            let nginx = NginxProcess(binary: binary, runtime: runtime)
            let command = CommandProcess(runtime: runtime)
            // Called on every reconcile while the data plane is down: only pods with a process get a thread.
            guard
                FileManager.default.fileExists(atPath: nginx.pidFile)
                    || FileManager.default.fileExists(atPath: command.pidFile)
            else { continue }
            group.enter()
            Thread.detachNewThread {
                nginx.stop()
                // A pod whose process is a command of its own (the echo server, a mapped image) goes too.
                command.stop(zombiesStopped: true)
                group.leave()
            }
        }
        group.wait()
    }
}
