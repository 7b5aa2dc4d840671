import GatewayAPI
import GatewayCore

/// What a probe of a TLSRoute, TCPRoute or UDPRoute saw through its Gateway's listener: the connection (or
/// datagram), what came back, the backend's certificate chain for TLS passthrough, and which upstream nginx chose
/// (from the Gateway's session log).
public struct StreamProbeResult: Sendable, Equatable, Codable {
    public var route: String
    public var transport: String
    public var address: String
    public var port: Int
    /// TLS passthrough: the SNI name sent.
    public var sni: String?
    public var connected: Bool
    public var connectMilliseconds: Double?
    /// Bytes sent after connecting (TCP) or as the datagram (UDP).
    public var sent: Int
    /// What came back, printable (control characters as `.`), at most 2 KiB.
    public var received: String
    public var receivedBytes: Int
    public var error: String?
    /// TLS passthrough: the chain the backend presented through nginx (the Gateway terminates nothing).
    public var peerChain: [PeerCertificate]
    /// TLS passthrough: the HTTP status when the backend answered HTTPS (0: none).
    public var httpStatus: Int
    /// The upstream nginx proxied to, from the session log (nil when the log had no line for it yet).
    public var upstream: String?
    /// The endpoints the route's backends have (what `upstream` should be one of).
    public var endpoints: [String]
    /// The probe's own port (TCP, UDP), which finds its session in the log.
    public var clientPort: Int? = nil

    public init(
        route: String, transport: String, address: String, port: Int, sni: String? = nil, connected: Bool = false,
        connectMilliseconds: Double? = nil, sent: Int = 0, received: String = "", receivedBytes: Int = 0,
        error: String? = nil, peerChain: [PeerCertificate] = [], httpStatus: Int = 0, upstream: String? = nil,
        endpoints: [String] = []
    ) {
        self.route = route
        self.transport = transport
        self.address = address
        self.port = port
        self.sni = sni
        self.connected = connected
        self.connectMilliseconds = connectMilliseconds
        self.sent = sent
        self.received = received
        self.receivedBytes = receivedBytes
        self.error = error
        self.peerChain = peerChain
        self.httpStatus = httpStatus
        self.upstream = upstream
        self.endpoints = endpoints
    }

    /// The lines `probe` prints and the console's diagnostics pane shows.
    public var lines: [String] {
        var lines: [String] = []
        let target = "\(address):\(port)"
        switch transport {
        case "udp":
            lines.append("\(route): UDP datagram of \(sent) bytes to \(target)")
        case "tls":
            lines.append("\(route): TLS handshake with SNI \(sni ?? "(none)") through \(target) (passthrough)")
        default:
            lines.append("\(route): TCP connection to \(target)")
        }
        if let error {
            lines.append("  ✗ \(error)")
        } else if transport != "udp" {
            lines.append(
                "  ✓ connected\(connectMilliseconds.map { " in \(String(format: "%.2f", $0)) ms" } ?? "")"
                    + (sent > 0 ? ", sent \(sent) bytes" : ""))
        }
        if receivedBytes > 0 {
            lines.append("  received \(receivedBytes) bytes:")
            for line in received.split(separator: "\n", omittingEmptySubsequences: false).prefix(12) {
                lines.append("    " + line)
            }
        } else if error == nil && transport != "tls" {
            lines.append(
                transport == "udp"
                    ? "  no answer within the timeout"
                    : "  no bytes within the timeout (a backend that waits for the client to speak: --data sends some)")
        }
        if transport == "tls" {
            for (index, certificate) in peerChain.enumerated() {
                lines.append(
                    "  certificate \(index): subject \(certificate.subject), issuer \(certificate.issuer), not after \(certificate.notAfter)"
                )
            }
            if httpStatus > 0 { lines.append("  the backend answered HTTPS with status \(httpStatus)") }
        }
        if let upstream {
            let known = endpoints.contains(upstream)
            lines.append(
                "  nginx proxied to \(upstream)"
                    + (known
                        ? " (an endpoint of the route's backends)"
                        : endpoints.isEmpty
                            ? "" : " (not one of the route's endpoints \(endpoints.joined(separator: ", ")))"))
        } else if !endpoints.isEmpty {
            lines.append(
                "  the route's endpoints: \(endpoints.joined(separator: ", "))"
                    + (transport == "udp"
                        ? " (nginx logs a UDP session when it ends, 10 s after its last datagram)" : ""))
        }
        return lines
    }
}
