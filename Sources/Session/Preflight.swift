import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import Session

/// The pre-flight TLS check: handshake with every endpoint of a policy's Service using the policy's CA and hostname,
/// as nginx will, and predict whether requests will verify or get 502.
public enum Preflight {
    public struct Line {
        public var ok: Bool
        /// What was checked: the policy, and the Service endpoint or reference.
        public var subject: String
        /// What was found and what it means for requests.
        public var outcome: String
        public var text: String { "\(subject): \(outcome)" }
    }

    public static func check(_ objects: [DecodedObject], store: Store, global: Session) throws -> [Line] {
        let policies = objects.filter { $0.type.groupKind == ResourceRegistry.backendTLSPolicy.groupKind }
        guard !policies.isEmpty else { return [] }
        let snapshot = try backendSnapshot(store, namespaces: Set(policies.map(\.namespace)))
        var lines: [Line] = []
        for object in policies {
            guard let policy = try? BackendTLSPolicy.decode(object.object) else { continue }
            let name = "backendtlspolicy/\(object.name)"
            let hostname = policy.spec.validation.hostname
            var caPEM: String?
            if let ref = policy.spec.validation.caCertificateRefs?.first {
                caPEM = caData(ref, namespace: object.namespace, objects: objects, snapshot: snapshot)
                if caPEM == nil {
                    lines.append(
                        Line(
                            ok: false, subject: name,
                            outcome:
                                "\(ref.kind) \(object.namespace)/\(ref.name) has no usable ca.crt: requests will get 500"
                        ))
                    continue
                }
            }
            for target in policy.spec.targetRefs where target.kind == "Service" && target.group == "" {
                guard let service = snapshot.service(object.namespace, target.name) else {
                    lines.append(
                        Line(
                            ok: false, subject: name,
                            outcome: "Service \(object.namespace)/\(target.name) does not exist"))
                    continue
                }
                for port in service.spec?.ports ?? [] where target.sectionName == nil || target.sectionName == port.name
                {
                    let endpoints = Endpoints.addresses(
                        service: .service(object.namespace, target.name), port: port.port, portName: port.name,
                        snapshot: snapshot)
                    if endpoints.isEmpty {
                        lines.append(
                            Line(
                                ok: true, subject: name,
                                outcome:
                                    "Service \(object.namespace)/\(target.name):\(port.port) has no ready endpoints to check"
                            ))
                    }
                    for endpoint in endpoints {
                        let (ip, number) = BackendReport.split(endpoint)
                        var request = HTTPProbe.Request(
                            url: "https://\(hostname):\(number)/", resolve: ["\(hostname):\(number):\(ip)"])
                        request.caPEM = caPEM
                        request.timeoutSeconds = 3
                        let verdict = TLSVerdict(HTTPProbe.perform(request))
                        lines.append(
                            Line(
                                ok: verdict == .verified,
                                subject:
                                    "\(name): Service \(object.namespace)/\(target.name) endpoint \(endpoint) with SNI \(hostname)",
                                outcome: verdict.consequence))
                    }
                }
            }
        }
        return lines
    }

    /// What the check reads, from the policies' namespaces only: Services, their EndpointSlices, CA ConfigMaps
    /// and Secrets (never the routes, which a large store has thousands of).
    public static func backendSnapshot(_ store: Store, namespaces: Set<String>) throws -> ResourceSnapshot {
        var snapshot = ResourceSnapshot()
        for namespace in namespaces.sorted() {
            func load<T: KubeResource>(_ type: ResourceType, _: T.Type) throws -> [T] {
                try store.list(type.groupKind, namespace: namespace).compactMap { try? T.decode($0.object) }
            }
            snapshot.services += try load(ResourceRegistry.service, Service.self)
            snapshot.endpointSlices += try load(ResourceRegistry.endpointSlice, EndpointSlice.self)
            snapshot.configMaps += try load(ResourceRegistry.configMap, ConfigMap.self)
            snapshot.secrets += try load(ResourceRegistry.secret, Secret.self)
        }
        return snapshot
    }

    /// The lines as printed: alike outcomes past `limit` folded into one line with a count and the first names.
    public static func folded(_ lines: [Line], limit: Int = 3) -> [(ok: Bool, text: String)] {
        var order: [String] = []
        var groups: [String: [Line]] = [:]
        for line in lines {
            if groups[line.outcome] == nil { order.append(line.outcome) }
            groups[line.outcome, default: []].append(line)
        }
        return order.flatMap { outcome -> [(ok: Bool, text: String)] in
            let group = groups[outcome]!
            if group.count <= limit { return group.map { ($0.ok, $0.text) } }
            let names = group.prefix(limit).map(\.subject).joined(separator: "; ")
            return [
                (
                    group[0].ok,
                    "\(group.count) checks: \(outcome) — \(names); and \(group.count - limit) more (-v shows all)"
                )
            ]
        }
    }

    /// The ca.crt of a CA reference, from the same apply or the store.
    public static func caData(
        _ ref: LocalObjectReference, namespace: String, objects: [DecodedObject], snapshot: ResourceSnapshot
    ) -> String? {
        let pending = objects.first {
            $0.type.kind == ref.kind && $0.type.group == "" && $0.namespace == namespace && $0.name == ref.name
        }
        switch ref.kind {
        case "ConfigMap":
            let configMap =
                pending.flatMap { try? ConfigMap.decode($0.object) } ?? snapshot.configMap(namespace, ref.name)
            return configMap?.data?["ca.crt"].flatMap { $0.isEmpty ? nil : $0 }
        case "Secret":
            let secret = pending.flatMap { try? Secret.decode($0.object) } ?? snapshot.secret(namespace, ref.name)
            return secret?.data?["ca.crt"].flatMap(Base64.decode).map { String(decoding: $0, as: UTF8.self) }
        default:
            return nil
        }
    }
}
