import Foundation
import GatewayAPI

/// cert-manager, locally: issues each Certificate's key pair into its Secret with the referenced Issuer or
/// ClusterIssuer (selfSigned, or ca with the CA's Secret), renews it before it expires, and writes the issuers' and
/// Certificates' Ready conditions with cert-manager's reasons. The signing itself is injected (OpenSSL, wired by
/// the executable), so this only decides and writes.
public struct CertificateManager: Sendable {
    public let store: Store
    public let issue: @Sendable (CertificateIssueRequest) -> KeyPair?

    /// Where a ClusterIssuer's CA Secret lives (cert-manager's `--cluster-resource-namespace` default).
    public static let clusterResourceNamespace = "cert-manager"
    /// The Secret annotation with the hash of what it was issued for: another spec, issuer or CA issues again.
    static let issuedForAnnotation = "gwconsole.dev/issued-for"
    /// The meta key with the earliest renewal time (seconds since 1970), for the controller's liveness look.
    public static let renewalKey = "certificates_renewal"

    public init(store: Store, issue: @escaping @Sendable (CertificateIssueRequest) -> KeyPair?) {
        self.store = store
        self.issue = issue
    }

    /// Whether a Certificate is due for renewal now (its renewal time passed), read from one meta value.
    public static func isRenewalDue(_ store: Store, now: Date = Date()) throws -> Bool {
        guard let due = try store.meta(renewalKey) else { return false }
        return Double(due) <= now.timeIntervalSince1970
    }

    struct IssuerState {
        var ready: Bool
        var reason: String
        var message: String
        /// The CA that signs (nil: self-signed).
        var signer: KeyPair?
    }

    /// Issues what is due and writes statuses; records the earliest renewal time.
    public func sync(now: Date = Date()) throws {
        // A CA issued in this round signs in the next (a ca issuer over a Certificate's Secret, as NGF's
        // https-termination example chains them): rounds until nothing new is issued, a few at most.
        var rounds = 0
        while rounds < 4 {
            rounds += 1
            if try syncOnce(now: now) == 0 { return }
        }
    }

    /// One round; returns how many Secrets it issued.
    @discardableResult
    func syncOnce(now: Date) throws -> Int {
        let certificates = try store.list(ResourceRegistry.certificate.groupKind)
        let issuers = try store.list(ResourceRegistry.issuer.groupKind)
        let clusterIssuers = try store.list(ResourceRegistry.clusterIssuer.groupKind)
        if certificates.isEmpty && issuers.isEmpty && clusterIssuers.isEmpty {
            if try store.meta(Self.renewalKey) != nil { try store.setMeta(Self.renewalKey, Int64.max) }
            return 0
        }
        var states: [String: IssuerState] = [:]
        for stored in issuers + clusterIssuers {
            let cluster = stored.groupKind == ResourceRegistry.clusterIssuer.groupKind
            let spec: IssuerSpec? =
                cluster ? (try? ClusterIssuer.decode(stored.object))?.spec : (try? Issuer.decode(stored.object))?.spec
            guard let spec else { continue }
            let state = issuerState(spec, namespace: cluster ? Self.clusterResourceNamespace : stored.namespace)
            states[issuerKey(cluster: cluster, namespace: stored.namespace, name: stored.name)] = state
            try writeReady(
                stored, ready: state.ready, reason: state.reason, message: state.message, now: now, extra: [:])
        }
        var earliest = Double.greatestFiniteMagnitude
        var issued = 0
        for stored in certificates {
            guard let certificate = try? Certificate.decode(stored.object) else { continue }
            // One Certificate that cannot be written (an immutable Secret, a full store) must not stop the others
            // or the reconcile: it says why on its own status.
            do {
                let before = try store.revision()
                if let renewal = try reconcile(certificate, stored: stored, issuers: states, now: now) {
                    earliest = min(earliest, renewal)
                }
                // A new Secret (its revision moved past the status write alone) may make an issuer ready.
                if let secret = try store.get(
                    ObjectKey(
                        groupKind: ResourceRegistry.secret.groupKind, namespace: certificate.namespace,
                        name: certificate.spec.secretName)),
                    secret.resourceVersion > before
                {
                    issued += 1
                }
            } catch {
                try? writeReady(
                    stored, ready: false, reason: "Failed", message: "the Secret could not be written: \(error)",
                    now: now, extra: [:])
            }
        }
        let due = earliest == .greatestFiniteMagnitude ? Int64.max : Int64(earliest)
        if try store.meta(Self.renewalKey) != due { try store.setMeta(Self.renewalKey, due) }
        return issued
    }

    func issuerKey(cluster: Bool, namespace: String, name: String) -> String {
        cluster ? "ClusterIssuer/\(name)" : "Issuer/\(namespace)/\(name)"
    }

    /// Whether an issuer can sign here, in cert-manager's words.
    func issuerState(_ spec: IssuerSpec, namespace: String) -> IssuerState {
        if spec.selfSigned != nil { return IssuerState(ready: true, reason: "IsReady", message: "", signer: nil) }
        if let ca = spec.ca {
            let key = ObjectKey(groupKind: ResourceRegistry.secret.groupKind, namespace: namespace, name: ca.secretName)
            guard let secret = try? store.get(key) else {
                return IssuerState(
                    ready: false, reason: "ErrGetKeyPair",
                    message:
                        "Error getting keypair for CA issuer: secrets \"\(ca.secretName)\" not found (in namespace \(namespace))",
                    signer: nil)
            }
            let data = secret.body["data"]
            guard
                let cert = data?["tls.crt"]?.stringValue.flatMap(Base64.decode).map({
                    String(decoding: $0, as: UTF8.self)
                }),
                let key = data?["tls.key"]?.stringValue.flatMap(Base64.decode).map({
                    String(decoding: $0, as: UTF8.self)
                })
            else {
                return IssuerState(
                    ready: false, reason: "ErrInvalidKeyPair",
                    message:
                        "Error getting keypair for CA issuer: secret \(namespace)/\(ca.secretName) has no tls.crt and tls.key",
                    signer: nil)
            }
            return IssuerState(
                ready: true, reason: "KeyPairVerified", message: "Signing CA verified",
                signer: KeyPair(cert: cert, key: key))
        }
        let type = spec.acme != nil ? "ACME" : (spec.vault != nil ? "Vault" : "Venafi")
        return IssuerState(
            ready: false, reason: "NotSupportedLocally",
            message:
                "\(type) issuers need their server; the embedded default issues with selfSigned and ca issuers only",
            signer: nil)
    }

    /// Brings one Certificate's Secret and status up to date; returns its renewal time (seconds since 1970).
    func reconcile(_ certificate: Certificate, stored: StoredObject, issuers: [String: IssuerState], now: Date) throws
        -> Double?
    {
        let spec = certificate.spec
        let cluster = spec.issuerRef.kind == "ClusterIssuer"
        let issuerKind = cluster ? "ClusterIssuer" : "Issuer"
        guard
            let issuer = issuers[
                issuerKey(cluster: cluster, namespace: certificate.namespace, name: spec.issuerRef.name)]
        else {
            try writeReady(
                stored, ready: false, reason: "Pending",
                message:
                    "Referenced \"\(issuerKind)\" not found: \(issuerKind.lowercased()).cert-manager.io \"\(spec.issuerRef.name)\" not found",
                now: now, extra: [:])
            return nil
        }
        guard issuer.ready else {
            try writeReady(
                stored, ready: false, reason: "Pending",
                message: "\(issuerKind) \(spec.issuerRef.name) is not ready: \(issuer.message)", now: now, extra: [:])
            return nil
        }
        let secretKey = ObjectKey(
            groupKind: ResourceRegistry.secret.groupKind, namespace: certificate.namespace, name: spec.secretName)
        let existing = try store.get(secretKey)
        // A Secret another Certificate issues is not taken over (two Certificates would take turns forever).
        if let owner = existing?.body["metadata"]?["annotations"]?["cert-manager.io/certificate-name"]?.stringValue,
            owner != certificate.name
        {
            try writeReady(
                stored, ready: false, reason: "SecretInUse",
                message:
                    "Secret \(certificate.namespace)/\(spec.secretName) is issued for Certificate \(certificate.namespace)/\(owner)",
                now: now, extra: [:])
            return nil
        }
        let issuedFor = Self.fingerprint(
            spec: stored.body["spec"] ?? [:], issuer: spec.issuerRef, signer: issuer.signer)
        let annotations = existing?.body["metadata"]?["annotations"]
        let status = stored.status ?? [:]
        let notAfter = status["notAfter"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) }
        let renewal = notAfter.map { $0.timeIntervalSince1970 - spec.renewalMargin }
        let current =
            existing != nil && annotations?[Self.issuedForAnnotation]?.stringValue == issuedFor
            && annotations?["cert-manager.io/certificate-name"]?.stringValue == certificate.name
            && renewal.map { $0 > now.timeIntervalSince1970 } == true
        if current {
            try writeReady(
                stored, ready: true, reason: "Ready", message: "Certificate is up to date and has not expired",
                now: now,
                extra: [:])
            return renewal
        }
        guard let pair = issue(CertificateIssueRequest(spec, issuer: issuer.signer)) else {
            try writeReady(
                stored, ready: false, reason: "Failed",
                message:
                    "The certificate could not be signed: the \(issuerKind)'s CA certificate and key do not match, or OpenSSL refused the request",
                now: now, extra: [:])
            return nil
        }
        let expires = now.addingTimeInterval(spec.validity)
        var secretAnnotations: [String: JSONValue] = [
            "cert-manager.io/certificate-name": .string(certificate.name),
            "cert-manager.io/issuer-name": .string(spec.issuerRef.name),
            "cert-manager.io/issuer-kind": .string(issuerKind),
            "cert-manager.io/issuer-group": .string(spec.issuerRef.group ?? "cert-manager.io"),
            "cert-manager.io/common-name": .string(spec.commonName ?? ""),
            "cert-manager.io/alt-names": .string((spec.dnsNames ?? []).joined(separator: ",")),
            "cert-manager.io/ip-sans": .string((spec.ipAddresses ?? []).joined(separator: ",")),
            Self.issuedForAnnotation: .string(issuedFor),
        ]
        if let kept = annotations?.objectValue {
            for (key, value) in kept where secretAnnotations[key] == nil { secretAnnotations[key] = value }
        }
        let ca = issuer.signer?.cert ?? pair.cert
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": [
                "name": .string(spec.secretName), "namespace": .string(certificate.namespace),
                "annotations": .object(secretAnnotations), "labels": ["controller.cert-manager.io/fao": "true"],
            ],
            "data": [
                "tls.crt": .string(Base64.encode(Data(pair.cert.utf8))),
                "tls.key": .string(Base64.encode(Data(pair.key.utf8))),
                "ca.crt": .string(Base64.encode(Data(ca.utf8))),
            ],
        ]
        _ = try store.apply([DecodedObject(type: ResourceRegistry.secret, object: secret)], now: now)
        let revision = (status["revision"]?.intValue ?? 0) + 1
        let renewAt = expires.addingTimeInterval(-spec.renewalMargin)
        try writeReady(
            stored, ready: true, reason: "Ready", message: "Certificate is up to date and has not expired", now: now,
            extra: [
                "notBefore": .string(Store.timestamp(now)), "notAfter": .string(Store.timestamp(expires)),
                "renewalTime": .string(Store.timestamp(renewAt)), "revision": .int(revision),
            ])
        return renewAt.timeIntervalSince1970
    }

    /// The hash of what a Secret was issued for: the Certificate's spec, its issuer, and the CA that signed.
    static func fingerprint(spec: JSONValue, issuer: IssuerReference, signer: KeyPair?) -> String {
        let text =
            JSONWriter.compact(spec) + "|" + "\(issuer.kind ?? "Issuer")/\(issuer.name)" + "|"
            + (signer?.cert ?? "self")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// Writes the Ready condition (kept with its transition time while it holds) and `extra` status fields.
    func writeReady(
        _ stored: StoredObject, ready: Bool, reason: String, message: String, now: Date, extra: [String: JSONValue]
    ) throws {
        var status = stored.status ?? [:]
        let previous = status.conditionList.condition(.ready)
        let condition = ConditionStatus(ready)
        let transition =
            previous?.status == condition ? previous?.lastTransitionTime ?? Store.timestamp(now) : Store.timestamp(now)
        status["conditions"] = [
            [
                "type": .string(ConditionType.ready.rawValue), "status": .string(condition.rawValue),
                "reason": .string(reason),
                "message": .string(message), "lastTransitionTime": .string(transition),
                "observedGeneration": .int(stored.generation),
            ]
        ]
        for (key, value) in extra { status[key] = value }
        if status != stored.status {
            let key = ObjectKey(groupKind: stored.groupKind, namespace: stored.namespace, name: stored.name)
            try store.updateStatus(key, status: status)
        }
    }
}
