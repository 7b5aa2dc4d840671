import CCurl
import Diagnostics

extension TLSVerdict {
    /// The verdict of one libcurl request (`HTTPProbe.perform` over https).
    public init(_ result: ProbeResult) {
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
}
