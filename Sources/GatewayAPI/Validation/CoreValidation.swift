import Foundation

/// Validation of the core kinds gwconsole models (the API server's rules that matter for these objects).
enum CoreValidation {
    static func validate(_ service: Service, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        guard let s = service.spec else { return }
        let types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]
        let type = s.type ?? "ClusterIP"
        if !types.contains(type) { errors.unsupported(spec.appending("type"), type, supported: types) }
        let ports = s.ports ?? []
        if ports.isEmpty && type != "ExternalName" && s.clusterIP != "None" {
            errors.required(spec.appending("ports"))
        }
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let path = spec.appending("ports").appending(index: index)
            if ports.count > 1 && (port.name ?? "").isEmpty { errors.required(path.appending("name")) }
            if let name = port.name, !name.isEmpty {
                if let problem = NameRules.dns1123Label(name) { errors.invalid(path.appending("name"), name, problem) }
                if !names.insert(name).inserted { errors.duplicate(path.appending("name"), name) }
            }
            GatewayAPIValidation.port(port.port, path.appending("port"), &errors)
            let protocols = ["TCP", "UDP", "SCTP"]
            if let proto = port.protocol, !protocols.contains(proto) {
                errors.unsupported(path.appending("protocol"), proto, supported: protocols)
            }
            switch port.targetPort {
            case .int(let target)?: GatewayAPIValidation.port(target, path.appending("targetPort"), &errors)
            case .string(let target)?:
                if target.isEmpty || target.utf8.count > 15 || NameRules.dns1123Label(target) != nil
                    || !target.contains(where: \.isLetter)
                {
                    errors.invalid(
                        path.appending("targetPort"), target,
                        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at most 15 characters, and contain at least one letter"
                    )
                }
            case nil: break
            }
        }
        if let ip = s.clusterIP, ip != "None", !ip.isEmpty, !IPAddress.isValid(ip) {
            errors.invalid(
                spec.appending("clusterIP"), ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        }
        for (key, value) in (s.selector ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.qualifiedName(key) { errors.invalid(spec.appending("selector"), key, problem) }
            if let problem = NameRules.labelValue(value) {
                errors.invalid(spec.appending("selector").appending(key), value, problem)
            }
        }
    }

    static func validate(_ slice: EndpointSlice, _ errors: inout FieldErrors) {
        let types = ["IPv4", "IPv6", "FQDN"]
        if !types.contains(slice.addressType) {
            errors.unsupported(FieldPath("addressType"), slice.addressType, supported: types)
        }
        for (index, endpoint) in (slice.endpoints ?? []).enumerated() {
            let path = FieldPath("endpoints").appending(index: index).appending("addresses")
            if endpoint.addresses.isEmpty || endpoint.addresses.count > 100 {
                errors.add(path, "Invalid value: must contain at least 1 address but no more than 100 addresses")
            }
            for (i, address) in endpoint.addresses.enumerated() {
                let ok: Bool
                switch slice.addressType {
                case "IPv4": ok = IPAddress.isIPv4(address)
                case "IPv6": ok = IPAddress.isIPv6(address)
                default: ok = NameRules.dns1123Subdomain(address) == nil
                }
                if !ok {
                    errors.invalid(path.appending(index: i), address, "must be a valid \(slice.addressType) address")
                }
            }
        }
        for (index, port) in (slice.ports ?? []).enumerated() {
            if let p = port.port {
                GatewayAPIValidation.port(p, FieldPath("ports").appending(index: index).appending("port"), &errors)
            }
        }
    }

    static func validate(_ configMap: ConfigMap, _ errors: inout FieldErrors) {
        var total = 0
        for (key, value) in (configMap.data ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.configMapKey(key) { errors.invalid(FieldPath("data"), key, problem) }
            total += value.utf8.count
        }
        for (key, value) in (configMap.binaryData ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.configMapKey(key) { errors.invalid(FieldPath("binaryData"), key, problem) }
            if configMap.data?[key] != nil {
                errors.invalid(FieldPath("binaryData"), key, "duplicate of key present in data")
            }
            if Data(base64Encoded: value) == nil {
                errors.invalid(FieldPath("binaryData").appending(key), "<value>", "illegal base64 data")
            }
            total += value.utf8.count
        }
        if total > 1024 * 1024 { errors.add(FieldPath("data"), "Too long: must have at most 1048576 bytes") }
    }

    static func validate(_ secret: Secret, _ errors: inout FieldErrors) {
        var total = 0
        for (key, value) in (secret.data ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.configMapKey(key) { errors.invalid(FieldPath("data"), key, problem) }
            if Base64.decode(value) == nil {
                // Never echo secret material in an error.
                errors.add(FieldPath("data").appending(key), "Invalid value: illegal base64 data (value not shown)")
            }
            total += value.utf8.count
        }
        for key in (secret.stringData ?? [:]).keys.sorted() {
            if let problem = NameRules.configMapKey(key) { errors.invalid(FieldPath("stringData"), key, problem) }
        }
        if total > 1024 * 1024 { errors.add(FieldPath("data"), "Too long: must have at most 1048576 bytes") }
        if secret.type == "kubernetes.io/tls" {
            let keys = Set((secret.data ?? [:]).keys).union((secret.stringData ?? [:]).keys)
            for required in ["tls.crt", "tls.key"] where !keys.contains(required) {
                errors.required(FieldPath("data").appending(required))
            }
        }
    }

    static func validate(_ deployment: Deployment, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        if let replicas = deployment.spec.replicas, replicas < 0 {
            errors.invalid(spec.appending("replicas"), String(replicas), "must be greater than or equal to 0")
        }
        let selector = deployment.spec.selector
        if (selector.matchLabels ?? [:]).isEmpty && (selector.matchExpressions ?? []).isEmpty {
            errors.add(spec.appending("selector"), "Invalid value: empty selector is invalid for deployment")
        }
        let templateLabels = deployment.spec.template.metadata?.labels ?? [:]
        for (key, value) in selector.matchLabels ?? [:] where templateLabels[key] != value {
            errors.add(
                spec.appending("template").appending("metadata").appending("labels"),
                "Invalid value: `selector` does not match template `labels`")
            break
        }
        validate(deployment.spec.template.spec, spec.appending("template").appending("spec"), &errors)
    }

    static func validate(_ pod: PodSpec, _ path: FieldPath, _ errors: inout FieldErrors) {
        if pod.containers.isEmpty { errors.required(path.appending("containers")) }
        var containerNames = Set<String>()
        let volumeNames = Set((pod.volumes ?? []).map(\.name))
        for (index, container) in pod.containers.enumerated() {
            let cp = path.appending("containers").appending(index: index)
            if let problem = NameRules.dns1123Label(container.name) {
                errors.invalid(cp.appending("name"), container.name, problem)
            }
            if !containerNames.insert(container.name).inserted {
                errors.duplicate(cp.appending("name"), container.name)
            }
            if (container.image ?? "").isEmpty { errors.required(cp.appending("image")) }
            for (portIndex, port) in (container.ports ?? []).enumerated() {
                GatewayAPIValidation.port(
                    port.containerPort, cp.appending("ports").appending(index: portIndex).appending("containerPort"),
                    &errors)
            }
            for (mountIndex, mount) in (container.volumeMounts ?? []).enumerated() {
                let mp = cp.appending("volumeMounts").appending(index: mountIndex)
                if !volumeNames.contains(mount.name) {
                    errors.add(mp.appending("name"), "Not found: \"\(mount.name)\"")
                }
                if mount.mountPath.isEmpty { errors.required(mp.appending("mountPath")) }
                if mount.mountPath.split(separator: "/").contains("..") {
                    errors.invalid(mp.appending("mountPath"), mount.mountPath, "must not contain '..'")
                }
            }
        }
        var seenVolumes = Set<String>()
        for (index, volume) in (pod.volumes ?? []).enumerated() {
            let vp = path.appending("volumes").appending(index: index)
            if let problem = NameRules.dns1123Label(volume.name) {
                errors.invalid(vp.appending("name"), volume.name, problem)
            }
            if !seenVolumes.insert(volume.name).inserted { errors.duplicate(vp.appending("name"), volume.name) }
            for item in (volume.secret?.items ?? []) + (volume.configMap?.items ?? []) {
                if item.path.hasPrefix("/") || item.path.split(separator: "/").contains("..") {
                    errors.invalid(vp, item.path, "must be a relative path without '..'")
                }
            }
        }
    }
}
