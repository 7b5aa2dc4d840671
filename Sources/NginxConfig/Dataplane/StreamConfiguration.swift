import GatewayAPI
import GatewayCore

/// A Gateway's layer-4 data plane as values: nginx `stream` servers for its TCP, UDP and TLS passthrough listeners,
/// the SNI maps that pick a TLSRoute's backend, the split of weighted backends, and the upstreams. Built by
/// `StreamBuilder`, written by `StreamWriter`.
public struct StreamConfiguration: Sendable, Equatable {
    public var servers: [StreamServer] = []
    public var sniMaps: [SNIMap] = []
    public var splits: [StreamSplit] = []
    public var upstreams: [Upstream] = []
    /// HTTPS ports that a TLS passthrough listener shares: the stream server hands connections whose SNI no TLSRoute
    /// takes to the HTTP servers on this unix socket (with the PROXY protocol, so they see the client's address).
    public var handoffs: [Int: String] = [:]
    /// The unix socket of the server that closes TLS connections whose SNI no TLSRoute takes.
    public var closeSocket = ""
    /// The njs script that tells HTTP/2 with prior knowledge from HTTP/1.1 (absolute path).
    public var protocolScript = ""

    public var isEmpty: Bool { servers.isEmpty }

    /// Some port is split by protocol: the stream block needs njs.
    public var splitsProtocols: Bool {
        servers.contains { if case .protocolSplit = $0.target { true } else { false } }
    }
}

/// One `server` of the stream block: a listener's address and port and where its connections go.
public struct StreamServer: Sendable, Equatable {
    public var gateway: ObjectRef
    public var listener: String
    public var `protocol`: ListenerProtocol
    public var address: String
    public var port: Int
    /// Where connections go.
    public var target: StreamTarget
    /// Listens on this unix socket instead of address and port: the second hop of a TLS passthrough port shared
    /// with HTTPS listeners, which reads the PROXY protocol header the first hop sends.
    public var socket: String? = nil
    /// The first hop of a shared TLS port: sends the PROXY protocol header (the HTTPS servers and the second hops
    /// read the client's address from it).
    public var sendsProxyProtocol = false
}

/// Where a stream server sends its connections.
public enum StreamTarget: Sendable, Equatable {
    /// One upstream, or a split variable over several (a route with weighted backends).
    case proxy(String, route: ObjectRef)
    /// TLS passthrough: the SNI map's variable picks the target.
    case sni(variable: String)
    /// Nothing serves the listener (no route, or no backend with ready endpoints): connections are closed.
    case close(reason: String)
    /// A plain HTTP port with GRPCRoutes: njs reads the first bytes and sends HTTP/2 with prior knowledge to one
    /// socket of the port's HTTP servers, anything else to the other.
    case protocolSplit(ProtocolSplitSockets)
}

/// `map $ssl_preread_server_name $VARIABLE`: each TLSRoute hostname to its target; others to `fallback`.
public struct SNIMap: Sendable, Equatable {
    public var variable: String
    public var entries: [Entry]
    /// The HTTPS handoff socket, or the socket of the server that closes connections.
    public var fallback: String

    public struct Entry: Sendable, Equatable {
        public var hostname: String
        public var target: String
        public var route: ObjectRef
    }
}

/// `split_clients` over a connection's client address and port, for a route with weighted backends.
public struct StreamSplit: Sendable, Equatable {
    public var variable: String
    public var route: ObjectRef
    /// Upstreams with their percentages (the last takes the rest, `*`).
    public var shares: [(upstream: String, percent: Double)]

    public static func == (a: StreamSplit, b: StreamSplit) -> Bool {
        a.variable == b.variable && a.route == b.route && a.shares.map(\.upstream) == b.shares.map(\.upstream)
            && a.shares.map(\.percent) == b.shares.map(\.percent)
    }
}
