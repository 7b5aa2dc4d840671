import ArgumentParser
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// `gwconsole doctor`: findings, most severe first, each with evidence and the fix.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check Gateways, routes and backends; report findings with evidence and the fix.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Check every namespace.")
    var allNamespaces = false

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: String?

    struct Finding: Codable {
        var code: String
        var severity: String
        var objects: [String]
        var summary: String
        var evidence: [String]
        var fix: String
    }

    mutating func run() throws {
        try reportingErrors {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let state = DataplaneManager(stateDirectory: store.directory).load()
            let snapshot = try Reconciler(store: store, config: global.controllerConfig).snapshot()
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            var findings: [Finding]
            if global.clusterMode {
                // The cluster's data plane is NGF's, not ours: graph checks and the two status views, no local probes.
                findings = DoctorChecks.run(graph: graph, state: DataplaneManager.State.clusterManaged, snapshot: snapshot, namespace: namespace,
                                            stateDirectory: store.directory)
                findings += StatusViews.findings(store: store, graph: graph, namespace: namespace)
            } else {
                findings = DoctorChecks.run(graph: graph, state: state, snapshot: snapshot, namespace: namespace, stateDirectory: store.directory)
            }
            let rank = ["error": 0, "warning": 1, "info": 2]
            findings.sort { (rank[$0.severity] ?? 3, $0.code) < (rank[$1.severity] ?? 3, $1.code) }
            if output == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(String(decoding: try encoder.encode(["findings": findings]), as: UTF8.self) + "\n")
                return
            }
            if findings.isEmpty { Output.out("No findings: every Gateway, route and backend checked is healthy.\n"); return }
            for finding in findings {
                Output.out("\(finding.severity.uppercased()) \(finding.code): \(finding.summary)\n")
                Output.out("  objects: \(finding.objects.joined(separator: ", "))\n")
                for line in finding.evidence { Output.out("  evidence: " + line.replacingOccurrences(of: "\n", with: "\n            ") + "\n") }
                Output.out("  fix: " + finding.fix.replacingOccurrences(of: "\n", with: "\n       ") + "\n\n")
            }
        }
    }
}

/// The checks behind `doctor`: from the graph, the data plane's record, and real probes of backends.
enum DoctorChecks {
    /// `routes` limits the route checks (which probe backends) to those routes; nil checks every route in scope.
    static func run(graph: Graph, state: DataplaneManager.State, snapshot: ResourceSnapshot, namespace: String?, stateDirectory: String,
                    routes: Set<ObjectRef>? = nil) -> [Doctor.Finding] {
        var findings: [Doctor.Finding] = []
        func inScope(_ ref: ObjectRef) -> Bool { namespace == nil || ref.namespace == namespace }
        if !state.running {
            findings.append(Doctor.Finding(code: "DataplaneDown", severity: "warning", objects: ["data plane"],
                                           summary: "the embedded data plane is not running, so no Gateway serves traffic",
                                           evidence: ["gwconsole status: data plane stopped"], fix: "gwconsole up"))
        }
        for gateway in graph.gateways where inScope(gateway.ref) {
            if let record = state.gateways[gateway.ref.namespacedName], state.running, !record.programmed, !record.message.isEmpty {
                findings.append(Doctor.Finding(code: "ConfigRejected", severity: "error", objects: ["Gateway \(gateway.ref.namespacedName)"],
                                               summary: "the last change to this Gateway's config was not applied; the last good config keeps serving",
                                               evidence: [record.message], fix: "correct the object named in nginx's message; gwconsole config history shows the attempts"))
            }
            // The last thing that happened to this Gateway's nginx was a restart after its master died.
            if let record = state.gateways[gateway.ref.namespacedName], state.running, let last = record.history.last,
               last.trigger.hasPrefix("restart") {
                findings.append(Doctor.Finding(code: "DataplaneRestarted", severity: "warning", objects: ["Gateway \(gateway.ref.namespacedName)"],
                                               summary: "this Gateway's nginx master was not running and was restarted (its workers kept serving)",
                                               evidence: ["generation \(last.generation) at \(last.time): \(last.trigger): \(last.result)",
                                                          "nginx error log: \(stateDirectory)/dp/\(record.index)/run/logs/error.log"],
                                               fix: "find why nginx stopped (a signal, the OOM killer: the system log and the error log above); the next config change clears this"))
            }
            for listener in gateway.listeners where listener.valid && listener.attachedRoutes.isEmpty {
                let host = listener.hostname ?? "any host"
                findings.append(Doctor.Finding(code: "NoRouteForHost", severity: "warning", objects: ["Gateway \(gateway.ref.namespacedName) listener \(listener.name)"],
                                               summary: "no route is attached to listener \(listener.name): requests for \(host) on port \(listener.port) get 404",
                                               evidence: ["attachedRoutes: 0"],
                                               fix: "attach an HTTPRoute: parentRefs [{name: \(gateway.ref.name), sectionName: \(listener.name)}] with matching hostnames"))
            }
            for listener in gateway.listeners where !listener.valid {
                let failing = listener.conditions.first { $0.status == ($0.type == "Conflicted" ? "True" : "False") && $0.type != "Programmed" }
                    ?? listener.conditions.first { $0.status == "False" }
                findings.append(Doctor.Finding(code: "ListenerNotProgrammed", severity: "error", objects: ["Gateway \(gateway.ref.namespacedName) listener \(listener.name)"],
                                               summary: "listener \(listener.name) does not serve: \(failing?.reason ?? "")",
                                               evidence: listener.conditions.map { "\($0.type)=\($0.status) \($0.reason ?? ""): \($0.message ?? "")" },
                                               fix: "see describe gateway \(gateway.ref.name); \(failing?.message ?? "")"))
            }
        }
        for route in graph.routes where inScope(route.ref) && routes?.contains(route.ref) != false {
            for parent in route.parents where !parent.accepted {
                let condition = parent.conditions.first
                findings.append(Doctor.Finding(code: "RouteNotAccepted", severity: "error", objects: ["HTTPRoute \(route.ref.namespacedName)"],
                                               summary: "not attached to \(parent.parentRef.name)\(parent.parentRef.sectionName.map { "/\($0)" } ?? ""): \(condition?.reason ?? "")",
                                               evidence: ["Accepted=False \(condition?.reason ?? ""): \(condition?.message ?? "")"],
                                               fix: "make the parentRef name a listener that allows this route (namespace, kind, hostname)"))
            }
            for rule in route.rules where rule.dropped == nil {
                for backend in rule.backends {
                    if let problem = backend.problem {
                        let code = problem.reason == "RefNotPermitted" ? "BackendRefNotPermitted" : (problem.reason == "BackendNotFound" ? "BackendNotFound" : "BackendInvalid")
                        findings.append(Doctor.Finding(code: code, severity: "error", objects: ["HTTPRoute \(route.ref.namespacedName) rule \(rule.index)"],
                                                       summary: "requests for this rule get 500: \(problem.message)", evidence: ["ResolvedRefs=False \(problem.reason): \(problem.message)"],
                                                       fix: problem.reason == "RefNotPermitted" ? "create a ReferenceGrant in the Service's namespace from HTTPRoute in \(route.ref.namespace)" : "create the Service and port the route names, or correct the backendRef"))
                        continue
                    }
                    guard let service = backend.service, let port = backend.port else { continue }
                    if Endpoints.addresses(service: service, port: port, portName: backend.portName, snapshot: snapshot).isEmpty {
                        findings.append(Doctor.Finding(code: "NoReadyEndpoints", severity: "error", objects: ["Service \(service.namespacedName)"],
                                                       summary: "requests routed to Service \(service.namespacedName):\(port) get 503: it has no ready endpoints",
                                                       evidence: ["no ready endpoint in the Service's EndpointSlices"],
                                                       fix: "run its pods (gwconsole up runs nginx Deployments) or write an EndpointSlice for your own process"))
                    }
                }
            }
            if state.running, route.parents.contains(where: \.accepted) {
                findings += backendFindings(route: route, graph: graph, state: state, snapshot: snapshot, stateDirectory: stateDirectory)
            }
        }
        for policy in graph.policies where inScope(policy.ref) {
            let resolved = policy.conditions.count > 1 ? policy.conditions[1] : nil
            if let resolved, resolved.status == "False" {
                let code = (resolved.message ?? "").contains("does not exist") ? "CACertificateRefNotFound" : "CACertificateInvalid"
                findings.append(Doctor.Finding(code: code, severity: "error", objects: ["BackendTLSPolicy \(policy.ref.namespacedName)"],
                                               summary: resolved.message ?? "", evidence: ["ResolvedRefs=False \(resolved.reason ?? ""): \(resolved.message ?? "")"],
                                               fix: "create a ConfigMap with a ca.crt key holding the PEM CA certificate that signed the backend's certificate"))
            }
            if policy.conflicted {
                findings.append(Doctor.Finding(code: "PolicyConflicted", severity: "warning", objects: ["BackendTLSPolicy \(policy.ref.namespacedName)"],
                                               summary: policy.conditions.first?.message ?? "conflicts with an older policy", evidence: ["Accepted=False Conflicted"],
                                               fix: "delete one of the policies, or give them different sectionNames"))
            }
            let missing = policy.targets.filter { snapshot.service($0.namespace, $0.name) == nil }
            if !missing.isEmpty {
                findings.append(Doctor.Finding(code: "PolicyTargetNotFound", severity: "error", objects: ["BackendTLSPolicy \(policy.ref.namespacedName)"],
                                               summary: "the policy targets \(missing.map { "Service \($0.namespacedName)" }.joined(separator: ", ")), which does not exist",
                                               evidence: missing.map { "no Service \($0.namespacedName)" },
                                               fix: "correct spec.targetRefs to name the backend Service (in the policy's namespace)"))
            } else if policy.ancestors.isEmpty {
                findings.append(Doctor.Finding(code: "PolicyNotAttached", severity: "info", objects: ["BackendTLSPolicy \(policy.ref.namespacedName)"],
                                               summary: "no accepted route sends traffic to the Service it targets", evidence: ["status.ancestors is empty"],
                                               fix: "check the targetRefs name (and sectionName = the Service port's name)"))
            }
        }
        return findings
    }

    /// Probes the route's backends plain and TLS through BackendProbe and turns mismatches into findings.
    static func backendFindings(route: RouteNode, graph: Graph, state: DataplaneManager.State, snapshot: ResourceSnapshot, stateDirectory: String) -> [Doctor.Finding] {
        guard let parent = route.parents.first(where: \.accepted), let gateway = parent.gateway,
              let binding = state.gateways[gateway.namespacedName]?.bindings.first(where: { parent.listeners.contains($0.listener) && $0.protocol == "HTTP" }) else { return [] }
        let host = route.source.spec.hostnames?.first ?? "example.com"
        let path = route.rules.first?.source.matches?.first?.path?.value ?? "/"
        let url = "http://\(host):\(binding.port)\(path)"
        let resolve = "\(host):\(binding.port):\(binding.address)"
        guard let reports = try? BackendProbe.analyse(url: url, resolve: [resolve], graph: graph, state: state, snapshot: snapshot) else { return [] }
        // One request through the Gateway, and the error-log lines nginx wrote for it.
        let errorLog = stateDirectory + "/dp/\(state.gateways[gateway.namespacedName]?.index ?? 0)/run/logs/error.log"
        let tail = ErrorLogTail(path: errorLog)
        let through = HTTPProbe.get(url, resolve: [resolve])
        usleep(50_000)
        let logLines = tail.newLines().filter { $0.contains("[error]") || $0.contains("[crit]") || $0.contains("[warn]") }
        let requestEvidence = ["GET \(url) through the Gateway → \(ProbeText.summary(through))"] + logLines.suffix(3).map { "nginx error log: \($0)" }
        var findings: [Doctor.Finding] = []
        for report in reports {
            guard let certificate = report.tls.peerChain.first, certificate.subjectAltNames == nil,
                  !findings.contains(where: { $0.code == "BackendCertCommonNameOnly" && $0.objects.first == "Service \(report.service)" }) else { continue }
            findings.append(Doctor.Finding(code: "BackendCertCommonNameOnly", severity: "warning", objects: ["Service \(report.service)"],
                                           summary: "the backend's certificate has no subjectAltName: verification relies on the legacy CN fallback that nginx accepts and many clients refuse",
                                           evidence: ["certificate: subject \(certificate.subject), SANs none"],
                                           fix: "reissue the backend certificate with a subjectAltName DNS entry for the name in validation.hostname"))
        }
        for report in reports where !report.agrees {
            if report.policy == nil && report.backendSpeaks == "TLS" {
                let serviceName = report.service.split(separator: ":").first.map(String.init) ?? report.service
                let (namespace, name) = splitRef(serviceName)
                let certificate = report.tls.peerChain.first
                let hostname = certificate.flatMap(certificateHostname) ?? host
                let (ip, port) = BackendProbe.split(report.endpoint)
                let ca = trustedCAConfigMap(namespace: namespace, hostname: hostname, ip: ip, port: port, snapshot: snapshot)
                let fix = """
                    apply this BackendTLSPolicy so NGINX speaks TLS to the backend and verifies it\(ca == nil ? " (no ConfigMap here holds a ca.crt that verifies the backend: create one named backend-ca with the CA certificate that signed it)" : ""):
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
                          name: \(ca ?? "backend-ca")
                        hostname: \(hostname)
                    """
                findings.append(Doctor.Finding(code: "PlainHTTPToTLSBackend", severity: "error", objects: ["Service \(serviceName)", "HTTPRoute \(route.ref.namespacedName)"],
                                               summary: "the gateway speaks plain HTTP to \(serviceName), which only speaks TLS: requests get 400",
                                               evidence: requestEvidence + [
                                                          "backend \(report.endpoint) over plain HTTP → \(ProbeText.summary(report.plain))",
                                                          "backend \(report.endpoint) over TLS → \(ProbeText.summary(report.tls))",
                                                          certificate.map { "backend certificate: subject \($0.subject), issuer \($0.issuer), SANs \($0.subjectAltNames ?? "none")" } ?? "no certificate seen"],
                                               fix: fix))
            } else if report.policy != nil && report.backendSpeaks == "plain HTTP" {
                findings.append(Doctor.Finding(code: "TLSToPlainBackend", severity: "error", objects: ["BackendTLSPolicy \(report.policy!)", "Service \(report.service)"],
                                               summary: "a BackendTLSPolicy makes the gateway speak TLS to a backend that speaks plain HTTP: requests get 502",
                                               evidence: requestEvidence + ["backend \(report.endpoint) over plain HTTP → \(ProbeText.summary(report.plain))", "over TLS → \(ProbeText.summary(report.tls))"],
                                               fix: "delete BackendTLSPolicy \(report.policy!), or serve TLS on the backend"))
            }
        }
        for report in reports where report.policy != nil && report.backendSpeaks == "TLS" {
            if let verify = report.tls.verifyResult, verify != 0 {
                let sni = report.gatewaySends.components(separatedBy: "SNI ").last?.trimmingCharacters(in: CharacterSet(charactersIn: ")")) ?? ""
                var chain = report.tls.peerChain
                if chain.isEmpty {
                    // A failed verification stops the handshake before the chain is reported: look again without verifying.
                    let (ip, port) = BackendProbe.split(report.endpoint)
                    var look = HTTPProbe.Request(url: "https://\(sni):\(port)/", resolve: ["\(sni):\(port):\(ip)"])
                    look.insecure = true
                    chain = HTTPProbe.perform(look).peerChain
                }
                let names = chain.first.flatMap(certificateHostname)
                let mismatch = verify == 62 || (names != nil && !HostnameMatching.intersects(names!, sni))
                let code = mismatch ? "BackendHostnameMismatch" : (verify == 10 ? "BackendCertExpired" : (verify == 9 ? "BackendCertNotYetValid" : "BackendCertUntrusted"))
                findings.append(Doctor.Finding(code: code, severity: "error", objects: ["BackendTLSPolicy \(report.policy!)", "Service \(report.service)"],
                                               summary: "the backend's certificate does not verify with the policy's CA and hostname (OpenSSL code \(verify)): requests get 502",
                                               evidence: requestEvidence + ["over TLS with SNI \(sni) → \(ProbeText.summary(report.tls))"] + chain.map { "certificate: subject \($0.subject), issuer \($0.issuer), SANs \($0.subjectAltNames ?? "none")" },
                                               fix: "put the CA that signed the backend certificate in the policy's ca.crt, and set validation.hostname to a name the certificate carries"))
            }
        }
        return findings
    }

    static func splitRef(_ text: String) -> (String, String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("default", text)
    }

    /// A DNS name the certificate carries: a SAN, else the CN.
    static func certificateHostname(_ certificate: HTTPProbe.PeerCertificate) -> String? {
        if let sans = certificate.subjectAltNames, let dns = sans.components(separatedBy: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.hasPrefix("DNS:") }) {
            return String(dns.dropFirst(4))
        }
        for part in certificate.subject.components(separatedBy: CharacterSet(charactersIn: ",/")) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("CN=") || trimmed.hasPrefix("CN =") { return trimmed.components(separatedBy: "=").last?.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// A ConfigMap in the namespace whose ca.crt verifies the backend (a real TLS handshake with it as the only CA).
    static func trustedCAConfigMap(namespace: String, hostname: String, ip: String, port: Int, snapshot: ResourceSnapshot) -> String? {
        for configMap in snapshot.configMaps where configMap.namespace == namespace {
            guard let ca = configMap.data?["ca.crt"], !ca.isEmpty else { continue }
            var request = HTTPProbe.Request(url: "https://\(hostname):\(port)/", resolve: ["\(hostname):\(port):\(ip)"])
            request.caPEM = ca
            if HTTPProbe.perform(request).verifyResult == 0 { return configMap.name }
        }
        return nil
    }
}
