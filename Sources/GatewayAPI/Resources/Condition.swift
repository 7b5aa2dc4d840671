/// A status condition (`metav1.Condition`), with its type, status and reason as types: the vocabulary is open
/// (other controllers write their own types and reasons) but compared through named values only.
public struct Condition: Codable, Sendable, Equatable {
    public var type: ConditionType
    public var status: ConditionStatus
    public var observedGeneration: Int64?
    public var lastTransitionTime: String?
    public var reason: ConditionReason?
    public var message: String?

    public init(
        type: ConditionType, status: ConditionStatus, observedGeneration: Int64? = nil,
        lastTransitionTime: String? = nil,
        reason: ConditionReason? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// A condition as stored status JSON holds it (nil without a type).
    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.init(
            type: ConditionType(rawValue: type), status: ConditionStatus(text: json["status"]?.stringValue ?? ""),
            observedGeneration: json["observedGeneration"]?.intValue,
            lastTransitionTime: json["lastTransitionTime"]?.stringValue,
            reason: json["reason"]?.stringValue.map(ConditionReason.init(rawValue:)),
            message: json["message"]?.stringValue)
    }

    /// Whether it says all is well: its status is its type's healthy one (True, or False for Conflicted).
    public var isHealthy: Bool { status == type.healthyStatus }
}

/// A condition's type.
public struct ConditionType: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let accepted: ConditionType = "Accepted"
    public static let programmed: ConditionType = "Programmed"
    public static let resolvedRefs: ConditionType = "ResolvedRefs"
    public static let conflicted: ConditionType = "Conflicted"
    public static let partiallyInvalid: ConditionType = "PartiallyInvalid"
    public static let supportedVersion: ConditionType = "SupportedVersion"
    public static let ready: ConditionType = "Ready"

    /// The status that means all is well: False for the types that name a problem (Conflicted, PartiallyInvalid).
    public var healthyStatus: ConditionStatus { self == .conflicted || self == .partiallyInvalid ? .false : .true }
}

/// A condition's status.
public enum ConditionStatus: String, Sendable, Codable, CustomStringConvertible {
    case `true` = "True"
    case `false` = "False"
    case unknown = "Unknown"

    /// Anything but True or False is Unknown (as the API server's validation allows no other).
    public init(text: String) { self = ConditionStatus(rawValue: text) ?? .unknown }

    public init(_ value: Bool) { self = value ? .true : .false }

    public init(from decoder: any Decoder) throws {
        self.init(text: try decoder.singleValueContainer().decode(String.self))
    }

    /// As written in status: True, False, Unknown.
    public var description: String { rawValue }
}

/// A condition's reason: Gateway API's and NGINX Gateway Fabric's, named where gwconsole writes or reads them.
public struct ConditionReason: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let accepted: ConditionReason = "Accepted"
    public static let programmed: ConditionReason = "Programmed"
    public static let resolvedRefs: ConditionReason = "ResolvedRefs"
    public static let supportedVersion: ConditionReason = "SupportedVersion"
    public static let invalid: ConditionReason = "Invalid"
    public static let conflicted: ConditionReason = "Conflicted"
    public static let noConflicts: ConditionReason = "NoConflicts"
    public static let gatewayClassConflict: ConditionReason = "GatewayClassConflict"
    public static let listenersNotValid: ConditionReason = "ListenersNotValid"
    public static let notAllowed: ConditionReason = "NotAllowed"
    public static let parentNotAccepted: ConditionReason = "ParentNotAccepted"
    public static let parentNotProgrammed: ConditionReason = "ParentNotProgrammed"
    public static let invalidListenerSet: ConditionReason = "InvalidListenerSet"
    public static let unsupportedValue: ConditionReason = "UnsupportedValue"
    public static let unsupportedField: ConditionReason = "UnsupportedField"
    public static let unsupportedProtocol: ConditionReason = "UnsupportedProtocol"
    public static let protocolConflict: ConditionReason = "ProtocolConflict"
    public static let hostnameConflict: ConditionReason = "HostnameConflict"
    public static let invalidRouteKinds: ConditionReason = "InvalidRouteKinds"
    public static let invalidCertificateRef: ConditionReason = "InvalidCertificateRef"
    public static let refNotPermitted: ConditionReason = "RefNotPermitted"
    public static let noMatchingParent: ConditionReason = "NoMatchingParent"
    public static let notAllowedByListeners: ConditionReason = "NotAllowedByListeners"
    public static let noMatchingListenerHostname: ConditionReason = "NoMatchingListenerHostname"
    public static let backendNotFound: ConditionReason = "BackendNotFound"
    public static let invalidKind: ConditionReason = "InvalidKind"
    public static let noValidCACertificate: ConditionReason = "NoValidCACertificate"
    public static let invalidCACertificateRef: ConditionReason = "InvalidCACertificateRef"
    public static let invalidListener: ConditionReason = "InvalidListener"
    public static let pending: ConditionReason = "Pending"
    public static let invalidParameters: ConditionReason = "InvalidParameters"
    public static let invalidClientCertificateRef: ConditionReason = "InvalidClientCertificateRef"
    // NGINX Gateway Fabric's, on its policies, filters and NginxProxy references.
    public static let targetNotFound: ConditionReason = "TargetNotFound"
    public static let targetConflict: ConditionReason = "TargetConflict"
    public static let overridden: ConditionReason = "Overridden"
    public static let reconciling: ConditionReason = "Reconciling"
    public static let ancestorLimitReached: ConditionReason = "AncestorLimitReached"
    public static let nginxProxyConfigNotSet: ConditionReason = "NginxProxyConfigNotSet"
    public static let invalidFilter: ConditionReason = "InvalidFilter"
    public static let parametersRefInvalid: ConditionReason = "ParametersRefInvalid"
    public static let parametersRefNotFound: ConditionReason = "ParametersRefNotFound"
    // cert-manager's, on Certificates.
    public static let ready: ConditionReason = "Ready"
    public static let failed: ConditionReason = "Failed"

    /// Every reason above: the vocabulary doctor's completeness is tested against.
    public static let vocabulary: [ConditionReason] = [
        .accepted, .programmed, .resolvedRefs, .supportedVersion, .invalid, .conflicted, .noConflicts,
        .gatewayClassConflict, .listenersNotValid, .notAllowed, .parentNotAccepted, .parentNotProgrammed,
        .invalidListenerSet, .unsupportedValue, .unsupportedField, .unsupportedProtocol, .protocolConflict,
        .hostnameConflict, .invalidRouteKinds, .invalidCertificateRef, .refNotPermitted, .noMatchingParent,
        .notAllowedByListeners, .noMatchingListenerHostname, .backendNotFound, .invalidKind, .noValidCACertificate,
        .invalidCACertificateRef, .invalidListener, .pending, .invalidParameters, .invalidClientCertificateRef,
        .targetNotFound, .targetConflict, .overridden, .reconciling, .ancestorLimitReached, .nginxProxyConfigNotSet,
        .invalidFilter, .parametersRefInvalid, .parametersRefNotFound, .ready, .failed,
    ]
}

extension JSONValue {
    /// The conditions of a status JSON value's `conditions` list (entries without a type left out).
    public var conditionList: [Condition] { (self["conditions"]?.arrayValue ?? []).compactMap(Condition.init(json:)) }
}

extension Array where Element == Condition {
    /// The condition of `type`, if present.
    public func condition(_ type: ConditionType) -> Condition? { first { $0.type == type } }

    public var accepted: Condition? { condition(.accepted) }
    public var programmed: Condition? { condition(.programmed) }
    public var resolvedRefs: Condition? { condition(.resolvedRefs) }
    public var conflicted: Condition? { condition(.conflicted) }

    /// Whether the condition of `type` is present and True.
    public func isTrue(_ type: ConditionType) -> Bool { condition(type)?.status == .true }

    /// Whether the condition of `type` is present and False.
    public func isFalse(_ type: ConditionType) -> Bool { condition(type)?.status == .false }
}
