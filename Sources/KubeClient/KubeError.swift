import Foundation
import GatewayAPI

/// What can go wrong talking to a cluster, phrased so the user can act on it.
public enum KubeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The kubeconfig (or in-cluster files) is missing, unreadable or wrong.
    case config(String)
    /// The server could not be reached (DNS, refused, timeout).
    case unreachable(server: String, detail: String)
    /// The server's certificate is not trusted by the configured CA.
    case untrusted(server: String, detail: String)
    /// Any other transport failure.
    case transport(String)
    /// The API answered with an error Status (401, 403, 404, 409, 410, 422, 5xx…).
    case status(code: Int, reason: String, message: String)
    /// An exec credential plugin failed.
    case credentials(String)
    /// The response was not what the API sends.
    case protocolError(String)

    public var description: String {
        switch self {
        case .config(let message): return "error: kubeconfig: \(message)"
        case .unreachable(let server, let detail):
            return
                "error: the cluster at \(server) is unreachable: \(detail) (is the server running, and the kubeconfig's server URL right?)"
        case .untrusted(let server, let detail):
            return
                "error: the certificate of \(server) is not trusted: \(detail) (set certificate-authority(-data) to the cluster's CA; insecure-skip-tls-verify only for throwaway clusters)"
        case .transport(let message): return "error: \(message)"
        case .status(401, _, let message):
            return
                "error: You must be logged in to the server (Unauthorized): \(message) — the token or certificate was refused or has expired"
        case .status(403, _, let message): return "Error from server (Forbidden): \(message)"
        case .status(let code, let reason, let message):
            return "Error from server (\(reason.isEmpty ? String(code) : reason)): \(message)"
        case .credentials(let message): return "error: getting credentials: \(message)"
        case .protocolError(let message): return "error: unexpected answer from the API server: \(message)"
        }
    }

    /// The HTTP status for Status errors.
    public var code: Int? {
        if case .status(let code, _, _) = self { return code }
        return nil
    }

    /// Builds the error for a non-2xx response from its Status body (or the bare code).
    static func from(code: Int, body: String) -> KubeError {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)),
            value["kind"]?.stringValue == "Status"
        {
            return .status(
                code: code, reason: value["reason"]?.stringValue ?? "", message: value["message"]?.stringValue ?? body)
        }
        let reasons = [
            400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 410: "Expired",
            422: "Invalid", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable",
        ]
        return .status(
            code: code, reason: reasons[code] ?? "",
            message: body.isEmpty ? "the server answered \(code)" : String(body.prefix(300)))
    }
}
