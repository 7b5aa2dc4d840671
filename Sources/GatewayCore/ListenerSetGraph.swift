import GatewayAPI

/// ListenerSets: which Gateway takes each (its `spec.allowedListeners`), and their listeners merged into the
/// Gateway's in the spec's precedence (the Gateway's own, then older ListenerSets, then by namespace/name). A
/// listener that conflicts with one before it loses (HostnameConflict, ProtocolConflict); the others are served.
enum ListenerSetGraph {
    static func attach(
        _ snapshot: ResourceSnapshot, _ config: ControllerConfig, gateways: inout [GatewayNode],
        references: inout ReferenceIndex
    ) -> [ListenerSetNode] {
        let ordered = snapshot.listenerSets.sorted {
            ($0.metadata.creationTimestamp ?? "", $0.namespace, $0.name)
                < ($1.metadata.creationTimestamp ?? "", $1.namespace, $1.name)
        }
        var nodes: [ListenerSetNode] = []
        for set in ordered {
            let ref = ObjectRef(set)
            let parent = set.spec.parentRef
            guard (parent.group ?? Gateway.group) == Gateway.group, (parent.kind ?? "Gateway") == "Gateway",
                let g = gateways.firstIndex(where: {
                    $0.ref == .gateway(parent.namespace ?? set.namespace, parent.name)
                })
            else { continue }  // another controller's Gateway, or none: its status is not ours
            references.add(ref, gateways[g].ref)
            let node = attach(
                set, ref: ref, to: &gateways[g], snapshot: snapshot, config: config, references: &references)
            gateways[g].listenerSets[ref] = node.accepted
            nodes.append(node)
        }
        return nodes.sorted { ($0.ref.namespace, $0.ref.name) < ($1.ref.namespace, $1.ref.name) }
    }

    static func attach(
        _ set: ListenerSet, ref: ObjectRef, to gateway: inout GatewayNode, snapshot: ResourceSnapshot,
        config: ControllerConfig, references: inout ReferenceIndex
    ) -> ListenerSetNode {
        let gatewayName = gateway.ref.namespacedName
        func refused(_ reason: ConditionReason, _ message: String, programmed: ConditionReason? = nil)
            -> ListenerSetNode
        {
            ListenerSetNode(
                ref: ref, source: set, gateway: gateway.ref, accepted: false,
                conditions: [
                    Conditions.make(.accepted, false, reason, message),
                    Conditions.make(.programmed, false, programmed ?? reason, message),
                ], listeners: [])
        }
        guard allowed(set, by: gateway.source, snapshot: snapshot) else {
            return refused(
                .notAllowed,
                "ListenerSet is not allowed by parent Gateway \(gatewayName) AllowedListeners configuration")
        }
        guard gateway.accepted else {
            return refused(
                .parentNotAccepted, "Parent Gateway \(gatewayName) is not accepted", programmed: .parentNotProgrammed)
        }
        var drafts = set.spec.listeners.map {
            GatewayGraph.listener($0, owner: ref, snapshot: snapshot, config: config, references: &references)
        }
        // Each listener against the valid ones before it in the merged list: the Gateway's, older ListenerSets',
        // then this ListenerSet's earlier ones. Only the later one loses (an HTTP listener beside a TCP one on its
        // port in the same ListenerSet keeps it when it comes first, as the conformance suite expects).
        var earlier = gateway.listeners.filter(\.valid).map(\.source)
        for d in drafts.indices where drafts[d].accepted.status == .true {
            if let conflict = conflict(drafts[d].listener, with: earlier) { drafts[d].conflict(conflict) }
            if drafts[d].valid { earlier.append(drafts[d].listener) }
        }
        let dataplane = config.gatewayDataplane[gateway.ref] ?? config.dataplane
        var keys: [String] = []
        for draft in drafts {
            var node = draft.finish(
                gatewayAccepted: true, gatewayAttachable: true, gatewayMessage: "", dataplane: dataplane)
            // A conflict is also why the listener is not programmed (as the conformance suite reads it).
            if draft.conflicted.status == .true, let reason = draft.conflicted.reason {
                node.conditions[1] = Conditions.make(.programmed, false, reason, draft.conflicted.message ?? "")
            }
            node.name = "\(ref.namespace)/\(ref.name)/\(draft.listener.name)"
            node.namespace = ref.namespace
            node.listenerSet = ref
            keys.append(node.name)
            gateway.listeners.append(node)
        }
        guard drafts.contains(where: \.valid) else {
            return ListenerSetNode(
                ref: ref, source: set, gateway: gateway.ref, accepted: false,
                conditions: [
                    Conditions.make(.accepted, false, .listenersNotValid, "All listeners are invalid"),
                    Conditions.make(.programmed, false, .listenersNotValid, "All listeners are invalid"),
                ], listeners: keys)
        }
        gateway.attachedListenerSets += 1
        let programmed =
            dataplane.programmed
            ? Conditions.make(.programmed, true, .programmed, "The ListenerSet is programmed")
            : Conditions.make(
                .programmed, false, .pending, "The ListenerSet is not programmed yet: \(dataplane.detail)")
        return ListenerSetNode(
            ref: ref, source: set, gateway: gateway.ref, accepted: true,
            conditions: [Conditions.make(.accepted, true, .accepted, "The ListenerSet is accepted"), programmed],
            listeners: keys)
    }

    /// The Gateway's `spec.allowedListeners.namespaces`: None (the default), Same, All or a Selector.
    static func allowed(_ set: ListenerSet, by gateway: Gateway, snapshot: ResourceSnapshot) -> Bool {
        let namespaces = gateway.spec.allowedListeners?.namespaces
        switch namespaces?.from ?? "None" {
        case "All": return true
        case "Same": return set.namespace == gateway.namespace
        case "Selector":
            guard let selector = namespaces?.selector else { return false }
            return SelectorMatching.matches(selector, labels: snapshot.namespaceLabels(set.namespace))
        default: return false
        }
    }

    /// Why a ListenerSet's listener cannot join listeners already served on the Gateway: another protocol on its
    /// port, or the same protocol and hostname (TCP and UDP: the same port).
    static func conflict(_ listener: Listener, with earlier: [Listener]) -> Condition? {
        let samePort = earlier.filter { $0.port == listener.port }
        guard !samePort.isEmpty else { return nil }
        let protocols = Set(samePort.map(\.protocol)).union([listener.protocol])
        let compatible = protocols.count == 1 || protocols == [.https, .tls] || protocols == [.tcp, .udp]
        if !compatible {
            return Conditions.listenerProtocolConflict(
                "Multiple listeners for the same port \(listener.port) specify incompatible protocols; ensure only one protocol per port"
            )
        }
        if [.tcp, .udp].contains(listener.protocol) {
            guard samePort.contains(where: { $0.protocol == listener.protocol }) else { return nil }
            return Conditions.listenerProtocolConflict(
                "Multiple \(listener.protocol) listeners cannot share the same port \(listener.port)")
        }
        if samePort.contains(where: { $0.protocol == listener.protocol && $0.hostname == listener.hostname }) {
            return Conditions.listenerHostnameConflict(
                "Multiple listeners for the same port \(listener.port) specify the same hostname; ensure only one listener per hostname and port"
            )
        }
        let other: ListenerProtocol = listener.protocol == .https ? .tls : .https
        if [.https, .tls].contains(listener.protocol),
            samePort.contains(where: {
                $0.protocol == other && HostnameMatching.intersects($0.hostname, listener.hostname)
            })
        {
            return Conditions.listenerHostnameConflict(
                "HTTPS and TLS listeners for the same port \(listener.port) specify overlapping hostnames; ensure no overlapping hostnames for HTTPS and TLS listeners for the same port"
            )
        }
        return nil
    }
}
