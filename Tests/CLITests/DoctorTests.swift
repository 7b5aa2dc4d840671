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
        let after = try live.run(["doctor"]).stdout
        #expect(!after.contains("ERROR"), "\(after)")
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
