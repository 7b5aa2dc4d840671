import GatewayAPI

/// The conditions the controller writes, with NGINX Gateway Fabric's reasons and messages.
/// `observedGeneration` and `lastTransitionTime` are filled in when status is written.
public enum Conditions {
    static func make(_ type: String, _ status: Bool, _ reason: String, _ message: String) -> Condition {
        Condition(type: type, status: status ? "True" : "False", reason: reason, message: message)
    }

    // MARK: GatewayClass

    static let classAccepted = make("Accepted", true, "Accepted", "GatewayClass is accepted")
    static let classSupportedVersion = make("SupportedVersion", true, "SupportedVersion", "Gateway API CRD versions are supported")
    static let classConflict = make("Accepted", false, "GatewayClassConflict", "The resource is ignored due to a conflicting GatewayClass resource")

    // MARK: Gateway

    static let gatewayAccepted = make("Accepted", true, "Accepted", "Gateway is accepted")
    static let gatewayListenersPartlyValid = make("Accepted", true, "ListenersNotValid", "Gateway has at least one valid listener")
    static let gatewayNoValidListeners = make("Accepted", false, "ListenersNotValid", "Gateway has no valid listeners")
    static func gatewayUnsupportedValue(_ message: String) -> Condition { make("Accepted", false, "UnsupportedValue", message) }
    static let gatewayProgrammed = make("Programmed", true, "Programmed", "Gateway is programmed")
    static func gatewayNotProgrammed(_ reason: String, _ message: String) -> Condition { make("Programmed", false, reason, message) }

    // MARK: Listener

    static let listenerAccepted = make("Accepted", true, "Accepted", "Listener is accepted")
    static let listenerResolvedRefs = make("ResolvedRefs", true, "ResolvedRefs", "All references are resolved")
    static let listenerProgrammed = make("Programmed", true, "Programmed", "Listener is programmed")
    static let listenerNoConflicts = make("Conflicted", false, "NoConflicts", "No conflicts")
    static func listenerNotProgrammed(_ reason: String, _ message: String) -> Condition { make("Programmed", false, reason, message) }
    static func listenerUnsupportedProtocol(_ message: String) -> Condition { make("Accepted", false, "UnsupportedProtocol", message) }
    static func listenerUnsupportedValue(_ message: String) -> Condition { make("Accepted", false, "UnsupportedValue", message) }
    static func listenerInvalidRouteKinds(_ message: String) -> Condition { make("ResolvedRefs", false, "InvalidRouteKinds", message) }
    static func listenerInvalidCertificateRef(_ message: String) -> Condition { make("ResolvedRefs", false, "InvalidCertificateRef", message) }
    static func listenerRefNotPermitted(_ message: String) -> Condition { make("ResolvedRefs", false, "RefNotPermitted", message) }
    static func listenerProtocolConflict(_ message: String) -> Condition { make("Conflicted", true, "ProtocolConflict", message) }
    static func listenerHostnameConflict(_ message: String) -> Condition { make("Conflicted", true, "HostnameConflict", message) }

    // MARK: Route

    static let routeAccepted = make("Accepted", true, "Accepted", "The route is accepted")
    static let routeResolvedRefs = make("ResolvedRefs", true, "ResolvedRefs", "All references are resolved")
    static func routeNotAccepted(_ reason: String, _ message: String) -> Condition { make("Accepted", false, reason, message) }
    static func routeNotResolved(_ reason: String, _ message: String) -> Condition { make("ResolvedRefs", false, reason, message) }
    static func routePartiallyInvalid(_ message: String) -> Condition { make("PartiallyInvalid", true, "UnsupportedValue", message) }

    // MARK: BackendTLSPolicy

    static let policyAccepted = make("Accepted", true, "Accepted", "BackendTLSPolicy is accepted by the Gateway")
    static let policyResolvedRefs = make("ResolvedRefs", true, "ResolvedRefs", "All CACertificateRefs are resolved")
    static func policyInvalid(_ message: String) -> Condition { make("Accepted", false, "Invalid", message) }
    static func policyConflicted(_ message: String) -> Condition { make("Accepted", false, "Conflicted", message) }
    static func policyNoValidCA(_ message: String) -> Condition { make("Accepted", false, "NoValidCACertificate", message) }
    static func policyInvalidCARef(_ message: String) -> Condition { make("ResolvedRefs", false, "InvalidCACertificateRef", message) }
    static func policyInvalidKind(_ message: String) -> Condition { make("ResolvedRefs", false, "InvalidKind", message) }
}
