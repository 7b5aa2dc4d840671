import GatewayAPI

/// The conditions the controller writes, with NGINX Gateway Fabric's reasons and messages.
/// `observedGeneration` and `lastTransitionTime` are filled in when status is written.
public enum Conditions {
    static func make(_ type: ConditionType, _ status: Bool, _ reason: ConditionReason, _ message: String) -> Condition {
        Condition(type: type, status: ConditionStatus(status), reason: reason, message: message)
    }

    // MARK: GatewayClass

    static let classAccepted = make(.accepted, true, .accepted, "GatewayClass is accepted")
    static let classSupportedVersion = make(
        .supportedVersion, true, .supportedVersion, "Gateway API CRD versions are supported")
    static let classConflict = make(
        .accepted, false, .gatewayClassConflict, "The resource is ignored due to a conflicting GatewayClass resource")

    // MARK: Gateway

    static let gatewayAccepted = make(.accepted, true, .accepted, "Gateway is accepted")
    static let gatewayListenersPartlyValid = make(
        .accepted, true, .listenersNotValid, "Gateway has at least one valid listener")
    static let gatewayNoValidListeners = make(.accepted, false, .listenersNotValid, "Gateway has no valid listeners")
    static func gatewayUnsupportedValue(_ message: String) -> Condition {
        make(.accepted, false, .unsupportedValue, message)
    }
    static let gatewayProgrammed = make(.programmed, true, .programmed, "Gateway is programmed")
    static func gatewayInvalidParameters(_ message: String) -> Condition {
        make(.accepted, false, .invalidParameters, message)
    }
    static let gatewayResolvedRefs = make(.resolvedRefs, true, .resolvedRefs, "All references are resolved")
    static func gatewayUnresolvedRefs(_ reason: ConditionReason, _ message: String) -> Condition {
        make(.resolvedRefs, false, reason, message)
    }
    static func gatewayNotProgrammed(_ reason: ConditionReason, _ message: String) -> Condition {
        make(.programmed, false, reason, message)
    }

    // MARK: Listener

    static let listenerAccepted = make(.accepted, true, .accepted, "Listener is accepted")
    static let listenerResolvedRefs = make(.resolvedRefs, true, .resolvedRefs, "All references are resolved")
    static let listenerProgrammed = make(.programmed, true, .programmed, "Listener is programmed")
    static let listenerNoConflicts = make(.conflicted, false, .noConflicts, "No conflicts")
    static func listenerNotProgrammed(_ reason: ConditionReason, _ message: String) -> Condition {
        make(.programmed, false, reason, message)
    }
    static func listenerUnsupportedProtocol(_ message: String) -> Condition {
        make(.accepted, false, .unsupportedProtocol, message)
    }
    static func listenerUnsupportedValue(_ message: String) -> Condition {
        make(.accepted, false, .unsupportedValue, message)
    }
    static func listenerInvalidRouteKinds(_ message: String) -> Condition {
        make(.resolvedRefs, false, .invalidRouteKinds, message)
    }
    static func listenerInvalidCertificateRef(_ message: String) -> Condition {
        make(.resolvedRefs, false, .invalidCertificateRef, message)
    }
    static func listenerRefNotPermitted(_ message: String) -> Condition {
        make(.resolvedRefs, false, .refNotPermitted, message)
    }
    static func listenerProtocolConflict(_ message: String) -> Condition {
        make(.conflicted, true, .protocolConflict, message)
    }
    static func listenerHostnameConflict(_ message: String) -> Condition {
        make(.conflicted, true, .hostnameConflict, message)
    }

    // MARK: Route

    static let routeAccepted = make(.accepted, true, .accepted, "The route is accepted")
    static let routeResolvedRefs = make(.resolvedRefs, true, .resolvedRefs, "All references are resolved")
    static func routeNotAccepted(_ reason: ConditionReason, _ message: String) -> Condition {
        make(.accepted, false, reason, message)
    }
    static func routeNotResolved(_ reason: ConditionReason, _ message: String) -> Condition {
        make(.resolvedRefs, false, reason, message)
    }
    static func routePartiallyInvalid(_ message: String) -> Condition {
        make(.partiallyInvalid, true, .unsupportedValue, message)
    }

    // MARK: BackendTLSPolicy

    static let policyAccepted = make(.accepted, true, .accepted, "BackendTLSPolicy is accepted by the Gateway")
    static let policyResolvedRefs = make(.resolvedRefs, true, .resolvedRefs, "All CACertificateRefs are resolved")
    static func policyInvalid(_ message: String) -> Condition { make(.accepted, false, .invalid, message) }
    static func policyConflicted(_ message: String) -> Condition { make(.accepted, false, .conflicted, message) }
    static func policyNoValidCA(_ message: String) -> Condition {
        make(.accepted, false, .noValidCACertificate, message)
    }
    static func policyInvalidCARef(_ message: String) -> Condition {
        make(.resolvedRefs, false, .invalidCACertificateRef, message)
    }
    static func policyInvalidKind(_ message: String) -> Condition { make(.resolvedRefs, false, .invalidKind, message) }

    // MARK: NGF's policies and filters

    static let ngfPolicyAccepted = make(.accepted, true, .accepted, "The Policy is accepted")
    static func ngfPolicyInvalid(_ message: String) -> Condition { make(.accepted, false, .invalid, message) }
    static func ngfPolicyConflicted(_ kind: NGFPolicyKind) -> Condition {
        make(.accepted, false, .conflicted, "Conflicts with another \(kind.rawValue)")
    }
    static func ngfPolicyTargetNotFound(_ message: String) -> Condition {
        make(.accepted, false, .targetNotFound, message)
    }
    static func ngfPolicyNginxProxyNotSet(_ message: String) -> Condition {
        make(.accepted, false, .nginxProxyConfigNotSet, message)
    }
    static func ngfPolicyAffected(_ kind: NGFPolicyKind) -> Condition? {
        kind.affectedCondition.map {
            make(
                $0, true, "PolicyAffected",
                kind == .waf
                    ? "WAFPolicy is applied to the resource" : "The \(kind.rawValue) is applied to the resource")
        }
    }
    static func filterAccepted(_ kind: String) -> Condition {
        make(.accepted, true, .accepted, "The \(kind) is accepted")
    }
    static func filterInvalid(_ message: String) -> Condition { make(.accepted, false, .invalid, message) }
    static func routeInvalidFilter(_ message: String) -> Condition {
        make(.resolvedRefs, false, .invalidFilter, message)
    }
}
