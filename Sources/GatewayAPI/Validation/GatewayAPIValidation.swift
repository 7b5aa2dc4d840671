/// The Gateway API CRDs' OpenAPI and CEL rules that the API server enforces on apply.
enum GatewayAPIValidation {
    static let pathMatchTypes: [PathMatchType] = [.exact, .pathPrefix, .regularExpression]
    static let headerMatchTypes: [ValueMatchType] = [.exact, .regularExpression]
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
    static let filterTypes: [FilterType] = [
        .requestHeaderModifier, .responseHeaderModifier, .requestMirror, .requestRedirect, .urlRewrite, .extensionRef,
        .cors, .externalAuth,
    ]
    static let tlsModes = ["Terminate", "Passthrough"]
    static let fromNamespaces = ["All", "Selector", "Same", "None"]
    static let redirectCodes = [301, 302, 303, 307, 308]

    static func port(_ value: Int32, _ path: FieldPath, _ errors: inout FieldErrors) {
        if value < 1 || value > 65535 { errors.invalid(path, String(value), "must be between 1 and 65535, inclusive") }
    }

    static func hostname(_ value: String, _ path: FieldPath, _ errors: inout FieldErrors) {
        if let problem = NameRules.gatewayHostname(value) { errors.invalid(path, value, problem) }
    }

    static func sectionName(_ value: String, _ path: FieldPath, _ errors: inout FieldErrors) {
        if let problem = NameRules.dns1123Subdomain(value) { errors.invalid(path, value, problem) }
    }

    static func objectName(_ value: String, _ path: FieldPath, _ errors: inout FieldErrors) {
        if value.isEmpty || value.utf8.count > 253 {
            errors.invalid(path, value, "must be between 1 and 253 characters")
        }
    }

    static func group(_ value: String?, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let value, !value.isEmpty else { return }
        if let problem = NameRules.dns1123Subdomain(value) { errors.invalid(path, value, problem) }
    }

    static func kind(_ value: String?, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let value else { return }
        let ok =
            !value.isEmpty && value.utf8.count <= 63 && (value.first?.isLetter ?? false)
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        if !ok { errors.invalid(path, value, "must match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'") }
    }

    static func parentRef(_ ref: ParentReference, _ path: FieldPath, _ errors: inout FieldErrors) {
        group(ref.group, path.appending("group"), &errors)
        kind(ref.kind, path.appending("kind"), &errors)
        objectName(ref.name, path.appending("name"), &errors)
        if let ns = ref.namespace, let problem = NameRules.dns1123Label(ns) {
            errors.invalid(path.appending("namespace"), ns, problem)
        }
        if let section = ref.sectionName { sectionName(section, path.appending("sectionName"), &errors) }
        if let p = ref.port { port(p, path.appending("port"), &errors) }
    }

    static func backendRef(_ ref: BackendObjectReference, _ path: FieldPath, _ errors: inout FieldErrors) {
        group(ref.group, path.appending("group"), &errors)
        kind(ref.kind, path.appending("kind"), &errors)
        objectName(ref.name, path.appending("name"), &errors)
        if let ns = ref.namespace, let problem = NameRules.dns1123Label(ns) {
            errors.invalid(path.appending("namespace"), ns, problem)
        }
        if let p = ref.port { port(p, path.appending("port"), &errors) }
        let isService = (ref.group ?? "") == "" && (ref.kind ?? "Service") == "Service"
        if isService && ref.port == nil { errors.add(path, "Invalid value: Must have port for Service reference") }
    }

    static func labelSelector(_ selector: LabelSelector?, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let selector else { return }
        for (index, requirement) in (selector.matchExpressions ?? []).enumerated() {
            let p = path.appending("matchExpressions").appending(index: index)
            let ops = ["In", "NotIn", "Exists", "DoesNotExist"]
            if !ops.contains(requirement.operator) {
                errors.unsupported(p.appending("operator"), requirement.operator, supported: ops)
            }
            let hasValues = !(requirement.values ?? []).isEmpty
            if (requirement.operator == "In" || requirement.operator == "NotIn") && !hasValues {
                errors.required(p.appending("values"))
            }
            if (requirement.operator == "Exists" || requirement.operator == "DoesNotExist") && hasValues {
                errors.add(
                    p.appending("values"),
                    "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
            }
        }
    }
}
