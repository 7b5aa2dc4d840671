import Foundation
import Testing

/// NGF's own examples on the embedded default: their demo images run as local pods that answer as the real images do.
@Suite("Image profiles", .serialized)
struct ImageProfileTests {
    /// `../shared/ngf-examples` beside the repository (the examples' own files, as NGF ships them).
    static let examples = CLI.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/ngf-examples")
        .path

    @Test(
        "NGF's cafe example as its README runs it: nginx-hello pods answer with their address, their pod name and the URI",
        .enabled(
            if: FileManager.default.fileExists(atPath: examples + "/cafe-example/cafe.yaml"),
            "needs ../shared/ngf-examples"))
    func cafeExample() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let folder = Self.examples + "/cafe-example"
        for file in ["cafe.yaml", "gateway.yaml", "cafe-routes.yaml"] {
            let applied = try live.run(["apply", "-f", folder + "/" + file])
            #expect(applied.status == 0, "\(file): \(applied.stderr)")
        }
        let pods = try live.run(["get", "pods"]).stdout
        #expect(pods.contains("coffee-") && pods.contains("tea-"), "\(pods)")
        #expect(!pods.contains("ImageNotLocal"), "nginxdemos/nginx-hello runs locally: \(pods)")
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let coffee = try LiveDataplane.curl(host: "cafe.example.com", ip: vars.ip, port: vars.port, path: "/coffee")
        #expect(coffee.status == 200, "\(coffee.body)")
        let lines = coffee.body.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(coffee.body)")
        #expect(
            lines.first?.hasPrefix("Server address: \(live.base).") == true && lines.first?.hasSuffix(":8080") == true,
            "\(coffee.body)")
        #expect(lines.dropFirst().first?.hasPrefix("Server name: coffee-") == true, "the pod's name: \(coffee.body)")
        #expect(lines.contains { $0.hasPrefix("Date: ") } && lines.contains("URI: /coffee"), "\(coffee.body)")
        let requestID = lines.last.map { String($0.dropFirst("Request ID: ".count)) } ?? ""
        #expect(requestID.count == 32 && requestID.allSatisfy(\.isHexDigit), "\(coffee.body)")
        let tea = try LiveDataplane.curl(host: "cafe.example.com", ip: vars.ip, port: vars.port, path: "/tea")
        #expect(
            tea.status == 200 && tea.body.contains("Server name: tea-") && tea.body.contains("URI: /tea"), "\(tea.body)"
        )
        // The pod's name in the answer is the one get pods shows.
        let name = String(lines[1].dropFirst("Server name: ".count))
        #expect(pods.contains(name), "\(name) in \(pods)")
        #expect(try live.run(["down"]).status == 0)
    }

    @Test(
        "hashicorp/http-echo answers its -text on its -listen port; an image without a profile says which and how to go on"
    )
    func httpEchoAndUnknown() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: TestManifests.gateway + """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: echo}
                spec:
                  selector: {matchLabels: {app: echo}}
                  template:
                    metadata: {labels: {app: echo}}
                    spec:
                      containers:
                      - name: echo
                        image: hashicorp/http-echo:1.0
                        args: ["-text=hello from echo \\"quoted\\" $HOME", "-listen=:5678"]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: echo}
                spec:
                  selector: {app: echo}
                  ports: [{name: http, port: 80, targetPort: 5678}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: echo}
                spec:
                  parentRefs: [{name: gw}]
                  hostnames: [echo.example.com]
                  rules: [{backendRefs: [{name: echo, port: 80}]}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: custom}
                spec:
                  selector: {matchLabels: {app: custom}}
                  template:
                    metadata: {labels: {app: custom}}
                    spec:
                      containers: [{name: app, image: "ghcr.io/example/app:2.1"}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: custom}
                spec:
                  selector: {app: custom}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: custom}
                spec:
                  parentRefs: [{name: gw}]
                  hostnames: [custom.example.com]
                  rules: [{backendRefs: [{name: custom, port: 80}]}]
                """)
        #expect(applied.status == 0, "\(applied.stderr)")
        let vars = try #require(LiveDataplane.gatewayVariables(try live.run(["status"]).stdout))
        let echo = try LiveDataplane.curl(host: "echo.example.com", ip: vars.ip, port: vars.port, path: "/any/path")
        #expect(
            echo.status == 200 && echo.body == "hello from echo \"quoted\" $HOME\n",
            "the text as given, nothing interpolated: \(echo.body)")
        let pod = try live.run(["get", "pods", "-o", "yaml"]).stdout
        let why = "image ghcr.io/example/app:2.1 cannot run locally: it has no local profile"
        #expect(pod.contains("reason: ImageNotLocal") && pod.contains(why), "\(pod)")
        let doctor = try live.run(["doctor"]).stdout
        // Doctor names the pod, its image and reason, and the image map entry that would run it.
        #expect(
            doctor.contains("ERROR PodNotReady") && doctor.contains("ImageNotLocal (image ghcr.io/example/app:2.1)")
                && doctor.contains("- image: \"ghcr.io/example/app:2.1\""), "\(doctor)")
        #expect(!doctor.contains("NoReadyEndpoints"), "the pod's finding explains the Service: \(doctor)")
        #expect(!doctor.contains("start the data plane"), "the data plane is up: \(doctor)")
        #expect(try live.run(["down"]).status == 0)
    }

    @Test(
        "the conformance echo server answers with the request and the pod's identity; the user's image map runs a command"
    )
    func echoBasicAndImageMap() throws {
        let live = LiveDataplane()
        let config = live.cli.state + "-config"
        try FileManager.default.createDirectory(atPath: config + "/gwconsole", withIntermediateDirectories: true)
        let served = live.cli.state + "-static"
        try FileManager.default.createDirectory(atPath: served + "/static", withIntermediateDirectories: true)
        try "hello from a mapped image\n".write(
            toFile: served + "/static/index.html", atomically: true, encoding: .utf8)
        try """
        images:
          - image: "ghcr.io/example/static*"
            command: [/usr/bin/python3, -m, http.server, "${POD_PORT}", --bind, "${POD_IP}", --directory, "\(served)"]
        """.write(toFile: config + "/gwconsole/config.yaml", atomically: true, encoding: .utf8)
        var environment = live.environment
        environment["XDG_CONFIG_HOME"] = config
        func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Result {
            try live.cli.run(arguments, stdin: stdin, environment: environment)
        }
        #expect(try run(["up"]).status == 0)
        let applied = try run(
            ["apply", "-f", "-"],
            stdin: TestManifests.gateway + """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: infra-backend-v1}
                spec:
                  selector: {matchLabels: {app: infra-backend-v1}}
                  template:
                    metadata: {labels: {app: infra-backend-v1}}
                    spec:
                      containers:
                      - name: infra-backend-v1
                        image: gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd
                        env:
                        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                        - {name: NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: infra-backend-v1}
                spec:
                  selector: {app: infra-backend-v1}
                  ports: [{protocol: TCP, port: 8080, targetPort: 3000}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: static}
                spec:
                  selector: {matchLabels: {app: static}}
                  template:
                    metadata: {labels: {app: static}}
                    spec:
                      containers: [{name: web, image: "ghcr.io/example/static:1", ports: [{containerPort: 8000}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: static}
                spec:
                  selector: {app: static}
                  ports: [{port: 80, targetPort: 8000}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: echo}
                spec:
                  parentRefs: [{name: gw}]
                  hostnames: [echo.example.com]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /static}}]
                    backendRefs: [{name: static, port: 80}]
                  - backendRefs: [{name: infra-backend-v1, port: 8080}]
                """)
        #expect(applied.status == 0, "\(applied.stderr)")
        let vars = try #require(LiveDataplane.gatewayVariables(try run(["status"]).stdout))
        let echo = try LiveDataplane.curl(
            host: "echo.example.com", ip: vars.ip, port: vars.port, path: "/some/path?q=1",
            extra: ["-H", "X-Test: one"])
        #expect(echo.status == 200, "\(echo.body)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(echo.body.utf8)) as? [String: Any], "\(echo.body)")
        #expect(
            json["path"] as? String == "/some/path?q=1" && json["method"] as? String == "GET"
                && json["proto"] as? String == "HTTP/1.1")
        #expect(json["namespace"] as? String == "default")
        #expect(
            (json["pod"] as? String)?.hasPrefix("infra-backend-v1-") == true,
            "the pod's name from the downward API: \(echo.body)")
        let headers = json["headers"] as? [String: [String]]
        #expect(headers?["X-Test"] == ["one"] && headers?["X-Forwarded-Proto"] == ["http"], "\(echo.body)")
        let pods = try run(["get", "pods"]).stdout
        #expect(pods.contains(json["pod"] as? String ?? "?"), "\(pods)")
        let mapped = try LiveDataplane.curl(host: "echo.example.com", ip: vars.ip, port: vars.port, path: "/static/")
        #expect(
            mapped.status == 200 && mapped.body == "hello from a mapped image\n", "the mapped command serves: \(mapped)"
        )
        // A killed process is restarted, as a killed nginx pod is.
        let pidFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: live.cli.state + "/pods").first {
                $0.contains("infra-backend")
            })
        // The pid file holds the pid and its process's start time.
        let recorded = try String(contentsOfFile: live.cli.state + "/pods/\(pidFile)/run/process.pid", encoding: .utf8)
        let pid = try #require(recorded.split(whereSeparator: \.isWhitespace).first.flatMap { Int32($0) })
        kill(pid, SIGKILL)
        var restarted = ""
        let deadline = Date().addingTimeInterval(10)
        repeat {
            usleep(100_000)
            restarted = try run(["get", "pods"]).stdout
        } while !restarted.contains("1/1     Running   1 ") && Date() < deadline
        #expect(restarted.contains("1/1     Running   1 "), "\(restarted)")
        #expect(try run(["down"]).status == 0)
        #expect(kill(pid, 0) != 0)
        // down stops every pod's process: no mapped command keeps running.
        for pod in try FileManager.default.contentsOfDirectory(atPath: live.cli.state + "/pods") {
            let file = live.cli.state + "/pods/\(pod)/run/process.pid"
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                let left = text.split(separator: " ").first.flatMap({
                    Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
                })
            else { continue }
            #expect(kill(left, 0) != 0, "pod \(pod)'s process \(left) still runs after down")
        }
    }
}
