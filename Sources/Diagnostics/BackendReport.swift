/// One endpoint of a route's backend, asked plain HTTP and TLS: what it speaks beside what the Gateway sends it.
public struct BackendReport: Sendable, Codable {
    public var route: String
    public var rule: Int
    /// "namespace/name:port".
    public var service: String
    /// "ip:port".
    public var endpoint: String
    /// What the Gateway sends, in words.
    public var gatewaySends: String
    /// The BackendTLSPolicy in effect ("namespace/name"), if any.
    public var policy: String?
    /// The SNI (and verified name) the Gateway uses with that policy.
    public var sni: String?
    public var plain: ProbeResult
    public var tls: ProbeResult
    public var backendSpeaks: BackendProtocol
    /// What the backend speaks is what the Gateway sends.
    public var agrees: Bool

    public init(
        route: String, rule: Int, service: String, endpoint: String, policy: String?, sni: String?, plain: ProbeResult,
        tls: ProbeResult
    ) {
        self.route = route
        self.rule = rule
        self.service = service
        self.endpoint = endpoint
        self.policy = policy
        self.sni = sni
        self.plain = plain
        self.tls = tls
        backendSpeaks = BackendProtocol.spoken(plain: plain, tls: tls)
        gatewaySends = policy.map { "TLS (BackendTLSPolicy \($0), SNI \(sni ?? ""))" } ?? "plain HTTP"
        agrees = policy == nil ? backendSpeaks == .plainHTTP : backendSpeaks == .tls
    }

    /// The endpoint's address and port.
    public var address: (ip: String, port: Int) { BackendReport.split(endpoint) }

    /// "ip:port" (or "[v6]:port") apart; port 80 when none is given.
    public static func split(_ endpoint: String) -> (ip: String, port: Int) {
        guard let colon = endpoint.lastIndex(of: ":") else { return (endpoint, 80) }
        let ip = String(endpoint[..<colon]).filter { $0 != "[" && $0 != "]" }
        return (ip, Int(endpoint[endpoint.index(after: colon)...]) ?? 80)
    }
}

/// What a backend answers in.
public enum BackendProtocol: String, Sendable, Codable {
    case tls = "TLS"
    case plainHTTP = "plain HTTP"
    case nothing = "nothing (no answer)"

    /// From a plain request and a TLS one to the same endpoint: an answer to plain HTTP that is not nginx's "plain
    /// HTTP sent to HTTPS port" means plain; a handshake (or a certificate refused) means TLS.
    public static func spoken(plain: ProbeResult, tls: ProbeResult) -> BackendProtocol {
        let speaksPlain = plain.status != 0 && !plain.isPlainHTTPToHTTPSPort
        let speaksTLS = tls.status != 0 || !tls.peerChain.isEmpty || (tls.verifyResult ?? 0) != 0
        if speaksTLS && !speaksPlain { return .tls }
        return speaksPlain ? .plainHTTP : .nothing
    }
}

/// What the shell's probes saw for one route, for doctor's backend rules: the request through its Gateway with the
/// error-log lines nginx wrote meanwhile, and each backend endpoint asked plain and TLS.
public struct RouteObservation: Sendable {
    public var url: String
    public var throughGateway: ProbeResult
    public var errorLogLines: [String]
    public var backends: [BackendReport]
    /// For an endpoint that speaks TLS with no policy in effect: the ConfigMap of its namespace whose ca.crt
    /// verifies it (a key with a nil value: none does).
    public var trustedCA: [String: String?]
    /// For an endpoint whose certificate did not verify and whose chain the handshake did not report: the chain,
    /// looked at again without verifying.
    public var unverifiedChains: [String: [PeerCertificate]]

    public init(
        url: String, throughGateway: ProbeResult, errorLogLines: [String], backends: [BackendReport],
        trustedCA: [String: String?] = [:], unverifiedChains: [String: [PeerCertificate]] = [:]
    ) {
        self.url = url
        self.throughGateway = throughGateway
        self.errorLogLines = errorLogLines
        self.backends = backends
        self.trustedCA = trustedCA
        self.unverifiedChains = unverifiedChains
    }
}
