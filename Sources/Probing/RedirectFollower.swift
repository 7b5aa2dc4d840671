import Diagnostics
import Foundation
import GatewayAPI
import NginxConfig

/// Where a Gateway's redirect leads on this machine: a `Location` names the port a listener declares (443), and
/// the embedded data plane serves that listener on its port plus the port offset (24443). The probe follows such a
/// redirect to the listener that serves it, and says so.
public enum RedirectFollower {
    public struct Hop: Sendable, Equatable {
        /// The URL to request (the served port) and its `--resolve` entry.
        public var url: String
        public var resolve: String
        /// What was followed, in words.
        public var note: String
    }

    /// The request that follows `result`'s redirect through the Gateway's own listeners; nil when it is no redirect
    /// or leads elsewhere (another host's address, a port no listener declares).
    public static func hop(from result: ProbeResult, bindings: [ListenerBinding], portOffset: Int) -> Hop? {
        guard [301, 302, 303, 307, 308].contains(result.status),
            let location = result.headers.first(where: { $0.lowercased().hasPrefix("location:") })
                .map({ String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces) }),
            let components = URLComponents(string: location), let scheme = components.scheme?.lowercased(),
            let host = components.host, ["http", "https"].contains(scheme)
        else { return nil }
        let declared = components.port ?? (scheme == "https" ? 443 : 80)
        let wanted: ListenerProtocol = scheme == "https" ? .https : .http
        guard let binding = bindings.first(where: { $0.port - portOffset == declared && $0.protocol == wanted }) else {
            return nil
        }
        var target = URLComponents()
        target.scheme = scheme
        target.host = host
        target.port = binding.port
        target.percentEncodedPath = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        target.percentEncodedQuery = components.percentEncodedQuery
        guard let url = target.string else { return nil }
        let served =
            binding.port == declared
            ? "" : " (port \(declared) is served on \(binding.port) here: port offset \(portOffset))"
        return Hop(
            url: url, resolve: "\(host):\(binding.port):\(binding.address)",
            note:
                "followed the redirect to \(location): listener \(binding.listener) on \(binding.address):\(binding.port)\(served)"
        )
    }
}
