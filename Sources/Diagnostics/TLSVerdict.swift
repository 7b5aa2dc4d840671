import CCurl

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

    /// The verdict of one libcurl request (`HTTPProbe.perform` over https).
    public init(_ result: HTTPProbe.Result) {
        let detail = result.error ?? "no answer"
        let code = result.curlCode.map { UInt32(truncatingIfNeeded: $0) } ?? UInt32.max
        switch code {
        case CURLE_OK.rawValue:
            if let verify = result.verifyResult, verify != 0 {
                self = .notVerified(code: verify, detail: detail)
            } else {
                self = .verified
            }
        case CURLE_COULDNT_CONNECT.rawValue, CURLE_COULDNT_RESOLVE_HOST.rawValue, CURLE_COULDNT_RESOLVE_PROXY.rawValue:
            self = .unreachable(detail: detail)
        case CURLE_OPERATION_TIMEDOUT.rawValue:
            self = .timedOut
        case CURLE_PEER_FAILED_VERIFICATION.rawValue:
            self = .notVerified(code: result.verifyResult ?? -1, detail: detail)
        default:
            // After a completed handshake (a peer chain, or an HTTP status) the certificate verdict stands, whatever
            // failed later in the transfer; without one, the handshake itself failed.
            let handshook = result.status != 0 || !result.peerChain.isEmpty
            if handshook, let code = result.verifyResult {
                self = code == 0 ? .verified : .notVerified(code: code, detail: detail)
            } else {
                self = .handshakeFailed(detail: detail)
            }
        }
    }

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
        case .unreachable(let detail): return "the backend is unreachable (\(detail)), so nothing about its certificate is known; requests will get 502"
        case .timedOut: return "the backend did not answer in time; requests will get 502 or 504"
        case .handshakeFailed(let detail): return "no TLS handshake (\(detail)): requests will get 502"
        case .notVerified(let code, let detail):
            // Code 0 with a verification failure: the chain was fine, the name was not (libcurl checks it itself).
            return "the certificate does not verify (\(detail)\(code > 0 ? "; OpenSSL code \(code)" : "")): requests will get 502"
        case .verified: return "the certificate verifies; nginx will accept it"
        }
    }
}
