import Dataplane
import Foundation
import Probing

/// A Kubernetes API server double for tests (Tests/KubeClientTests/Fixtures/fake-apiserver.py): HTTPS with a test
/// CA on loopback, bearer tokens and client certificates, the API's wire format. Stops when released.
public final class FakeCluster: @unchecked Sendable {
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KubeClientTests/Fixtures/fake-apiserver.py").path

    public let directory: String
    public let ca: (cert: String, key: String)
    public let clientCertificate: (cert: String, key: String)
    public private(set) var port = 0
    private let process = Process()
    private let lifeline = Pipe()

    /// Starts the server with `objects` (JSON), tokens (`token=user`), and extra flags (`--forbid`, `--btls-version`…).
    public init(objects: [String] = [], tokens: [String] = ["admin-token=admin"], arguments: [String] = []) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-fake-cluster-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let ca = CertificateInspector.issue(commonName: "fake-cluster-ca", dnsName: nil, isCA: true),
            let server = CertificateInspector.issue(commonName: "localhost", dnsName: "localhost", issuer: ca),
            let client = CertificateInspector.issue(commonName: "alice", dnsName: nil, issuer: ca)
        else {
            throw DataplaneError("cannot issue test certificates")
        }
        self.ca = ca
        clientCertificate = client
        try ca.cert.write(toFile: directory + "/ca.crt", atomically: true, encoding: .utf8)
        try server.cert.write(toFile: directory + "/server.crt", atomically: true, encoding: .utf8)
        try server.key.write(toFile: directory + "/server.key", atomically: true, encoding: .utf8)
        try ("[" + objects.joined(separator: ",") + "]").write(
            toFile: directory + "/objects.json", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", FakeCluster.script, "--port", "0", "--bind", "127.0.0.1", "--cert",
                directory + "/server.crt",
                "--key", directory + "/server.key", "--client-ca", directory + "/ca.crt", "--objects",
                directory + "/objects.json",
                "--bookmark-interval", "0.5", "--exit-on-stdin-eof",
            ] + tokens.flatMap { ["--token", $0] } + arguments
        let output = Pipe()
        process.standardOutput = output
        // The server exits when this pipe closes: with the test process, even if it crashes.
        process.standardInput = lifeline
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // The first line says where it listens.
        var line = Data()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data([10]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("LISTENING "), let port = Int(text.dropFirst("LISTENING ".count)) else {
            process.terminate()
            throw DataplaneError("the fake API server did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        // The cache keepers a test started against this cluster (their command lines name its kubeconfig) stop with
        // it, rather than a minute later when they find it gone (scripts/check-leftovers.py looks after the tests).
        // SIGKILL: they inherit the test runner's blocked SIGTERM, and hold nothing but their cache.
        for pid in Self.processes(naming: directory) { kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(2)
        while !Self.processes(naming: directory).isEmpty && Date() < deadline { usleep(10_000) }
        // SIGKILL: the test runner may block SIGTERM, and a child inherits that mask.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Running (not zombie) processes whose command line names `path`, other than this one.
    static func processes(naming path: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init).filter { pid in
            guard pid != getpid(),
                let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                cmdline.contains(path),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            else { return false }
            let state = stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).first
            return state != "Z" && state != "X"
        }
    }

    public var server: String { "https://localhost:\(port)" }

    /// Writes a kubeconfig with one context per user: `token:NAME` (bearer), `cert` (client certificate),
    /// `insecure` (token, verification off, no CA), `untrusted` (token, no CA: verification fails).
    public func kubeconfig(
        current: String = "admin", namespace: String? = nil, extraUsers: String = "", extraContexts: String = ""
    ) throws -> String {
        let caData = Data(ca.cert.utf8).base64EncodedString()
        let path = directory + "/kubeconfig-\(UUID().uuidString.prefix(6))"
        try """
        apiVersion: v1
        kind: Config
        current-context: \(current)
        clusters:
        - name: fake
          cluster: {server: "\(server)", certificate-authority-data: \(caData)}
        - name: fake-insecure
          cluster: {server: "\(server)", insecure-skip-tls-verify: true}
        - name: fake-untrusted
          cluster: {server: "\(server)"}
        users:
        - name: admin
          user: {token: admin-token}
        - name: alice-cert
          user:
            client-certificate-data: \(Data(clientCertificate.cert.utf8).base64EncodedString())
            client-key-data: \(Data(clientCertificate.key.utf8).base64EncodedString())
        - name: nobody
          user: {token: wrong-token}
        \(extraUsers)
        contexts:
        - name: admin
          context: {cluster: fake, user: admin\(namespace.map { ", namespace: \($0)" } ?? "")}
        - name: cert
          context: {cluster: fake, user: alice-cert}
        - name: nobody
          context: {cluster: fake, user: nobody}
        - name: insecure
          context: {cluster: fake-insecure, user: admin}
        - name: untrusted
          context: {cluster: fake-untrusted, user: admin}
        \(extraContexts)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Calls a control endpoint (`/_test/...`) with curl; returns the body.
    @discardableResult
    public func control(_ method: String, _ path: String, json: String? = nil) throws -> String {
        let output = directory + "/control-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var arguments = ["-sS", "--cacert", directory + "/ca.crt", "-X", method, server + path]
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        _ = try Spawn.run("/usr/bin/curl", arguments, outputPath: output)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// The guide's Gateway, HTTPRoute, Service, ConfigMap and BackendTLSPolicy as a cluster holds them, with the
    /// status a controller wrote (`routeAccepted` lets a test make the cluster's view disagree).
    public static func guideObjects(
        btlsVersion: String = "v1", routeAccepted: Bool = true,
        caPEM: String? = CertificateInspector.issue(commonName: "backend-ca", dnsName: nil, isCA: true)?.cert
    ) -> [String] {
        let ca = (caPEM ?? "").replacingOccurrences(of: "\n", with: "\\n")
        let condition = { (type: String, status: String, reason: String) in
            "{\"type\":\"\(type)\",\"status\":\"\(status)\",\"reason\":\"\(reason)\",\"message\":\"\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"observedGeneration\":1}"
        }
        let controller = "gateway.nginx.org/nginx-gateway-controller"
        return [
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"nginx"},"spec":{"controllerName":"\#(controller)"},"status":{"conditions":[\#(condition("Accepted", "True", "Accepted"))]}}"#,
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gateway","namespace":"default"},"spec":{"gatewayClassName":"nginx","listeners":[{"name":"http","port":80,"protocol":"HTTP","hostname":"*.example.com"}]},"status":{"addresses":[{"type":"IPAddress","value":"10.0.0.7"}],"conditions":[\#(condition("Accepted", "True", "Accepted")),\#(condition("Programmed", "True", "Programmed"))]}}"#,
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"secure-app","namespace":"default"},"spec":{"parentRefs":[{"name":"gateway","sectionName":"http"}],"hostnames":["secure-app.example.com"],"rules":[{"backendRefs":[{"name":"secure-app","port":8443}]}]},"status":{"parents":[{"parentRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gateway","namespace":"default","sectionName":"http"},"controllerName":"\#(controller)","conditions":[\#(condition("Accepted", routeAccepted ? "True" : "False", routeAccepted ? "Accepted" : "NotAllowedByListeners")),\#(condition("ResolvedRefs", "True", "ResolvedRefs"))]}]}}"#,
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"secure-app","namespace":"default"},"spec":{"selector":{"app":"secure-app"},"ports":[{"name":"https","port":8443,"targetPort":8443,"protocol":"TCP"}],"clusterIP":"10.96.12.34","type":"ClusterIP"}}"#,
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"backend-cert","namespace":"default"},"data":{"ca.crt":"\#(ca)"}}"#,
            #"{"apiVersion":"\#(btlsVersion == "v1" ? "gateway.networking.k8s.io/v1" : "gateway.networking.k8s.io/v1alpha3")","kind":"BackendTLSPolicy","metadata":{"name":"backend-tls","namespace":"default"},"spec":{"targetRefs":[{"group":"","kind":"Service","name":"secure-app"}],"validation":{"caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"backend-cert"}],"hostname":"secure-app.example.com"}}}"#,
        ]
    }
}
