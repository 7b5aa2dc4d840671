import GatewayAPI
import GatewayCore

/// cert-manager Certificates that are not Ready: the reason and message, the listeners whose Secret it would write,
/// and the fix (the issuer to create when the one named does not exist).
enum CertificateRules {
    static func findings(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        for certificate in input.snapshot.certificates {
            let namespace = certificate.namespace ?? "default"
            let ref = ObjectRef(
                group: Certificate.group, kind: Certificate.kind, namespace: namespace, name: certificate.name)
            guard input.inScope(ref), let ready = certificate.status?.conditionList.condition(.ready),
                ready.status != .true
            else { continue }
            let issuer = certificate.spec.issuerRef
            let issuerKind = issuer.kind ?? "Issuer"
            let message = ready.message ?? ""
            var evidence = [ConditionRules.describe(ready)]
            let users = input.graph.gateways.flatMap { gateway in
                gateway.listeners.filter { listener in
                    (listener.source.tls?.certificateRefs ?? []).contains {
                        $0.name == certificate.spec.secretName && ($0.namespace ?? listener.namespace) == namespace
                    }
                }.map { DoctorRules.listenerObject($0, gateway: gateway) }
            }
            if !users.isEmpty {
                evidence.append(
                    "its Secret \(namespace)/\(certificate.spec.secretName) is the certificate of \(users.joined(separator: ", "))"
                )
            }
            var fix =
                "gwconsole describe certificate \(certificate.name) -n \(namespace) shows what it waits for; the message says what to change"
            let certManagerIssuer = (issuer.group ?? Certificate.group) == Certificate.group
            if certManagerIssuer, message.contains("Referenced \"\(issuerKind)\" not found") {
                fix =
                    "\(issuerKind) \(issuer.name) does not exist. Decide: point spec.issuerRef at an existing issuer, or create it (self-signed here; a CA issuer signs with your CA: spec.ca.secretName):\n"
                    + FixManifests.selfSignedIssuer(kind: issuerKind, name: issuer.name, namespace: namespace)
            }
            // Being issued (cert-manager's Issuing=True): a warning until it is Ready or fails.
            let issuing = certificate.status?.conditionList.isTrue("Issuing") ?? false
            var finding = Finding(
                .certificateNotReady, issuing ? .warning : .error, objects: [ref.description],
                summary:
                    "Secret \(namespace)/\(certificate.spec.secretName) is not issued: \(ready.reason?.rawValue ?? "not Ready")",
                evidence: evidence, fix: fix)
            finding.covers = [ConditionKey(ref.description, nil)]
            findings.append(finding)
        }
        return findings
    }
}
