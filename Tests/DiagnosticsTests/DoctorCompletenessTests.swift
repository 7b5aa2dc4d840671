import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Testing

/// Doctor is complete by construction: every unhealthy condition the core computes is a finding (a specific rule's
/// or the general one's), and the faults a new user makes are named with a fix. No nginx, no network.
@Suite("Doctor completeness")
struct DoctorCompletenessTests {
    /// Many faults at once, giving most reasons of the vocabulary: listeners in conflict, a certificate in another
    /// namespace, routes refused by listeners, hostnames, kinds, ports, grants, policies on nothing or in conflict,
    /// filters that do not exist, parameters that do not resolve.
    static let faults = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: nginx}
        spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: nginx
          infrastructure: {parametersRef: {group: gateway.nginx.org, kind: NginxProxy, name: nowhere}}
          listeners:
          - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com", allowedRoutes: {kinds: [{kind: HTTPRoute}]}}
          - {name: same-port, port: 80, protocol: HTTPS, hostname: other.example.com, tls: {certificateRefs: [{name: c}]}}
          - {name: udp, port: 53, protocol: UDP}
          - name: https
            port: 443
            protocol: HTTPS
            hostname: shop.example.com
            tls: {certificateRefs: [{name: shop-cert, namespace: certs}]}
          - name: missing-secret
            port: 8443
            protocol: HTTPS
            tls: {certificateRefs: [{name: nothing-here}]}
          - {name: bad-kinds, port: 9000, protocol: HTTP, allowedRoutes: {kinds: [{kind: Unknown}]}}
          - {name: same-ns, port: 9001, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}
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
            - type: ExtensionRef
              extensionRef: {group: gateway.nginx.org, kind: SnippetsFilter, name: nowhere}
            backendRefs: [{name: web, port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: hosts}
        spec:
          parentRefs: [{name: gw, sectionName: http}]
          hostnames: [shop.other.org]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: orphan}
        spec:
          parentRefs: [{name: gw-missing}]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: refs}
        spec:
          parentRefs: [{name: gw, sectionName: http}]
          hostnames: [refs.example.com]
          rules:
          - backendRefs: [{name: web, port: 8081}]
          - backendRefs: [{name: web, namespace: other, port: 80}]
          - backendRefs: [{group: example.com, kind: Bucket, name: web}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc}
        spec:
          parentRefs: [{name: gw, sectionName: bad-kinds}]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: elsewhere, namespace: other}
        spec:
          parentRefs: [{name: gw, namespace: default, sectionName: same-ns}]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: other}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: other}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: tls-nowhere}
        spec:
          targetRefs: [{group: '', kind: Service, name: nowhere}]
          validation: {wellKnownCACertificates: System, hostname: nowhere.example.com}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: tls-no-ca}
        spec:
          targetRefs: [{group: '', kind: Service, name: web}]
          validation:
            caCertificateRefs: [{group: '', kind: ConfigMap, name: missing-ca}]
            hostname: web.example.com
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: older}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          body: {maxSize: 10m}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: newer}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          body: {maxSize: 20m}
        ---
        apiVersion: gateway.nginx.org/v1alpha2
        kind: ObservabilityPolicy
        metadata: {name: tracing}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: shop}]
          tracing: {strategy: ratio, ratio: 10}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: shop-cert, namespace: certs}
        spec:
          secretName: shop-cert
          dnsNames: [shop.example.com]
          issuerRef: {name: missing-issuer, kind: ClusterIssuer}
        """

    static func input(_ yaml: String) throws -> DoctorInput {
        var input = try DoctorRulesTests.input(yaml)
        input.namespace = nil
        // What the certificate manager writes (a manifest's status is not read).
        for index in input.snapshot.certificates.indices {
            input.snapshot.certificates[index].status = try JSONReader.parse(
                """
                {"conditions": [{"type": "Ready", "status": "False", "reason": "Pending",
                  "message": "Referenced \\"ClusterIssuer\\" not found: clusterissuer.cert-manager.io \\"missing-issuer\\" not found"}]}
                """, file: "status.json"
            ).toJSON()
        }
        return input
    }

    /// Every unhealthy condition of the status the core writes (StatusBuilder's, as the store gets it), by object.
    static func unhealthyInStatus(_ graph: Graph) -> [(ref: ObjectRef, condition: Condition)] {
        var found: [(ObjectRef, Condition)] = []
        for update in StatusBuilder.updates(graph, now: "2026-12-07T00:00:00Z") {
            var lists = [update.status]
            for key in ["listeners", "parents", "ancestors", "controllers"] {
                lists += update.status[key]?.arrayValue ?? []
            }
            for list in lists {
                for condition in list.conditionList where !condition.isHealthy { found.append((update.ref, condition)) }
            }
        }
        return found
    }

    @Test("every unhealthy condition in the status the core writes for many faults at once is named by a finding")
    func everyStatusConditionIsAFinding() throws {
        let input = try Self.input(Self.faults)
        let findings = DoctorRules.findings(input)
        let unhealthy = Self.unhealthyInStatus(input.graph)
        let reasons = Set(unhealthy.compactMap(\.condition.reason))
        // The fixture reaches much of the vocabulary (the walk below reaches the rest).
        #expect(reasons.count >= 14, "\(reasons.map(\.rawValue).sorted())")
        let specific = findings.filter { $0.code != .unhealthyCondition }
        let general = findings.filter { $0.code == .unhealthyCondition }
        for (ref, condition) in unhealthy {
            let text = "\(condition.type)=\(condition.status) \(condition.reason?.rawValue ?? "")"
            #expect(
                specific.contains { finding in
                    finding.objects.contains { $0 == ref.description || $0.hasPrefix(ref.description + " ") }
                } || general.contains { finding in finding.evidence.contains { $0.hasPrefix(text) } },
                "no finding for \(ref.description): \(ConditionRules.describe(condition))")
        }
        // Without the general rule, exactly what it reported is left: every condition is explained once.
        let left = ConditionRules.uncovered(ConditionRules.inventory(input), by: specific)
        #expect(Set(left.map(\.key)) == Set(general.flatMap(\.covers)))
        // The Gateway's own parametersRef has no specific rule: the general one names it, with what to do.
        #expect(general.map(\.objects) == [["Gateway default/gw"]], "\(general.map(\.summary))")
        #expect(general.first?.summary.hasPrefix("Accepted=False InvalidParameters: ") == true)
        #expect(general.first?.fix.contains("NginxProxy") == true)
    }

    @Test(
        "the vocabulary walk: each reason, unhealthy on each kind of object, gives a finding naming object and reason")
    func vocabularyWalk() throws {
        let places: [(String, ObjectRef)] = [
            ("Gateway default/gw", ref("Gateway", "gw")),
            ("Gateway default/gw listener https", ref("Gateway", "gw")),
            ("ListenerSet default/extra", ref("ListenerSet", "extra")),
            ("HTTPRoute default/shop", ref("HTTPRoute", "shop")),
            ("GRPCRoute default/greeter", ref("GRPCRoute", "greeter")),
            ("TLSRoute default/pass", ref("TLSRoute", "pass")),
            ("TCPRoute default/db", ref("TCPRoute", "db")),
            ("UDPRoute default/dns", ref("UDPRoute", "dns")),
            ("BackendTLSPolicy default/tls", ref("BackendTLSPolicy", "tls")),
            ("ClientSettingsPolicy default/csp", ref("ClientSettingsPolicy", "csp")),
            ("SnippetsFilter default/sf", ref("SnippetsFilter", "sf")),
            ("Certificate default/cert", ref("Certificate", "cert")),
        ]
        for reason in ConditionReason.vocabulary {
            for (object, ref) in places {
                for type in [ConditionType.accepted, .programmed, .resolvedRefs, .ready]
                where !(type == .programmed && reason == .pending) {
                    let item = ObjectCondition(
                        object: object, ref: ref,
                        condition: Condition(type: type, status: .false, reason: reason, message: "because"))
                    let findings = ConditionRules.findings(ConditionRules.uncovered([item], by: []))
                    #expect(
                        findings.count == 1 && findings[0].objects == [object] && findings[0].severity == .error
                            && findings[0].evidence.contains("\(type)=False \(reason.rawValue): because")
                            && !findings[0].fix.isEmpty,
                        "\(reason.rawValue) on \(object)")
                }
            }
        }
        // Programmed=False Pending waits for the data plane: DataplaneDown names it when the data plane is stopped.
        let pending = ObjectCondition(
            object: "Gateway default/gw", ref: ref("Gateway", "gw"),
            condition: Condition(type: .programmed, status: .false, reason: .pending))
        #expect(ConditionRules.uncovered([pending], by: []).isEmpty)
        // Covered conditions are left to their specific finding; healthy ones are no finding.
        let covered = ObjectCondition(
            object: "HTTPRoute default/shop", ref: ref("HTTPRoute", "shop"),
            condition: Condition(type: .resolvedRefs, status: .false, reason: .backendNotFound))
        var specific = Finding(
            .backendNotFound, .error, objects: ["HTTPRoute default/shop rule 0"], summary: "", evidence: [], fix: "")
        specific.covers = [ConditionKey("HTTPRoute default/shop", .resolvedRefs)]
        #expect(ConditionRules.uncovered([covered], by: [specific]).isEmpty)
        let otherType = ObjectCondition(
            object: "HTTPRoute default/shop", ref: ref("HTTPRoute", "shop"),
            condition: Condition(type: .accepted, status: .false, reason: .notAllowedByListeners))
        #expect(ConditionRules.uncovered([otherType], by: [specific]) == [otherType], "covers names its type only")
        let healthy = ObjectCondition(
            object: "Gateway default/gw", ref: ref("Gateway", "gw"),
            condition: Condition(type: .conflicted, status: .false, reason: .noConflicts))
        #expect(ConditionRules.uncovered([healthy], by: []).isEmpty)
    }

    @Test("the faults are each named with a fix to apply: grant, Gateway, Service port, Service, issuer, pod image")
    func faultFixes() throws {
        var input = try Self.input(Self.faults)
        input.pods = [try Self.pod(reason: "ImageNotLocal", image: "example.com/acme/web:1.2")]
        input.echoServerCommand = ["/usr/bin/gwconsole", "echo-server"]
        input.imageMapFile = "/home/u/.config/gwconsole/config.yaml"
        let findings = DoctorRules.findings(input)
        func finding(_ code: FindingCode, _ object: String) -> Finding? {
            findings.first { $0.code == code && $0.objects.contains { $0.hasPrefix(object) } }
        }
        let listener = try #require(finding(.listenerNotProgrammed, "Gateway default/gw listener https"))
        #expect(listener.fix.contains("kind: ReferenceGrant") && listener.fix.contains("namespace: certs"))
        #expect(
            listener.fix.contains("kind: Gateway\n    namespace: default") && listener.fix.contains("name: shop-cert"))
        let missingSecret = try #require(finding(.listenerNotProgrammed, "Gateway default/gw listener missing-secret"))
        #expect(
            missingSecret.fix.contains("kind: Certificate") && missingSecret.fix.contains("secretName: nothing-here"))
        let orphan = try #require(finding(.routeNotAccepted, "HTTPRoute default/orphan"))
        #expect(
            orphan.fix.contains("kind: Gateway\nmetadata:\n  name: gw-missing")
                && orphan.fix.contains("gatewayClassName: nginx"))
        let port = try #require(
            findings.first { $0.code == .backendNotFound && $0.summary.contains("has no port 8081") })
        #expect(
            port.fix.contains("- name: http\n    port: 80\n") && port.fix.contains("- name: port-8081\n    port: 8081")
                && port.fix.contains("selector:\n    app: web"), "\(port.fix)")
        let mirror = try #require(findings.first { $0.summary.contains("not mirrored") })
        #expect(mirror.severity == .warning && mirror.fix.contains("name: audit-sink"))
        let grant = try #require(finding(.backendRefNotPermitted, "HTTPRoute default/refs rule 1"))
        #expect(grant.fix.contains("kind: HTTPRoute\n    namespace: default") && grant.fix.contains("namespace: other"))
        let certificate = try #require(finding(.certificateNotReady, "Certificate certs/shop-cert"))
        #expect(
            certificate.fix.contains("kind: ClusterIssuer\nmetadata:\n  name: missing-issuer\nspec:\n  selfSigned: {}"))
        #expect(certificate.evidence.contains { $0.contains("Gateway default/gw listener https") })
        let pod = try #require(finding(.podNotReady, "Pod default/web-"))
        #expect(pod.summary.contains("ImageNotLocal (image example.com/acme/web:1.2)"))
        #expect(
            pod.fix.contains(
                "images:\n  - image: \"example.com/acme/web:1.2\"\n    command: [\"/usr/bin/gwconsole\", \"echo-server\", \"--listen\", \"${POD_IP}:${POD_PORT}\"]\n    port: 8080"
            ), "\(pod.fix)")
        #expect(pod.evidence.contains { $0.contains("Service default/web selects it") })
        #expect(
            !findings.contains { $0.code == .noReadyEndpoints && $0.objects == ["Service default/web"] },
            "the pod's finding explains the Service's endpoints")
        // Every manifest a fix prints decodes as the store's strict loader reads it.
        for fix in findings.map(\.fix) {
            guard let start = fix.range(of: "apiVersion:") else { continue }
            let manifest = String(fix[start.lowerBound...])
            #expect(
                (try? ManifestDecoder().decode(ManifestReader.documents(from: Data(manifest.utf8), file: "fix.yaml")))
                    != nil, "\(manifest)")
        }
        let policy = try #require(finding(.policyTargetNotFound, "BackendTLSPolicy default/tls-nowhere"))
        #expect(policy.fix.contains("gwconsole delete backendtlspolicy tls-nowhere -n default"))
    }

    @Test("alike findings fold into one with the count; the list is errors first, grouped by object")
    func folding() {
        let a = Finding(
            .noRouteForHost, .warning, objects: ["Gateway default/a"], summary: "s", evidence: ["e"], fix: "f")
        var b = a
        b.objects = ["Gateway default/b"]
        let c = Finding(
            .backendNotFound, .error, objects: ["HTTPRoute default/z"], summary: "t", evidence: [], fix: "g")
        let ordered = Finding.ordered([a, b, a, c])
        #expect(ordered.count == 2)
        #expect(ordered[0].code == .backendNotFound)
        #expect(
            ordered[1].objects == ["Gateway default/a", "Gateway default/b"] && ordered[1].summary == "s (3 times)")
        #expect(ordered[1].evidence == ["Gateway default/a: e", "Gateway default/b: e"], "each object's evidence")
        // A folded finding keeps the most severe: an error and a warning alike never fold.
        var warning = c
        warning.severity = .warning
        warning.objects = ["HTTPRoute default/y"]
        #expect(Finding.ordered([c, warning]).count == 2)
    }

    @Test(
        "the request log: a route whose latest request failed at a refused upstream is a finding; one served since is not"
    )
    func traffic() throws {
        var input = try DoctorRulesTests.input(DoctorRulesTests.gateway)
        let start = Date(timeIntervalSince1970: 1_796_630_400)  // 2026-12-07T10:00:00Z
        let iso = ISO8601DateFormatter()
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.dateFormat = "yyyy/MM/dd HH:mm:ss"
        func record(_ second: Int, _ status: Int) -> RequestRecord {
            RequestRecord(
                time: iso.string(from: start.addingTimeInterval(Double(second))), host: "secure-app.example.com",
                uri: "/", status: status, upstream: "127.0.100.100:8443", upstreamStatus: String(status),
                route: "default/secure-app", rule: "0")
        }
        func errorLine(_ second: Int, _ upstream: String = "127.0.100.100:8443") -> String {
            "\(local.string(from: start.addingTimeInterval(Double(second)))) [error] 7#7: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: secure-app.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://\(upstream)/\", host: \"secure-app.example.com\""
        }
        input.requests = [record(0, 200), record(1, 502)]
        input.errorLogs["default/gateway"] = [errorLine(1)]
        let finding = try #require(DoctorRules.findings(input).first { $0.code == .requestsFailing })
        #expect(finding.objects == ["HTTPRoute default/secure-app rule 0"] && finding.severity == .error)
        #expect(
            finding.summary
                == "its requests get 502: the backend at 127.0.100.100:8443 is unreachable (connection refused)")
        #expect(
            finding.evidence.first?.hasPrefix("1 of 2 recent requests for rule 0 failed (502 ×1); the latest at ")
                == true)
        #expect(finding.fix.contains("nothing accepts connections at 127.0.100.100:8443"))
        // An error line from before the request, or about another upstream (:84430), says nothing about it.
        input.errorLogs["default/gateway"] = [errorLine(-60), errorLine(1, "127.0.100.100:84430")]
        let unexplained = try #require(DoctorRules.findings(input).first { $0.code == .requestsFailing })
        #expect(unexplained.severity == .warning && !unexplained.evidence.contains { $0.hasPrefix("nginx error log") })
        input.requests.append(record(2, 200))
        #expect(!DoctorRules.findings(input).contains { $0.code == .requestsFailing }, "served since")
    }

    @Test("nginx's upstream errors in the probe's verdicts")
    func errorLineVerdicts() {
        #expect(
            TLSVerdict(nginxErrorLine: "connect() failed (111: Connection refused) while connecting to upstream")
                == .unreachable(detail: "connection refused"))
        #expect(TLSVerdict(nginxErrorLine: "upstream timed out (110: Connection timed out) while reading") == .timedOut)
        #expect(
            TLSVerdict(nginxErrorLine: "upstream SSL certificate verify error: (62:hostname mismatch) while SSL")
                == .notVerified(code: 62, detail: "hostname mismatch"))
        if case .handshakeFailed? = TLSVerdict(
            nginxErrorLine: "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)")
        {
        } else {
            Issue.record("a plain backend behind TLS is a failed handshake")
        }
        #expect(TLSVerdict(nginxErrorLine: "[notice] signal process started") == nil)
    }

    static func pod(reason: String, image: String) throws -> Pod {
        try Pod.decode(
            JSONReader.parse(
                """
                {"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": "web-5d8f9-abcde", "namespace": "default",
                   "labels": {"app": "web", "pod-template-hash": "5d8f9"},
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f9", "uid": "u"}]},
                 "spec": {"containers": [{"name": "web", "image": "\(image)", "ports": [{"containerPort": 8080}]}]},
                 "status": {"phase": "Pending", "containerStatuses": [{"name": "web", "image": "\(image)", "imageID": "",
                   "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "\(reason)", "message": "no profile"}}}]}}
                """, file: "pod.json"
            ).toJSON())
    }

    func ref(_ kind: String, _ name: String) -> ObjectRef {
        ObjectRef(group: "", kind: kind, namespace: "default", name: name)
    }
}

@Suite("Doctor's documentation")
struct DoctorDocumentationTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test("the vocabulary the walk uses is every reason the code names, and the core writes no reason as a bare string")
    func vocabularyIsComplete() throws {
        let source = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/GatewayAPI/Resources/Condition.swift"),
            encoding: .utf8)
        let declared = try Regex(#"static let \w+: ConditionReason = "(\w+)""#)
        let names = Set(source.matches(of: declared).compactMap { $0.output[1].substring.map(String.init) })
        #expect(names.count > 30)
        #expect(
            names == Set(ConditionReason.vocabulary.map(\.rawValue)),
            "\(names.symmetricDifference(ConditionReason.vocabulary.map(\.rawValue)))")
        let core = Self.root.appendingPathComponent("Sources/GatewayCore")
        let literal = try Regex(#"make\(\s*\.\w+,\s*(true|false),\s*""#)
        for file in try FileManager.default.contentsOfDirectory(atPath: core.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: core.appendingPathComponent(file), encoding: .utf8)
            #expect(
                !text.contains(literal), "\(file) writes a condition reason as a string: name it in ConditionReason")
        }
    }

    @Test("docs/diagnostics.md lists every finding code in its table")
    func everyCodeDocumented() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
        let table = text.components(separatedBy: "### Every code").last ?? ""
        for code in FindingCode.allCases {
            #expect(table.contains("`\(code.rawValue)`"), "\(code.rawValue) is not in the table")
        }
    }
}
