import Foundation
import Testing

/// TCP, UDP and TLS passthrough listeners end to end: NGF's guides replayed on the embedded default, probes through
/// the listeners, doctor's findings, what status, describe and the session log say.
@Suite("Layer-4 routes", .serialized)
struct Layer4Tests {
    static let guides = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/guides").path

    @Test(
        "NGF's TCP routing guide: each TCP listener reaches its own backend; probe names the upstream; a second route on a listener is accepted and not served"
    )
    func tcpRouting() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let run = try live.run(["scenario", "run", Self.guides + "/ngf-docs/tcp-routing.md"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.contains("printing \"Server address: {address} / Server name: {pod:coffee}\""), "\(run.stdout)")
        #expect(run.stdout.contains("printing \"Server address: {address} / Server name: {pod:tea}\""))
        #expect(run.stdout.hasSuffix("Scenario tcproute: all 7 steps passed\n"), "\(run.stdout)")

        let status = try live.run(["status"]).stdout
        #expect(status.contains("listener coffee (TCP) serves on \(live.base).1:\(81 + live.portOffset)"), "\(status)")
        #expect(status.contains("GW_PORT_1=\(81 + live.portOffset)\nGW_PORT_2=\(82 + live.portOffset)\n"), "\(status)")
        #expect(status.contains("GW_PORT_COFFEE=\(81 + live.portOffset)\nGW_PORT_TEA=\(82 + live.portOffset)\n"))

        let probe = try live.run(["probe", "--route", "tcproute/tcp-tea", "--data", "GET / HTTP/1.0\r\n\r\n"])
        #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
        #expect(
            probe.stdout.contains("TCPRoute default/tcp-tea: TCP connection to \(live.base).1:\(82 + live.portOffset)"))
        #expect(probe.stdout.contains("Server name: tea-"), "\(probe.stdout)")
        #expect(probe.stdout.contains("(an endpoint of the route's backends)"), "\(probe.stdout)")

        // The session log: each connection with its listener, upstream, bytes and route.
        let sessions = try live.run(["logs", "--gateway", "gateway"]).stdout
        #expect(sessions.contains("TCP listener tea :\(82 + live.portOffset)  200 ← "), "\(sessions)")
        #expect(sessions.contains("TCPRoute default/tcp-tea"), "\(sessions)")
        // A guide's nc: what printf sends, and the answer checked against the guide's output.
        let ncGuide = live.backendDir + "-nc.md"
        try FileManager.default.createDirectory(atPath: live.backendDir, withIntermediateDirectories: true)
        try """
        Ask coffee through its TCP listener:

        ```shell
        printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc $GW_IP $GW_PORT_1
        ```

        ```text
        Server name: coffee-6cpm9l79p5-vpbmm
        ```

        And tea's listener is open:

        ```shell
        nc -zv $GW_IP $GW_PORT_2
        ```
        """.write(toFile: ncGuide, atomically: true, encoding: .utf8)
        let nc = try live.run(["scenario", "run", ncGuide])
        #expect(nc.status == 0, "\(nc.stdout)\(nc.stderr)")
        #expect(nc.stdout.contains("printing \"Server name: {pod:coffee}\""), "\(nc.stdout)")
        let described = try live.run(["describe", "tcproute", "tcp-coffee"]).stdout
        #expect(described.contains("Service default/coffee:8081  1       True"), "\(described)")
        let rendered = try live.run(["render"]).stdout
        #expect(rendered.contains("proxy_pass default_coffee_8081;"), "\(rendered)")

        // A newer route on the coffee listener: accepted and counted, but coffee keeps its connections.
        let newer = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: TCPRoute
            metadata: {name: tcp-newer}
            spec:
              parentRefs: [{name: gateway, sectionName: coffee}]
              rules: [{backendRefs: [{name: tea, port: 8082}]}]
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: newer).status == 0)
        let routes = try live.run(["get", "tcproutes"]).stdout
        #expect(routes.contains("tcp-newer    gateway/coffee   True       True"), "\(routes)")
        let doctor = try live.run(["doctor"]).stdout
        #expect(
            doctor.contains(
                "accepted on listener default/gateway/coffee, but TCPRoute default/tcp-coffee takes its connections"),
            "\(doctor)")
        let again = try live.run(["probe", "--route", "tcproute/tcp-coffee", "--data", "GET / HTTP/1.0\r\n\r\n"])
        #expect(again.stdout.contains("Server name: coffee-"), "\(again.stdout)")
    }

    @Test(
        "TLS passthrough: the backend's own certificate through the Gateway, nothing for an unknown SNI, and an HTTPS listener sharing the port still serves"
    )
    func tlsPassthrough() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let run = try live.run(["scenario", "run", Self.guides + "/ngf-docs/tls-passthrough.md"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasSuffix("all 8 steps passed\n"), "\(run.stdout)")
        let port = 443 + live.portOffset
        let probe = try live.run(["probe", "--route", "tlsroute/tls-secure-app-route"])
        #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
        #expect(
            probe.stdout.contains("TLS handshake with SNI app.example.com through \(live.base).1:\(port) (passthrough)")
        )
        #expect(
            probe.stdout.contains("certificate 0: subject CN = app.example.com, issuer CN = LocalCA"), "\(probe.stdout)"
        )
        #expect(probe.stdout.contains("the backend answered HTTPS with status 200"))

        // An SNI no TLSRoute takes: the connection is closed, no certificate is shown.
        let unknown = try live.run([
            "probe", "-k", "--resolve", "nope.example.com:\(port):\(live.base).1", "https://nope.example.com:\(port)/",
        ])
        #expect(!unknown.stdout.contains("200"), "\(unknown.stdout)")
        #expect(!unknown.stdout.contains("CN = app.example.com"), "\(unknown.stdout)")

        // HTTPS on the same port for another hostname: the stream server hands its handshakes to the HTTP servers.
        let https = """
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: www-cert}
            spec:
              secretName: www-secret
              issuerRef: {name: local-ca-issuer, kind: ClusterIssuer}
              dnsNames: [www.other.org]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway}
            spec:
              gatewayClassName: nginx
              listeners:
              - name: tls
                port: 443
                protocol: TLS
                hostname: "*.example.com"
                allowedRoutes: {namespaces: {from: All}, kinds: [{kind: TLSRoute}]}
                tls: {mode: Passthrough}
              - name: https
                port: 443
                protocol: HTTPS
                hostname: www.other.org
                tls: {certificateRefs: [{name: www-secret}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: www}
            spec:
              parentRefs: [{name: gateway, sectionName: https}]
              rules: [{backendRefs: [{name: secure-app, port: 8443}]}]
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: https).status == 0)
        var answered = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            answered = try live.run([
                "probe", "-k", "--resolve", "www.other.org:\(port):\(live.base).1", "https://www.other.org:\(port)/",
            ]).stdout
            if answered.contains("DNS:www.other.org") { break }
            usleep(250_000)
        }
        // The Gateway terminates www.other.org (its own certificate); the route's backend speaks TLS, so plain
        // HTTP to it gets nginx's 400, as in the guide of securing backend traffic.
        #expect(answered.contains("SANs    DNS:www.other.org"), "\(answered)")
        #expect(answered.contains("400"), "\(answered)")
        let passthrough = try live.run(["probe", "--route", "tlsroute/tls-secure-app-route"]).stdout
        #expect(passthrough.contains("subject CN = app.example.com"), "\(passthrough)")
        let log = try live.run(["render"]).stdout
        #expect(log.contains("ssl proxy_protocol"), "\(log)")
        // A guide's openssl s_client: the certificate the backend presents through the passthrough listener.
        let sclient = live.backendDir + "-sclient.md"
        try FileManager.default.createDirectory(atPath: live.backendDir, withIntermediateDirectories: true)
        try """
        See who answers the handshake:

        ```shell
        openssl s_client -connect $GW_IP:$GW_TLS_PORT -servername app.example.com
        ```

        ```text
        CONNECTED(00000003)
        subject=CN = app.example.com
        issuer=CN = LocalCA
        ```
        """.write(toFile: sclient, atomically: true, encoding: .utf8)
        let checked = try live.run(["scenario", "run", sclient])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
    }

    @Test(
        "NGF's UDP routing guide: a CoreDNS pod answers dig through the UDP listener from its Corefile; probe asks it too"
    )
    func udpRouting() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let run = try live.run(["scenario", "run", Self.guides + "/ngf-docs/udp-routing.md"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.contains("✓ dig @\(live.base).1 -p \(53 + live.portOffset) cafe.example.com answers NOERROR"),
            "\(run.stdout)")
        #expect(run.stdout.hasSuffix("Scenario udproute: all 7 steps passed\n"), "\(run.stdout)")
        // whoami answers with the client's address and port in the additional section.
        let probe = try live.run(["probe", "--route", "udproute/coredns", "--name", "cafe.example.com"])
        #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
        #expect(
            probe.stdout.contains(
                "DNS answer for cafe.example.com A: status NOERROR, 0 answers, 0 authority, 2 additional"),
            "\(probe.stdout)")
        // The Corefile forwards everything else to addresses this machine does not reach: SERVFAIL, and the pod says why.
        let other = try live.run(["probe", "--route", "udproute/coredns", "--name", "example.com"])
        #expect(other.stdout.contains("status SERVFAIL"), "\(other.stdout)")
        let pod = try live.run(["get", "pods", "-o", "name"]).stdout.split(separator: "\n").first {
            $0.contains("coredns")
        }
        let logs = try live.run(["logs", String(pod?.split(separator: "/").last ?? "")]).stdout
        #expect(logs.contains("forward to 8.8.8.8, 9.9.9.9 is not reachable"), "\(logs)")
    }

    @Test(
        "NGF's tcp-routing folder (a README without commands): its manifests, then each TCP listener probed for its pod"
    )
    func tcpRoutingFolder() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        let run = try live.run(["scenario", "run", Self.guides + "/ngf-tcp-routing"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("✓ tcproute tcp-coffee: Accepted is True"))
        #expect(
            run.stdout.contains(
                "✓ curl http://\(live.base).1:\(81 + live.portOffset)/ answers 200 printing \"Server name: {pod:coffee}\""
            ), "\(run.stdout)")
        #expect(run.stdout.hasSuffix("Scenario ngf-tcp-routing: all 4 steps passed\n"))
    }

    @Test(
        "the console shows TCP listeners with their routes and backends, the NGINX tab the stream server, p probes the route, the Requests tab its sessions"
    )
    func console() throws {
        let live = LiveDataplane()
        #expect(try live.run(["up"]).status == 0)
        #expect(try live.run(["apply", "-f", Self.guides + "/ngf-tcp-routing"]).status == 0)
        let env = live.environment.filter { $0.key.hasPrefix("GWCONSOLE_") }
        let term = try TmuxTerminal("\(CLI.binary) --state \(live.cli.state)", environment: env)
        let tree = term.waitForAll(
            [
                "✓ listener coffee TCP/81 (1 routes)", "✓ TCPRoute default/tcp-coffee", "✓ Service default/coffee:8081",
                "✓ listener tea TCP/82 (1 routes)",
            ], seconds: 20)
        #expect(tree.contains("✓ TCPRoute default/tcp-tea"), "\(tree)")
        // The route's row: its NGINX tab shows the stream server; p probes it through the listener.
        try term.send("j", "j", "j")
        term.waitFor("Kind:         TCPRoute")
        try term.send("c")
        let nginx = term.waitFor("proxy_pass default_coffee_8081;")
        #expect(nginx.contains("# TCPRoute default/tcp-coffee"), "\(nginx)")
        try term.send("p")
        let probed = term.waitFor("probed TCPRoute default/tcp-coffee", seconds: 20)
        #expect(probed.contains("TCP connection to \(live.base).1:\(81 + live.portOffset)"), "\(probed)")
        try term.send("r")
        let requests = term.waitFor("TCP listener coffee", seconds: 20)
        #expect(requests.contains("TCPRoute default/tcp-coffee") || requests.contains("← "), "\(requests)")
        try term.send("q")
    }

    @Test("a UDPRoute to a TCP Service port: accepted (NGF matches ports by number), doctor warns")
    func protocolMismatch() throws {
        let live = LiveDataplane()
        let manifests = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gateway}
            spec:
              gatewayClassName: nginx
              listeners: [{name: dns, port: 53, protocol: UDP}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: dns}
            spec:
              ports: [{port: 53, protocol: TCP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: UDPRoute
            metadata: {name: dns}
            spec:
              parentRefs: [{name: gateway}]
              rules: [{backendRefs: [{name: dns, port: 53}]}]
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: manifests).status == 0)
        let routes = try live.run(["get", "udproute"]).stdout
        #expect(routes.contains("dns    gateway   True       True"), "\(routes)")
        let doctor = try live.run(["doctor"]).stdout
        #expect(doctor.contains("BackendProtocolMismatch"), "\(doctor)")
        #expect(doctor.contains("Backend Service default/dns port 53 is TCP, but a UDPRoute needs a UDP port"))
    }
}
