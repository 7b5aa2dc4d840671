import COpenSSL
import Foundation
import GatewayAPI

/// Reads X.509 certificates with OpenSSL.
public enum CertificateInspector {
    /// What one certificate says about itself.
    public struct Certificate: Sendable, Equatable {
        public var subject: String
        public var issuer: String
        public var notBefore: String
        public var notAfter: String
        /// `DNS:…`, `IP Address:…` entries.
        public var subjectAltNames: [String]
        public var isCA: Bool
    }

    /// Every certificate in PEM text, in order; empty when there is none.
    public static func certificates(pem: String) -> [Certificate] {
        var infos = [gw_x509_info](repeating: gw_x509_info(), count: 16)
        let count = pem.withCString { gw_x509_parse_pem($0, strlen($0), &infos, Int32(infos.count)) }
        guard count > 0 else { return [] }
        var result: [Certificate] = []
        for index in 0..<Int(count) {
            let info = infos[index]
            let sans = String(cString: info.sans)
            result.append(
                Certificate(
                    subject: String(cString: info.subject), issuer: String(cString: info.issuer),
                    notBefore: String(cString: info.not_before), notAfter: String(cString: info.not_after),
                    subjectAltNames: sans.isEmpty ? [] : sans.split(separator: ",").map(String.init),
                    isCA: info.is_ca == 1))
            gw_x509_info_free(&infos[index])
        }
        return result
    }

    /// The check the controller uses for a CA bundle (`ca.crt`): nil when OpenSSL reads at least one
    /// certificate from it, else why not.
    public static let caBundleCheck: @Sendable (String) -> String? = { text in
        caBundleResults.value(for: text) { uncachedCABundleCheck(text) }
    }

    /// OpenSSL's verdicts by bundle text: thousands of policies share a handful of CA ConfigMaps.
    static let caBundleResults = CheckResults<String>()
    static let keyPairResults = CheckResults<[String]>()

    static func uncachedCABundleCheck(_ text: String) -> String? {
        let parsed = certificates(pem: text)
        if parsed.isEmpty { return "the data is not a PEM certificate that OpenSSL can read" }
        if !parsed.contains(where: \.isCA) {
            return "the certificate is not a CA (no basicConstraints CA:TRUE): \(parsed[0].subject)"
        }
        return nil
    }

    /// The check the controller uses for a TLS Secret (`tls.crt`, `tls.key`): nil when nginx can load the pair,
    /// else why not (not a PEM certificate, a key OpenSSL cannot read or that needs a passphrase, a key for
    /// another certificate). nginx refuses a whole configuration over one such Secret, so it must not reach it.
    public static let tlsKeyPairCheck: @Sendable (String, String) -> String? = { cert, key in
        keyPairResults.value(for: [cert, key]) { uncachedKeyPairCheck(cert, key) }
    }

    static func uncachedKeyPairCheck(_ cert: String, _ key: String) -> String? {
        let result = cert.withCString { c in key.withCString { k in gw_tls_key_pair_check(c, strlen(c), k, strlen(k)) }
        }
        switch Int(result) {
        case GW_KEY_PAIR_OK: return nil
        case GW_KEY_PAIR_BAD_CERT: return "tls.crt is not a PEM certificate that OpenSSL can read"
        case GW_KEY_PAIR_ENCRYPTED_KEY: return "tls.key is encrypted; nginx cannot load a key that needs a passphrase"
        case GW_KEY_PAIR_BAD_KEY:
            return "tls.key is not a PEM private key that OpenSSL can read (PKCS#8, PKCS#1 or SEC1 PEM expected)"
        default: return "tls.key does not belong to the certificate in tls.crt"
        }
    }

    /// Issues a certificate (EC P-256): for staging faults and for tests. nil issuer: self-signed.
    public static func issue(
        commonName: String, dnsName: String?, issuer: (cert: String, key: String)? = nil,
        notBeforeDays: Int = -1, notAfterDays: Int = 365, isCA: Bool = false
    ) -> (cert: String, key: String)? {
        var cert: UnsafeMutablePointer<CChar>?
        var key: UnsafeMutablePointer<CChar>?
        let ok = gw_make_certificate(
            issuer?.cert, issuer?.key, commonName, dnsName, Int32(notBeforeDays), Int32(notAfterDays), isCA ? 1 : 0,
            &cert, &key)
        defer {
            free(cert)
            free(key)
        }
        guard ok == 1, let cert, let key else { return nil }
        return (String(cString: cert), String(cString: key))
    }
}

extension CertificateInspector {
    /// Issues what a cert-manager Certificate asks for (its key algorithm and size, names, validity, CA flag),
    /// signed by `request.issuer` or self-signed; nil when OpenSSL refuses (a CA key pair that does not match).
    public static func issue(_ request: CertificateIssueRequest) -> KeyPair? {
        let (algorithm, size): (Int32, Int32)
        switch request.key {
        case .rsa(let bits): (algorithm, size) = (0, Int32(bits))
        case .ecdsa(let bits): (algorithm, size) = (1, Int32(bits))
        case .ed25519: (algorithm, size) = (2, 0)
        }
        var cert: UnsafeMutablePointer<CChar>?
        var key: UnsafeMutablePointer<CChar>?
        let ok = gw_issue_certificate(
            request.issuer?.cert, request.issuer?.key, request.commonName,
            request.subjectAltNames.joined(separator: ","),
            0, Int(request.validFor), request.isCA ? 1 : 0, algorithm, size,
            request.keyUsages.joined(separator: ","), request.extendedKeyUsages.joined(separator: ","), &cert, &key)
        defer {
            free(cert)
            free(key)
        }
        guard ok == 1, let cert, let key else { return nil }
        return KeyPair(cert: String(cString: cert), key: String(cString: key))
    }
}

/// Results of a pure check by input, kept for the process (bounded: cleared when it grows past `limit`).
final class CheckResults<Key: Hashable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Key: String?] = [:]
    private let limit = 4_096

    func value(for key: Key, _ compute: () -> String?) -> String? {
        lock.lock()
        if let known = results[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let value = compute()
        lock.lock()
        if results.count >= limit { results.removeAll() }
        results[key] = value
        lock.unlock()
        return value
    }
}
