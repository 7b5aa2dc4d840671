import Foundation

/// What one HTTP(S) request observed (the shell's libcurl probe fills it in; rules and reports read it).
public struct ProbeResult: Sendable, Equatable, Codable {
    /// 0 when no response came.
    public var status: Int
    public var headers: [String]
    public var body: String
    public var bodyTruncated: Bool
    /// libcurl's error text when the request failed.
    public var error: String?
    public var timings: ProbeTimings
    public var peerChain: [PeerCertificate]
    /// For TLS: nil when not TLS, 0 when the chain verified, else OpenSSL's verify code.
    public var verifyResult: Int?
    /// libcurl's result code (CURLE_OK is 0); nil when libcurl did not run.
    public var curlCode: Int?

    public init(
        status: Int, headers: [String] = [], body: String = "", bodyTruncated: Bool = false, error: String? = nil,
        timings: ProbeTimings = ProbeTimings(), peerChain: [PeerCertificate] = [], verifyResult: Int? = nil,
        curlCode: Int? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.error = error
        self.timings = timings
        self.peerChain = peerChain
        self.verifyResult = verifyResult
        self.curlCode = curlCode
    }

    /// nginx's answer when plain HTTP reaches a TLS port: the mark of a TLS-only backend.
    public var isPlainHTTPToHTTPSPort: Bool { body.contains("The plain HTTP request was sent to HTTPS port") }
}

/// A request's phases, in milliseconds.
public struct ProbeTimings: Sendable, Equatable, Codable {
    public var nameLookup: Double
    public var connect: Double
    public var tlsHandshake: Double
    public var firstByte: Double
    public var total: Double

    public init(
        nameLookup: Double = 0, connect: Double = 0, tlsHandshake: Double = 0, firstByte: Double = 0, total: Double = 0
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}

/// A certificate of the peer chain, as libcurl reports it.
public struct PeerCertificate: Sendable, Equatable, Codable {
    public var subject: String
    public var issuer: String
    public var notBefore: String
    public var notAfter: String
    public var subjectAltNames: String?

    public init(
        subject: String, issuer: String, notBefore: String = "", notAfter: String = "", subjectAltNames: String? = nil
    ) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subjectAltNames = subjectAltNames
    }

    /// A DNS name the certificate carries: its first DNS subjectAltName, else its CN.
    public var hostname: String? {
        if let sans = subjectAltNames,
            let dns = sans.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: {
                $0.hasPrefix("DNS:")
            })
        {
            return String(dns.dropFirst(4))
        }
        for part in subject.split(whereSeparator: { $0 == "," || $0 == "/" }) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("CN=") || trimmed.hasPrefix("CN =") {
                return trimmed.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        return nil
    }

    /// The line evidence shows for it.
    public var summary: String { "subject \(subject), issuer \(issuer), SANs \(subjectAltNames ?? "none")" }
}
