/// What a TLS request to a backend tells about it, in the terms that decide what nginx will do: a backend that
/// cannot be reached says nothing about its certificate.
public enum TLSVerdict: Equatable, Sendable {
    /// Nothing answered: refused, no route, no such host.
    case unreachable(detail: String)
    /// Nothing came back in time (no connection, or no answer on it).
    case timedOut
    /// Something answered, but no TLS handshake completed (a plain-HTTP server, a protocol mismatch).
    case handshakeFailed(detail: String)
    /// The handshake completed and the certificate was refused: OpenSSL's verify code and libcurl's words.
    case notVerified(code: Int, detail: String)
    /// The certificate verifies with the CA and name given.
    case verified

    /// The kind of verdict, for folding many alike into one line.
    public var kind: String {
        switch self {
        case .unreachable: return "unreachable"
        case .timedOut: return "timed out"
        case .handshakeFailed: return "no TLS handshake"
        case .notVerified: return "certificate does not verify"
        case .verified: return "verifies"
        }
    }

    /// What it means for requests through nginx, in a sentence's second half.
    public var consequence: String {
        switch self {
        case .unreachable(let detail):
            return
                "the backend is unreachable (\(detail)), so nothing about its certificate is known; requests will get 502"
        case .timedOut: return "the backend did not answer in time; requests will get 502 or 504"
        case .handshakeFailed(let detail): return "no TLS handshake (\(detail)): requests will get 502"
        case .notVerified(let code, let detail):
            // Code 0 with a verification failure: the chain was fine, the name was not (libcurl checks it itself).
            return
                "the certificate does not verify (\(detail)\(code > 0 ? "; OpenSSL code \(code)" : "")): requests will get 502"
        case .verified: return "the certificate verifies; nginx will accept it"
        }
    }
}

/// Why a certificate did not verify, from OpenSSL's verify code (X509_V_ERR_*).
public enum CertificateProblem: Equatable, Sendable {
    /// 62 (X509_V_ERR_HOSTNAME_MISMATCH), or a name libcurl's own check refused (code 0).
    case hostnameMismatch
    /// 10 (X509_V_ERR_CERT_HAS_EXPIRED).
    case expired
    /// 9 (X509_V_ERR_CERT_NOT_YET_VALID).
    case notYetValid
    /// Any other code: an unknown issuer, a self-signed chain, a broken chain.
    case untrusted(code: Int)

    public init(opensslCode code: Int) {
        switch code {
        case 62, 0: self = .hostnameMismatch
        case 10: self = .expired
        case 9: self = .notYetValid
        default: self = .untrusted(code: code)
        }
    }
}

extension TLSVerdict {
    /// What an nginx error-log line about an upstream says, in the same verdicts as a probe's: `connect() failed
    /// (111: Connection refused) while connecting to upstream`, `upstream timed out`, `SSL_do_handshake() failed`,
    /// `upstream SSL certificate verify error: (62:hostname mismatch)`. Nil for a line about something else.
    public init?(nginxErrorLine line: String) {
        if let range = line.range(of: "upstream SSL certificate verify error: (") {
            let rest = line[range.upperBound...]
            let code = Int(rest.prefix { $0.isNumber }) ?? 0
            let detail = rest.drop { $0.isNumber || $0 == ":" }.prefix { $0 != ")" }
            self = .notVerified(code: code, detail: String(detail))
        } else if line.contains("upstream timed out") {
            self = .timedOut
        } else if line.contains("SSL_do_handshake() failed") || line.contains("wrong version number") {
            let detail = line.range(of: "SSL routines:").map { String(line[$0.lowerBound...].prefix { $0 != ")" }) }
            self = .handshakeFailed(detail: detail ?? "SSL_do_handshake() failed")
        } else if line.contains("Connection refused") {
            self = .unreachable(detail: "connection refused")
        } else if line.contains("Connection reset by peer") {
            self = .unreachable(detail: "connection reset by peer")
        } else if line.contains("No route to host") || line.contains("Network is unreachable") {
            self = .unreachable(detail: "no route to host")
        } else if line.contains("upstream prematurely closed connection") {
            self = .unreachable(detail: "the backend closed the connection before answering")
        } else {
            return nil
        }
    }
}
