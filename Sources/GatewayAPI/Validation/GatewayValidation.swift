extension GatewayAPIValidation {
    static func validate(_ gc: GatewayClass, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let controller = gc.spec.controllerName
        // A domain-prefixed path: example.com/controller.
        let parts = controller.split(separator: "/", maxSplits: 1)
        if parts.count != 2 || NameRules.dns1123Subdomain(String(parts[0])) != nil || parts[1].isEmpty
            || controller.utf8.count > 253
        {
            errors.invalid(
                spec.appending("controllerName"), controller,
                "must be a domain-prefixed path such as 'example.com/controller'")
        }
        if let description = gc.spec.description, description.utf8.count > 64 {
            errors.add(spec.appending("description"), "Too long: may not be longer than 64")
        }
    }

    /// `[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?`.
    static func isProtocolName(_ name: Substring) -> Bool {
        guard let first = name.first, let last = name.last else { return false }
        func alnum(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
        return alnum(first) && alnum(last) && name.allSatisfy { alnum($0) || $0 == "-" }
    }

    static func validate(_ gw: Gateway, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        if gw.spec.gatewayClassName.isEmpty { errors.required(spec.appending("gatewayClassName")) }
        validate(listeners: gw.spec.listeners, spec.appending("listeners"), &errors)
        if let from = gw.spec.allowedListeners?.namespaces?.from, !fromNamespaces.contains(from) {
            errors.unsupported(
                spec.appending("allowedListeners").appending("namespaces").appending("from"), from,
                supported: fromNamespaces)
        }
        labelSelector(
            gw.spec.allowedListeners?.namespaces?.selector,
            spec.appending("allowedListeners").appending("namespaces").appending("selector"), &errors)
        for (index, address) in (gw.spec.addresses ?? []).enumerated() {
            let path = spec.appending("addresses").appending(index: index)
            let type = address.type ?? "IPAddress"
            if type == "Hostname", let value = address.value, NameRules.dns1123Subdomain(value) != nil {
                errors.invalid(
                    path.appending("value"), value,
                    "Hostname value must only contain valid characters (matching ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)"
                )
            }
            if type == "IPAddress", let value = address.value, !IPAddress.isValid(value) {
                errors.invalid(path.appending("value"), value, "IPAddress value must be an IP address")
            }
        }
    }

    /// A Gateway's or a ListenerSet's listeners: the CRDs' rules for each and their combinations.
    static func validate(listeners: [Listener], _ listPath: FieldPath, _ errors: inout FieldErrors) {
        if listeners.isEmpty { errors.add(listPath, "Required value: must have at least 1 item") }
        if listeners.count > 64 { errors.tooMany(listPath, count: listeners.count, max: 64) }
        var names = Set<String>()
        var combos = Set<String>()
        for (index, listener) in listeners.enumerated() {
            let path = listPath.appending(index: index)
            sectionName(listener.name, path.appending("name"), &errors)
            if !names.insert(listener.name).inserted { errors.duplicate(path.appending("name"), listener.name) }
            port(listener.port, path.appending("port"), &errors)
            if let hostname = listener.hostname { self.hostname(hostname, path.appending("hostname"), &errors) }
            let proto = listener.protocol.rawValue
            // The CRD's pattern: a name of letters, digits and '-' (any such name; one the controller does not
            // support is its listener's UnsupportedProtocol), or a domain-prefixed protocol.
            let plainName = Self.isProtocolName(Substring(proto))
            let parts = proto.split(separator: "/", omittingEmptySubsequences: false)
            let prefixed =
                parts.count == 2 && !parts[1].isEmpty && NameRules.dns1123Subdomain(String(parts[0])) == nil
                && parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            let validProtocol = plainName || prefixed
            if !validProtocol || proto.utf8.count > 255 {
                errors.invalid(
                    path.appending("protocol"), proto,
                    "must be HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as 'example.com/proto'")
            }
            let combo = "\(listener.port)/\(proto)/\(listener.hostname ?? "")"
            if !combos.insert(combo).inserted {
                errors.add(
                    path, "Invalid value: Combination of port, protocol and hostname must be unique for each listener")
            }
            if [ListenerProtocol.http, .tcp, .udp].contains(listener.protocol) && listener.tls != nil {
                errors.add(
                    path.appending("tls"), "Forbidden: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']")
            }
            if [ListenerProtocol.https, .tls].contains(listener.protocol) && listener.tls == nil {
                errors.add(path.appending("tls"), "Required value: tls mode must be set for protocols ['HTTPS', 'TLS']")
            }
            if listener.protocol == .https, let mode = listener.tls?.mode, mode != "Terminate" {
                errors.add(
                    path.appending("tls").appending("mode"),
                    "Invalid value: tls mode must be Terminate for protocol HTTPS")
            }
            if (proto == "TCP" || proto == "UDP") && listener.hostname != nil {
                errors.add(
                    path.appending("hostname"), "Forbidden: hostname must not be specified for protocols ['TCP', 'UDP']"
                )
            }
            if let tls = listener.tls {
                let tlsPath = path.appending("tls")
                if let mode = tls.mode, !tlsModes.contains(mode) {
                    errors.unsupported(tlsPath.appending("mode"), mode, supported: tlsModes)
                }
                let refs = tls.certificateRefs ?? []
                if (tls.mode ?? "Terminate") == "Terminate" && refs.isEmpty && (tls.options ?? [:]).isEmpty {
                    errors.add(
                        tlsPath, "Invalid value: certificateRefs or options must be specified when mode is Terminate")
                }
                if refs.count > 64 { errors.tooMany(tlsPath.appending("certificateRefs"), count: refs.count, max: 64) }
                for (refIndex, ref) in refs.enumerated() {
                    let refPath = tlsPath.appending("certificateRefs").appending(index: refIndex)
                    group(ref.group, refPath.appending("group"), &errors)
                    kind(ref.kind, refPath.appending("kind"), &errors)
                    objectName(ref.name, refPath.appending("name"), &errors)
                    if let ns = ref.namespace, let problem = NameRules.dns1123Label(ns) {
                        errors.invalid(refPath.appending("namespace"), ns, problem)
                    }
                }
                if (tls.options ?? [:]).count > 16 {
                    errors.tooMany(tlsPath.appending("options"), count: tls.options!.count, max: 16)
                }
            }
            if let allowed = listener.allowedRoutes {
                let allowedPath = path.appending("allowedRoutes")
                if let from = allowed.namespaces?.from, !fromNamespaces.contains(from) {
                    errors.unsupported(
                        allowedPath.appending("namespaces").appending("from"), from, supported: fromNamespaces)
                }
                labelSelector(
                    allowed.namespaces?.selector, allowedPath.appending("namespaces").appending("selector"), &errors)
                for (kindIndex, routeKind) in (allowed.kinds ?? []).enumerated() {
                    let kindPath = allowedPath.appending("kinds").appending(index: kindIndex)
                    group(routeKind.group, kindPath.appending("group"), &errors)
                    kind(routeKind.kind, kindPath.appending("kind"), &errors)
                }
            }
        }
    }
}

/// IP address syntax checks.
public enum IPAddress {
    public static func isValid(_ value: String) -> Bool { isIPv4(value) || isIPv6(value) }

    public static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                    && Int(part)! <= 255 && !(part.count > 1 && part.hasPrefix("0"))
            }
    }

    public static func isIPv6(_ value: String) -> Bool {
        guard value.contains(":"), value.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        let doubleColons = value.components(separatedBy: "::").count - 1
        if doubleColons > 1 { return false }
        let groups = value.split(separator: ":", omittingEmptySubsequences: true)
        return groups.count <= 8 && groups.allSatisfy { $0.count <= 4 || isIPv4(String($0)) }
    }
}

extension GatewayAPIValidation {
    static func validate(_ set: ListenerSet, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let parent = spec.appending("parentRef")
        group(set.spec.parentRef.group, parent.appending("group"), &errors)
        kind(set.spec.parentRef.kind, parent.appending("kind"), &errors)
        objectName(set.spec.parentRef.name, parent.appending("name"), &errors)
        if let ns = set.spec.parentRef.namespace, let problem = NameRules.dns1123Label(ns) {
            errors.invalid(parent.appending("namespace"), ns, problem)
        }
        validate(listeners: set.spec.listeners, spec.appending("listeners"), &errors)
    }
}
