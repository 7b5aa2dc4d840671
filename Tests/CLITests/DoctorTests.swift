import Foundation
import GatewayAPI
import Probing
import Testing

@Suite("Doctor", .serialized)
struct DoctorTests {
    @Test(
        "before the policy: PlainHTTPToTLSBackend with the 400 as evidence; its fix, applied as printed, makes the probe return hello"
    )
    func plainToTLS() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend", "--step", "5"]).status == 0)
        let text = try live.run(["doctor"]).stdout
        #expect(
            text.hasPrefix(
                "ERROR PlainHTTPToTLSBackend: the gateway speaks plain HTTP to default/secure-app, which only speaks TLS: requests get 400"
            ), "\(text)")
        #expect(text.contains("400 The plain HTTP request was sent to HTTPS port"))
        #expect(text.contains("WARNING BackendCertCommonNameOnly"))
        let json = try JSONReader.parse(try live.run(["doctor", "-o", "json"]).stdout, file: "doctor.json").toJSON()
        let finding = try #require(json["findings"]?.arrayValue?.first { $0["code"] == "PlainHTTPToTLSBackend" })
        #expect(finding["severity"] == "error")
        let fix = try #require(finding["fix"]?.stringValue)
        let manifest = try #require(
            fix.components(separatedBy: "\n").drop { !$0.hasPrefix("apiVersion:") }.joined(separator: "\n") as String?)
        #expect(manifest.contains("name: backend-cert") && manifest.contains("hostname: secure-app.example.com"))
        let applied = try live.run(["apply", "-f", "-"], stdin: manifest + "\n")
        #expect(applied.status == 0, "\(applied.stderr)")
        let probe = try live.run(["probe", "--route", "secure-app"]).stdout
        #expect(probe.contains("Status:   200") && probe.contains("hello from pod secure-app"), "\(probe)")
        // The guide after its policy: no false alarm, only the CN-only certificate's real warning.
        let after = try live.run(["doctor", "-A"])
        let headings = after.stdout.split(separator: "\n").filter { $0.hasPrefix("ERROR") || $0.hasPrefix("WARNING") }
        #expect(headings.count == 1 && headings[0].hasPrefix("WARNING BackendCertCommonNameOnly"), "\(after.stdout)")
        #expect(after.status == 0)
    }

    @Test("a wrong hostname in the policy: BackendHostnameMismatch; a missing CA ConfigMap: CACertificateRefNotFound")
    func verificationFaults() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let wrong = """
            apiVersion: gateway.networking.k8s.io/v1alpha3
            kind: BackendTLSPolicy
            metadata:
              name: backend-tls
            spec:
              targetRefs:
              - {group: '', kind: Service, name: secure-app}
              validation:
                caCertificateRefs: [{group: '', kind: ConfigMap, name: backend-cert}]
                hostname: other.example.com
            """
        #expect(try live.run(["apply", "-f", "-"], stdin: wrong + "\n").status == 0)
        #expect(try live.run(["doctor"]).stdout.contains("ERROR BackendHostnameMismatch"))
        try live.run(["delete", "configmap", "backend-cert"])
        #expect(try live.run(["doctor"]).stdout.contains("ERROR CACertificateRefNotFound"))
    }
}

@Suite("Doctor faults", .serialized)
struct DoctorFaultTests {
    func run(_ manifests: String, backend: (LiveDataplane) throws -> Void = { _ in }) throws -> String {
        let live = LiveDataplane()
        try backend(live)
        try live.run(["up"])
        let applied = try live.run(
            ["apply", "-f", "-"], stdin: manifests.replacingOccurrences(of: "BACKEND", with: live.backendAddress(1)))
        #expect(applied.status == 0, "\(applied.stderr)")
        return try live.run(["doctor"]).stdout
    }

    static let gatewayAndRoute = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: nginx
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app}
        spec:
          parentRefs: [{name: gw}]
          hostnames: [app.example.com]
          rules: [{backendRefs: [{name: app, port: 80}]}]
        ---

        """

    @Test("a policy on a plain-HTTP backend: TLSToPlainBackend")
    func tlsToPlain() throws {
        let out = try run(
            Self.gatewayAndRoute + """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: app-1, labels: {kubernetes.io/service-name: app}}
                addressType: IPv4
                ports: [{name: http, port: 8080}]
                endpoints: [{addresses: [BACKEND]}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: tls}
                spec:
                  targetRefs: [{group: '', kind: Service, name: app}]
                  validation: {wellKnownCACertificates: System, hostname: app.example.com}
                """
        ) { live in
            try live.startBackend(
                name: "plain", address: live.backendAddress(1), port: 8080,
                body: "location / { return 200 \"plain\\n\"; }")
        }
        #expect(out.hasPrefix("ERROR TLSToPlainBackend"), "\(out)")
        #expect(out.contains("nginx error log:") && out.contains("wrong version number"), "\(out)")
    }

    @Test(
        "a route to a missing Service: BackendNotFound; a Service without endpoints: NoReadyEndpoints; a policy on nothing: PolicyTargetNotFound"
    )
    func missingPieces() throws {
        let missing = try run(Self.gatewayAndRoute)
        #expect(missing.contains("ERROR BackendNotFound"), "\(missing)")
        let empty = try run(
            Self.gatewayAndRoute + "apiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {ports: [{port: 80}]}\n"
        )
        #expect(empty.contains("ERROR NoReadyEndpoints"), "\(empty)")
        let target = try run(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: tls}
            spec:
              targetRefs: [{group: '', kind: Service, name: nowhere}]
              validation: {wellKnownCACertificates: System, hostname: app.example.com}
            """)
        #expect(target.contains("ERROR PolicyTargetNotFound"), "\(target)")
        #expect(!target.contains("PolicyNotAttached"))
    }

    @Test("for scripts: exit 1 on an error, --fail-on none exits 0, --ignore hides a code and says how many it hid")
    func exitCodes() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["apply", "-f", "-"], stdin: Self.gatewayAndRoute).status == 0)
        let failing = try live.run(["doctor"])
        #expect(failing.status == 1 && failing.stdout.contains("ERROR BackendNotFound"), "\(failing.stdout)")
        #expect(try live.run(["doctor", "--fail-on", "none"]).status == 0)
        let ignored = try live.run(["doctor", "--ignore", "BackendNotFound=default/app"])
        #expect(!ignored.stdout.contains("BackendNotFound"), "\(ignored.stdout)")
        #expect(
            ignored.stdout.contains("finding hidden by --ignore)")
                || ignored.stdout.contains("findings hidden by --ignore)"))
        #expect(ignored.status == (ignored.stdout.contains("ERROR ") ? 1 : 0), "\(ignored.stdout)")
        let bad = try live.run(["doctor", "--ignore", "NoSuchCode"])
        #expect(bad.status == 1 && bad.stderr.contains("--ignore NoSuchCode: NoSuchCode is not a finding code"))
        let json = try live.run(["doctor", "-o", "json", "--ignore", "BackendNotFound"])
        #expect(json.stdout.contains("\"ignored\" : 1") || json.stdout.contains("\"ignored\": 1"), "\(json.stdout)")
    }

    @Test("a route that attaches nowhere: RouteNotAccepted; the data plane down: DataplaneDown")
    func notAccepted() throws {
        let out = try run(
            Self.gatewayAndRoute.replacingOccurrences(
                of: "parentRefs: [{name: gw}]", with: "parentRefs: [{name: gw, sectionName: nope}]"))
        #expect(out.contains("ERROR RouteNotAccepted: not attached to gw/nope: NoMatchingParent"), "\(out)")
        let down = try CLI().run(["doctor"])
        #expect(down.stdout.contains("WARNING DataplaneDown"))
    }
}

@Suite("Pre-flight", .serialized)
struct PreflightTests {
    @Test("apply --dry-run stores nothing and predicts nginx's verdict on a BackendTLSPolicy")
    func dryRun() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend", "--step", "5"]).status == 0)
        let revision = try live.run(["get", "cm,btlspolicy", "-o", "json"]).stdout
        let policy = """
            apiVersion: gateway.networking.k8s.io/v1alpha3
            kind: BackendTLSPolicy
            metadata: {name: backend-tls}
            spec:
              targetRefs: [{group: '', kind: Service, name: secure-app}]
              validation:
                caCertificateRefs: [{group: '', kind: ConfigMap, name: backend-cert}]
                hostname: HOST

            """
        let good = try live.run(
            ["apply", "--dry-run", "-f", "-"],
            stdin: policy.replacingOccurrences(of: "HOST", with: "secure-app.example.com"))
        #expect(
            good.stdout.hasPrefix(
                "backendtlspolicy.gateway.networking.k8s.io/backend-tls created (dry run)\npreflight: backendtlspolicy/backend-tls: Service default/secure-app endpoint "
            ))
        #expect(good.stdout.contains("with SNI secure-app.example.com: the certificate verifies; nginx will accept it"))
        let bad = try live.run(
            ["apply", "--dry-run", "-f", "-"], stdin: policy.replacingOccurrences(of: "HOST", with: "wrong.example.com")
        )
        #expect(bad.stdout.contains("the certificate does not verify") && bad.stdout.contains("requests will get 502"))
        #expect(try live.run(["get", "cm,btlspolicy", "-o", "json"]).stdout == revision, "a dry run stores nothing")
        let configured = try live.run(
            ["apply", "--dry-run", "-f", "-"],
            stdin: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: backend-cert}\ndata: {ca.crt: changed}\n")
        #expect(configured.stdout == "configmap/backend-cert configured (dry run)\n")
    }

    @Test(
        "backends nobody listens on are unreachable, not certificates that do not verify; many alike fold into one line, -v shows each"
    )
    func unreachableFolded() throws {
        let live = LiveDataplane()
        let ca = try #require(Probing.CertificateInspector.issue(commonName: "fold-ca", dnsName: nil, isCA: true)?.cert)
        var manifests =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca}\ndata:\n  ca.crt: |\n"
            + ca.split(separator: "\n").map { "    \($0)\n" }.joined()
        for i in 0..<6 {
            manifests += """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: down-\(i)}
                spec: {ports: [{name: https, port: 443, targetPort: 8443}]}
                ---
                \(LiveDataplane.endpointSlice(service: "down-\(i)", portName: "https", port: 8443, addresses: [live.backendAddress(50 + i)]))
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: tls-\(i)}
                spec:
                  targetRefs: [{group: '', kind: Service, name: down-\(i)}]
                  validation: {caCertificateRefs: [{group: '', kind: ConfigMap, name: ca}], hostname: down.example.com}

                """
        }
        let applied = try live.run(["apply", "-f", "-"], stdin: manifests)
        #expect(applied.status == 0, "\(applied.stderr)")
        let warnings = applied.stderr.split(separator: "\n").filter { $0.hasPrefix("Warning:") }
        #expect(warnings.count == 1, "six alike warnings fold into one: \(applied.stderr)")
        #expect(
            applied.stderr.contains("6 checks: the backend is unreachable")
                && applied.stderr.contains("and 3 more (-v shows all)"), "\(applied.stderr)")
        #expect(
            !applied.stderr.contains("does not verify"),
            "a refused connection is no certificate verdict: \(applied.stderr)")
        let verbose = try live.run(["apply", "-v", "-f", "-"], stdin: manifests)
        #expect(
            verbose.stderr.split(separator: "\n").filter { $0.contains("is unreachable") }.count == 6,
            "\(verbose.stderr)")
    }
}

@Suite("Doctor: CA faults", .serialized)
struct CAFaultTests {
    @Test("a ca.crt that is a leaf, not a CA: CACertificateInvalid")
    func notACA() throws {
        let live = LiveDataplane()
        try live.run(["up"])
        #expect(try live.run(["scenario", "run", "secure-backend"]).status == 0)
        let leaf = try LiveDataplane.guideCertificateAndKey().cert
        try live.run(
            ["apply", "-f", "-"],
            stdin: "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: backend-cert\ndata:\n  ca.crt: |\n"
                + leaf.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n")
        let out = try live.run(["doctor"]).stdout
        #expect(out.contains("ERROR CACertificateInvalid") && out.contains("is not a CA"), "\(out)")
    }
}

@Suite("Doctor: configuration faults", .serialized)
struct ConfigurationFaultTests {
    func doctor(_ manifests: String) throws -> String {
        let live = LiveDataplane()
        try live.run(["up"])
        try live.run(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n")
        let applied = try live.run(["apply", "-f", "-"], stdin: manifests)
        #expect(applied.status == 0, "\(applied.stderr)")
        return try live.run(["doctor", "-A"]).stdout
    }

    @Test(
        "cross-namespace backend without a grant, an HTTPS listener without its Secret, a listener without routes, conflicting and unattached policies"
    )
    func faults() throws {
        let out = try doctor(
            DoctorFaultTests.gatewayAndRoute.replacingOccurrences(
                of: "rules: [{backendRefs: [{name: app, port: 80}]}]",
                with: "rules: [{backendRefs: [{name: app, namespace: other, port: 80}]}]")
                    + """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: app, namespace: other}
                    spec: {ports: [{port: 80}]}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: Gateway
                    metadata: {name: secure}
                    spec:
                      gatewayClassName: nginx
                      listeners:
                      - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: missing}]}}
                      - {name: web, port: 8080, protocol: HTTP, hostname: shop.example.com}
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: lonely}
                    spec: {ports: [{port: 80}]}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: BackendTLSPolicy
                    metadata: {name: first}
                    spec:
                      targetRefs: [{group: '', kind: Service, name: lonely}]
                      validation: {wellKnownCACertificates: System, hostname: lonely.example.com}
                    ---
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: BackendTLSPolicy
                    metadata: {name: second}
                    spec:
                      targetRefs: [{group: '', kind: Service, name: lonely}]
                      validation: {wellKnownCACertificates: System, hostname: lonely.example.com}
                    """)
        for code in [
            "ERROR BackendRefNotPermitted", "ERROR ListenerNotProgrammed", "WARNING NoRouteForHost",
            "WARNING PolicyConflicted", "INFO PolicyNotAttached",
        ] {
            #expect(out.contains(code), "\(code) in \(out)")
        }
        #expect(out.contains("requests for shop.example.com on port 8080 get 404"))
    }
}

@Suite("Doctor: eight faults", .serialized)
struct DoctorEightFaultsTests {
    /// Eight common mistakes beside the guide's healthy scenario.
    static let faults = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: nginx
          listeners:
          - {name: http, port: 80, protocol: HTTP}
          - name: https
            port: 443
            protocol: HTTPS
            hostname: shop.example.com
            tls: {certificateRefs: [{name: shop-cert, namespace: certs}]}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: certs}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: shop-cert, namespace: certs}
        spec:
          secretName: shop-cert
          dnsNames: [shop.example.com]
          issuerRef: {name: missing-issuer, kind: ClusterIssuer}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: web, image: "example.com/acme/web:1.2", ports: [{containerPort: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          parentRefs: [{name: gw, sectionName: http}]
          hostnames: [web.example.com]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop}
        spec:
          parentRefs: [{name: gw, sectionName: http}]
          hostnames: [shop.example.com]
          rules:
          - filters:
            - type: RequestMirror
              requestMirror: {backendRef: {name: audit-sink, port: 80}}
            backendRefs: [{name: refused, port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: refused}
        spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: refused-1, labels: {kubernetes.io/service-name: refused}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [BACKEND]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: orphan}
        spec:
          parentRefs: [{name: gw-missing}]
          hostnames: [orphan.example.com]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: wrongport}
        spec:
          parentRefs: [{name: gw, sectionName: http}]
          hostnames: [wrongport.example.com]
          rules: [{backendRefs: [{name: web, port: 8081}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: tls-nowhere}
        spec:
          targetRefs: [{group: '', kind: Service, name: nowhere}]
          validation: {wellKnownCACertificates: System, hostname: nowhere.example.com}
        """

    /// Each fault: the finding's code, the object it names (a prefix), and what its fix must carry.
    static let expected: [(code: String, object: String, fix: String)] = [
        ("PodNotReady", "Pod default/web-", "images:\n  - image: \"example.com/acme/web:1.2\""),
        ("ListenerNotProgrammed", "Gateway default/gw listener https", "kind: ReferenceGrant"),
        ("BackendNotFound", "HTTPRoute default/shop rule 0", "name: audit-sink"),
        ("RequestsFailing", "HTTPRoute default/shop", "nothing accepts connections at"),
        ("RouteNotAccepted", "HTTPRoute default/orphan", "name: gw-missing"),
        ("BackendNotFound", "HTTPRoute default/wrongport rule 0", "port: 8081"),
        ("PolicyTargetNotFound", "BackendTLSPolicy default/tls-nowhere", "gwconsole delete backendtlspolicy"),
        ("CertificateNotReady", "Certificate certs/shop-cert", "kind: ClusterIssuer"),
    ]

    static func matching(_ findings: [JSONValue], _ fault: (code: String, object: String, fix: String)) -> [JSONValue] {
        findings.filter { finding in
            finding["code"]?.stringValue == fault.code
                && (finding["objects"]?.arrayValue ?? []).contains { $0.stringValue?.hasPrefix(fault.object) == true }
        }
    }

    @Test(
        "eight faults beside the guide: each named by one finding with evidence and a fix; each fix, applied as printed, clears its finding"
    )
    func eightFaults() throws {
        let live = LiveDataplane()
        let config = live.cli.state + "-config"
        try FileManager.default.createDirectory(atPath: config + "/gwconsole", withIntermediateDirectories: true)
        var environment = live.environment
        environment["XDG_CONFIG_HOME"] = config
        @discardableResult
        func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Result {
            try live.cli.run(arguments, stdin: stdin, environment: environment)
        }
        #expect(try run(["up"]).status == 0)
        #expect(try run(["scenario", "run", "secure-backend"]).status == 0)
        let backend = live.backendAddress(1)
        let applied = try run(
            ["apply", "-f", "-"], stdin: Self.faults.replacingOccurrences(of: "BACKEND", with: backend) + "\n")
        #expect(applied.status == 0, "\(applied.stderr)")
        // Traffic to the refused backend, as a user's curl would send.
        _ = try run(["probe", "--route", "shop"])

        func findings() throws -> [JSONValue] {
            let out = try run(["doctor", "-A", "-o", "json"]).stdout
            return try JSONReader.parse(out, file: "doctor.json").toJSON()["findings"]?.arrayValue ?? []
        }
        var all = try findings()
        // The pod's status is written as the resident controller starts it: wait for its verdict.
        let deadline = Date().addingTimeInterval(60)
        while Self.matching(all, Self.expected[0]).isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            all = try findings()
        }
        for fault in Self.expected {
            let found = Self.matching(all, fault)
            #expect(found.count == 1, "\(fault.code) on \(fault.object): \(found)")
            guard let finding = found.first else { continue }
            #expect(finding["fix"]?.stringValue?.contains(fault.fix) == true, "\(fault.code): \(finding)")
            #expect((finding["evidence"]?.arrayValue?.count ?? 0) > 0, "\(fault.code) has evidence")
        }
        let pod = try #require(Self.matching(all, Self.expected[0]).first)
        #expect(pod["summary"]?.stringValue?.contains("ImageNotLocal (image example.com/acme/web:1.2)") == true)
        let refused = try #require(Self.matching(all, Self.expected[3]).first)
        #expect(refused["summary"]?.stringValue?.contains("unreachable (connection refused)") == true, "\(refused)")
        #expect(
            (refused["evidence"]?.arrayValue ?? []).contains {
                $0.stringValue?.contains("nginx error log:") == true
                    && $0.stringValue?.contains("Connection refused") == true
            })
        #expect(!all.contains { $0["code"] == "UnhealthyCondition" }, "every condition has its specific rule: \(all)")

        // The fixes, as printed: manifests applied, the image map written, the command run, the backend started.
        for fault in Self.expected {
            guard let fix = Self.matching(all, fault).first?["fix"]?.stringValue else { continue }
            if let start = fix.range(of: "apiVersion:") {
                let result = try run(["apply", "-f", "-"], stdin: String(fix[start.lowerBound...]) + "\n")
                #expect(result.status == 0, "\(fault.code): \(result.stderr)")
            } else if let start = fix.range(of: "images:\n") {
                try String(fix[start.lowerBound...]).appending("\n").write(
                    toFile: config + "/gwconsole/config.yaml", atomically: true, encoding: .utf8)
                #expect(try run(["status"]).status == 0)
            } else if let start = fix.range(of: "gwconsole delete ") {
                let words = fix[start.upperBound...].split(separator: " ").map(String.init)
                #expect(try run(["delete"] + words).status == 0)
            }
        }
        try live.startBackend(
            name: "refused", address: backend, port: 8080, body: "location / { return 200 \"served\\n\"; }")
        let cleared = Date().addingTimeInterval(90)
        var remaining: [String] = []
        repeat {
            all = try findings()
            remaining = Self.expected.filter { !Self.matching(all, $0).isEmpty }.map { "\($0.code) \($0.object)" }
            if !remaining.isEmpty { Thread.sleep(forTimeInterval: 0.5) }
        } while !remaining.isEmpty && Date() < cleared
        #expect(remaining.isEmpty, "\(all)")
        let probe = try run(["probe", "--route", "shop"]).stdout
        #expect(probe.contains("Status:   200") && probe.contains("served"), "\(probe)")
    }
}

@Suite("Doctor: expiry", .serialized)
struct DoctorExpiryTests {
    @Test(
        "a listener certificate valid for a day: a warning now, an error with --at +2d naming the listener; a bad --at is refused"
    )
    func listenerExpiry() throws {
        let live = LiveDataplane()
        let pair = try #require(
            CertificateInspector.issue(commonName: "shop.example.com", dnsName: "shop.example.com", notAfterDays: 1))
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let manifests = """
            apiVersion: v1
            kind: Secret
            metadata: {name: shop-cert}
            type: kubernetes.io/tls
            data: {tls.crt: \(base64(pair.cert)), tls.key: \(base64(pair.key))}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: nginx
              listeners:
              - {name: https, port: 443, protocol: HTTPS, hostname: shop.example.com, tls: {certificateRefs: [{name: shop-cert}]}}

            """
        #expect(try live.run(["up"]).status == 0)
        #expect(try live.run(["apply", "-f", "-"], stdin: manifests).status == 0)
        let now = try live.run(["doctor", "--fail-on", "error"])
        #expect(now.stdout.contains("WARNING CertificateExpiresSoon: expires within 14 days of now"), "\(now.stdout)")
        #expect(!now.stdout.contains("CertificateExpired:"))
        let later = try live.run(["doctor", "--at", "+2d"])
        #expect(later.status == 1, "an error at that time fails the run")
        #expect(later.stdout.contains("ERROR CertificateExpired: expired at "), "\(later.stdout)")
        #expect(later.stdout.contains("clients refuse the HTTPS of Gateway default/gw listener https"))
        #expect(later.stdout.contains("objects: Secret default/shop-cert, Gateway default/gw listener https"))
        let bad = try live.run(["doctor", "--at", "next week"])
        #expect(bad.status == 1 && bad.stderr.contains("--at next week: give +Nd"), "\(bad.stderr)")
    }
}
