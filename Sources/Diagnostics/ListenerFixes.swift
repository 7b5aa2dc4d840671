import GatewayAPI
import GatewayCore

/// The fix of a listener that does not serve, where its reason has one to apply: the ReferenceGrant for a
/// certificate in another namespace, the certificate to issue for a Secret that does not exist.
enum ListenerFixes {
    static func fix(_ listener: ListenerNode, failing: Condition?, _ input: DoctorInput) -> String? {
        let refs = listener.source.tls?.certificateRefs ?? []
        let declaringKind = listener.listenerSet == nil ? Gateway.kind : ListenerSet.kind
        switch failing?.reason {
        case .refNotPermitted?:
            let grants = refs.compactMap { ref -> String? in
                guard let namespace = ref.namespace, namespace != listener.namespace else { return nil }
                return FixManifests.referenceGrant(
                    from: declaringKind, namespace: listener.namespace,
                    to: ObjectRef(group: "", kind: ref.kind ?? "Secret", namespace: namespace, name: ref.name))
            }
            guard !grants.isEmpty else { return nil }
            return
                "apply this ReferenceGrant in the Secret's namespace (or move the Secret to \(listener.namespace)):\n"
                + grants.joined(separator: "\n---\n")
        case .invalidCertificateRef?:
            // The reference the message names (a listener may have several certificates).
            let message = failing?.message ?? ""
            guard let ref = refs.first(where: { message.contains($0.name) }) ?? refs.first else { return nil }
            let namespace = ref.namespace ?? listener.namespace
            if input.snapshot.secret(namespace, ref.name) != nil {
                return
                    "Secret \(namespace)/\(ref.name) is not a usable TLS Secret (\(failing?.message ?? "")): give it tls.crt and tls.key in PEM (kubectl create secret tls \(ref.name) --cert FILE --key FILE -n \(namespace))"
            }
            if let certificate = input.snapshot.certificates.first(where: {
                $0.spec.secretName == ref.name && ($0.metadata.namespace ?? "default") == namespace
            }) {
                return
                    "Secret \(namespace)/\(ref.name) is written by Certificate \(namespace)/\(certificate.name) once it is Ready: fix that Certificate (gwconsole describe certificate \(certificate.name) -n \(namespace))"
            }
            let hostname = listener.hostname ?? "example.com"
            return
                "Decide: create Secret \(namespace)/\(ref.name) from your certificate (kubectl create secret tls \(ref.name) --cert FILE --key FILE -n \(namespace)), or let cert-manager issue one (self-signed here; use your issuer):\n"
                + FixManifests.selfSignedIssuer(kind: "Issuer", name: "selfsigned", namespace: namespace) + "\n---\n"
                    + """
                    apiVersion: cert-manager.io/v1
                    kind: Certificate
                    metadata:
                      name: \(ref.name)
                      namespace: \(namespace)
                    spec:
                      secretName: \(ref.name)
                      dnsNames:
                      - \(FixManifests.quoted(hostname))
                      issuerRef:
                        name: selfsigned
                        kind: Issuer
                    """
        default:
            return nil
        }
    }
}
