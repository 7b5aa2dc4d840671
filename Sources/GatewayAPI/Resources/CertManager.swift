/// cert-manager's kinds (cert-manager.io/v1), as NGF's examples use them: issuers that sign, and Certificates that
/// ask for a key pair in a Secret. The embedded controller issues them locally with OpenSSL (selfSigned and ca
/// issuers); fields of other issuers (ACME, Vault, Venafi) are kept and reported as not supported here.
public struct Issuer: KubeResource {
    public static let group = "cert-manager.io"
    public static let kind = "Issuer"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: IssuerSpec
    public var status: JSONValue?
}

/// ClusterIssuer: an Issuer for every namespace; a `ca` issuer's Secret lives in the cluster resource namespace
/// (`cert-manager`).
public struct ClusterIssuer: KubeResource {
    public static let group = "cert-manager.io"
    public static let kind = "ClusterIssuer"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: IssuerSpec
    public var status: JSONValue?
}

public struct IssuerSpec: Codable, Sendable, Equatable {
    public var selfSigned: SelfSignedIssuer?
    public var ca: CAIssuer?
    public var acme: JSONValue?
    public var vault: JSONValue?
    public var venafi: JSONValue?
}

public struct SelfSignedIssuer: Codable, Sendable, Equatable {
    public var crlDistributionPoints: [String]?
}

public struct CAIssuer: Codable, Sendable, Equatable {
    /// The Secret (tls.crt, tls.key) holding the signing CA.
    public var secretName: String
    public var crlDistributionPoints: [String]?
    public var ocspServers: [String]?
    public var issuingCertificateURLs: [String]?
}

public struct Certificate: KubeResource {
    public static let group = "cert-manager.io"
    public static let kind = "Certificate"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: CertificateSpec
    public var status: JSONValue?
}

public struct CertificateSpec: Codable, Sendable, Equatable {
    public var secretName: String
    public var issuerRef: IssuerReference
    public var commonName: String?
    public var dnsNames: [String]?
    public var ipAddresses: [String]?
    public var uris: [String]?
    public var emailAddresses: [String]?
    public var isCA: Bool?
    /// A Go duration (`2160h`, `90m`); cert-manager's default is 90 days.
    public var duration: String?
    /// How long before expiry to renew (a Go duration); default a third of the duration.
    public var renewBefore: String?
    public var renewBeforePercentage: Int32?
    public var privateKey: CertificatePrivateKey?
    public var usages: [String]?
    public var subject: JSONValue?
    public var secretTemplate: JSONValue?
    public var keystores: JSONValue?
    public var literalSubject: String?
    public var revisionHistoryLimit: Int32?
    public var encodeUsagesInRequest: Bool?
    public var nameConstraints: JSONValue?
    public var otherNames: JSONValue?
    public var additionalOutputFormats: JSONValue?
}

public struct IssuerReference: Codable, Sendable, Equatable {
    public var name: String
    /// `Issuer` (the default) or `ClusterIssuer`.
    public var kind: String?
    public var group: String?
}

public struct CertificatePrivateKey: Codable, Sendable, Equatable {
    /// `RSA` (the default), `ECDSA` or `Ed25519`.
    public var algorithm: String?
    /// RSA: 2048 (default), 3072, 4096…; ECDSA: 256 (default), 384, 521.
    public var size: Int32?
    public var encoding: String?
    public var rotationPolicy: String?
}

/// Go's `time.ParseDuration` for the units cert-manager's durations use (h, m, s, ms), in seconds.
public enum GoDuration {
    public static func seconds(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            default: return nil
            }
        }
        return total
    }
}

/// A PEM certificate and its private key.
public struct KeyPair: Sendable, Equatable {
    public var cert: String
    public var key: String

    public init(cert: String, key: String) {
        self.cert = cert
        self.key = key
    }
}

/// What the embedded controller asks OpenSSL for when it issues a Certificate.
public struct CertificateIssueRequest: Sendable, Equatable {
    public enum KeyAlgorithm: Sendable, Equatable {
        case rsa(bits: Int)
        case ecdsa(bits: Int)
        case ed25519
    }

    public var commonName: String
    /// In OpenSSL's form: `DNS:name`, `IP:address`, `URI:uri`, `email:address`.
    public var subjectAltNames: [String]
    /// Seconds from now until it expires.
    public var validFor: Double
    public var isCA: Bool
    public var key: KeyAlgorithm
    /// The signing CA; nil: self-signed with its own new key.
    public var issuer: KeyPair?
    /// Key usages in OpenSSL's names (empty: digitalSignature and keyEncipherment, cert-manager's default).
    public var keyUsages: [String] = []
    /// Extended key usages in OpenSSL's names (empty: none, so any purpose, as cert-manager issues by default).
    public var extendedKeyUsages: [String] = []

    public init(
        commonName: String, subjectAltNames: [String], validFor: Double, isCA: Bool, key: KeyAlgorithm, issuer: KeyPair?
    ) {
        self.commonName = commonName
        self.subjectAltNames = subjectAltNames
        self.validFor = validFor
        self.isCA = isCA
        self.key = key
        self.issuer = issuer
    }

    /// The request a Certificate's spec makes (the issuer's key pair added by the caller).
    public init(_ spec: CertificateSpec, issuer: KeyPair?) {
        var sans = (spec.dnsNames ?? []).map { "DNS:" + $0 } + (spec.ipAddresses ?? []).map { "IP:" + $0 }
        sans += (spec.uris ?? []).map { "URI:" + $0 } + (spec.emailAddresses ?? []).map { "email:" + $0 }
        let size = spec.privateKey?.size.map(Int.init)
        let key: KeyAlgorithm
        switch spec.privateKey?.algorithm ?? "RSA" {
        case "ECDSA": key = .ecdsa(bits: size ?? 256)
        case "Ed25519": key = .ed25519
        default: key = .rsa(bits: size ?? 2048)
        }
        self.init(
            commonName: spec.commonName ?? "", subjectAltNames: sans, validFor: spec.validity, isCA: spec.isCA ?? false,
            key: key, issuer: issuer)
        for usage in spec.usages ?? [] {
            if let name = Self.keyUsageNames[usage.lowercased()] {
                if !keyUsages.contains(name) { keyUsages.append(name) }
            } else if let name = Self.extendedKeyUsageNames[usage.lowercased()], !extendedKeyUsages.contains(name) {
                extendedKeyUsages.append(name)
            }
        }
    }

    /// cert-manager's key usage names, in OpenSSL's.
    static let keyUsageNames = [
        "signing": "digitalSignature", "digital signature": "digitalSignature", "content commitment": "nonRepudiation",
        "key encipherment": "keyEncipherment", "key agreement": "keyAgreement", "data encipherment": "dataEncipherment",
        "cert sign": "keyCertSign", "crl sign": "cRLSign", "encipher only": "encipherOnly",
        "decipher only": "decipherOnly",
    ]
    /// cert-manager's extended key usage names, in OpenSSL's.
    static let extendedKeyUsageNames = [
        "any": "anyExtendedKeyUsage", "server auth": "serverAuth", "client auth": "clientAuth",
        "code signing": "codeSigning", "email protection": "emailProtection", "s/mime": "emailProtection",
        "timestamping": "timeStamping", "ocsp signing": "OCSPSigning", "ipsec end system": "ipsecEndSystem",
        "ipsec tunnel": "ipsecTunnel", "ipsec user": "ipsecUser", "microsoft sgc": "msSGC", "netscape sgc": "nsSGC",
    ]
}

extension CertificateSpec {
    /// How long an issued certificate is valid: `duration`, else cert-manager's 90 days.
    public var validity: Double { duration.flatMap(GoDuration.seconds) ?? 90 * 86_400 }

    /// How long before expiry it is renewed: `renewBefore`, else `renewBeforePercentage` of the validity, else a
    /// third of it (cert-manager's defaults).
    public var renewalMargin: Double {
        var margin = validity / 3
        if let text = renewBefore, let seconds = GoDuration.seconds(text) {
            margin = seconds
        } else if let percentage = renewBeforePercentage {
            margin = validity * Double(percentage) / 100
        }
        // Never a renewal time at or before issuance (it would issue again on every look).
        return margin > 0 && margin < validity ? margin : validity / 3
    }
}
