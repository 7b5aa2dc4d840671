import Foundation
import Probing
import Testing

/// The guide end to end against real nginx processes on loopback.
@Suite("The embedded data plane", .serialized)
struct DataplaneCommandTests {
    /// The guide's app, Gateway and HTTPRoute, with the Service's endpoints pointing at a TLS-only nginx that serves
    /// the guide's certificate: the state before the BackendTLSPolicy.
    func guideWithoutPolicy() throws -> (LiveDataplane, ip: String, port: Int) {
        let live = LiveDataplane()
        let blocks = try String(contentsOfFile: CLI.guide, encoding: .utf8)
            .components(separatedBy: "kubectl apply -f - <<EOF\n").dropFirst().map {
                $0.components(separatedBy: "\nEOF")[0] + "\n"
            }
        let backend = live.backendAddress(1)
        try live.startBackend(
            name: "secure-app", address: backend, port: 8443, ssl: try LiveDataplane.guideCertificateAndKey(),
            body: """
                server_name secure-app.example.com;
                location / { return 200 "hello from pod secure-app\\n"; }
                """)
        for block in blocks.prefix(3) { #expect(try live.run(["apply", "-f", "-"], stdin: block).status == 0) }
        try live.run(
            ["apply", "-f", "-"],
            stdin: LiveDataplane.endpointSlice(
                service: "secure-app", portName: "https", port: 8443, addresses: [backend]))
        let up = try live.run(["up"])
        #expect(up.status == 0, "\(up.stderr)")
        let vars = try #require(LiveDataplane.gatewayVariables(up.stdout), "\(up.stdout)\(up.stderr)")
        return (live, vars.ip, vars.port)
    }

    static let policyBlock = """
        apiVersion: gateway.networking.k8s.io/v1alpha3
        kind: BackendTLSPolicy
        metadata:
          name: backend-tls
        spec:
          targetRefs:
          - group: ''
            kind: Service
            name: secure-app
          validation:
            caCertificateRefs:
            - name: backend-cert
              group: ''
              kind: ConfigMap
            hostname: HOSTNAME

        """

    func caBlock() throws -> String {
        try String(contentsOfFile: CLI.guide, encoding: .utf8)
            .components(separatedBy: "kubectl apply -f - <<EOF\n")[4].components(separatedBy: "\nEOF")[0] + "\n"
    }

    @Test("the guide: 400 from the HTTPS backend over plain HTTP, then 200 once the BackendTLSPolicy is applied")
    func guide() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        #expect(live.base.hasPrefix("127.") && ip.hasPrefix(live.base))
        let before = try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port)
        #expect(before.status == 400)
        #expect(
            before.body.hasPrefix(
                """
                <html>
                <head><title>400 The plain HTTP request was sent to HTTPS port</title></head>
                <body>
                <center><h1>400 Bad Request</h1></center>
                <center>The plain HTTP request was sent to HTTPS port</center>
                <hr><center>nginx/
                """))
        #expect(try live.run(["get", "gateways"]).stdout.contains("gateway   nginx   \(ip)   True"))
        let json = try live.run(["status", "gateway", "-o", "json"]).stdout
        #expect(
            json.contains("\"gwIP\" : \"\(ip)\"") && json.contains("\"gwPort\" : \(port)")
                && json.contains("\"running\" : true"), "\(json)")

        try live.run(["apply", "-f", "-"], stdin: try caBlock())
        let applied = try live.run(
            ["apply", "-f", "-"],
            stdin: Self.policyBlock.replacingOccurrences(of: "HOSTNAME", with: "secure-app.example.com"))
        #expect(applied.stdout == "backendtlspolicy.gateway.networking.k8s.io/backend-tls created\n")
        let after = try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port)
        #expect(after.status == 200)
        #expect(after.body == "hello from pod secure-app\n")

        // Another hostname is not routed: the default server answers 404.
        #expect(try LiveDataplane.curl(host: "other.example.com", ip: ip, port: port).status == 404)
        // render shows the config nginx runs, with where each part came from.
        let render = try live.run(["render", "gateway"]).stdout
        #expect(render.contains("# HTTPRoute default/secure-app rule 0 match 0"))
        #expect(render.contains("proxy_ssl_name \"secure-app.example.com\";"))
        #expect(render.contains("proxy_ssl_verify on;"))
        // It is the generation nginx serves, file for file (the CA bundle too; no private key in this one).
        let served = live.cli.state + "/dp/1/current/"
        for file in ["nginx.conf", "conf.d/servers.conf", "conf.d/upstreams.conf"] {
            let content = try String(contentsOfFile: served + file, encoding: .utf8)
            #expect(render.contains("# configuration file \(file):\n\(content)"), "\(file)")
        }
    }

    @Test("a wrong CA and a wrong hostname make 502, never plain HTTP")
    func badVerification() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        try live.run(["apply", "-f", "-"], stdin: try caBlock())
        try live.run(
            ["apply", "-f", "-"],
            stdin: Self.policyBlock.replacingOccurrences(of: "HOSTNAME", with: "wrong.example.com"))
        let verified = try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port)
        #expect(verified.status == 502, "\(verified)")

        // A CA that did not sign the backend's certificate: no verification.
        let foreignCA = try #require(
            CertificateInspector.issue(
                commonName: "Other CA", dnsName: nil, notBeforeDays: -1, notAfterDays: 30, isCA: true))
        try live.run(
            ["apply", "-f", "-"],
            stdin: "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: backend-cert\ndata:\n  ca.crt: |\n"
                + foreignCA.cert.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n")
        try live.run(
            ["apply", "-f", "-"],
            stdin: Self.policyBlock.replacingOccurrences(of: "HOSTNAME", with: "secure-app.example.com"))
        let otherCA = try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port)
        #expect(otherCA.status == 502, "\(otherCA)")
    }

    @Test("a config nginx cannot take keeps the last good one serving, and the Gateway says why")
    func rejectedConfigKeepsServing() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        try live.run(["apply", "-f", "-"], stdin: try caBlock())
        try live.run(
            ["apply", "-f", "-"],
            stdin: Self.policyBlock.replacingOccurrences(of: "HOSTNAME", with: "secure-app.example.com"))
        #expect(try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port).status == 200)

        // Occupy the port a new listener wants: nginx accepts the config (-t) but cannot bind it on reload.
        let blocker = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(blocker) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port + 1).bigEndian)
        inet_pton(AF_INET, ip, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(blocker, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0)
        listen(blocker, 1)
        let gateway = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway
            spec:
              gatewayClassName: nginx
              listeners:
              - name: http
                port: 80
                protocol: HTTP
              - name: extra
                port: 81
                protocol: HTTP

            """
        // Load from a second process while the bad change is applied: no request to the unchanged route may fail.
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/bin/sh")
        load.arguments = [
            "-c",
            "end=$(($(date +%s)+3)); ok=0; bad=0; while [ $(date +%s) -lt $end ]; do c=$(curl -s -o /dev/null -w '%{http_code}' -m 2 --resolve secure-app.example.com:\(port):\(ip) http://secure-app.example.com:\(port)/); if [ \"$c\" = 200 ]; then ok=$((ok+1)); else bad=$((bad+1)); fi; done; echo $ok $bad",
        ]
        let loadOutput = Pipe()
        load.standardOutput = loadOutput
        try load.run()
        usleep(300_000)
        let result = try live.run(["apply", "-f", "-"], stdin: gateway)
        #expect(result.status == 0)
        let counts = String(decoding: loadOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        load.waitUntilExit()
        #expect(
            counts.count == 2 && counts[0] > 10 && counts[1] == 0,
            "requests ok/failed during the rejected change: \(counts)")
        // The last good config serves on.
        let during = try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port)
        #expect(during.status == 200 && during.body == "hello from pod secure-app\n")
        let status = try live.run(["get", "gateway", "gateway", "-o", "json"]).stdout
        #expect(status.contains("\"reason\": \"Pending\"") || status.contains("\"reason\": \"Invalid\""))
        #expect(status.contains("bind()"), "nginx's own message in status: \(status)")
        let report = try live.run(["status"]).stdout
        #expect(report.contains("not programmed"))
        // render shows the config the store asks for (with the new listener), not the generation still serving.
        let render = try live.run(["render", "gateway"]).stdout
        #expect(render.contains("listen \(ip):\(port + 1) default_server;"), "\(render)")
        let servedNow = try String(
            contentsOfFile: live.cli.state + "/dp/1/current/conf.d/servers.conf", encoding: .utf8)
        #expect(!servedNow.contains("listen \(ip):\(port + 1) default_server;"))
    }

    @Test(
        "two state directories started at once with default settings and the same port offset: each leases addresses of its own, both serve the guide"
    )
    func twoStateDirectories() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GWCONSOLE_ADDRESS_BASE"] = nil
        environment["GWCONSOLE_PORT_OFFSET"] = String(Int.random(in: 410...600) * 100)
        let states = [CLI(), CLI()]
        defer { for cli in states { _ = try? cli.run(["down"], environment: environment) } }
        let env = environment
        DispatchQueue.concurrentPerform(iterations: states.count) { index in
            _ = try? states[index].run(["up"], environment: env)
            _ = try? states[index].run(["apply", "-f", CLI.guide], environment: env)
        }
        var served: [String] = []
        for cli in states {
            let status = try cli.run(["status"], environment: environment).stdout
            let values = Dictionary(
                status.split(separator: "\n").compactMap { line -> (String, String)? in
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    return parts.count == 2 ? (parts[0], parts[1]) : nil
                }, uniquingKeysWith: { first, _ in first })
            let ip = try #require(values["GW_IP"], "\(status)")
            let port = try #require(values["GW_PORT"].flatMap(Int.init), "\(status)")
            let answer = try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port)
            #expect(answer.status == 200 && answer.body == "hello from pod secure-app\n", "\(ip):\(port) \(answer)")
            served.append(ip)
            // The lease names the state directory that holds it.
            let base = ip.split(separator: ".").dropLast().joined(separator: ".")
            let lease = try String(contentsOfFile: "/tmp/gwconsole-lease-" + base, encoding: .utf8)
            #expect(lease == cli.state + "\n")
        }
        #expect(Set(served).count == 2, "\(served)")
    }

    @Test("down stops nginx; status and Gateway status say so")
    func down() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        #expect(try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port).status == 400)
        #expect(try live.run(["down"]).stdout == "data plane stopped (1 Gateway)\n")
        #expect(try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port).status == 0)
        #expect(try live.run(["status"]).stdout.hasPrefix("# data plane: stopped"))
        #expect(try live.run(["get", "gtw"]).stdout.contains("False"))
    }

    @Test("a dead nginx is restarted with the current config on the next reconcile")
    func restartDead() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        let state = try String(contentsOfFile: live.cli.state + "/dp/1/run/nginx.pid", encoding: .utf8)
        let pid = try #require(Int32(state.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)  // its workers live on, orphaned, holding the port
        usleep(200_000)
        let status = try live.run(["status"])
        #expect(status.stdout.contains("programmed"), "\(status.stdout)\(status.stderr)")
        #expect(try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port).status == 400)
        let restarted = try String(contentsOfFile: live.cli.state + "/dp/1/run/nginx.pid", encoding: .utf8)
        #expect(Int32(restarted.trimmingCharacters(in: .whitespacesAndNewlines)) != pid)
    }

    @Test("an HTTPS listener terminates TLS with its certificate")
    func httpsListener() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        let pair = try LiveDataplane.guideCertificateAndKey()
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata: {name: gw-cert}
            type: kubernetes.io/tls
            stringData:
              tls.crt: |
            \(pair.cert.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
              tls.key: |
            \(pair.key.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway}
            spec:
              gatewayClassName: nginx
              listeners:
              - {name: http, port: 80, protocol: HTTP}
              - name: https
                port: 443
                protocol: HTTPS
                tls: {certificateRefs: [{name: gw-cert}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: tls-route}
            spec:
              parentRefs: [{name: gateway, sectionName: https}]
              hostnames: [secure-app.example.com]
              rules: [{backendRefs: [{name: secure-app, port: 8443}]}]

            """
        let applied = try live.run(["apply", "-f", "-"], stdin: secret)
        #expect(applied.status == 0, "\(applied.stderr)")
        let caFile = live.backendDir + "/ca.crt"
        let guide = try String(contentsOfFile: CLI.guide, encoding: .utf8)
        let ca =
            guide.components(separatedBy: "  ca.crt: |\n")[1].components(separatedBy: "EOF")[0]
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n"
        try ca.write(toFile: caFile, atomically: true, encoding: .utf8)
        let tlsPort = port - 80 + 443
        // The backend still speaks TLS without a policy: the guide's 400 comes back through the HTTPS listener.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", "--cacert", caFile,
            "--resolve", "secure-app.example.com:\(tlsPort):\(ip)", "https://secure-app.example.com:\(tlsPort)/",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(out == "400 0", "TLS verified with the guide's CA, then the backend's plain-HTTP 400: \(out)")
    }

    @Test("a config nginx -t rejects never takes traffic down; status carries nginx's message")
    func nginxTestRejects() throws {
        let (live, ip, port) = try guideWithoutPolicy()
        try live.run(["apply", "-f", "-"], stdin: try caBlock())
        try live.run(
            ["apply", "-f", "-"],
            stdin: Self.policyBlock.replacingOccurrences(of: "HOSTNAME", with: "secure-app.example.com"))
        #expect(try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port).status == 200)
        // The first certificate reads (the controller accepts it, as NGF reads only the first), the second block
        // is broken: nginx refuses the bundle when it loads the config.
        let broken = try caBlock().replacingOccurrences(
            of: "    -----END CERTIFICATE-----\n",
            with:
                "    -----END CERTIFICATE-----\n    -----BEGIN CERTIFICATE-----\n    AAAA\n    -----END CERTIFICATE-----\n"
        )
        let applied = try live.run(["apply", "-f", "-"], stdin: broken)
        #expect(applied.stdout == "configmap/backend-cert configured\n")
        #expect(
            try LiveDataplane.curl(host: "secure-app.example.com", ip: ip, port: port).status == 200,
            "the last good config serves")
        let gateway = try live.run(["get", "gateway", "gateway", "-o", "yaml"]).stdout
        #expect(gateway.contains("nginx rejected generation"), "\(gateway)")
        let history = try live.run(["config", "history"]).stdout
        #expect(history.contains("Failed"))
        #expect(try live.run(["describe", "gateway", "gateway"]).stdout.contains("ConfigRejected"))
        let doctor = try live.run(["doctor"]).stdout
        #expect(doctor.contains("ERROR ConfigRejected") && doctor.contains("nginx rejected generation"), "\(doctor)")
    }
}
