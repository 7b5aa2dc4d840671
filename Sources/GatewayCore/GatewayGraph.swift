import GatewayAPI

/// GatewayClasses, Gateways and their listeners: acceptance, references, conflicts.
enum GatewayGraph {
    static let routeGroup = "gateway.networking.k8s.io"
    /// The route kinds a listener of each protocol takes.
    static func routeKinds(_ listenerProtocol: ListenerProtocol) -> [String] {
        switch listenerProtocol {
        case .http, .https: return ["HTTPRoute", "GRPCRoute"]
        case .tls: return [L4RouteKind.tls.rawValue]
        case .tcp: return [L4RouteKind.tcp.rawValue]
        case .udp: return [L4RouteKind.udp.rawValue]
        default: return []
        }
    }

    static func classes(_ snapshot: ResourceSnapshot, _ config: ControllerConfig) -> [GatewayClassNode] {
        snapshot.gatewayClasses.sorted { $0.name < $1.name }.map { gc in
            let ours = gc.spec.controllerName == config.controllerName
            var conditions: [Condition] = []
            var accepted = false
            if ours {
                if gc.name == config.gatewayClassName {
                    conditions = [Conditions.classAccepted, Conditions.classSupportedVersion]
                    accepted = true
                    if let parameters = NginxProxyGraph.classConditions(gc, snapshot: snapshot) {
                        for condition in parameters {
                            if let index = conditions.firstIndex(where: { $0.type == condition.type }) {
                                conditions[index] = condition
                            } else {
                                conditions.append(condition)
                            }
                        }
                    }
                } else {
                    conditions = [Conditions.classConflict, Conditions.classSupportedVersion]
                }
            }
            return GatewayClassNode(
                ref: ObjectRef(gc), source: gc, ours: ours, accepted: accepted, conditions: conditions)
        }
    }

    /// The Gateways of the accepted class of this controller, with listeners resolved.
    static func gateways(
        _ snapshot: ResourceSnapshot, _ config: ControllerConfig, classes: [GatewayClassNode],
        references: inout ReferenceIndex
    ) -> [GatewayNode] {
        let acceptedClasses = Set(classes.filter { $0.ours && $0.accepted }.map(\.source.name))
        return snapshot.gateways
            .filter { acceptedClasses.contains($0.spec.gatewayClassName) }
            .sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            .map { gateway in
                let ref = ObjectRef(gateway)
                references.add(
                    ref,
                    ObjectRef(
                        group: GatewayClass.group, kind: GatewayClass.kind, namespace: "",
                        name: gateway.spec.gatewayClassName))
                var drafts = gateway.spec.listeners.map {
                    listener($0, owner: ref, snapshot: snapshot, config: config, references: &references)
                }
                markConflicts(&drafts)
                // An address without a value asks for one of its type (GatewayAddressEmpty): the embedded data plane
                // assigns it. A value it cannot honour.
                let addressProblem =
                    (gateway.spec.addresses ?? []).allSatisfy {
                        ($0.value ?? "").isEmpty && ($0.type ?? "IPAddress") == "IPAddress"
                    }
                    ? nil
                    : "spec.addresses with a value or a type other than IPAddress is not supported: the embedded data plane assigns the Gateway's address"
                let parametersProblem = NginxProxyGraph.gatewayProblem(gateway, snapshot: snapshot)
                let backendCertificate = backendClientCertificate(
                    gateway, snapshot: snapshot, config: config, references: &references)
                let validCount = drafts.filter(\.valid).count
                var conditions: [Condition]
                let accepted: Bool
                if let addressProblem {
                    conditions = [Conditions.gatewayUnsupportedValue(addressProblem)]
                    accepted = false
                } else if let parametersProblem {
                    // As NGF: Accepted=False InvalidParameters, but the Gateway stays in its graph (its listeners
                    // serve, routes and policies attach) with its class's settings.
                    conditions = [
                        Conditions.gatewayInvalidParameters(
                            "The Gateway is not accepted due to an invalid ParametersRef: \(parametersProblem)")
                    ]
                    accepted = validCount > 0
                } else if validCount == 0 {
                    conditions = [Conditions.gatewayNoValidListeners]
                    accepted = false
                } else {
                    conditions = [
                        validCount == drafts.count ? Conditions.gatewayAccepted : Conditions.gatewayListenersPartlyValid
                    ]
                    accepted = true
                }
                let dataplane = config.gatewayDataplane[ref] ?? config.dataplane
                if !accepted {
                    conditions.append(Conditions.gatewayNotProgrammed(.invalid, conditions[0].message ?? ""))
                } else if dataplane.programmed {
                    conditions.append(Conditions.gatewayProgrammed)
                } else {
                    conditions.append(
                        Conditions.gatewayNotProgrammed(.pending, "Gateway is not programmed yet: \(dataplane.detail)"))
                }
                // Routes attach to a Gateway whose listeners are all invalid (their attachedRoutes count them), not to
                // one refused for itself (addresses, parameters).
                let attachable = accepted || conditions[0].reason == .listenersNotValid
                let listeners = drafts.map {
                    var node = $0.finish(
                        gatewayAccepted: accepted, gatewayAttachable: attachable,
                        gatewayMessage: conditions[0].message ?? "", dataplane: dataplane)
                    node.namespace = gateway.namespace
                    return node
                }
                if let resolved = backendCertificate.condition {
                    conditions.append(resolved)
                } else if let parametersProblem {
                    conditions.append(Conditions.make(.resolvedRefs, false, .parametersRefInvalid, parametersProblem))
                } else if gateway.spec.infrastructure?.parametersRef != nil {
                    conditions.append(
                        Conditions.make(.resolvedRefs, true, .resolvedRefs, "The referenced resources are resolved"))
                }
                return GatewayNode(
                    ref: ref, source: gateway, accepted: accepted, conditions: conditions, listeners: listeners,
                    addresses: accepted ? [dataplane.address].compactMap { $0 } : [],
                    backendClientCertificate: backendCertificate.certificate)
            }
    }

    /// A listener's verdict before the Gateway's: the Accepted, ResolvedRefs and Conflicted conditions.
    struct ListenerDraft {
        var listener: Listener
        var accepted: Condition
        var resolved: Condition
        var conflicted = Conditions.listenerNoConflicts
        var supportedKinds: [RouteGroupKind]
        var certificate: ObjectRef?
        /// Usable for routes as far as the listener itself goes (kinds included).
        var usable: Bool

        /// Unsupported route kinds alongside supported ones leave the listener usable for the supported ones.
        var valid: Bool {
            usable && accepted.status == .true && conflicted.status == .false
                && (resolved.status == .true || resolved.reason == .invalidRouteKinds)
        }

        /// The message of the first failing condition, which Programmed=False repeats (as NGF does).
        var problem: String? {
            [accepted, resolved].first { $0.status == .false }?.message
                ?? (conflicted.status == .true ? conflicted.message : nil)
        }

        /// The listener's conditions in NGF's order: Accepted, Programmed, ResolvedRefs, Conflicted.
        func finish(gatewayAccepted: Bool, gatewayAttachable: Bool, gatewayMessage: String, dataplane: DataplaneState)
            -> ListenerNode
        {
            let programmed: Condition
            if !valid, let problem {
                programmed = Conditions.listenerNotProgrammed(.invalid, problem)
            } else if !valid {
                programmed = Conditions.listenerNotProgrammed(.invalid, "Listener is not valid")
            } else if !gatewayAccepted {
                programmed = Conditions.listenerNotProgrammed(.invalid, gatewayMessage)
            } else if dataplane.programmed {
                programmed = Conditions.listenerProgrammed
            } else {
                programmed = Conditions.listenerNotProgrammed(
                    .pending, "Listener is not programmed yet: \(dataplane.detail)")
            }
            // Only an unresolved reference left: routes still attach (GatewayWithAttachedRoutes), nothing is served.
            let unresolvedOnly =
                accepted.status == .true || accepted.reason == .invalidCertificateRef
                || accepted.reason == .refNotPermitted
            return ListenerNode(
                name: listener.name, port: listener.port, protocol: listener.protocol, hostname: listener.hostname,
                valid: valid && gatewayAccepted,
                attachable: usable && gatewayAttachable && conflicted.status == .false && unresolvedOnly,
                conditions: [accepted, programmed, resolved, conflicted],
                supportedKinds: supportedKinds, certificate: certificate, source: listener)
        }
    }

    /// One listener: protocol, route kinds and certificate references.
    static func listener(
        _ listener: Listener, owner: ObjectRef, snapshot: ResourceSnapshot, config: ControllerConfig,
        references: inout ReferenceIndex
    ) -> ListenerDraft {
        var accepted = Conditions.listenerAccepted
        var resolved = Conditions.listenerResolvedRefs
        let protocolKinds = routeKinds(listener.protocol)
        var supportedKinds = protocolKinds.map { RouteGroupKind(group: routeGroup, kind: $0) }
        var certificate: ObjectRef?

        if protocolKinds.isEmpty {
            accepted = Conditions.listenerUnsupportedProtocol(
                "Protocol \"\(listener.protocol)\" is not supported, use \"HTTP\", \"HTTPS\", \"TLS\", \"TCP\" or \"UDP\""
            )
        }
        if [.tcp, .udp].contains(listener.protocol), listener.hostname != nil {
            accepted = Conditions.listenerUnsupportedValue(
                "hostname: Forbidden: hostname is not supported for \(listener.protocol) listener")
        }
        if listener.protocol == .tls, accepted.status == .true, (listener.tls?.mode ?? "Terminate") != "Passthrough" {
            // As NGF: a TLS listener passes connections through; terminating TLS is an HTTPS listener's job.
            accepted = Conditions.listenerUnsupportedValue(
                "tls.mode: Unsupported value: \"\(listener.tls?.mode ?? "Terminate")\": supported values: \"Passthrough\""
            )
            supportedKinds = []
        }

        if let kinds = listener.allowedRoutes?.kinds, !kinds.isEmpty {
            func takes(_ kind: RouteGroupKind) -> Bool {
                (kind.group ?? routeGroup) == routeGroup && protocolKinds.contains(kind.kind)
            }
            let valid = kinds.filter(takes)
            let invalid = kinds.filter { !takes($0) }
            supportedKinds =
                accepted.status == .true
                ? valid.map { RouteGroupKind(group: $0.group ?? routeGroup, kind: $0.kind) } : []
            if !invalid.isEmpty {
                let names = invalid.map { "\($0.group ?? routeGroup)/\($0.kind)" }.joined(separator: ", ")
                resolved = Conditions.listenerInvalidRouteKinds("Route kinds are not supported: \(names)")
            }
        }

        if listener.protocol == .https, accepted.status == .true {
            let tls = listener.tls
            if (tls?.mode ?? "Terminate") != "Terminate" {
                accepted = Conditions.listenerUnsupportedValue(
                    "tls.mode \"\(tls?.mode ?? "")\" is not supported for HTTPS, use \"Terminate\"")
            } else if let ref = tls?.certificateRefs?.first {
                let namespace = ref.namespace ?? owner.namespace
                let target = ObjectRef(group: "", kind: ref.kind ?? "Secret", namespace: namespace, name: ref.name)
                if (ref.group ?? "") != "" || (ref.kind ?? "Secret") != "Secret" {
                    resolved = Conditions.listenerInvalidCertificateRef(
                        "Certificate reference \(ref.kind ?? "Secret") \(ref.name) must be a core Secret")
                } else if !ReferenceGrants.permits(
                    snapshot.referenceGrants, fromGroup: owner.group, fromKind: owner.kind,
                    fromNamespace: owner.namespace,
                    toGroup: "", toKind: "Secret", toNamespace: namespace, toName: ref.name)
                {
                    resolved = Conditions.listenerRefNotPermitted(
                        "Certificate reference to Secret \(namespace)/\(ref.name) is not permitted by any ReferenceGrant"
                    )
                } else if let secret = snapshot.secret(namespace, ref.name) {
                    references.add(owner, target)
                    if let problem = tlsSecretProblem(secret, config) {
                        resolved = Conditions.listenerInvalidCertificateRef(
                            "Secret \(namespace)/\(ref.name) is not a valid TLS Secret: \(problem)")
                    } else {
                        certificate = target
                    }
                } else {
                    references.add(owner, target)
                    // A Secret cert-manager has yet to issue says which Certificate will, and why it has not.
                    let issuing = snapshot.certificates.first {
                        $0.namespace == namespace && $0.spec.secretName == ref.name
                    }
                    let waiting = issuing.map { certificate in
                        let ready = (certificate.status ?? [:]).conditionList.condition(.ready)
                        return ": Certificate \(namespace)/\(certificate.name) issues it, not yet"
                            + (ready?.message.map { " (\($0))" } ?? "")
                    }
                    resolved = Conditions.listenerInvalidCertificateRef(
                        "Secret \(namespace)/\(ref.name) does not exist\(waiting ?? "")")
                }
            } else {
                resolved = Conditions.listenerInvalidCertificateRef("An HTTPS listener needs tls.certificateRefs")
            }
        }

        // As NGF: a certificate that does not resolve also makes the listener not accepted.
        if resolved.status == .false, let reason = resolved.reason,
            reason == .invalidCertificateRef || reason == .refNotPermitted
        {
            accepted = Conditions.make(.accepted, false, reason, resolved.message ?? "")
        }
        return ListenerDraft(
            listener: listener, accepted: accepted, resolved: resolved, supportedKinds: supportedKinds,
            certificate: certificate, usable: !supportedKinds.isEmpty)
    }

    /// `spec.tls.backend.clientCertificateRef`: a core Secret of type kubernetes.io/tls, in the Gateway's namespace
    /// or granted by a ReferenceGrant. The Gateway's ResolvedRefs condition says whether it resolved.
    static func backendClientCertificate(
        _ gateway: Gateway, snapshot: ResourceSnapshot, config: ControllerConfig, references: inout ReferenceIndex
    ) -> (condition: Condition?, certificate: ObjectRef?) {
        guard let ref = gateway.spec.tls?.backend?.clientCertificateRef else { return (nil, nil) }
        let namespace = ref.namespace ?? gateway.namespace
        let target = ObjectRef(group: "", kind: "Secret", namespace: namespace, name: ref.name)
        if (ref.group ?? "") != "" || (ref.kind ?? "Secret") != "Secret" {
            return (
                Conditions.gatewayUnresolvedRefs(
                    .invalidClientCertificateRef,
                    "Client certificate reference \(ref.group ?? "")/\(ref.kind ?? "Secret") \(ref.name) must be a core Secret"
                ),
                nil
            )
        }
        if !ReferenceGrants.permits(
            snapshot.referenceGrants, fromGroup: Gateway.group, fromKind: "Gateway", fromNamespace: gateway.namespace,
            toGroup: "", toKind: "Secret", toNamespace: namespace, toName: ref.name)
        {
            return (
                Conditions.gatewayUnresolvedRefs(
                    .refNotPermitted,
                    "Client certificate reference to Secret \(namespace)/\(ref.name) is not permitted by any ReferenceGrant"
                ),
                nil
            )
        }
        references.add(ObjectRef(gateway), target)
        guard let secret = snapshot.secret(namespace, ref.name) else {
            return (
                Conditions.gatewayUnresolvedRefs(
                    .invalidClientCertificateRef, "Client certificate Secret \(namespace)/\(ref.name) does not exist"),
                nil
            )
        }
        if let problem = tlsSecretProblem(secret, config) {
            return (
                Conditions.gatewayUnresolvedRefs(
                    .invalidClientCertificateRef,
                    "Client certificate Secret \(namespace)/\(ref.name) is not a valid TLS Secret: \(problem)"),
                nil
            )
        }
        return (Conditions.gatewayResolvedRefs, target)
    }

    static func tlsSecretProblem(_ secret: Secret, _ config: ControllerConfig) -> String? {
        if let type = secret.type, type != "kubernetes.io/tls" { return "type is \(type), expected kubernetes.io/tls" }
        let data = secret.data ?? [:]
        var pem: [String] = []
        for key in ["tls.crt", "tls.key"] {
            guard let value = data[key], let decoded = Base64.decode(value), !decoded.isEmpty else {
                return "\(key) is missing or empty"
            }
            pem.append(String(decoding: decoded, as: UTF8.self))
        }
        return config.keyPairCheck(pem[0], pem[1])
    }

    /// Listeners on one port must agree on the protocol (HTTPS and TLS passthrough share one, told apart by SNI;
    /// TCP and UDP are different transports on one port number); on one port and protocol, hostnames must differ,
    /// and a TCP or UDP port has one listener. A conflicted listener is not accepted either (NGF's ProtocolConflict
    /// and HostnameConflict).
    static func markConflicts(_ listeners: inout [ListenerDraft]) {
        let candidates = listeners.indices.filter { listeners[$0].accepted.status == .true }
        for (_, indices) in Dictionary(grouping: candidates, by: { listeners[$0].listener.port })
        where indices.count > 1 {
            let protocols = Set(indices.map { listeners[$0].listener.protocol })
            let compatible = protocols.count == 1 || protocols == [.https, .tls] || protocols == [.tcp, .udp]
            if !compatible {
                let message =
                    "Multiple listeners for the same port \(listeners[indices[0]].listener.port) specify incompatible protocols; ensure only one protocol per port"
                for i in indices { listeners[i].conflict(Conditions.listenerProtocolConflict(message)) }
                continue
            }
            for transport in [ListenerProtocol.tcp, .udp] {
                let same = indices.filter { listeners[$0].listener.protocol == transport }
                if same.count > 1 { markSamePort(&listeners, same) }
            }
            if protocols == [.https, .tls] {
                // NGF: HTTPS and TLS listeners on one port must not overlap, or SNI could not tell them apart.
                let https = indices.filter { listeners[$0].listener.protocol == .https }
                let tls = indices.filter { listeners[$0].listener.protocol == .tls }
                var overlapping = Set<Int>()
                for h in https {
                    for t in tls
                    where HostnameMatching.intersects(listeners[h].listener.hostname, listeners[t].listener.hostname) {
                        overlapping.formUnion([h, t])
                    }
                }
                let message =
                    "HTTPS and TLS listeners for the same port \(listeners[indices[0]].listener.port) specify overlapping hostnames; ensure no overlapping hostnames for HTTPS and TLS listeners for the same port"
                for i in overlapping.sorted() { listeners[i].conflict(Conditions.listenerHostnameConflict(message)) }
            }
            let named = indices.filter {
                ![ListenerProtocol.tcp, .udp].contains(listeners[$0].listener.protocol)
                    && listeners[$0].conflicted.status == .false
            }
            for (_, same) in Dictionary(
                grouping: named,
                by: {
                    "\(listeners[$0].listener.protocol)|\(listeners[$0].listener.hostname ?? "")"
                }) where same.count > 1
            {
                let message =
                    "Multiple listeners for the same port \(listeners[same[0]].listener.port) specify the same hostname; ensure only one listener per hostname and port"
                for i in same { listeners[i].conflict(Conditions.listenerHostnameConflict(message)) }
            }
        }
    }
}

extension GatewayGraph {
    /// Two TCP (or two UDP) listeners on one port: nothing tells their connections apart.
    static func markSamePort(_ listeners: inout [ListenerDraft], _ indices: [Int]) {
        let message =
            "Multiple \(listeners[indices[0]].listener.protocol) listeners cannot share the same port \(listeners[indices[0]].listener.port)"
        for i in indices { listeners[i].conflict(Conditions.listenerProtocolConflict(message)) }
    }
}

extension GatewayGraph.ListenerDraft {
    mutating func conflict(_ condition: Condition) {
        conflicted = condition
        accepted = Conditions.make(.accepted, false, condition.reason ?? "", condition.message ?? "")
    }
}
