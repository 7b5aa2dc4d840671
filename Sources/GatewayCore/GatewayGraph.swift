import GatewayAPI

/// GatewayClasses, Gateways and their listeners: acceptance, references, conflicts.
enum GatewayGraph {
    static let routeGroup = "gateway.networking.k8s.io"
    static let supportedRouteKinds = [RouteGroupKind(group: routeGroup, kind: "HTTPRoute")]

    static func classes(_ snapshot: ResourceSnapshot, _ config: ControllerConfig) -> [GatewayClassNode] {
        snapshot.gatewayClasses.sorted { $0.name < $1.name }.map { gc in
            let ours = gc.spec.controllerName == config.controllerName
            var conditions: [Condition] = []
            var accepted = false
            if ours {
                if gc.name == config.gatewayClassName {
                    conditions = [Conditions.classAccepted, Conditions.classSupportedVersion]
                    accepted = true
                } else {
                    conditions = [Conditions.classConflict, Conditions.classSupportedVersion]
                }
            }
            return GatewayClassNode(ref: ObjectRef(gc), source: gc, ours: ours, accepted: accepted, conditions: conditions)
        }
    }

    /// The Gateways of the accepted class of this controller, with listeners resolved.
    static func gateways(_ snapshot: ResourceSnapshot, _ config: ControllerConfig, classes: [GatewayClassNode],
                         references: inout ReferenceIndex) -> [GatewayNode] {
        let acceptedClasses = Set(classes.filter { $0.ours && $0.accepted }.map(\.source.name))
        return snapshot.gateways
            .filter { acceptedClasses.contains($0.spec.gatewayClassName) }
            .sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            .map { gateway in
                let ref = ObjectRef(gateway)
                references.add(ref, ObjectRef(group: GatewayClass.group, kind: GatewayClass.kind, namespace: "", name: gateway.spec.gatewayClassName))
                var listeners = gateway.spec.listeners.map { listener($0, gateway: gateway, snapshot: snapshot, references: &references) }
                markConflicts(&listeners)
                let addressProblem = (gateway.spec.addresses ?? []).isEmpty ? nil
                    : "spec.addresses is not supported: the embedded data plane assigns the Gateway's address"
                let validCount = listeners.filter(\.valid).count
                var conditions: [Condition]
                let accepted: Bool
                if let addressProblem {
                    conditions = [Conditions.gatewayUnsupportedValue(addressProblem)]
                    accepted = false
                } else if validCount == 0 {
                    conditions = [Conditions.gatewayNoValidListeners]
                    accepted = false
                } else {
                    conditions = [validCount == listeners.count ? Conditions.gatewayAccepted : Conditions.gatewayListenersPartlyValid]
                    accepted = true
                }
                let dataplane = config.dataplane
                if !accepted {
                    conditions.append(Conditions.gatewayNotProgrammed("Invalid", "Gateway is not programmed: it is not accepted"))
                } else if dataplane.programmed {
                    conditions.append(Conditions.gatewayProgrammed)
                } else {
                    conditions.append(Conditions.gatewayNotProgrammed("Pending", "Gateway is not programmed yet: \(dataplane.detail)"))
                }
                for index in listeners.indices {
                    let programmed: Condition
                    if !listeners[index].valid {
                        programmed = Conditions.listenerNotProgrammed("Invalid", "Listener is invalid for this parent ref")
                    } else if !accepted {
                        programmed = Conditions.listenerNotProgrammed("Invalid", "Listener is not programmed: the Gateway is not accepted")
                    } else if dataplane.programmed {
                        programmed = Conditions.listenerProgrammed
                    } else {
                        programmed = Conditions.listenerNotProgrammed("Pending", "Listener is not programmed yet: \(dataplane.detail)")
                    }
                    listeners[index].conditions.insert(programmed, at: 2)
                    if !accepted { listeners[index].valid = false }
                }
                return GatewayNode(ref: ref, source: gateway, accepted: accepted, conditions: conditions, listeners: listeners,
                                   addresses: accepted ? [dataplane.address].compactMap { $0 } : [])
            }
    }

    /// One listener: protocol, route kinds and certificate references. Conditions in the order Accepted,
    /// ResolvedRefs, (Programmed inserted later), Conflicted.
    static func listener(_ listener: Listener, gateway: Gateway, snapshot: ResourceSnapshot, references: inout ReferenceIndex) -> ListenerNode {
        var accepted = Conditions.listenerAccepted
        var resolved = Conditions.listenerResolvedRefs
        var supportedKinds = supportedRouteKinds
        var certificate: ObjectRef?

        switch listener.protocol {
        case "HTTP", "HTTPS": break
        default:
            accepted = Conditions.listenerUnsupportedProtocol("Protocol \"\(listener.protocol)\" is not supported, use \"HTTP\" or \"HTTPS\"")
            supportedKinds = []
        }

        if let kinds = listener.allowedRoutes?.kinds, !kinds.isEmpty {
            let valid = kinds.filter { ($0.group ?? routeGroup) == routeGroup && $0.kind == "HTTPRoute" }
            let invalid = kinds.filter { !(($0.group ?? routeGroup) == routeGroup && $0.kind == "HTTPRoute") }
            supportedKinds = accepted.status == "True" ? valid.map { RouteGroupKind(group: $0.group ?? routeGroup, kind: $0.kind) } : []
            if !invalid.isEmpty {
                let names = invalid.map { "\($0.group ?? routeGroup)/\($0.kind)" }.joined(separator: ", ")
                resolved = Conditions.listenerInvalidRouteKinds("Route kinds are not supported: \(names)")
                if valid.isEmpty && accepted.status == "True" {
                    accepted = Conditions.make("Accepted", false, "InvalidRouteKinds", "No supported route kinds: \(names)")
                }
            }
        }

        if listener.protocol == "HTTPS", accepted.status == "True" {
            let tls = listener.tls
            if (tls?.mode ?? "Terminate") != "Terminate" {
                accepted = Conditions.listenerUnsupportedValue("tls.mode \"\(tls?.mode ?? "")\" is not supported for HTTPS, use \"Terminate\"")
            } else if let ref = tls?.certificateRefs?.first {
                let namespace = ref.namespace ?? gateway.namespace
                let target = ObjectRef(group: "", kind: ref.kind ?? "Secret", namespace: namespace, name: ref.name)
                if (ref.group ?? "") != "" || (ref.kind ?? "Secret") != "Secret" {
                    resolved = Conditions.listenerInvalidCertificateRef("Certificate reference \(ref.kind ?? "Secret") \(ref.name) must be a core Secret")
                } else if !ReferenceGrants.permits(snapshot.referenceGrants, fromGroup: Gateway.group, fromKind: "Gateway", fromNamespace: gateway.namespace,
                                                   toGroup: "", toKind: "Secret", toNamespace: namespace, toName: ref.name) {
                    resolved = Conditions.listenerRefNotPermitted("Certificate reference to Secret \(namespace)/\(ref.name) is not permitted by any ReferenceGrant")
                } else if let secret = snapshot.secret(namespace, ref.name) {
                    references.add(ObjectRef(gateway), target)
                    if let problem = tlsSecretProblem(secret) {
                        resolved = Conditions.listenerInvalidCertificateRef("Secret \(namespace)/\(ref.name) is not a valid TLS Secret: \(problem)")
                    } else {
                        certificate = target
                    }
                } else {
                    references.add(ObjectRef(gateway), target)
                    resolved = Conditions.listenerInvalidCertificateRef("Secret \(namespace)/\(ref.name) does not exist")
                }
            } else {
                resolved = Conditions.listenerInvalidCertificateRef("An HTTPS listener needs tls.certificateRefs")
            }
        }

        // A listener whose references do not resolve stays Accepted (as the spec says) but is not usable.
        let conditions = [accepted, resolved, Conditions.listenerNoConflicts]
        let valid = accepted.status == "True" && resolved.status == "True"
        return ListenerNode(name: listener.name, port: listener.port, protocol: listener.protocol, hostname: listener.hostname,
                            valid: valid, conditions: conditions, supportedKinds: supportedKinds, certificate: certificate, source: listener)
    }

    static func tlsSecretProblem(_ secret: Secret) -> String? {
        if let type = secret.type, type != "kubernetes.io/tls" { return "type is \(type), expected kubernetes.io/tls" }
        let data = secret.data ?? [:]
        for key in ["tls.crt", "tls.key"] {
            guard let value = data[key], let decoded = Base64.decode(value), !decoded.isEmpty else { return "\(key) is missing or empty" }
        }
        return nil
    }

    /// Listeners on one port must agree on the protocol; on one port and protocol, hostnames must differ.
    static func markConflicts(_ listeners: inout [ListenerNode]) {
        let byPort = Dictionary(grouping: listeners.indices.filter { listeners[$0].conditions[0].status == "True" }, by: { listeners[$0].port })
        for (_, indices) in byPort where indices.count > 1 {
            let protocols = Set(indices.map { listeners[$0].protocol })
            if protocols.count > 1 {
                for i in indices {
                    listeners[i].conditions[2] = Conditions.listenerProtocolConflict
                    listeners[i].valid = false
                }
                continue
            }
            let byHost = Dictionary(grouping: indices, by: { listeners[$0].hostname ?? "" })
            for (_, same) in byHost where same.count > 1 {
                for i in same {
                    listeners[i].conditions[2] = Conditions.listenerHostnameConflict
                    listeners[i].valid = false
                }
            }
        }
    }
}
