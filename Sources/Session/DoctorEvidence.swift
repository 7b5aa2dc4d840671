import ConsoleUI
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Probing

/// What doctor reads besides the graph, from the state directory: the local pods, the Gateways' recent requests and
/// the tails of their nginx error logs, and where the user's image map is. Read after the probes, so their requests
/// count.
public enum DoctorEvidence {
    /// How far back the request log is read.
    public static let window: TimeInterval = 600

    public static func gather(_ input: inout DoctorInput, store: Store, now: Date = Date()) {
        input.pods = ((try? store.list(ResourceRegistry.pod.groupKind)) ?? []).compactMap { try? Pod.decode($0.object) }
        input.imageMapFile = ConsoleConfig.directory() + "/config.yaml"
        input.echoServerCommand = [ControllerProcess.executable, "echo-server"]
        input.certificateFacts = certificateFacts(input.graph, snapshot: input.snapshot)
        guard input.dataplane.running, !input.dataplane.managedElsewhere else { return }
        let manager = DataplaneManager(stateDirectory: store.directory)
        let since = now.addingTimeInterval(-window)
        for gateway in input.graph.gateways {
            let name = gateway.ref.namespacedName
            if let path = manager.requestLog(gateway: name) {
                input.requests += tail(path, bytes: 1 << 20).compactMap { RequestRecord.parse($0) }.filter {
                    ($0.date ?? .distantPast) >= since
                }
            }
            if let path = input.dataplane.gateways[name]?.errorLog {
                input.errorLogs[name] = Array(tail(path, bytes: 256 << 10).suffix(400)).map(String.init)
            }
        }
    }

    /// The certificates the Gateways depend on: each listener's Secret (with the Certificate that writes it) and
    /// each CA of the BackendTLSPolicies in effect.
    static func certificateFacts(_ graph: Graph, snapshot: ResourceSnapshot) -> [CertificateFact] {
        var facts: [CertificateFact] = []
        var listenersBySecret: [ObjectRef: [String]] = [:]
        var order: [ObjectRef] = []
        for gateway in graph.gateways {
            for listener in gateway.listeners where listener.valid {
                guard let secret = listener.certificate else { continue }
                if listenersBySecret[secret] == nil { order.append(secret) }
                listenersBySecret[secret, default: []].append(DoctorRules.listenerObject(listener, gateway: gateway))
            }
        }
        for secret in order {
            guard let stored = snapshot.secret(secret.namespace, secret.name),
                let pem = stored.data?["tls.crt"].flatMap({ Base64.decode($0) }).map({
                    String(decoding: $0, as: UTF8.self)
                }),
                let leaf = CertificateInspector.certificates(pem: pem).first
            else { continue }
            let certificate = snapshot.certificates.first {
                $0.spec.secretName == secret.name && $0.namespace == secret.namespace
            }
            facts.append(
                CertificateFact(
                    role: .listener, object: "Secret \(secret.namespacedName)", subject: leaf.subject,
                    notAfter: leaf.notAfter, affected: listenersBySecret[secret] ?? [],
                    renewedBy: certificate.map { "Certificate \($0.namespace)/\($0.name)" },
                    renewalTime: certificate?.status?["renewalTime"]?.stringValue))
        }
        for policy in graph.policies where policy.inEffect {
            guard let bundle = policy.caCertificates else { continue }
            let routes = graph.routes.filter { route in
                route.rules.contains { $0.backends.contains { $0.policy == policy.ref } }
            }.map(\.ref.description)
            let refs = (policy.source.spec.validation.caCertificateRefs ?? []).map {
                "\($0.kind) \(policy.ref.namespace)/\($0.name)"
            }
            for ca in CertificateInspector.certificates(pem: bundle) {
                facts.append(
                    CertificateFact(
                        role: .caBundle,
                        object: refs.isEmpty
                            ? "BackendTLSPolicy \(policy.ref.namespacedName)" : refs.joined(separator: ", "),
                        subject: ca.subject, notAfter: ca.notAfter,
                        affected: ["BackendTLSPolicy \(policy.ref.namespacedName)"] + routes))
            }
        }
        return facts
    }

    /// The whole lines of the last `bytes` of a file.
    static func tail(_ path: String, bytes: UInt64) -> [Substring] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > bytes ? size - bytes : 0
        try? handle.seek(toOffset: start)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var lines = text.split(separator: "\n")
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return lines
    }
}

extension Session {
    /// Doctor's findings, as `doctor`, the console and scenario checks get them: the graph's rules, the probes of
    /// the routes in scope, the pods, the request and error logs, and in cluster mode the two status views. Not
    /// ordered (`Finding.ordered`).
    public func doctorFindings(
        store: Store, graph: Graph, snapshot: ResourceSnapshot? = nil, namespace: String?,
        routes: Set<ObjectRef>? = nil, at: Date? = nil
    ) throws -> [Finding] {
        let snapshot = try snapshot ?? Reconciler(store: store, config: controllerConfig).snapshot()
        let dataplane =
            clusterMode
            ? DataplaneFacts.clusterManaged
            : DataplaneManager(stateDirectory: store.directory).load().facts(stateDirectory: store.directory)
        var input = DoctorInput(
            graph: graph, snapshot: snapshot, dataplane: dataplane, namespace: namespace, routes: routes)
        input.snippets = controllerConfig.snippets
        input.observations = DoctorProbe.observe(
            input.routesInScope, graph: graph, dataplane: dataplane, snapshot: snapshot)
        input.grpcObservations = DoctorProbe.observeGRPC(input.routesInScope, dataplane: dataplane, snapshot: snapshot)
        DoctorEvidence.gather(&input, store: store)
        input.at = at
        var findings = DoctorRules.findings(input)
        if clusterMode { findings += StatusViews.findings(store: store, graph: graph, namespace: namespace) }
        return findings
    }
}
