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
        #expect(doctor.contains("NoReadyEndpoints") && doctor.contains("gwconsole get pods -n default"), "\(doctor)")
        #expect(!doctor.contains("start the data plane"), "the data plane is up: \(doctor)")
        #expect(try live.run(["down"]).status == 0)
    }
}
