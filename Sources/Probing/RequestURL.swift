import Foundation

/// An http:// or https:// URL as a request to a Gateway: scheme, host, port (the scheme's default when none is
/// given) and request target (path, `/` when empty, with its query), percent-encoding kept.
public struct RequestURL: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var target: String

    /// nil for anything but an http:// or https:// URL with a host.
    public init?(_ url: String) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
            let scheme = components.scheme, ["http", "https"].contains(scheme)
        else { return nil }
        self.scheme = scheme
        self.host = host
        port = components.port ?? (scheme == "https" ? 443 : 80)
        target =
            (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}
