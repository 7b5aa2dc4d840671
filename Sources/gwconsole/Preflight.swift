import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// The pre-flight TLS check: handshake with every endpoint of a policy's Service using the policy's CA and hostname,
/// as nginx will, and predict whether requests will verify or get 502.
enum Preflight {
    struct Line {
        var ok: Bool
        var text: String
    }

    static func check(_ objects: [DecodedObject], store: Store, global: GlobalOptions) throws -> [Line] {
        let policies = objects.filter { $0.type.groupKind == ResourceRegistry.backendTLSPolicy.groupKind }
        guard !policies.isEmpty else { return [] }
        let snapshot = try Reconciler(store: store, config: global.controllerConfig).snapshot()
        var lines: [Line] = []
        for object in policies {
            guard let policy = try? BackendTLSPolicy.decode(object.object) else { continue }
            let name = "backendtlspolicy/\(object.name)"
            let hostname = policy.spec.validation.hostname
            var caPEM: String?
            if let ref = policy.spec.validation.caCertificateRefs?.first {
                caPEM = caData(ref, namespace: object.namespace, objects: objects, snapshot: snapshot)
                if caPEM == nil {
                    lines.append(Line(ok: false, text: "\(name): \(ref.kind) \(object.namespace)/\(ref.name) has no usable ca.crt: requests will get 500"))
                    continue
                }
            }
            for target in policy.spec.targetRefs where target.kind == "Service" && target.group == "" {
                guard let service = snapshot.service(object.namespace, target.name) else {
                    lines.append(Line(ok: false, text: "\(name): Service \(object.namespace)/\(target.name) does not exist"))
                    continue
                }
                for port in service.spec?.ports ?? [] where target.sectionName == nil || target.sectionName == port.name {
                    let endpoints = Endpoints.addresses(service: .service(object.namespace, target.name), port: port.port, portName: port.name, snapshot: snapshot)
                    if endpoints.isEmpty {
                        lines.append(Line(ok: true, text: "\(name): Service \(object.namespace)/\(target.name):\(port.port) has no ready endpoints to check"))
                    }
                    for endpoint in endpoints {
                        let (ip, number) = BackendProbe.split(endpoint)
                        var request = HTTPProbe.Request(url: "https://\(hostname):\(number)/", resolve: ["\(hostname):\(number):\(ip)"])
                        request.caPEM = caPEM
                        request.timeoutSeconds = 3
                        let result = HTTPProbe.perform(request)
                        let subject = "\(name): Service \(object.namespace)/\(target.name) endpoint \(endpoint) with SNI \(hostname)"
                        if result.verifyResult == 0 && result.status != 0 {
                            lines.append(Line(ok: true, text: "\(subject): the certificate verifies; nginx will accept it"))
                        } else if result.status == 0 && result.verifyResult == nil || (result.error ?? "").contains("wrong version") || (result.error ?? "").contains("SSL_connect") {
                            lines.append(Line(ok: false, text: "\(subject): no TLS handshake (\(result.error ?? "no answer")): requests will get 502"))
                        } else {
                            lines.append(Line(ok: false, text: "\(subject): the certificate does not verify (\(result.error ?? "OpenSSL code \(result.verifyResult ?? -1)")): requests will get 502"))
                        }
                    }
                }
            }
        }
        return lines
    }

    /// The ca.crt of a CA reference, from the same apply or the store.
    static func caData(_ ref: LocalObjectReference, namespace: String, objects: [DecodedObject], snapshot: ResourceSnapshot) -> String? {
        let pending = objects.first { $0.type.kind == ref.kind && $0.type.group == "" && $0.namespace == namespace && $0.name == ref.name }
        switch ref.kind {
        case "ConfigMap":
            let configMap = pending.flatMap { try? ConfigMap.decode($0.object) } ?? snapshot.configMap(namespace, ref.name)
            return configMap?.data?["ca.crt"].flatMap { $0.isEmpty ? nil : $0 }
        case "Secret":
            let secret = pending.flatMap { try? Secret.decode($0.object) } ?? snapshot.secret(namespace, ref.name)
            return secret?.data?["ca.crt"].flatMap(Base64.decode).map { String(decoding: $0, as: UTF8.self) }
        default:
            return nil
        }
    }
}
