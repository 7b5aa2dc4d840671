import Dataplane
import Foundation
import Testing

/// nginx pods in sandboxes of their own (docs/workloads.md, "Sandbox"): the image's nginx runs its own nginx.conf
/// unchanged, sees its volumes and nothing of this machine's, and listens on its manifest's port in a network of
/// its own.
@Suite("Pod sandboxes", .serialized)
struct SandboxTests {
    /// A pod's line in `get pods -o wide`: its name and IP.
    func pod(_ live: LiveDataplane, _ prefix: String, namespace: String = "default") throws -> (
        name: String, ip: String, line: String
    ) {
        let lines = try live.run(["get", "pods", "-o", "wide", "-n", namespace]).stdout.split(separator: "\n")
        let line = try #require(lines.first { $0.hasPrefix(prefix + "-") }, "\(lines)")
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        return (fields[0], fields[5], String(line))
    }

    @Test("NGF's header-filter shape: a pod's own nginx.conf loads njs; the route's header filter reaches it")
    func ownMainConfigWithNJS() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: lister-main}
                data:
                  nginx.conf: |
                    user  nginx;
                    worker_processes 1;
                    pid /var/run/nginx.pid;
                    load_module modules/ngx_http_js_module.so;
                    events {}
                    http {
                        default_type text/plain;
                        js_import /etc/nginx/lister.js;
                        js_set $listed lister.listed;
                        server { listen 8080; return 200 "$listed"; }
                    }
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: lister-js}
                data:
                  lister.js: |
                    function listed(r) {
                        return Object.keys(r.headersIn).sort().map(function (h) { return h + '=' + r.headersIn[h]; }).join('\\n') + '\\n';
                    }
                    export default {listed};
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: lister}
                spec:
                  selector: {matchLabels: {app: lister}}
                  template:
                    metadata: {labels: {app: lister}}
                    spec:
                      containers:
                      - name: lister
                        image: nginx
                        ports: [{containerPort: 8080}]
                        volumeMounts:
                        - {name: main, mountPath: /etc/nginx/nginx.conf, subPath: nginx.conf, readOnly: true}
                        - {name: js, mountPath: /etc/nginx/lister.js, subPath: lister.js, readOnly: true}
                      volumes:
                      - {name: main, configMap: {name: lister-main}}
                      - {name: js, configMap: {name: lister-js}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: lister}
                spec:
                  selector: {app: lister}
                  ports: [{port: 80, targetPort: 8080, name: http}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gateway}
                spec:
                  gatewayClassName: nginx
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: lister}
                spec:
                  parentRefs: [{name: gateway}]
                  hostnames: [lister.example.com]
                  rules:
                  - filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier:
                        add: [{name: My-Added, value: from-the-route}]
                    backendRefs: [{name: lister, port: 80}]
                """)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try pod(live, "lister").line.contains("1/1     Running"))
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let answer = try LiveDataplane.curl(host: "lister.example.com", ip: vars.ip, port: vars.port)
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.body.contains("My-Added=from-the-route"), "\(answer.body)")
        #expect(answer.body.contains("Host=lister.example.com:\(vars.port)"), "\(answer.body)")
        #expect(try live.run(["down"]).status == 0)
        #expect(WorkloadTests.processes(of: live.cli.state) == 0, "down leaves no process")
    }

    /// NGF's secure-backend shape: cert-manager issues the backend's and the Gateway's client certificates from one
    /// CA; the backend's own nginx.conf (a volume at /etc/nginx) asks for a client certificate.
    static let mutualTLS = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: cert-manager}
        ---
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: selfsigned}
        spec: {selfSigned: {}}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: root-ca, namespace: cert-manager}
        spec: {isCA: true, commonName: Test Root, secretName: root-ca, issuerRef: {name: selfsigned, kind: ClusterIssuer}}
        ---
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: ca-issuer}
        spec: {ca: {secretName: root-ca}}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: backend}
        spec:
          secretName: backend-tls
          commonName: backend.example.com
          dnsNames: [backend.example.com]
          issuerRef: {name: ca-issuer, kind: ClusterIssuer}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: gateway-client}
        spec: {secretName: gateway-client, commonName: the-gateway, issuerRef: {name: ca-issuer, kind: ClusterIssuer}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: backend-main}
        data:
          nginx.conf: |
            worker_processes 1;
            pid /tmp/nginx.pid;
            events {}
            http {
                log_format verify 'verify=$ssl_client_verify subject=$ssl_client_s_dn';
                access_log /var/log/nginx/access.log verify;
                include /etc/nginx/conf.d/*.conf;
            }
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: backend-server}
        data:
          app.conf: |
            server {
                listen 8443 ssl;
                listen [::]:8443 ssl;
                ssl_certificate /etc/nginx/tls/tls.crt;
                ssl_certificate_key /etc/nginx/tls/tls.key;
                ssl_client_certificate /etc/nginx/tls/ca.crt;
                ssl_verify_client on;
                location / { return 200 "mutual TLS with $ssl_client_s_dn\\n"; }
            }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          selector: {matchLabels: {app: backend}}
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers:
              - name: backend
                image: nginxinc/nginx-unprivileged:latest
                ports: [{containerPort: 8443}]
                volumeMounts:
                - {name: tls, mountPath: /etc/nginx/tls, readOnly: true}
                - {name: server, mountPath: /etc/nginx/conf.d}
                - {name: main, mountPath: /etc/nginx/}
              volumes:
              - {name: tls, secret: {secretName: backend-tls}}
              - {name: server, configMap: {name: backend-server}}
              - {name: main, configMap: {name: backend-main}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend}
        spec:
          selector: {app: backend}
          ports: [{port: 8443, targetPort: 8443, name: https}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: backend}
        spec:
          parentRefs: [{name: gateway}]
          hostnames: [backend.example.com]
          rules: [{backendRefs: [{name: backend, port: 8443}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: backend-tls}
        spec:
          targetRefs: [{group: "", kind: Service, name: backend}]
          validation:
            caCertificateRefs: [{group: "", kind: Secret, name: backend-tls}]
            hostname: backend.example.com

        """

    /// A Gateway with one HTTP listener, and an HTTPRoute of `host` to the Service `service` on port 80, as further
    /// documents of a manifest.
    static func gatewayAndRoute(_ service: String, host: String) -> String {
        "---\n" + gateway(clientCertificate: false) + """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: \(service)}
            spec:
              parentRefs: [{name: gateway}]
              hostnames: [\(host)]
              rules: [{backendRefs: [{name: \(service), port: 80}]}]

            """
    }

    static func gateway(clientCertificate: Bool) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gateway}
        spec:
          gatewayClassName: nginx
          listeners: [{name: http, port: 80, protocol: HTTP}]
        \(clientCertificate ? "  tls: {backend: {clientCertificateRef: {kind: Secret, name: gateway-client}}}" : "")

        """
    }

    @Test(
        "NGF's secure-backend shape: mutual TLS to a backend that runs its own nginx.conf from a volume at /etc/nginx")
    func mutualTLSToOwnConfig() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let applied = try live.run(
            ["apply", "-f", "-"], stdin: Self.mutualTLS + "---\n" + Self.gateway(clientCertificate: false))
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try pod(live, "backend").line.contains("1/1     Running"))
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        // Without the Gateway's client certificate, the backend refuses the request.
        let refused = try LiveDataplane.curl(host: "backend.example.com", ip: vars.ip, port: vars.port)
        #expect(refused.status == 400 && refused.body.contains("No required SSL certificate was sent"), "\(refused)")
        try live.run(["apply", "-f", "-"], stdin: Self.gateway(clientCertificate: true))
        let answer = try LiveDataplane.curl(host: "backend.example.com", ip: vars.ip, port: vars.port)
        #expect(answer.status == 200 && answer.body == "mutual TLS with CN=the-gateway\n", "\(answer)")
        // The backend's own log format, in its log.
        try live.waitFor("the backend to log the verified request") {
            try live.run(["logs", "backend"]).stdout.contains("verify=SUCCESS subject=CN=the-gateway")
        }
        #expect(try live.run(["down"]).status == 0)
    }

    @Test("a pod sees its own files only: not the state directory, another namespace's Secret or the home directory")
    func podSeesItsOwnFilesOnly() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: Namespace
                metadata: {name: other}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: private, namespace: other}
                data: {token: c2VjcmV0LXRva2Vu}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: peek}
                data:
                  app.conf: |
                    server {
                        listen 8080;
                        location / { root /; autoindex on; }
                        location = /whoami { return 200 "$hostname\\n"; }
                    }
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: peek}
                spec:
                  selector: {matchLabels: {app: peek}}
                  template:
                    metadata: {labels: {app: peek}}
                    spec:
                      containers:
                      - {name: web, image: nginx, ports: [{containerPort: 8080}], volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]}
                      volumes: [{name: conf, configMap: {name: peek}}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: plain}
                spec:
                  selector: {matchLabels: {app: plain}}
                  template:
                    metadata: {labels: {app: plain}}
                    spec:
                      containers: [{name: web, image: nginx}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vault, namespace: other}
                spec:
                  selector: {matchLabels: {app: vault}}
                  template:
                    metadata: {labels: {app: vault}}
                    spec:
                      containers:
                      - {name: web, image: nginx, volumeMounts: [{name: token, mountPath: /var/secret}]}
                      volumes: [{name: token, secret: {secretName: private}}]
                """)
        #expect(applied.status == 0, "\(applied.stderr)")
        let peek = try pod(live, "peek")
        #expect(peek.line.contains("1/1     Running"), "\(peek.line)")
        func get(_ path: String, port: Int = 8080) throws -> (status: Int, body: String) {
            try LiveDataplane.curl(host: peek.ip, ip: peek.ip, port: port, path: path)
        }
        // Its host name is its own; its /etc is the image's.
        #expect(try get("/whoami").body == peek.name + "\n")
        let passwd = try get("/etc/passwd")
        #expect(passwd.status == 200 && passwd.body.contains("nginx:x:101:101"), "\(passwd)")
        let hostPasswd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
        #expect(passwd.body != hostPasswd)
        // Nothing of this machine's beyond the system: not the state directory (the store with every namespace's
        // Secrets, the other pods' volumes), not the home directory.
        let listing = try get("/").body
        for hidden in ["home/", "root/", "work/"] { #expect(!listing.contains("\"\(hidden)\""), "\(listing)") }
        let state = URL(fileURLWithPath: live.cli.state).standardizedFileURL.path
        #expect(try get(state + "/").status == 404)
        let vault = try pod(live, "vault", namespace: "other")
        let vaultDir = "\(state)/pods/other_\(vault.name)/var/secret/token"
        #expect(FileManager.default.fileExists(atPath: vaultDir), "the other pod's Secret file exists here")
        #expect(try get(vaultDir).status == 404)
        #expect(try get(NSHomeDirectory() + "/").status == 404)
        #expect(try get("/tmp/").body.contains(URL(fileURLWithPath: state).lastPathComponent) == false)
        // An image's default port, 80, in the pod's own network (no root needed, no clash with this machine's 80).
        let plain = try pod(live, "plain")
        let welcome = try LiveDataplane.curl(host: plain.ip, ip: plain.ip, port: 80)
        #expect(welcome.status == 200 && welcome.body.contains("Welcome to nginx!"), "\(welcome)")
        #expect(try live.run(["down"]).status == 0)
    }

    @Test("SIGKILL of a pod's sandbox, or of the controller, then down: nothing of the state directory runs")
    func killedSandboxLeavesNothing() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: nginx}]
                """)
        let podDirs = try FileManager.default.contentsOfDirectory(atPath: live.cli.state + "/pods").filter {
            $0.hasPrefix("default_web-")
        }
        #expect(podDirs.count == 2)
        let first = live.cli.state + "/pods/" + podDirs[0]
        let text = try String(contentsOfFile: first + "/run/process.pid", encoding: .utf8)
        let sandbox = try #require(text.split(separator: " ").first.flatMap { pid_t($0) })
        // The sandbox's processes: the helper, bubblewrap, nginx's master and worker.
        let members = CommandProcessTestView.session(sandbox)
        #expect(members.count >= 3, "\(members)")
        kill(sandbox, SIGKILL)
        try live.waitFor("every process of the killed sandbox to be gone") {
            members.allSatisfy { kill($0, 0) != 0 || CommandProcessTestView.isZombie($0) }
        }
        // The controller killed too; down still finds and stops every pod.
        let paths = ControllerPaths(stateDirectory: live.cli.state)
        if paths.isRunning, let controller = paths.pid { kill(controller, SIGKILL) }
        #expect(try live.run(["down"]).status == 0)
        #expect(WorkloadTests.processes(of: live.cli.state) == 0, "nothing of the state directory runs")
    }
}

extension SandboxTests {
    @Test(
        "readiness takes a failing pod out of its Service and back; liveness failing restarts it, as kubelet does",
        arguments: [true, false])
    func probes(sandboxed: Bool) throws {
        let live = LiveDataplane()
        // Without a sandbox (GWCONSOLE_POD_SANDBOX=off), the pod is a process of this machine: probes are the same.
        if !sandboxed { live.extraEnvironment["GWCONSOLE_POD_SANDBOX"] = "off" }
        #expect(try live.run(["up"]).status == 0)
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: flaky}
                data:
                  app.conf: |
                    server {
                        listen 8080;
                        location = /ready { if (-f /data/not-ready) { return 503; } return 200 "ok\\n"; }
                        location = /alive { if (-f /data/dead) { return 500; } return 200 "ok\\n"; }
                        location / { return 200 "flaky\\n"; }
                    }
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: flaky}
                spec:
                  selector: {matchLabels: {app: flaky}}
                  template:
                    metadata: {labels: {app: flaky}}
                    spec:
                      containers:
                      - name: web
                        image: nginx
                        ports: [{name: http, containerPort: 8080}]
                        volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}, {name: data, mountPath: /data}]
                        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1, failureThreshold: 1}
                        livenessProbe: {httpGet: {path: /alive, port: 8080}, periodSeconds: 1, failureThreshold: 2}
                      volumes: [{name: conf, configMap: {name: flaky}}, {name: data, emptyDir: {}}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: flaky}
                spec:
                  selector: {app: flaky}
                  ports: [{port: 80, targetPort: http}]

                """ + Self.gatewayAndRoute("flaky", host: "flaky.example.com"))
        #expect(applied.status == 0, "\(applied.stderr)")
        let flaky = try pod(live, "flaky")
        #expect(flaky.line.contains("1/1     Running   0"), "\(flaky.line)")
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        func request() throws -> Int {
            try LiveDataplane.curl(host: "flaky.example.com", ip: vars.ip, port: vars.port).status
        }
        #expect(try request() == 200)
        // Its emptyDir, written from here: the pod's readiness endpoint starts failing.
        let data = "\(live.cli.state)/pods/default_\(flaky.name)/data"
        #expect(
            FileManager.default.fileExists(atPath: "\(live.cli.state)/pods/default_\(flaky.name)/.sandbox") == sandboxed
        )
        FileManager.default.createFile(atPath: data + "/not-ready", contents: Data())
        try live.waitFor("the pod to be not ready and out of its Service", seconds: 20) {
            try pod(live, "flaky").line.contains("0/1     Running   0") && request() == 503
        }
        try FileManager.default.removeItem(atPath: data + "/not-ready")
        try live.waitFor("the pod to be ready again", seconds: 20) {
            try pod(live, "flaky").line.contains("1/1     Running   0") && request() == 200
        }
        // Liveness failing twice: the container restarts; its emptyDir, the pod's, keeps what was written there.
        FileManager.default.createFile(atPath: data + "/dead", contents: Data())
        try live.waitFor("a restart after the liveness probe failed", seconds: 20) {
            !(try pod(live, "flaky").line.contains("Running   0"))
        }
        #expect(FileManager.default.fileExists(atPath: data + "/dead"), "the emptyDir outlives the container")
        try FileManager.default.removeItem(atPath: data + "/dead")
        try live.waitFor("the restarted pod to be ready and serve", seconds: 20) {
            let line = try pod(live, "flaky").line
            return try line.contains("1/1     Running") && !line.contains("Running   0") && request() == 200
        }
        #expect(try live.run(["down"]).status == 0)
    }

    @Test("a golang pod runs `go run` on its ConfigMap'd main.go in its sandbox, and serves through the Gateway")
    func golangPod() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: greeter-source}
                data:
                  main.go: |
                    package main

                    import (
                        "fmt"
                        "net/http"
                        "os"
                    )

                    func main() {
                        host, _ := os.Hostname()
                        http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
                            fmt.Fprintf(w, "hello from go on %s, HOME=%s\\n", host, os.Getenv("HOME"))
                        })
                        fmt.Println("listening on :8080")
                        http.ListenAndServe(":8080", nil)
                    }
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: greeter}
                spec:
                  selector: {matchLabels: {app: greeter}}
                  template:
                    metadata: {labels: {app: greeter}}
                    spec:
                      containers:
                      - name: greeter
                        image: golang:1.22-alpine
                        command: ["/bin/sh"]
                        args: ["-c", "cd /app && go run main.go"]
                        ports: [{containerPort: 8080}]
                        volumeMounts: [{name: app, mountPath: /app}]
                      volumes: [{name: app, configMap: {name: greeter-source}}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: greeter}
                spec:
                  selector: {app: greeter}
                  ports: [{port: 80, targetPort: 8080}]

                """ + Self.gatewayAndRoute("greeter", host: "go.example.com"))
        #expect(applied.status == 0, "\(applied.stderr)")
        let greeter = try pod(live, "greeter")
        #expect(greeter.line.contains("1/1     Running"), "\(greeter.line)")
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let answer = try LiveDataplane.curl(host: "go.example.com", ip: vars.ip, port: vars.port)
        #expect(answer.status == 200 && answer.body == "hello from go on \(greeter.name), HOME=/root\n", "\(answer)")
        #expect(try live.run(["logs", "greeter"]).stdout.contains("listening on :8080"))
        #expect(try live.run(["down"]).status == 0)
        #expect(WorkloadTests.processes(of: live.cli.state) == 0)
    }

    @Test("the pod's process refuses a malformed port to forward, or no command, before it makes anything")
    func helperUsage() throws {
        for helper in [[CLI.binary + "-pod-sandbox"], [CLI.binary, "pod-sandbox"]] {
            for arguments in [
                ["--forward", "tcp:127.0.0.1:8080", "--", "/bin/true"],
                ["--forward", "sctp:127.0.0.1:1:1", "--", "/bin/true"],
                ["--forward", "tcp:127.0.0.1:0:80", "--", "/bin/true"],
                ["--forward", "tcp:127.0.0.1:80:70000", "--", "/bin/true"],
                ["--forward", "tcp:127.0.0.1:8080:8080"],
            ] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: helper[0])
                process.arguments = Array(helper.dropFirst()) + arguments
                let err = Pipe()
                process.standardError = err
                try process.run()
                let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 2, "\(helper) \(arguments)")
                #expect(message.hasPrefix("pod-sandbox: "), "\(message)")
            }
        }
    }

    @Test(
        "a pod whose Secret is missing waits in ContainerCreating naming the mount, doctor says so, and it starts once the Secret exists"
    )
    func missingSecretWaits() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        try live.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: keyed}
                spec:
                  selector: {matchLabels: {app: keyed}}
                  template:
                    metadata: {labels: {app: keyed}}
                    spec:
                      containers: [{name: web, image: nginx, volumeMounts: [{name: keys, mountPath: /etc/keys}]}]
                      volumes: [{name: keys, secret: {secretName: later}}]
                """)
        let waiting = try pod(live, "keyed")
        #expect(waiting.line.contains("0/1     ContainerCreating"), "\(waiting.line)")
        let described = try live.run(["describe", "pod", waiting.name]).stdout
        #expect(
            described.contains("MountVolume.SetUp failed for volume \"keys\" : secret \"later\" not found"),
            "\(described)")
        let doctor = try live.run(["doctor"]).stdout
        #expect(doctor.contains("ContainerCreating") && doctor.contains("create the ConfigMap or Secret"), "\(doctor)")
        try live.run(
            ["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Secret\nmetadata: {name: later}\ndata: {k: dg==}\n")
        #expect(try pod(live, "keyed").line.contains("1/1     Running"))
        #expect(try live.run(["down"]).status == 0)
    }

    @Test(
        "as an ordinary user (nobody, through setpriv): up, the guide's pod in its sandbox, hello from pod secure-app")
    func ordinaryUser() throws {
        // Run as root, the suite checks the ordinary user's way here; run as an ordinary user, every test above does.
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let live = LiveDataplane()
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("gwconsole-nobody-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? fm.removeItem(atPath: dir) }
        // The binary and the guide where nobody can read them (the checkout may be under a private home).
        try fm.copyItem(atPath: CLI.binary, toPath: dir + "/gwconsole")
        try fm.copyItem(atPath: CLI.binary + "-pod-sandbox", toPath: dir + "/gwconsole-pod-sandbox")
        try fm.copyItem(atPath: CLI.guide, toPath: dir + "/guide.md")
        for file in ["gwconsole", "gwconsole-pod-sandbox", "guide.md"] {
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/" + file)
        }
        let home = dir + "/home"
        let state = home + "/state"
        func asNobody(_ arguments: [String]) throws -> (status: Int32, out: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                [
                    "--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/env", "-i",
                    "PATH=/usr/bin:/bin",
                    "HOME=\(home)", "GWCONSOLE_STATE=\(state)", "GWCONSOLE_ADDRESS_BASE=\(live.base)",
                    "GWCONSOLE_PORT_OFFSET=\(live.portOffset)",
                ] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        defer { _ = try? asNobody([dir + "/gwconsole", "down"]) }
        try fm.createDirectory(atPath: home, withIntermediateDirectories: true)
        try fm.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: home)
        let up = try asNobody([dir + "/gwconsole", "up"])
        #expect(up.status == 0 && !up.out.contains("without a sandbox"), "\(up.out)")
        let applied = try asNobody([dir + "/gwconsole", "apply", "-f", dir + "/guide.md"])
        #expect(applied.status == 0, "\(applied.out)")
        let pods = try asNobody([dir + "/gwconsole", "get", "pods", "-o", "name"]).out
        let pod = try #require(pods.split(separator: "\n").first.map { String($0.dropFirst("pod/".count)) }, "\(pods)")
        #expect(fm.fileExists(atPath: "\(state)/pods/default_\(pod)/.sandbox"), "the pod runs in a sandbox")
        let vars = try #require(
            LiveDataplane.gatewayVariables(try asNobody([dir + "/gwconsole", "status"]).out))
        let answer = try LiveDataplane.curl(host: "secure-app.example.com", ip: vars.ip, port: vars.port)
        #expect(answer.status == 200 && answer.body == "hello from pod secure-app\n", "\(answer)")
        #expect(try asNobody([dir + "/gwconsole", "down"]).status == 0)
        #expect(WorkloadTests.processes(of: state) == 0, "nothing of the state directory runs")
    }
}

/// The session and state of a process, read from /proc as `down` does.
enum CommandProcessTestView {
    static func stat(_ pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    static func isZombie(_ pid: pid_t) -> Bool { stat(pid)?.first == "Z" }

    static func session(_ leader: pid_t) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init).filter {
            guard let fields = stat($0), fields.count > 3 else { return false }
            return pid_t(fields[3]) == leader && fields[0] != "Z"
        }
    }
}
