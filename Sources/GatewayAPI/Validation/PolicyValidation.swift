extension GatewayAPIValidation {
    static func validate(_ policy: BackendTLSPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let targets = policy.spec.targetRefs
        if targets.isEmpty { errors.add(spec.appending("targetRefs"), "Required value: must have at least 1 item") }
        if targets.count > 16 { errors.tooMany(spec.appending("targetRefs"), count: targets.count, max: 16) }
        var seen = Set<String>()
        for (index, target) in targets.enumerated() {
            let path = spec.appending("targetRefs").appending(index: index)
            group(target.group, path.appending("group"), &errors)
            kind(target.kind, path.appending("kind"), &errors)
            objectName(target.name, path.appending("name"), &errors)
            if let section = target.sectionName { sectionName(section, path.appending("sectionName"), &errors) }
            let key = "\(target.group)/\(target.kind)/\(target.name)/\(target.sectionName ?? "")"
            if !seen.insert(key).inserted {
                errors.add(
                    path,
                    "Invalid value: sectionName must be unique when targetRefs includes 2 or more references to the same target"
                )
            }
        }
        let validation = policy.spec.validation
        let vp = spec.appending("validation")
        let refs = validation.caCertificateRefs ?? []
        if refs.count > 8 { errors.tooMany(vp.appending("caCertificateRefs"), count: refs.count, max: 8) }
        for (index, ref) in refs.enumerated() {
            let path = vp.appending("caCertificateRefs").appending(index: index)
            group(ref.group, path.appending("group"), &errors)
            kind(ref.kind, path.appending("kind"), &errors)
            objectName(ref.name, path.appending("name"), &errors)
        }
        if let known = validation.wellKnownCACertificates {
            let parts = known.split(separator: "/", maxSplits: 1)
            let domainName =
                parts.count == 2 && NameRules.dns1123Subdomain(String(parts[0])) == nil && !parts[1].isEmpty
            if known != "System" && !(domainName && policy.apiVersion.hasSuffix("/v1")) {
                errors.unsupported(vp.appending("wellKnownCACertificates"), known, supported: ["System"])
            }
            if !refs.isEmpty {
                errors.add(vp, "Invalid value: must not contain both CACertificateRefs and WellKnownCACertificates")
            }
        } else if refs.isEmpty {
            errors.add(vp, "Invalid value: must specify either CACertificateRefs or WellKnownCACertificates")
        }
        if validation.hostname.isEmpty {
            errors.required(vp.appending("hostname"))
        } else if let problem = NameRules.dns1123Subdomain(validation.hostname) {
            errors.invalid(vp.appending("hostname"), validation.hostname, problem)
        } else if IPAddress.isIPv4(validation.hostname) {
            errors.invalid(vp.appending("hostname"), validation.hostname, "must be a hostname, not an IP address")
        }
        for (index, san) in (validation.subjectAltNames ?? []).enumerated() {
            let path = vp.appending("subjectAltNames").appending(index: index)
            switch san.type {
            case "Hostname":
                if san.hostname == nil {
                    errors.add(
                        path.appending("hostname"),
                        "Required value: SubjectAltName element must contain Hostname, if Type is set to Hostname")
                }
                if san.uri != nil {
                    errors.add(
                        path.appending("uri"),
                        "Forbidden: SubjectAltName element must not contain URI, if Type is set to Hostname")
                }
                if let host = san.hostname { hostname(host, path.appending("hostname"), &errors) }
            case "URI":
                if san.uri == nil {
                    errors.add(
                        path.appending("uri"),
                        "Required value: SubjectAltName element must contain URI, if Type is set to URI")
                }
                if san.hostname != nil {
                    errors.add(
                        path.appending("hostname"),
                        "Forbidden: SubjectAltName element must not contain Hostname, if Type is set to URI")
                }
            default:
                errors.unsupported(path.appending("type"), san.type, supported: ["Hostname", "URI"])
            }
        }
        if (policy.spec.options ?? [:]).count > 16 {
            errors.tooMany(spec.appending("options"), count: policy.spec.options!.count, max: 16)
        }
    }

    static func validate(_ grant: ReferenceGrant, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        if grant.spec.from.isEmpty { errors.add(spec.appending("from"), "Required value: must have at least 1 item") }
        if grant.spec.to.isEmpty { errors.add(spec.appending("to"), "Required value: must have at least 1 item") }
        if grant.spec.from.count > 16 { errors.tooMany(spec.appending("from"), count: grant.spec.from.count, max: 16) }
        if grant.spec.to.count > 16 { errors.tooMany(spec.appending("to"), count: grant.spec.to.count, max: 16) }
        for (index, from) in grant.spec.from.enumerated() {
            let path = spec.appending("from").appending(index: index)
            group(from.group, path.appending("group"), &errors)
            kind(from.kind, path.appending("kind"), &errors)
            if let problem = NameRules.dns1123Label(from.namespace) {
                errors.invalid(path.appending("namespace"), from.namespace, problem)
            }
        }
        for (index, to) in grant.spec.to.enumerated() {
            let path = spec.appending("to").appending(index: index)
            group(to.group, path.appending("group"), &errors)
            kind(to.kind, path.appending("kind"), &errors)
            if let name = to.name { objectName(name, path.appending("name"), &errors) }
        }
    }
}
