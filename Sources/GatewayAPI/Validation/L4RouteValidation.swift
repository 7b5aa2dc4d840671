extension GatewayAPIValidation {
    static func validate(_ route: TLSRoute, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let hostnames = route.spec.hostnames ?? []
        let v1 = isV1(route.apiVersion)
        // v1 requires 1 to 1,024 hostnames, the alpha versions take up to 16 or none.
        if v1 && hostnames.isEmpty { errors.add(spec.appending("hostnames"), "Required value: at least 1 hostname") }
        let maxHostnames = v1 ? 1024 : 16
        if hostnames.count > maxHostnames {
            errors.tooMany(spec.appending("hostnames"), count: hostnames.count, max: maxHostnames)
        }
        for (index, host) in hostnames.enumerated() {
            let path = spec.appending("hostnames").appending(index: index)
            if IPAddress.isValid(host) {
                errors.invalid(path, host, "Hostnames cannot contain an IP")
            } else {
                hostname(host, path, &errors)
            }
        }
        l4Route(parentRefs: route.spec.parentRefs, rules: route.spec.rules, maxRules: v1 ? 1 : 16, spec, &errors)
    }

    static func validate(_ route: TCPRoute, _ errors: inout FieldErrors) {
        l4Route(
            parentRefs: route.spec.parentRefs, rules: route.spec.rules, maxRules: isV1(route.apiVersion) ? 1 : 16,
            FieldPath("spec"), &errors)
    }

    static func validate(_ route: UDPRoute, _ errors: inout FieldErrors) {
        l4Route(
            parentRefs: route.spec.parentRefs, rules: route.spec.rules, maxRules: isV1(route.apiVersion) ? 1 : 16,
            FieldPath("spec"), &errors)
    }

    /// v1 of the layer-4 kinds has one rule; v1alpha2 (and TLSRoute's v1alpha3) up to 16.
    static func isV1(_ apiVersion: String) -> Bool { apiVersion.hasSuffix("/v1") }

    /// What the CRDs of the three layer-4 kinds check alike: parentRefs (at most 32), rules (1 to `maxRules`, unique
    /// names), each rule's backendRefs (1 to 16; a Service needs a port; weights 0 to 1,000,000).
    static func l4Route(
        parentRefs: [ParentReference]?, rules: [L4RouteRule], maxRules: Int, _ spec: FieldPath,
        _ errors: inout FieldErrors
    ) {
        let parents = parentRefs ?? []
        if parents.count > 32 { errors.tooMany(spec.appending("parentRefs"), count: parents.count, max: 32) }
        for (index, ref) in parents.enumerated() {
            parentRef(ref, spec.appending("parentRefs").appending(index: index), &errors)
        }
        if rules.isEmpty { errors.add(spec.appending("rules"), "Required value: at least 1 rule") }
        if rules.count > maxRules { errors.tooMany(spec.appending("rules"), count: rules.count, max: maxRules) }
        var names = Set<String>()
        for (ruleIndex, rule) in rules.enumerated() {
            let rulePath = spec.appending("rules").appending(index: ruleIndex)
            if let name = rule.name {
                sectionName(name, rulePath.appending("name"), &errors)
                if !names.insert(name).inserted { errors.duplicate(rulePath.appending("name"), name) }
            }
            let backends = rule.backendRefs ?? []
            if backends.isEmpty {
                errors.add(rulePath.appending("backendRefs"), "Required value: at least 1 backendRef")
            }
            if backends.count > 16 { errors.tooMany(rulePath.appending("backendRefs"), count: backends.count, max: 16) }
            for (backendIndex, backend) in backends.enumerated() {
                let path = rulePath.appending("backendRefs").appending(index: backendIndex)
                backendRef(backend.objectReference, path, &errors)
                if let weight = backend.weight, weight < 0 || weight > 1_000_000 {
                    errors.invalid(path.appending("weight"), String(weight), "must be between 0 and 1000000, inclusive")
                }
            }
        }
    }
}
