/// One thing doctor found: what is wrong, which objects, the evidence, and the fix.
public struct Finding: Sendable, Equatable, Codable {
    public var code: FindingCode
    public var severity: Severity
    /// The objects concerned, as "Kind namespace/name" (a listener or rule appended where it is one of those).
    public var objects: [String]
    public var summary: String
    public var evidence: [String]
    public var fix: String

    public init(
        _ code: FindingCode, _ severity: Severity, objects: [String], summary: String, evidence: [String], fix: String
    ) {
        self.code = code
        self.severity = severity
        self.objects = objects
        self.summary = summary
        self.evidence = evidence
        self.fix = fix
    }

    /// Most severe first, then by code: the order doctor and the console list findings in.
    public static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ($0.severity, $0.code.rawValue) < ($1.severity, $1.code.rawValue) }
    }
}

/// How much a finding matters; `error` sorts first.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case error, warning, info

    private var rank: Int {
        switch self {
        case .error: return 0
        case .warning: return 1
        case .info: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Every finding doctor can report (docs/diagnostics.md explains each).
public enum FindingCode: String, Sendable, Codable, CaseIterable {
    // The data plane.
    case dataplaneDown = "DataplaneDown"
    case configRejected = "ConfigRejected"
    case dataplaneRestarted = "DataplaneRestarted"
    // Gateways and listeners.
    case noRouteForHost = "NoRouteForHost"
    case listenerNotProgrammed = "ListenerNotProgrammed"
    case listenerSetNotAccepted = "ListenerSetNotAccepted"
    // Routes and their backends.
    case routeNotAccepted = "RouteNotAccepted"
    case backendRefNotPermitted = "BackendRefNotPermitted"
    case backendNotFound = "BackendNotFound"
    case backendInvalid = "BackendInvalid"
    case noReadyEndpoints = "NoReadyEndpoints"
    // Layer-4 routes (TLSRoute, TCPRoute, UDPRoute).
    case routeNotServed = "RouteNotServed"
    case backendProtocolMismatch = "BackendProtocolMismatch"
    // GRPCRoutes.
    case backendNotGRPC = "BackendNotGRPC"
    // What the backends answered.
    case plainHTTPToTLSBackend = "PlainHTTPToTLSBackend"
    case tlsToPlainBackend = "TLSToPlainBackend"
    case backendCertCommonNameOnly = "BackendCertCommonNameOnly"
    case backendHostnameMismatch = "BackendHostnameMismatch"
    case backendCertExpired = "BackendCertExpired"
    case backendCertNotYetValid = "BackendCertNotYetValid"
    case backendCertUntrusted = "BackendCertUntrusted"
    // BackendTLSPolicies.
    case caCertificateRefNotFound = "CACertificateRefNotFound"
    case caCertificateInvalid = "CACertificateInvalid"
    case policyConflicted = "PolicyConflicted"
    case policyTargetNotFound = "PolicyTargetNotFound"
    case policyNotAttached = "PolicyNotAttached"
    // NGF's policies (ClientSettings, ProxySettings, UpstreamSettings, RateLimit, Observability, Snippets, WAF).
    case ngfPolicyTargetNotFound = "NGFPolicyTargetNotFound"
    case ngfPolicyNotAttached = "NGFPolicyNotAttached"
    case ngfPolicyTargetKindUnsupported = "NGFPolicyTargetKindUnsupported"
    case ngfPolicyInvalid = "NGFPolicyInvalid"
    case ngfPolicyConflicted = "NGFPolicyConflicted"
    case ngfPolicyTargetNotAccepted = "NGFPolicyTargetNotAccepted"
    case ngfPolicyNotSupported = "NGFPolicyNotSupported"
    // NGF's filters (SnippetsFilter, AuthenticationFilter) and snippets.
    case ngfFilterInvalid = "NGFFilterInvalid"
    case routeFilterInvalid = "RouteFilterInvalid"
    case snippetRejected = "SnippetRejected"
    case snippetsDisabled = "SnippetsDisabled"
    // Cluster mode: the cluster's controller and gwconsole's core disagree.
    case statusDrift = "StatusDrift"
}
