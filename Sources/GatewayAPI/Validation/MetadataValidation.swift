/// Validates `metadata`: the name by the kind's rule, the namespace, label and annotation keys and values.
enum MetadataValidation {
    enum NameRule { case subdomain, label, dns1035 }

    static func validate(_ meta: ObjectMeta, nameRule: NameRule, errors: inout FieldErrors) {
        let base = FieldPath("metadata")
        if let name = meta.name {
            let problem: String?
            switch nameRule {
            case .subdomain: problem = NameRules.dns1123Subdomain(name)
            case .label: problem = NameRules.dns1123Label(name)
            case .dns1035: problem = NameRules.dns1035Label(name)
            }
            if let problem { errors.invalid(base.appending("name"), name, problem) }
        } else {
            errors.required(base.appending("name"))
        }
        if let namespace = meta.namespace, let problem = NameRules.dns1123Label(namespace) {
            errors.invalid(base.appending("namespace"), namespace, problem)
        }
        for (key, value) in (meta.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.qualifiedName(key) { errors.invalid(base.appending("labels"), key, problem) }
            if let problem = NameRules.labelValue(value) {
                errors.invalid(base.appending("labels").appending(key), value, problem)
            }
        }
        var annotationBytes = 0
        for (key, value) in (meta.annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.qualifiedName(key.lowercased()) {
                errors.invalid(base.appending("annotations"), key, problem)
            }
            annotationBytes += key.utf8.count + value.utf8.count
        }
        if annotationBytes > 256 * 1024 {
            errors.add(base.appending("annotations"), "Too long: must have at most 262144 bytes")
        }
    }
}
