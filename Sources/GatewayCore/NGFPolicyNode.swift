import GatewayAPI

/// NGF's policy kinds (group gateway.nginx.org).
public enum NGFPolicyKind: String, Sendable, CaseIterable, Hashable {
    case clientSettings = "ClientSettingsPolicy"
    case proxySettings = "ProxySettingsPolicy"
    case upstreamSettings = "UpstreamSettingsPolicy"
    case rateLimit = "RateLimitPolicy"
    case observability = "ObservabilityPolicy"
    case snippets = "SnippetsPolicy"
    case waf = "WAFPolicy"

    /// The kinds a policy of this kind may target.
    public var targetKinds: [String] {
        switch self {
        case .clientSettings, .proxySettings, .rateLimit, .waf: return ["Gateway", "HTTPRoute", "GRPCRoute"]
        case .upstreamSettings: return ["Service"]
        case .observability: return ["HTTPRoute", "GRPCRoute"]
        case .snippets: return ["Gateway"]
        }
    }

    /// The condition NGF writes on each Gateway and route the policy targets (none for Services).
    public var affectedCondition: ConditionType? {
        switch self {
        case .upstreamSettings: return nil
        case .waf: return "gateway.nginx.org/WAFPolicyAffected"
        default: return ConditionType(rawValue: rawValue + "Affected")
        }
    }
}

/// A policy's spec, typed by kind.
public enum NGFPolicySpec: Sendable, Equatable {
    case clientSettings(ClientSettingsPolicySpec)
    case proxySettings(ProxySettingsPolicySpec)
    case upstreamSettings(UpstreamSettingsPolicySpec)
    case rateLimit(RateLimitPolicySpec)
    case observability(ObservabilityPolicySpec)
    case snippets(SnippetsPolicySpec)
    case waf(JSONValue)
}

/// One of NGF's policies and how it attached: its targets, whether it is valid, its conditions per ancestor.
public struct NGFPolicyNode: Sendable {
    public var ref: ObjectRef
    public var kind: NGFPolicyKind
    public var spec: NGFPolicySpec
    public var metadata: ObjectMeta
    /// The status as stored (other controllers' ancestors are kept).
    public var previousStatus: PolicyStatus?
    /// The targets that exist in the graph (Gateways of this controller, routes attached to them, Services they use).
    public var targets: [ObjectRef]
    /// Passes validation and no older policy conflicts with it: it takes effect.
    public var valid: Bool
    /// Problems of the policy itself (Invalid, Conflicted), written for every ancestor.
    public var conditions: [Condition]
    /// The status entries: the Gateway (Gateway targets, Services' Gateways) or the route itself (route targets).
    public var ancestors: [NGFPolicyAncestor]

    /// The conditions of one ancestor as NGF writes them: Accepted, Programmed, then the ancestor's and the policy's
    /// own problems, the last of each type kept.
    public func statusConditions(_ ancestor: NGFPolicyAncestor) -> [Condition] {
        let problems = ancestor.conditions + conditions
        let rejected = problems.contains { $0.type == .accepted && $0.status == .false }
        let programmed: Condition
        if valid && !rejected {
            programmed = Conditions.make(.programmed, true, .programmed, "Policy is programmed in the data plane")
        } else if problems.contains(where: { $0.reason == .conflicted && $0.status == .false }) {
            programmed = Conditions.make(
                .programmed, false, .overridden, "Policy is overridden by a conflicting policy of greater precedence")
        } else {
            programmed = Conditions.make(
                .programmed, false, .reconciling, "Policy is not programmed in the data plane")
        }
        var result: [Condition] = []
        for condition in [Conditions.ngfPolicyAccepted, programmed] + problems {
            if let index = result.firstIndex(where: { $0.type == condition.type }) {
                result[index] = condition
            } else {
                result.append(condition)
            }
        }
        return result
    }
}

/// A policy status entry: the object it is written for and its own conditions (TargetNotFound, …).
public struct NGFPolicyAncestor: Sendable, Equatable {
    public var ref: ObjectRef
    public var conditions: [Condition]
}

/// NGF's SnippetsFilter or AuthenticationFilter, and whether it is accepted.
public struct NGFFilterNode: Sendable {
    public var ref: ObjectRef
    public var valid: Bool
    public var conditions: [Condition]
    public var previousStatus: NGFFilterStatus?
    public var generation: Int64?
    /// A SnippetsFilter's snippets.
    public var snippets: [Snippet] = []
    /// An AuthenticationFilter's realm and htpasswd lines (Secret key `auth`), when it resolved.
    public var basicAuth: (realm: String, secret: ObjectRef, htpasswd: String)? = nil
}
