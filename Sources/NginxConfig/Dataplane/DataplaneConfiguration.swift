import GatewayAPI
import GatewayCore

/// One Gateway's data plane as values, between the graph and the nginx files (as NGF keeps `dataplane.Configuration`
/// between its graph and its templates): servers with their locations and what each does, the maps that select and
/// split, upstreams, and the files nginx reads. Every piece names the objects it came from, which the writers put in
/// comments (the NGINX tab's "which object made this line"). Built by `DataplaneBuilder`, written by the writers.
public struct DataplaneConfiguration: Sendable, Equatable {
    public var gateway: ObjectRef
    public var servers: [VirtualServer]
    /// `map` and `split_clients` blocks, in the order they were made (their names are numbered in that order).
    public var maps: [MapDefinition]
    /// By name.
    public var upstreams: [Upstream]
    /// Listener certificates and CA bundles, by path (written 0600).
    public var files: [DataplaneFile]
    public var bindings: [ListenerBinding]
    /// The TCP, UDP and TLS passthrough listeners' `stream` block.
    public var stream = StreamConfiguration()
    /// What NGF's policies and filters add, by level.
    public var policies = PolicyDirectives()
}

/// One nginx `server`: a listener port and hostname (nil: the port's default server).
public struct VirtualServer: Sendable, Equatable {
    public var gateway: ObjectRef
    public var address: String
    public var port: Int
    public var ssl: Bool
    public var hostname: String?
    /// The PEM file (certificate and key) for an HTTPS server; nil there rejects the handshake.
    public var certificateFile: String?
    /// A `location /` answering 404 comes first when no route serves `/`.
    public var defaultNotFound: Bool
    public var locations: [Location]
    /// The internal locations of the server's request mirrors.
    public var mirrors: [MirrorLocation] = []
    /// HTTPS listeners sharing the port: a request whose SNI chose another listener than its Host does gets 421
    /// Misdirected Request. The `sniListener` map's variable, and this server's listener hostname.
    public var misdirected: (variable: String, listener: String)? = nil
    /// A TLS passthrough listener shares the port: the server listens on this unix socket, behind the stream
    /// server's SNI map, with the PROXY protocol carrying the client's address.
    public var handoffSocket: String? = nil
    /// GRPCRoutes use the port: HTTP/2 is served (`http2` on the listen; ALPN on HTTPS).
    public var http2 = false
    /// A plain port that serves HTTP/2 without TLS (h2c) beside HTTP/1.1: the stream server in front reads a
    /// connection's first bytes and hands it to one of these unix sockets, with the PROXY protocol.
    public var protocolSplit: ProtocolSplitSockets? = nil
    /// Some location answers gRPC calls: the server has the named locations that turn errors into gRPC statuses.
    public var grpcErrors = false
    /// A what-if shadow's server listens on this unix socket (`unix:PATH`) instead of its address and port.
    public var listenSocket: String? = nil

    public static func == (a: VirtualServer, b: VirtualServer) -> Bool {
        a.gateway == b.gateway && a.address == b.address && a.port == b.port && a.ssl == b.ssl
            && a.hostname == b.hostname && a.certificateFile == b.certificateFile
            && a.defaultNotFound == b.defaultNotFound && a.locations == b.locations && a.mirrors == b.mirrors
            && a.misdirected?.variable == b.misdirected?.variable && a.misdirected?.listener == b.misdirected?.listener
            && a.handoffSocket == b.handoffSocket && a.http2 == b.http2 && a.protocolSplit == b.protocolSplit
            && a.grpcErrors == b.grpcErrors && a.listenSocket == b.listenSocket
    }
}

/// The unix sockets of a port split by protocol: HTTP/1.1 connections on one, HTTP/2 with prior knowledge (h2c,
/// gRPC) on the other.
public struct ProtocolSplitSockets: Sendable, Equatable {
    public var http1: String
    public var http2: String
}

/// Where a rule's match came from: `HTTPRoute ns/name rule R match M`.
public struct RuleSource: Sendable, Equatable {
    public var route: ObjectRef
    public var rule: Int
    public var match: Int

    public var comment: String { "\(route.kind) \(route.namespacedName) rule \(rule) match \(match)" }
}

/// One nginx location and the requests it takes.
public struct Location: Sendable, Equatable {
    /// The location's match as nginx writes it (`= "/tea"`, `"/coffee/"`, `~ "…"`), quoted.
    public var spec: String
    public var body: Body
    /// The named locations of weighted backends the location's actions jump to, written after it.
    public var splitBackends: [NamedBackend]

    public enum Body: Sendable, Equatable {
        /// One match, without method, header or query conditions.
        case direct(RuleSource, RuleAction)
        /// Matches with conditions: a selector map picks the first that holds; each has a named location.
        case selector(variable: String, branches: [Branch])
    }

    /// A selectable match: its code (`error_page CODE = @name`) and named location.
    public struct Branch: Sendable, Equatable {
        public var code: Int
        public var name: String
        public var source: RuleSource
        public var action: RuleAction
    }
}

/// What a chosen rule does.
public enum RuleAction: Sendable, Equatable {
    case redirect(Redirect)
    /// No backend can take traffic (none, or all with weight 0): 500.
    case noBackend
    /// A filter of the rule did not resolve (ResolvedRefs InvalidFilter): 500, never served without it.
    case invalidFilter(String)
    case backend(BackendAction)
    /// Weighted backends: a `split_clients` variable picks one, which jumps to its named location (written after
    /// the location, in `Location.splitBackends`).
    case split(variable: String, choices: [SplitChoice])
}

/// One of a split's outcomes: `if ($split = INDEX) { return CODE; }` and `error_page CODE = @name`.
public struct SplitChoice: Sendable, Equatable {
    public var index: Int
    public var code: Int
    public var name: String
}

/// A weighted backend's named location.
public struct NamedBackend: Sendable, Equatable {
    public var name: String
    public var code: Int
    public var source: RuleSource
    public var index: Int
    public var weight: Int32
    public var action: BackendAction
}

/// A backend as the data plane serves it.
public enum BackendAction: Sendable, Equatable {
    /// Its reference did not resolve (ResolvedRefs false): 500.
    case unusable(target: String, reason: ConditionReason)
    /// No Service or port to send to: 500.
    case unresolved
    /// Its BackendTLSPolicy is invalid: 500, never plain text instead.
    case invalidPolicy(ObjectRef)
    /// No ready endpoint: 503.
    case noEndpoints(target: String)
    case proxy(Proxy)
}

/// A request sent to an upstream, with the rule's filters.
public struct Proxy: Sendable, Equatable {
    /// `Service ns/name:port`.
    public var target: String
    public var upstream: String
    public var filters: RequestFilters
    public var tls: BackendTLS?
    /// The rule's RequestMirror filters: each request is also sent there, its answer dropped.
    public var mirrors: [MirrorLocation] = []
    /// A GRPCRoute's backend: `grpc_pass` over HTTP/2, errors answered as gRPC statuses.
    public var grpc = false
}

/// A `RequestMirror` filter: an internal location that proxies a copy of the request to the mirror's backend,
/// for all requests or the share a `split_clients` variable picks.
public struct MirrorLocation: Sendable, Equatable {
    /// `Service ns/name:port`.
    public var target: String
    /// The internal location's URI (`/_gw_mirror#N`: a `#` no Exact or PathPrefix route path may hold, so it
    /// never collides with a route's location).
    public var location: String
    /// The upstream; nil when the Service has no ready endpoints (the copy is dropped).
    public var upstream: String?
    /// The `split_clients` variable that is 1 for the mirrored share; nil mirrors every request.
    public var sampleVariable: String?
    /// A GRPCRoute's mirror: the copy is a gRPC call.
    public var grpc = false
}

/// How NGINX speaks TLS to a backend, from its BackendTLSPolicy: SNI and verification against a CA bundle.
public struct BackendTLS: Sendable, Equatable {
    public var policy: ObjectRef
    /// `validation.hostname`: the SNI and the name the certificate must carry.
    public var hostname: String
    /// The absolute path of the CA bundle nginx verifies with.
    public var trustedCertificate: String
    /// The Gateway's `spec.tls.backend.clientCertificateRef` (certificate and key in one PEM file), shown to the
    /// backend: mutual TLS.
    public var clientCertificate: String? = nil
}

/// A rule's header modifiers and URL rewrite, as `proxy_set_header`, `add_header` and `rewrite` lines.
public struct RequestFilters: Sendable, Equatable {
    public var request: HTTPHeaderFilter?
    public var response: HTTPHeaderFilter?
    public var rewrite: HTTPURLRewriteFilter?
    /// For `add` of a request header: the map variable that appends to the value the request has.
    public var appendVariables: [String: String]
    /// The matched path (for ReplacePrefixMatch).
    public var matchedPath: String
}

/// A `RequestRedirect` filter, the matched path (for ReplacePrefixMatch), and the listener's port and protocol (a
/// redirect without scheme and port keeps the listener's port, as the Gateway declares it).
public struct Redirect: Sendable, Equatable {
    public var filter: HTTPRequestRedirectFilter
    public var matchedPath: String
    public var listenerPort: Int
    public var listenerTLS: Bool
}

/// A `map` or `split_clients` block.
public enum MapDefinition: Sendable, Equatable {
    /// `variable` is 1 when `source` matches `pattern`.
    case condition(variable: String, source: String, pattern: String)
    /// The first branch whose flags are all 1: `~^1.1 560`.
    case selector(variable: String, flags: [String], entries: [SelectorEntry])
    /// `split_clients "$request_id"`: shares in percent (nil: the rest).
    case split(variable: String, shares: [String?])
    /// `split_clients "$request_id"`: `variable` is 1 for `percent` of requests, else empty (a mirror's sample).
    case sample(variable: String, percent: String)
    /// A request header's value with one appended (`add`), or the value alone when the request has none.
    case appendHeader(variable: String, source: String, value: String)
    /// `map $ssl_server_name` with `hostnames`: the listener hostname (`""`: the listener without one) that a TLS
    /// handshake's SNI selects on one HTTPS port, for detecting misdirected requests.
    case sniListener(variable: String, defaultValue: String, hostnames: [String])

    public struct SelectorEntry: Sendable, Equatable {
        public var regex: String
        public var code: Int
        public var comment: String
    }
}

/// An upstream: a Service port's ready endpoints.
public struct Upstream: Sendable, Equatable {
    public var name: String
    public var servers: [String]
}

/// A file nginx reads beside its config (listener PEMs, CA bundles).
public struct DataplaneFile: Sendable, Equatable {
    public var path: String
    public var content: String
}
