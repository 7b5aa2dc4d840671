import GatewayAPI

/// One thing doctor found: what is wrong, which objects, the evidence, and the fix.
public struct Finding: Sendable, Equatable, Codable {
    public var code: FindingCode
    public var severity: Severity
    /// The objects concerned, as "Kind namespace/name" (a listener or rule appended where it is one of those).
    public var objects: [String]
    public var summary: String
    public var evidence: [String]
    public var fix: String
    /// The conditions it explains, beyond the objects it names (which it covers whole when this is empty): the
    /// general rule reports every unhealthy condition no finding covers (`ConditionRules`).
    public var covers: [ConditionKey] = []

    enum CodingKeys: String, CodingKey {
        case code, severity, objects, summary, evidence, fix
    }

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

    /// The order doctor and the console list findings in: alike findings folded (`folded`), most severe first, then
    /// grouped by the object they concern, then by code.
    public static func ordered(_ findings: [Finding]) -> [Finding] {
        folded(findings).sorted {
            ($0.severity, $0.objects.first ?? "", $0.code.rawValue) < (
                $1.severity, $1.objects.first ?? "", $1.code.rawValue
            )
        }
    }

    /// Findings of one code and severity with the same summary and fix (the same fault on several objects, or twice
    /// on one) as one: their objects together, their evidence without repeats, and the count in the summary. Fold
    /// after `DoctorGate` has hidden what `--ignore` names, so an ignored object never hides another.
    public static func folded(_ findings: [Finding]) -> [Finding] {
        var order: [String] = []
        var groups: [String: [Finding]] = [:]
        for finding in findings {
            let key =
                "\(finding.code.rawValue)\u{0}\(finding.severity.rawValue)\u{0}\(finding.summary)\u{0}\(finding.fix)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(finding)
        }
        return order.map { key in
            let group = groups[key]!
            guard group.count > 1 else { return group[0] }
            var first = group[0]
            var objects: [String] = []
            var evidence: [String] = []
            var seenObjects: Set<String> = []
            var seenEvidence: Set<String> = []
            for finding in group {
                for object in finding.objects where seenObjects.insert(object).inserted { objects.append(object) }
                // Each object's evidence under its name, when the objects differ.
                let name = finding.objects.first.map { "\($0): " } ?? ""
                for line in finding.evidence {
                    if seenEvidence.insert(name + line).inserted { evidence.append(name + line) }
                }
                first.covers += finding.covers
            }
            first.objects = objects
            first.evidence = evidence
            first.summary += " (\(group.count) times)"
            return first
        }
    }
}

/// A condition of an object, as findings cover it: `object` as findings name objects ("HTTPRoute default/app",
/// "Gateway default/gw listener https"), and the condition's type (nil: every type).
public struct ConditionKey: Sendable, Equatable, Hashable {
    public var object: String
    public var type: ConditionType?

    public init(_ object: String, _ type: ConditionType?) {
        self.object = object
        self.type = type
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
    // Local pods, cert-manager Certificates, and what the request log shows.
    case podNotReady = "PodNotReady"
    case certificateNotReady = "CertificateNotReady"
    case requestsFailing = "RequestsFailing"
    // Certificates as of now or `doctor --at`.
    case certificateExpired = "CertificateExpired"
    case certificateExpiresSoon = "CertificateExpiresSoon"
    // Any other unhealthy condition the core computed (no specific rule above covers it).
    case unhealthyCondition = "UnhealthyCondition"
    // Cluster mode: the cluster's controller and gwconsole's core disagree.
    case statusDrift = "StatusDrift"
}
