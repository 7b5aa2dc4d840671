import Foundation

extension GatewayAPIValidation {
    /// The filter types a GRPCRoute's rules and backendRefs may carry.
    static let grpcFilterTypes: [FilterType] = [
        .responseHeaderModifier, .requestHeaderModifier, .requestMirror, .extensionRef,
    ]

    static func validate(_ route: GRPCRoute, _ errors: inout FieldErrors) {
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
        let totalMatches = rules.reduce(0) { $0 + ($1.matches?.count ?? 0) }
        if totalMatches > 128 {
            errors.add(
                spec.appending("rules"),
                "Invalid value: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128"
            )
        }
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
            validate(grpcFilters: rule.filters ?? [], rulePath.appending("filters"), &errors)
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
                validate(grpcFilters: backend.filters ?? [], path.appending("filters"), &errors)
            }
        }
    }

    static func validate(_ match: GRPCRouteMatch, _ path: FieldPath, _ errors: inout FieldErrors) {
        if let method = match.method {
            let p = path.appending("method")
            let type = method.type ?? .exact
            if !headerMatchTypes.contains(type) {
                errors.unsupported(p.appending("type"), type.rawValue, supported: headerMatchTypes.map(\.rawValue))
            }
            if method.service == nil && method.method == nil {
                errors.add(p, "Invalid value: One or both of 'service' or 'method' must be specified")
            }
            for (field, value) in [("service", method.service), ("method", method.method)] {
                guard let value else { continue }
                if value.utf8.count > 1024 { errors.add(p.appending(field), "Too long: may not be longer than 1024") }
                guard type == .exact else { continue }
                let valid = field == "service" ? GRPCNames.isServiceName(value) : GRPCNames.isMethodName(value)
                if !valid {
                    let pattern =
                        field == "service"
                        ? "^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$" : "^[A-Za-z_][A-Za-z_0-9]*$"
                    errors.add(p, "Invalid value: \(field) must only contain valid characters (matching \(pattern))")
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
    }

    /// A GRPCRoute's filters: HTTPRoute's rules for the four types it takes.
    static func validate(grpcFilters filters: [HTTPRouteFilter], _ path: FieldPath, _ errors: inout FieldErrors) {
        validate(filters: filters, path, matches: [], types: grpcFilterTypes, &errors)
    }
}

/// gRPC's names for services and methods, as GRPCRoute's CEL rules check them.
public enum GRPCNames {
    /// `helloworld.Greeter`, `.pkg.Service`: dot-separated identifiers (case-insensitive letters, `_`, digits).
    public static func isServiceName(_ value: String) -> Bool {
        var rest = Substring(value)
        if rest.hasPrefix(".") { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy(isIdentifier)
    }

    /// `SayHello`.
    public static func isMethodName(_ value: String) -> Bool { isIdentifier(Substring(value)) }

    static func isIdentifier(_ part: Substring) -> Bool {
        guard let first = part.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return part.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }
}
