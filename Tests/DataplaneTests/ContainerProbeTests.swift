import Foundation
import GatewayAPI
import Testing

@testable import Dataplane

/// Probes as kubelet reads and counts them (their runs against real pods are in SandboxTests).
@Suite("Container probes")
struct ContainerProbeTests {
    func container(_ yaml: String) throws -> Container {
        let objects = try ManifestDecoder().decode(
            ManifestReader.documents(
                from: Data(
                    """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: p}
                    spec:
                      containers:
                      - name: c
                        image: nginx
                        ports: [{name: web, containerPort: 8080}]
                    \(yaml)
                    """.utf8), file: "pod.yaml"))
        let object = try #require(objects.first).object
        return try #require(try Pod.decode(object).spec.containers.first)
    }

    @Test("httpGet with a named port and headers, kubelet's defaults; tcpSocket; exec and grpc are not run")
    func parsing() throws {
        let web = try container(
            """
                readinessProbe:
                  httpGet: {path: /ready, port: web, httpHeaders: [{name: X-Probe, value: "yes"}]}
                livenessProbe:
                  tcpSocket: {port: 8080}
                  initialDelaySeconds: 5
                  periodSeconds: 2
                  failureThreshold: 1
            """)
        let readiness = try #require(ContainerProbe(web.readinessProbe, container: web))
        #expect(
            readiness.action
                == .httpGet(path: "/ready", port: 8080, headers: [.init(name: "X-Probe", value: "yes")], https: false))
        #expect(readiness.period == 10 && readiness.initialDelay == 0 && readiness.failureThreshold == 3)
        #expect(readiness.successThreshold == 1 && readiness.timeout == 1)
        let liveness = try #require(ContainerProbe(web.livenessProbe, container: web))
        #expect(liveness.action == .tcpSocket(port: 8080) && liveness.initialDelay == 5 && liveness.period == 2)
        #expect(liveness.failureThreshold == 1)
        let exec = try container("    readinessProbe: {exec: {command: [cat, /tmp/ready]}}")
        #expect(ContainerProbe(exec.readinessProbe, container: exec)?.action == .notRun("exec"))
        // A port the container does not name is no probe; a header with a line break never reaches the wire.
        let unknown = try container("    readinessProbe: {httpGet: {path: /, port: admin}}")
        #expect(ContainerProbe(unknown.readinessProbe, container: unknown) == nil)
        let injected = try container(
            "    readinessProbe: {httpGet: {path: \"/a\\r\\nX: y\", port: 8080, httpHeaders: [{name: A, value: \"b\\r\\nC: d\"}]}}"
        )
        #expect(
            ContainerProbe(injected.readinessProbe, container: injected)?.action
                == .httpGet(path: "/", port: 8080, headers: [], https: false))
    }

    @Test("due after the initial delay, then every period; thresholds of consecutive results decide")
    func counting() throws {
        let web = try container(
            """
                readinessProbe: {tcpSocket: {port: 8080}, initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 2, successThreshold: 2}
            """)
        let probe = try #require(ContainerProbe(web.readinessProbe, container: web))
        var results = ContainerProbe.Results()
        #expect(!probe.isDue(results, started: 100, now: 104))
        #expect(probe.isDue(results, started: 100, now: 105))
        results = probe.recording(true, in: results, now: 105)
        #expect(probe.verdict(results) == nil, "one success of two")
        #expect(!probe.isDue(results, started: 100, now: 106.5) && probe.isDue(results, started: 100, now: 107))
        results = probe.recording(true, in: results, now: 107)
        #expect(probe.verdict(results) == true)
        results = probe.recording(false, in: results, now: 109)
        #expect(probe.verdict(results) == nil && results.successes == 0, "a failure resets the successes")
        results = probe.recording(false, in: results, now: 111)
        #expect(probe.verdict(results) == false)
    }
}
