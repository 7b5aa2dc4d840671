import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Testing

/// Doctor's rules on their own: a graph from manifests, the data plane's facts and the probes' observations made up
/// here, no nginx and no network.
@Suite("Doctor rules")
struct DoctorRulesTests {
    static let gateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: nginx}
        spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gateway}
        spec:
          gatewayClassName: nginx
          listeners: [{name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: secure-app}
        spec:
          parentRefs: [{name: gateway, sectionName: http}]
          hostnames: [secure-app.example.com]
          rules: [{backendRefs: [{name: secure-app, port: 8443}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: secure-app}
        spec: {ports: [{name: https, port: 8443, targetPort: 8443}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: secure-app-1, labels: {kubernetes.io/service-name: secure-app}}
        addressType: IPv4
        ports: [{name: https, port: 8443}]
        endpoints: [{addresses: [127.0.100.100], conditions: {ready: true}}]
        """

    static let policy = """

        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: backend-cert}
        data: {ca.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: backend-tls}
        spec:
          targetRefs: [{group: '', kind: Service, name: secure-app}]
          validation:
            caCertificateRefs: [{group: '', kind: ConfigMap, name: backend-cert}]
            hostname: secure-app.example.com
        """

    static func input(
        _ yaml: String, dataplane: DataplaneFacts = running, observations: [String: RouteObservation] = [:]
    ) throws -> DoctorInput {
        var snapshot = ResourceSnapshot()
        for object in try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: "test.yaml")) {
            try snapshot.insert(kind: object.type.kind, object: object.object)
        }
        let graph = GraphBuilder.build(snapshot, config: ControllerConfig(certificateCheck: { _ in nil }))
        var byRef: [ObjectRef: RouteObservation] = [:]
        for (name, observation) in observations {
            byRef[ObjectRef(group: HTTPRoute.group, kind: "HTTPRoute", namespace: "default", name: name)] = observation
        }
        return DoctorInput(
            graph: graph, snapshot: snapshot, dataplane: dataplane, observations: byRef, namespace: "default")
    }

    static let running = DataplaneFacts(
        running: true,
        gateways: [
            "default/gateway": .init(
                programmed: true, message: "", lastChange: nil,
                bindings: [ListenerBinding(listener: "http", protocol: "HTTP", address: "127.0.100.1", port: 80)],
                errorLog: "/state/dp/1/run/logs/error.log")
        ])

    static let badRequestPage =
        "<html>\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\n</html>\n"
    static let certificate = PeerCertificate(
        subject: "CN=secure-app.example.com", issuer: "CN=backend-ca",
        subjectAltNames: "DNS:secure-app.example.com")

    static func observation(
        _ reports: [BackendReport], gatewayAnswer: ProbeResult = ProbeResult(status: 400, body: badRequestPage),
        trustedCA: [String: String?] = [:], chains: [String: [PeerCertificate]] = [:]
    ) -> RouteObservation {
        RouteObservation(
            url: "http://secure-app.example.com:80/", throughGateway: gatewayAnswer,
            errorLogLines: [
                "2026/12/01 10:00:00 [error] 12#12: *3 upstream sent no valid HTTP/1.0 header", "[notice] other",
            ],
            backends: reports, trustedCA: trustedCA, unverifiedChains: chains)
    }

    static func report(policy: String?, plain: ProbeResult, tls: ProbeResult) -> BackendReport {
        BackendReport(
            route: "default/secure-app", rule: 0, service: "default/secure-app:8443", endpoint: "127.0.100.100:8443",
            policy: policy, sni: policy == nil ? nil : "secure-app.example.com", plain: plain, tls: tls)
    }

    @Test(
        "the guide's 400: plain HTTP to a TLS-only backend, with the policy to apply naming the CA ConfigMap that verifies it"
    )
    func plainToTLS() throws {
        let report = Self.report(
            policy: nil, plain: ProbeResult(status: 400, body: Self.badRequestPage),
            tls: ProbeResult(
                status: 200, body: "hello from pod secure-app\n", peerChain: [Self.certificate], verifyResult: 20))
        #expect(report.backendSpeaks == .tls && !report.agrees && report.gatewaySends == "plain HTTP")
        let input = try Self.input(
            Self.gateway,
            observations: ["secure-app": Self.observation([report], trustedCA: [report.endpoint: "backend-cert"])])
        let findings = DoctorRules.findings(input)
        let finding = try #require(findings.first { $0.code == .plainHTTPToTLSBackend })
        #expect(finding.severity == .error)
        #expect(finding.objects == ["Service default/secure-app", "HTTPRoute default/secure-app"])
        #expect(finding.summary.contains("requests get 400"))
        #expect(
            finding.fix.contains("kind: BackendTLSPolicy") && finding.fix.contains("name: backend-cert")
                && finding.fix.contains("hostname: secure-app.example.com"))
        #expect(!finding.fix.contains("no ConfigMap here holds"), "a ConfigMap verifies it: \(finding.fix)")
        #expect(
            finding.evidence.first
                == "GET http://secure-app.example.com:80/ through the Gateway → 400 The plain HTTP request was sent to HTTPS port"
        )
        #expect(finding.evidence.contains { $0.hasPrefix("nginx error log: ") && $0.contains("[error]") })
        #expect(!finding.evidence.contains { $0.contains("[notice]") }, "only warnings and errors of the log")
        #expect(
            finding.evidence.contains(
                "backend certificate: subject CN=secure-app.example.com, issuer CN=backend-ca, SANs DNS:secure-app.example.com"
            ))
        // Without a verifying ConfigMap the fix says to create one.
        let none: String? = nil
        let unknown = try Self.input(
            Self.gateway, observations: ["secure-app": Self.observation([report], trustedCA: [report.endpoint: none])])
        let fix = try #require(DoctorRules.findings(unknown).first { $0.code == .plainHTTPToTLSBackend }).fix
        #expect(
            fix.contains("no ConfigMap here holds a ca.crt that verifies the backend")
                && fix.contains("name: backend-ca"))
    }

    @Test("a policy on a plain backend is TLSToPlainBackend; a backend that agrees gives no backend finding")
    func tlsToPlain() throws {
        let plainBackend = Self.report(
            policy: "default/backend-tls", plain: ProbeResult(status: 200, body: "hello"),
            tls: ProbeResult(status: 0, error: "SSL connect error", curlCode: 35))
        #expect(plainBackend.backendSpeaks == .plainHTTP && !plainBackend.agrees)
        let input = try Self.input(
            Self.gateway + Self.policy, observations: ["secure-app": Self.observation([plainBackend])])
        let finding = try #require(DoctorRules.findings(input).first { $0.code == .tlsToPlainBackend })
        #expect(finding.objects == ["BackendTLSPolicy default/backend-tls", "Service default/secure-app:8443"])
        #expect(finding.fix == "delete BackendTLSPolicy default/backend-tls, or serve TLS on the backend")
        let good = Self.report(
            policy: "default/backend-tls", plain: ProbeResult(status: 400, body: Self.badRequestPage),
            tls: ProbeResult(status: 200, body: "hello", peerChain: [Self.certificate], verifyResult: 0))
        #expect(good.agrees)
        let fine = try Self.input(
            Self.gateway + Self.policy,
            observations: ["secure-app": Self.observation([good], gatewayAnswer: ProbeResult(status: 200))])
        let codes = DoctorRules.findings(fine).map(\.code)
        #expect(
            !codes.contains(.tlsToPlainBackend) && !codes.contains(.plainHTTPToTLSBackend)
                && !codes.contains(.backendCertUntrusted), "\(codes)")
    }

    @Test(
        "a certificate that does not verify is named from OpenSSL's code and the names it carries; its chain comes from a second look"
    )
    func certificateProblems() throws {
        func code(_ verify: Int, chain: [PeerCertificate] = [Self.certificate], relook: [PeerCertificate]? = nil) throws
            -> FindingCode?
        {
            let report = Self.report(
                policy: "default/backend-tls", plain: ProbeResult(status: 400, body: Self.badRequestPage),
                tls: ProbeResult(
                    status: 0, error: "SSL peer certificate was not OK", peerChain: chain, verifyResult: verify,
                    curlCode: 60))
            let observation = Self.observation(
                [report], gatewayAnswer: ProbeResult(status: 502),
                chains: relook.map { [report.endpoint: $0] } ?? [:])
            let findings = DoctorRules.findings(
                try Self.input(Self.gateway + Self.policy, observations: ["secure-app": observation]))
            let backend = findings.filter {
                [.backendHostnameMismatch, .backendCertExpired, .backendCertNotYetValid, .backendCertUntrusted]
                    .contains($0.code)
            }
            #expect(backend.count <= 1)
            if let finding = backend.first {
                #expect(
                    finding.summary.contains("OpenSSL code \(verify)")
                        && finding.evidence.contains { $0.hasPrefix("over TLS with SNI secure-app.example.com") })
            }
            return backend.first?.code
        }
        #expect(try code(10) == .backendCertExpired)
        #expect(try code(9) == .backendCertNotYetValid)
        #expect(try code(20) == .backendCertUntrusted)
        #expect(try code(62) == .backendHostnameMismatch)
        let other = PeerCertificate(
            subject: "CN=other", issuer: "CN=backend-ca", subjectAltNames: "DNS:other.example.com")
        #expect(
            try code(20, chain: [other]) == .backendHostnameMismatch, "the certificate names another host than the SNI")
        #expect(
            try code(20, chain: [], relook: [other]) == .backendHostnameMismatch, "the chain of the second look decides"
        )
        #expect(try code(20, chain: [], relook: []) == .backendCertUntrusted)
    }

    @Test("the data plane: down, a refused config, a restarted master; a cluster's data plane is not ours to judge")
    func dataplane() throws {
        #expect(
            DoctorRules.findings(try Self.input(Self.gateway, dataplane: DataplaneFacts(running: false))).map(\.code)
                .contains(.dataplaneDown))
        var refused = Self.running
        refused.gateways["default/gateway"]?.programmed = false
        refused.gateways["default/gateway"]?.message = "nginx: [emerg] unknown directive \"bad\""
        refused.gateways["default/gateway"]?.lastChange = .init(
            generation: 4, time: "2026-12-01T10:00:00Z", trigger: "restart (nginx master was not running)",
            result: "Applied", wasRestart: true)
        let findings = DoctorRules.findings(try Self.input(Self.gateway, dataplane: refused))
        let rejected = try #require(findings.first { $0.code == .configRejected })
        #expect(rejected.evidence == ["nginx: [emerg] unknown directive \"bad\""] && rejected.severity == .error)
        let restarted = try #require(findings.first { $0.code == .dataplaneRestarted })
        #expect(
            restarted.evidence == [
                "generation 4 at 2026-12-01T10:00:00Z: restart (nginx master was not running): Applied",
                "nginx error log: /state/dp/1/run/logs/error.log",
            ])
        let cluster = DoctorRules.findings(try Self.input(Self.gateway, dataplane: .clusterManaged)).map(\.code)
        #expect(!cluster.contains(.dataplaneDown) && !cluster.contains(.configRejected), "\(cluster)")
    }

    @Test(
        "the graph's own problems need no probe: a route no listener takes, a missing Service, no endpoints, a policy's missing CA and target"
    )
    func graphFindings() throws {
        let yaml =
            Self.gateway + """

                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: lost}
                spec:
                  parentRefs: [{name: gateway, sectionName: nope}]
                  rules: [{backendRefs: [{name: missing, port: 80}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: empty}
                spec: {ports: [{name: http, port: 80}]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: to-empty}
                spec:
                  parentRefs: [{name: gateway}]
                  hostnames: [empty.example.com]
                  rules: [{backendRefs: [{name: empty, port: 80}]}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: orphan}
                spec:
                  targetRefs: [{group: '', kind: Service, name: gone}]
                  validation:
                    caCertificateRefs: [{group: '', kind: ConfigMap, name: no-such-ca}]
                    hostname: gone.example.com
                """
        let findings = Finding.ordered(DoctorRules.findings(try Self.input(yaml)))
        let codes = Set(findings.map(\.code))
        #expect(
            codes.isSuperset(of: [
                .routeNotAccepted, .backendNotFound, .noReadyEndpoints, .caCertificateRefNotFound,
                .policyTargetNotFound,
            ]), "\(codes)")
        #expect(findings.first { $0.code == .noReadyEndpoints }?.objects == ["Service default/empty"])
        #expect(findings.first { $0.code == .backendNotFound }?.objects == ["HTTPRoute default/lost rule 0"])
        // Most severe first, then grouped by object.
        #expect(findings.map(\.severity) == findings.map(\.severity).sorted())
        let errors = findings.filter { $0.severity == .error }.map { $0.objects.first ?? "" }
        #expect(errors == errors.sorted())
        #expect(
            findings.filter { $0.code == .unhealthyCondition }.map(\.summary) == [],
            "\(findings.filter { $0.code == .unhealthyCondition })")
        // Doctor's text: heading, objects, evidence, fix.
        let text = FindingText.render([findings[0]])
        #expect(text.hasPrefix("ERROR \(findings[0].code.rawValue): \(findings[0].summary)\n  objects: "), "\(text)")
        #expect(text.contains("\n  fix: ") && text.hasSuffix("\n\n"))
        #expect(FindingText.render([]) == "No findings: every Gateway, route and backend checked is healthy.\n")
    }

    @Test("what a backend speaks, from a plain and a TLS request; certificate problems from OpenSSL's codes")
    func classification() {
        let page = ProbeResult(status: 400, body: Self.badRequestPage)
        let handshake = ProbeResult(status: 200, peerChain: [Self.certificate], verifyResult: 0)
        #expect(BackendProtocol.spoken(plain: page, tls: handshake) == .tls)
        #expect(
            BackendProtocol.spoken(plain: ProbeResult(status: 0), tls: ProbeResult(status: 0, verifyResult: 20))
                == .tls, "a refused certificate is TLS")
        #expect(BackendProtocol.spoken(plain: ProbeResult(status: 200), tls: ProbeResult(status: 0)) == .plainHTTP)
        #expect(BackendProtocol.spoken(plain: ProbeResult(status: 0), tls: ProbeResult(status: 0)) == .nothing)
        #expect(
            CertificateProblem(opensslCode: 62) == .hostnameMismatch
                && CertificateProblem(opensslCode: 19) == .untrusted(code: 19))
        #expect(Self.certificate.hostname == "secure-app.example.com")
        #expect(PeerCertificate(subject: "O=x, CN = legacy.example.com", issuer: "").hostname == "legacy.example.com")
        #expect(
            BackendReport.split("[::1]:8443") == ("::1", 8443) && BackendReport.split("10.0.0.1") == ("10.0.0.1", 80))
    }
}

@Suite("Probe text")
struct ProbeTextTests {
    @Test("a TLS request that never connected says no handshake, not that the peer verified")
    func refusedTLS() {
        let refused = ProbeResult(status: 0, error: "Couldn't connect to server", verifyResult: 0, curlCode: 7)
        let text = ProbeText.render(url: "https://cafe.example.com:443/", result: refused)
        #expect(text.contains("TLS:      no handshake\n"), "\(text)")
        #expect(!text.contains("peer verified"))
        let verified = ProbeResult(
            status: 200, peerChain: [PeerCertificate(subject: "CN=cafe.example.com", issuer: "CN=ca")], verifyResult: 0)
        #expect(
            ProbeText.render(url: "https://cafe.example.com/", result: verified).contains("TLS:      peer verified"))
    }
}

@Suite("Request log")
struct RequestLogTests {
    static let plain =
        #"{"time":"2026-12-01T10:00:00+00:00","method":"GET","host":"secure-app.example.com","uri":"/","status":"400","upstream":"10.0.0.9:8443","upstreamStatus":"400","duration":"0.002","route":"default/secure-app","rule":"0","backend":"Service default/secure-app:8443","backendTLS":"plain","server":"80","requestID":"r1"}"#

    @Test("a log line reads as a record; a plain-HTTP 400 from the backend is called what it likely is")
    func record() throws {
        let record = try #require(RequestRecord.parse(Self.plain[...]))
        #expect(record.status == 400 && record.duration == 0.002 && record.route == "default/secure-app")
        #expect(record.note?.contains("400 to plain HTTP") == true)
        #expect(RequestRecord.parse("not json") == nil && RequestRecord.parse(#"{"status":"2"#) == nil)
        // A 421 is answered by the server before any route: why, and what to send instead.
        var misdirected = record
        (misdirected.route, misdirected.status) = ("", 421)
        #expect(
            misdirected.note?.hasPrefix("misdirected: the TLS handshake's SNI chose another HTTPS listener") == true)
        #expect(
            RequestText.line(record)
                == "10:00:00  GET secure-app.example.com/  400 ← 10.0.0.9:8443 400 (plain)  2 ms  HTTPRoute default/secure-app rule 0  — the backend answered 400 to plain HTTP: a TLS backend without a BackendTLSPolicy?"
        )
    }

    @Test("counts per route over a window, and filters by route, host and status class")
    func trafficAndFilter() throws {
        let base = try #require(RequestRecord.parse(Self.plain[...]))
        var ok = base
        ok.status = 200
        ok.time = "2026-12-01T11:00:30+01:00"  // 10:00:30 UTC, written in another zone
        var old = base
        old.time = "2026-12-01T09:00:00+00:00"
        let since = try #require(RequestRecord(time: "2026-12-01T09:59:30+00:00", host: "", uri: "", status: 0).date)
        let traffic = RouteTraffic.summarize([base, ok, old], since: since)
        #expect(traffic == [RouteTraffic(route: "default/secure-app", counts: [.clientError: 1, .success: 1])])
        #expect(traffic[0].summary == "2xx 1  4xx 1" && traffic[0].errors == 1)
        #expect(RequestFilter(text: "4xx").matches(base) && !RequestFilter(text: "4xx").matches(ok))
        #expect(RequestFilter(text: "secure-app").matches(base) && !RequestFilter(text: "other").matches(base))
        #expect(RequestFilter(text: "host=secure-app.example.com 4xx").matches(base))
    }
}

@Suite("NGINX's default access log")
struct CombinedLogTests {
    @Test("a combined-format line reads as a request with its time in the request log's form; other lines do not")
    func parse() throws {
        let record = try #require(
            CombinedLogLine.parse(
                #"10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /coffee?x=1 HTTP/1.1" 502 150 "-" "curl/8.5.0""#))
        #expect(record.time == "2026-12-01T10:00:00+00:00" && record.method == "GET" && record.uri == "/coffee?x=1")
        #expect(record.status == 502 && record.route.isEmpty)
        #expect(CombinedLogLine.parse("2026/12/01 10:00:00 [notice] 1#1: start worker processes") == nil)
    }
}
