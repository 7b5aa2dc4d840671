import Foundation
import Testing

/// The guide's own Deployment running as a local pod: the whole guide by hand, with no backend of our own.
@Suite("Local workloads", .serialized)
struct WorkloadTests {
    func blocks() throws -> [String] {
        try String(contentsOfFile: CLI.guide, encoding: .utf8)
            .components(separatedBy: "kubectl apply -f - <<EOF\n").dropFirst().map {
                $0.components(separatedBy: "\nEOF")[0] + "\n"
            }
    }

    @Test("the guide by hand: pod Running, the 400, the policy, hello from pod secure-app; down leaves no process")
    func guideByHand() throws {
        let live = LiveDataplane()
        let blocks = try blocks()
        #expect(try live.run(["up"]).status == 0)
        try live.run(["apply", "-f", "-"], stdin: blocks[0])
        let pods = try live.run(["get", "pods,svc"]).stdout
        #expect(pods.contains("/1     Running   0"), "\(pods)")
        #expect(pods.contains("service/secure-app   ClusterIP"))
        let wide = try live.run(["get", "pods", "-o", "wide"]).stdout
        let podIP = try #require(
            wide.split(separator: "\n").dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true)[5])
        #expect(podIP.hasPrefix(live.base))
        #expect(
            try live.run(["get", "endpointslices", "-o", "name"]).stdout
                == "endpointslice.discovery.k8s.io/secure-app-gwconsole\n")

        try live.run(["apply", "-f", "-"], stdin: blocks[1])
        try live.run(["apply", "-f", "-"], stdin: blocks[2])
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let before = try LiveDataplane.curl(host: "secure-app.example.com", ip: vars.ip, port: vars.port)
        #expect(
            before.status == 400
                && before.body.contains("<center>The plain HTTP request was sent to HTTPS port</center>"))
        try live.run(["apply", "-f", "-"], stdin: blocks[3])
        try live.run(["apply", "-f", "-"], stdin: blocks[4])
        let after = try LiveDataplane.curl(host: "secure-app.example.com", ip: vars.ip, port: vars.port)
        #expect(after.status == 200 && after.body == "hello from pod secure-app\n")

        // The pod serves TLS on its own IP with the Secret's certificate; its logs are the container's output, where
        // the nginx image sends its access log.
        let logs = try live.run(["logs", "secure-app"])
        #expect(logs.stdout.contains("\"GET / HTTP/1.1\" 200 26"), "\(logs.stdout)")

        #expect(try live.run(["down"]).status == 0)
        #expect(processes(of: live.cli.state) == 0, "no process left behind")
        #expect(try live.run(["get", "pods"]).stdout.contains("DataPlaneStopped"))
    }

    @Test("a killed pod restarts with a restart count; other images wait with a reason; a broken config crash-loops")
    func podLifecycle() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        try live.run(["apply", "-f", "-"], stdin: try blocks()[0])
        let root = live.cli.state + "/pods"
        let podDir = try #require(try FileManager.default.contentsOfDirectory(atPath: root).first)
        // The pod's process (its sandbox) killed: everything in the sandbox goes with it.
        let pid = try #require(
            try String(contentsOfFile: "\(root)/\(podDir)/run/process.pid", encoding: .utf8)
                .split(separator: " ").first.flatMap { Int32($0) })
        kill(pid, SIGKILL)
        try live.waitFor("the pod's processes to be gone") { processes(of: root + "/" + podDir) == 0 }
        try live.run(["status"])
        let restarted = try live.run(["get", "pods"]).stdout
        #expect(restarted.contains("1/1     Running   1 "), "\(restarted)")

        try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api}
                spec:
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers: [{name: api, image: "ghcr.io/example/api:1.0"}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: broken}
                data:
                  app.conf: "server { listen 8080; bogus_directive on; }"
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: broken}
                spec:
                  selector: {matchLabels: {app: broken}}
                  template:
                    metadata: {labels: {app: broken}}
                    spec:
                      containers: [{name: web, image: nginx, volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]}]
                      volumes: [{name: conf, configMap: {name: broken}}]
                """)
        let pods = try live.run(["get", "pods"]).stdout
        #expect(pods.contains("0/1     ImageNotLocal"), "\(pods)")
        #expect(pods.contains("0/1     CrashLoopBackOff"), "\(pods)")
        let describe = try live.run(["describe", "pod", "broken"]).stdout
        #expect(describe.contains("unknown directive \"bogus_directive\""), "nginx's message: \(describe)")
        // A pasted config may not reach the host's files.
        try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: snoop}
                data:
                  app.conf: "server { listen 8080; access_log /etc/cron.d/evil; location / { root /etc; } }"
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: snoop}
                spec:
                  selector: {matchLabels: {app: snoop}}
                  template:
                    metadata: {labels: {app: snoop}}
                    spec:
                      containers: [{name: web, image: nginx, volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]}]
                      volumes: [{name: conf, configMap: {name: snoop}}]
                """)
        // In its sandbox, /etc/cron.d is not this machine's: nginx cannot open the log and says so.
        let snoop = try live.run(["describe", "pod", "snoop"]).stdout
        #expect(snoop.contains("CrashLoopBackOff") && snoop.contains("\"/etc/cron.d/evil\" failed"), "\(snoop)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/cron.d/evil"))
        // A main config of the pod's own, as a file or in a volume at /etc/nginx (NGF's secure-backend example),
        // runs as written.
        try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: main}
                data:
                  nginx.conf: "events {} http { log_format ssl_log '$ssl_protocol'; include conf.d/*.conf; server { listen 8081; return 200 'own main config'; } }"
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ownfile}
                spec:
                  selector: {matchLabels: {app: ownfile}}
                  template:
                    metadata: {labels: {app: ownfile}}
                    spec:
                      containers:
                      - name: web
                        image: nginx
                        volumeMounts: [{name: main, mountPath: /etc/nginx/nginx.conf, subPath: nginx.conf}]
                      volumes: [{name: main, configMap: {name: main}}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: owndir}
                spec:
                  selector: {matchLabels: {app: owndir}}
                  template:
                    metadata: {labels: {app: owndir}}
                    spec:
                      containers:
                      - {name: web, image: nginx, ports: [{containerPort: 8081}], volumeMounts: [{name: main, mountPath: /etc/nginx/}]}
                      volumes: [{name: main, configMap: {name: main}}]
                """)
        // ownfile keeps the image's conf.d (the default server on 80); owndir's volume is all of /etc/nginx.
        for (name, port, body) in [("ownfile", 80, "Welcome to nginx!"), ("owndir", 8081, "own main config")] {
            let wide = try live.run(["get", "pods", "-o", "wide"]).stdout.split(separator: "\n")
            let line = try #require(wide.first { $0.hasPrefix(name + "-") }, "\(wide)")
            #expect(line.contains("1/1     Running"), "\(line)")
            let ip = String(line.split(separator: " ", omittingEmptySubsequences: true)[5])
            let answer = try LiveDataplane.curl(host: ip, ip: ip, port: port)
            #expect(answer.status == 200 && answer.body.contains(body), "\(name): \(answer)")
        }
        let api = try live.run(["describe", "pod", "api"]).stdout
        #expect(api.contains("cannot run locally"))
        try live.run(["down"])
        #expect(processes(of: live.cli.state) == 0)
    }

    @Test("replicas scale, a template change rolls out new pods, endpoints follow readiness, Secret files are 0600")
    func rolloutAndEndpoints() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        let guide = try blocks()[0]
        try live.run(["apply", "-f", "-"], stdin: guide.replacingOccurrences(of: "replicas: 1", with: "replicas: 2"))
        let before = try live.run(["get", "pods", "-o", "name"]).stdout.split(separator: "\n")
        #expect(before.count == 2)
        let slice = try live.run(["get", "endpointslice", "secure-app-gwconsole", "-o", "json"]).stdout
        #expect(slice.components(separatedBy: "\"ready\": true").count == 3, "two ready endpoints: \(slice)")
        // Secret volume files are private.
        let podDir = live.cli.state + "/pods/default_" + before[0].dropFirst("pod/".count)
        let attributes = try FileManager.default.attributesOfItem(atPath: podDir + "/etc/nginx/ssl/tls.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        // A template change: new pods, old ones gone.
        try live.run(
            ["apply", "-f", "-"],
            stdin: guide.replacingOccurrences(of: "replicas: 1", with: "replicas: 2")
                .replacingOccurrences(
                    of: "app: secure-app\n    spec:", with: "app: secure-app\n        version: two\n    spec:"))
        let after = try live.run(["get", "pods", "-o", "name"]).stdout.split(separator: "\n")
        #expect(after.count == 2 && Set(after).isDisjoint(with: Set(before)), "\(before) → \(after)")

        // A pod whose config fails is not ready: its endpoint says so.
        try live.run(
            ["apply", "-f", "-"],
            stdin:
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: secure-config\ndata:\n  app.conf: \"server { listen 8443; nonsense; }\"\n"
        )
        // (as in Kubernetes, a ConfigMap change reaches new pods only: roll out with a template change)
        try live.run(
            ["apply", "-f", "-"],
            stdin: guide.replacingOccurrences(
                of: "app: secure-app\n    spec:", with: "app: secure-app\n        version: three\n    spec:"
            )
            .components(separatedBy: "---\napiVersion: v1\nkind: ConfigMap")[0])
        let broken = try live.run(["get", "endpointslice", "secure-app-gwconsole", "-o", "json"]).stdout
        #expect(broken.contains("\"ready\": false") && !broken.contains("\"ready\": true"), "\(broken)")
        try live.run(["down"])
    }

    @Test("deleting a Namespace stops its pods' processes, so a new pod can take the address they held")
    func namespaceDeletionStopsPods() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        let app = { (namespace: String) in
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: \(namespace)
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginxdemos/nginx-hello:plain-text
                    ports:
                    - containerPort: 8080
            """
        }
        try live.run(
            ["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n" + app("shop")
        )
        #expect(try live.run(["get", "pods", "-n", "shop"]).stdout.contains("Running"))
        #expect(processes(of: live.cli.state + "/pods/shop_") > 0)
        #expect(try live.run(["delete", "namespace", "shop"]).status == 0)
        let deadline = Date().addingTimeInterval(10)
        while processes(of: live.cli.state + "/pods/shop_") > 0, Date() < deadline { usleep(100_000) }
        #expect(processes(of: live.cli.state + "/pods/shop_") == 0, "the deleted namespace's pod stopped")
        // The same app in another namespace gets the address back and runs.
        try live.run(["apply", "-f", "-"], stdin: app("default"))
        let pods = try live.run(["get", "pods"]).stdout
        #expect(pods.contains("Running"), "\(pods)")
        try live.run(["down"])
    }

    /// Processes still running (not zombies) of a state directory: its path in their command line, or a file of it
    /// open (a sandboxed pod's nginx has only its output there).
    func processes(of dir: String) -> Int { WorkloadTests.processes(of: dir) }

    static func processes(of dir: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil, Int32(entry) != getpid(),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
            else { return false }
            if let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8), cmd.contains(dir) {
                return true
            }
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd")) ?? []
            return fds.contains {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\($0)"))?.hasPrefix(dir)
                    == true
            }
        }.count
    }
}
