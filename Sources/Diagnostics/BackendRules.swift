import GatewayAPI
import GatewayCore
import NginxConfig

/// What a route's backends answered beside what the Gateway sends them: plain HTTP to a TLS-only backend (the
/// guide's 400), TLS to a plain one (502), certificates that do not verify with the policy's CA and hostname (502),
/// and certificates that lean on the CN.
enum BackendRules {
    static func findings(_ route: RouteNode, _ observation: RouteObservation, _ input: DoctorInput) -> [Finding] {
        let interesting = observation.errorLogLines.filter {
            $0.contains("[error]") || $0.contains("[crit]") || $0.contains("[warn]")
        }
        let request =
            ["GET \(observation.url) through the Gateway → \(ProbeText.summary(observation.throughGateway))"]
            + interesting.suffix(3).map { "nginx error log: \($0)" }
        var findings: [Finding] = []
        for report in observation.backends {
            guard let certificate = report.tls.peerChain.first, certificate.subjectAltNames == nil,
                !findings.contains(where: {
                    $0.code == .backendCertCommonNameOnly && $0.objects.first == "Service \(report.service)"
                })
            else { continue }
            findings.append(
                Finding(
                    .backendCertCommonNameOnly, .warning, objects: ["Service \(report.service)"],
                    summary:
                        "the backend's certificate has no subjectAltName: verification relies on the legacy CN fallback that nginx accepts and many clients refuse",
                    evidence: ["certificate: subject \(certificate.subject), SANs none"],
                    fix:
                        "reissue the backend certificate with a subjectAltName DNS entry for the name in validation.hostname"
                ))
        }
        let host = RouteRequestRecipe.host(hostnames: route.source.spec.hostnames ?? [], listenerHostname: nil)
        for report in observation.backends where !report.agrees {
            if report.policy == nil && report.backendSpeaks == .tls {
                findings.append(
                    plainToTLS(
                        report, route: route, host: host, request: request,
                        trustedCA: observation.trustedCA[report.endpoint] ?? nil))
            } else if let policy = report.policy, report.backendSpeaks == .plainHTTP {
                findings.append(
                    Finding(
                        .tlsToPlainBackend, .error,
                        objects: ["BackendTLSPolicy \(policy)", "Service \(report.service)"],
                        summary:
                            "a BackendTLSPolicy makes the gateway speak TLS to a backend that speaks plain HTTP: requests get 502",
                        evidence: request + [
                            "backend \(report.endpoint) over plain HTTP → \(ProbeText.summary(report.plain))",
                            "over TLS → \(ProbeText.summary(report.tls))",
                        ],
                        fix: "delete BackendTLSPolicy \(policy), or serve TLS on the backend"))
            }
        }
        for report in observation.backends where report.policy != nil && report.backendSpeaks == .tls {
            guard let verify = report.tls.verifyResult, verify != 0 else { continue }
            findings.append(
                notVerified(
                    report, code: verify, request: request,
                    chain: report.tls.peerChain.isEmpty
                        ? observation.unverifiedChains[report.endpoint] ?? [] : report.tls.peerChain))
        }
        return findings
    }

    /// The guide's 400: the Gateway speaks plain HTTP to a backend that only speaks TLS. The fix is the policy to
    /// apply, with the CA ConfigMap that verifies the backend when one exists.
    static func plainToTLS(
        _ report: BackendReport, route: RouteNode, host: String, request: [String], trustedCA: String?
    ) -> Finding {
        let serviceName = report.service.split(separator: ":").first.map(String.init) ?? report.service
        let parts = serviceName.split(separator: "/", maxSplits: 1).map(String.init)
        let (namespace, name) = parts.count == 2 ? (parts[0], parts[1]) : ("default", serviceName)
        let certificate = report.tls.peerChain.first
        let hostname = certificate?.hostname ?? host
        let fix = """
            apply this BackendTLSPolicy so NGINX speaks TLS to the backend and verifies it\(trustedCA == nil ? " (no ConfigMap here holds a ca.crt that verifies the backend: create one named backend-ca with the CA certificate that signed it)" : ""):
            apiVersion: gateway.networking.k8s.io/v1alpha3
            kind: BackendTLSPolicy
            metadata:
              name: \(name)-backend-tls
              namespace: \(namespace)
            spec:
              targetRefs:
              - group: ''
                kind: Service
                name: \(name)
              validation:
                caCertificateRefs:
                - group: ''
                  kind: ConfigMap
                  name: \(trustedCA ?? "backend-ca")
                hostname: \(hostname)
            """
        return Finding(
            .plainHTTPToTLSBackend, .error,
            objects: ["Service \(serviceName)", route.ref.description],
            summary: "the gateway speaks plain HTTP to \(serviceName), which only speaks TLS: requests get 400",
            evidence: request + [
                "backend \(report.endpoint) over plain HTTP → \(ProbeText.summary(report.plain))",
                "backend \(report.endpoint) over TLS → \(ProbeText.summary(report.tls))",
                certificate.map { "backend certificate: \($0.summary)" } ?? "no certificate seen",
            ],
            fix: fix)
    }

    /// The policy's CA and hostname refuse the backend's certificate: which problem it is, from OpenSSL's code and
    /// the names the certificate carries.
    static func notVerified(_ report: BackendReport, code: Int, request: [String], chain: [PeerCertificate]) -> Finding
    {
        let sni = report.sni ?? ""
        var problem = CertificateProblem(opensslCode: code)
        if let names = chain.first?.hostname, !HostnameMatching.intersects(names, sni) { problem = .hostnameMismatch }
        let findingCode: FindingCode
        switch problem {
        case .hostnameMismatch: findingCode = .backendHostnameMismatch
        case .expired: findingCode = .backendCertExpired
        case .notYetValid: findingCode = .backendCertNotYetValid
        case .untrusted: findingCode = .backendCertUntrusted
        }
        return Finding(
            findingCode, .error, objects: ["BackendTLSPolicy \(report.policy ?? "")", "Service \(report.service)"],
            summary:
                "the backend's certificate does not verify with the policy's CA and hostname (OpenSSL code \(code)): requests get 502",
            evidence: request + ["over TLS with SNI \(sni) → \(ProbeText.summary(report.tls))"]
                + chain.map { "certificate: \($0.summary)" },
            fix:
                "put the CA that signed the backend certificate in the policy's ca.crt, and set validation.hostname to a name the certificate carries"
        )
    }
}
