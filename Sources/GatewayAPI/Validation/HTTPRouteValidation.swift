extension GatewayAPIValidation {
    static func validate(_ route: HTTPRoute, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let parentRefs = route.spec.parentRefs ?? []
        if parentRefs.count > 32 { errors.tooMany(spec.appending("parentRefs"), count: parentRefs.count, max: 32) }
        for (index, ref) in parentRefs.enumerated() {
            parentRef(ref, spec.appending("parentRefs").appending(index: index), &errors)
        }
        let hostnames = route.spec.hostnames ?? []
        if hostnames.count > 16 { errors.tooMany(spec.appending("hostnames"), count: hostnames.count, max: 16) }
        for (index, host) in hostnames.enumerated() {
            hostname(host, spec.appending("hostnames").appending(index: index), &errors)
        }
        let rules = route.spec.rules ?? []
        if rules.count > 16 { errors.tooMany(spec.appending("rules"), count: rules.count, max: 16) }
        var ruleNames = Set<String>()
        for (ruleIndex, rule) in rules.enumerated() {
            let rulePath = spec.appending("rules").appending(index: ruleIndex)
            if let name = rule.name {
                sectionName(name, rulePath.appending("name"), &errors)
                if !ruleNames.insert(name).inserted { errors.duplicate(rulePath.appending("name"), name) }
            }
            let matches = rule.matches ?? []
            if matches.count > 64 { errors.tooMany(rulePath.appending("matches"), count: matches.count, max: 64) }
            for (matchIndex, match) in matches.enumerated() {
                validate(match, rulePath.appending("matches").appending(index: matchIndex), &errors)
            }
            validate(filters: rule.filters ?? [], rulePath.appending("filters"), matches: matches, &errors)
            let backends = rule.backendRefs ?? []
            if backends.count > 16 { errors.tooMany(rulePath.appending("backendRefs"), count: backends.count, max: 16) }
            for (backendIndex, backend) in backends.enumerated() {
                let path = rulePath.appending("backendRefs").appending(index: backendIndex)
                backendRef(
                    BackendObjectReference(
                        group: backend.group, kind: backend.kind, name: backend.name,
                        namespace: backend.namespace, port: backend.port), path, &errors)
                if let weight = backend.weight, weight < 0 || weight > 1_000_000 {
                    errors.invalid(path.appending("weight"), String(weight), "must be between 0 and 1000000, inclusive")
                }
                validate(filters: backend.filters ?? [], path.appending("filters"), matches: matches, &errors)
            }
            if let timeouts = rule.timeouts {
                for (field, value) in [("request", timeouts.request), ("backendRequest", timeouts.backendRequest)] {
                    if let value, !Duration.isGatewayDuration(value) {
                        errors.invalid(
                            rulePath.appending("timeouts").appending(field), value,
                            "must be a Gateway API duration such as '10s', '500ms' or '1h' (^([0-9]{1,5}(h|m|s|ms)){1,4}$)"
                        )
                    }
                }
            }
        }
    }

    static func validate(_ match: HTTPRouteMatch, _ path: FieldPath, _ errors: inout FieldErrors) {
        if let pathMatch = match.path {
            let type = pathMatch.type ?? .pathPrefix
            let p = path.appending("path")
            if !pathMatchTypes.contains(type) {
                errors.unsupported(p.appending("type"), type.rawValue, supported: pathMatchTypes.map(\.rawValue))
            }
            let value = pathMatch.value ?? "/"
            if value.utf8.count > 1024 { errors.add(p.appending("value"), "Too long: may not be longer than 1024") }
            if type != .regularExpression {
                if !value.hasPrefix("/") {
                    errors.invalid(
                        p.appending("value"), value,
                        "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']")
                }
                if value.contains("//") {
                    errors.invalid(
                        p.appending("value"), value, "must not contain '//' when type one of ['Exact', 'PathPrefix']")
                }
                if value.contains("/./") || value.contains("/../") || value.hasSuffix("/..") || value.hasSuffix("/.") {
                    errors.invalid(
                        p.appending("value"), value,
                        "must not contain '/./' or '/../' or end with '/..' or '/.' when type one of ['Exact', 'PathPrefix']"
                    )
                }
                if value.contains("%2f") || value.contains("%2F") || value.contains("#") {
                    errors.invalid(
                        p.appending("value"), value,
                        "must not contain '%2f', '%2F' or '#' when type one of ['Exact', 'PathPrefix']")
                }
            }
        }
        let headers = match.headers ?? []
        if headers.count > 16 { errors.tooMany(path.appending("headers"), count: headers.count, max: 16) }
        var seenHeaders = Set<String>()
        for (index, header) in headers.enumerated() {
            let p = path.appending("headers").appending(index: index)
            if let type = header.type, !headerMatchTypes.contains(type) {
                errors.unsupported(p.appending("type"), type.rawValue, supported: headerMatchTypes.map(\.rawValue))
            }
            if let problem = NameRules.headerName(header.name) {
                errors.invalid(p.appending("name"), header.name, problem)
            }
            if !seenHeaders.insert(header.name.lowercased()).inserted {
                errors.duplicate(p.appending("name"), header.name)
            }
            if header.value.isEmpty || header.value.utf8.count > 4096 {
                errors.invalid(p.appending("value"), header.value, "must be between 1 and 4096 characters")
            }
        }
        let params = match.queryParams ?? []
        if params.count > 16 { errors.tooMany(path.appending("queryParams"), count: params.count, max: 16) }
        var seenParams = Set<String>()
        for (index, param) in params.enumerated() {
            let p = path.appending("queryParams").appending(index: index)
            if let type = param.type, !headerMatchTypes.contains(type) {
                errors.unsupported(p.appending("type"), type.rawValue, supported: headerMatchTypes.map(\.rawValue))
            }
            if let problem = NameRules.headerName(param.name) {
                errors.invalid(p.appending("name"), param.name, problem)
            }
            if !seenParams.insert(param.name).inserted { errors.duplicate(p.appending("name"), param.name) }
            if param.value.isEmpty || param.value.utf8.count > 1024 {
                errors.invalid(p.appending("value"), param.value, "must be between 1 and 1024 characters")
            }
        }
        if let method = match.method, !methods.contains(method) {
            errors.unsupported(path.appending("method"), method, supported: methods)
        }
    }

    static func validate(
        filters: [HTTPRouteFilter], _ path: FieldPath, matches: [HTTPRouteMatch], types: [FilterType] = filterTypes,
        _ errors: inout FieldErrors
    ) {
        if filters.count > 16 { errors.tooMany(path, count: filters.count, max: 16) }
        var seenTypes: [FilterType: Int] = [:]
        for (index, filter) in filters.enumerated() {
            let p = path.appending(index: index)
            if !types.contains(filter.type) {
                errors.unsupported(p.appending("type"), filter.type.rawValue, supported: types.map(\.rawValue))
            }
            seenTypes[filter.type, default: 0] += 1
            let fields: [(FilterType, Bool)] = [
                (.requestHeaderModifier, filter.requestHeaderModifier != nil),
                (.responseHeaderModifier, filter.responseHeaderModifier != nil),
                (.requestMirror, filter.requestMirror != nil),
                (.requestRedirect, filter.requestRedirect != nil),
                (.urlRewrite, filter.urlRewrite != nil),
                (.extensionRef, filter.extensionRef != nil),
                (.cors, filter.cors != nil),
                (.externalAuth, filter.externalAuth != nil),
            ]
            for (type, present) in fields {
                let field = fieldName(forFilterType: type)
                if type == filter.type && !present {
                    errors.add(
                        p.appending(field), "Required value: filter.\(field) must be specified for \(type) filter.type")
                }
                if type != filter.type && present {
                    errors.add(
                        p.appending(field), "Forbidden: filter.\(field) must be nil if the filter.type is not \(type)")
                }
            }
            for (name, modifier) in [
                ("requestHeaderModifier", filter.requestHeaderModifier),
                ("responseHeaderModifier", filter.responseHeaderModifier),
            ] {
                guard let modifier else { continue }
                let mp = p.appending(name)
                var names = Set<String>()
                for (listName, list) in [("set", modifier.set ?? []), ("add", modifier.add ?? [])] {
                    for (i, header) in list.enumerated() {
                        if let problem = NameRules.headerName(header.name) {
                            errors.invalid(
                                mp.appending(listName).appending(index: i).appending("name"), header.name, problem)
                        }
                        if header.value.utf8.count > 4096 {
                            errors.add(
                                mp.appending(listName).appending(index: i).appending("value"),
                                "Too long: may not be longer than 4096")
                        }
                        if !names.insert("\(listName)/\(header.name.lowercased())").inserted {
                            errors.duplicate(mp.appending(listName).appending(index: i).appending("name"), header.name)
                        }
                    }
                }
                for (i, header) in (modifier.remove ?? []).enumerated() {
                    if let problem = NameRules.headerName(header) {
                        errors.invalid(mp.appending("remove").appending(index: i), header, problem)
                    }
                }
            }
            if let redirect = filter.requestRedirect {
                let rp = p.appending("requestRedirect")
                if let scheme = redirect.scheme, !["http", "https"].contains(scheme) {
                    errors.unsupported(rp.appending("scheme"), scheme, supported: ["http", "https"])
                }
                if let host = redirect.hostname, let problem = NameRules.dns1123Subdomain(host) {
                    errors.invalid(rp.appending("hostname"), host, problem)
                }
                if let code = redirect.statusCode, !redirectCodes.contains(code) {
                    errors.unsupported(
                        rp.appending("statusCode"), String(code), supported: redirectCodes.map(String.init))
                }
                if let port = redirect.port { self.port(port, rp.appending("port"), &errors) }
                if let modifier = redirect.path { validate(modifier, rp.appending("path"), matches: matches, &errors) }
            }
            if let rewrite = filter.urlRewrite {
                let rp = p.appending("urlRewrite")
                if let host = rewrite.hostname, let problem = NameRules.dns1123Subdomain(host) {
                    errors.invalid(rp.appending("hostname"), host, problem)
                }
                if let modifier = rewrite.path { validate(modifier, rp.appending("path"), matches: matches, &errors) }
            }
            if let cors = filter.cors { validate(cors, p.appending("cors"), &errors) }
            if let auth = filter.externalAuth { validate(auth, p.appending("externalAuth"), &errors) }
            if let mirror = filter.requestMirror {
                backendRef(mirror.backendRef, p.appending("requestMirror").appending("backendRef"), &errors)
                let mp = p.appending("requestMirror")
                if let percent = mirror.percent, percent < 0 || percent > 100 {
                    errors.invalid(mp.appending("percent"), String(percent), "must be between 0 and 100, inclusive")
                }
                // The CRD's rules for a fraction: 0 <= numerator <= denominator, denominator > 0, not with percent.
                if let fraction = mirror.fraction {
                    let denominator = fraction.denominator ?? 100
                    if mirror.percent != nil {
                        errors.add(
                            mp,
                            "Invalid value: Only one of percent or fraction may be specified in HTTPRequestMirrorFilter"
                        )
                    }
                    if denominator <= 0 {
                        errors.invalid(
                            mp.appending("fraction").appending("denominator"), String(denominator),
                            "must be greater than 0")
                    }
                    if fraction.numerator < 0 || fraction.numerator > denominator {
                        errors.add(
                            mp.appending("fraction"),
                            "Invalid value: numerator must be between 0 and the denominator (\(denominator)), inclusive"
                        )
                    }
                }
            }
        }
        for (type, count) in seenTypes where count > 1 && type != .requestMirror && type != .extensionRef {
            errors.add(path, "Invalid value: \(type) filter cannot be repeated")
        }
        // HTTPRoute's rule; a kind that takes neither type (GRPCRoute) has its Unsupported value errors.
        if types.contains(.requestRedirect), (seenTypes[.requestRedirect] ?? 0) > 0,
            (seenTypes[.urlRewrite] ?? 0) > 0
        {
            errors.add(
                path,
                "Invalid value: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both"
            )
        }
    }

    static func fieldName(forFilterType type: FilterType) -> String {
        switch type {
        case .urlRewrite: return "urlRewrite"
        case .cors: return "cors"
        default: return type.rawValue.prefix(1).lowercased() + type.rawValue.dropFirst()
        }
    }

    static func validate(
        _ modifier: HTTPPathModifier, _ path: FieldPath, matches: [HTTPRouteMatch], _ errors: inout FieldErrors
    ) {
        let types: [PathModifierType] = [.replaceFullPath, .replacePrefixMatch]
        if !types.contains(modifier.type) {
            errors.unsupported(path.appending("type"), modifier.type.rawValue, supported: types.map(\.rawValue))
        }
        if modifier.type == .replaceFullPath && modifier.replaceFullPath == nil {
            errors.add(
                path.appending("replaceFullPath"),
                "Required value: replaceFullPath must be specified when type is set to 'ReplaceFullPath'")
        }
        if modifier.type == .replacePrefixMatch && modifier.replacePrefixMatch == nil {
            errors.add(
                path.appending("replacePrefixMatch"),
                "Required value: replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'")
        }
        if modifier.type != .replaceFullPath && modifier.replaceFullPath != nil {
            errors.add(
                path.appending("replaceFullPath"),
                "Forbidden: replaceFullPath must not be specified when type is not set to 'ReplaceFullPath'")
        }
        if modifier.type != .replacePrefixMatch && modifier.replacePrefixMatch != nil {
            errors.add(
                path.appending("replacePrefixMatch"),
                "Forbidden: replacePrefixMatch must not be specified when type is not set to 'ReplacePrefixMatch'")
        }
        if modifier.type == .replacePrefixMatch {
            let allPrefix = matches.isEmpty || matches.allSatisfy { ($0.path?.type ?? .pathPrefix) == .pathPrefix }
            if !allPrefix {
                errors.add(
                    path,
                    "Invalid value: When using URLRewrite or RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified"
                )
            }
        }
        for value in [modifier.replaceFullPath, modifier.replacePrefixMatch].compactMap({ $0 })
        where !value.isEmpty && !value.hasPrefix("/") {
            errors.invalid(path, value, "must be an absolute path starting with '/'")
        }
    }
}

/// Gateway API durations (GEP-2257): one to four `<number><unit>` parts, units h, m, s, ms.
public enum Duration {
    public static func isGatewayDuration(_ value: String) -> Bool { milliseconds(value) != nil }

    /// The duration in milliseconds, or nil when `value` is not a Gateway API duration.
    public static func milliseconds(_ value: String) -> Int64? {
        var rest = Substring(value)
        var parts = 0
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 5, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            if rest.hasPrefix("ms") {
                total += number
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("h") {
                total += number * 3_600_000
                rest = rest.dropFirst()
            } else if rest.hasPrefix("m") {
                total += number * 60_000
                rest = rest.dropFirst()
            } else if rest.hasPrefix("s") {
                total += number * 1000
                rest = rest.dropFirst()
            } else {
                return nil
            }
            parts += 1
        }
        return parts >= 1 && parts <= 4 ? total : nil
    }
}
