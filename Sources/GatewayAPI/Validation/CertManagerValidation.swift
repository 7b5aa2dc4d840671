/// Validation of cert-manager's kinds, as its webhook checks them (the rules that decide what can be issued).
public enum CertManagerValidation {
    static func validate(_ spec: IssuerSpec, _ errors: inout FieldErrors) {
        let path = FieldPath("spec")
        let configured = [
            spec.selfSigned != nil, spec.ca != nil, spec.acme != nil, spec.vault != nil, spec.venafi != nil,
        ]
        .filter { $0 }.count
        if configured == 0 {
            errors.add(
                path,
                "Required value: at least one issuer type must be configured (selfSigned, ca, acme, vault, venafi)")
        } else if configured > 1 {
            errors.add(path, "Forbidden: may not specify more than one issuer type")
        }
        if let ca = spec.ca {
            if ca.secretName.isEmpty {
                errors.required(path.appending("ca").appending("secretName"))
            } else if let problem = NameRules.dns1123Subdomain(ca.secretName) {
                errors.invalid(path.appending("ca").appending("secretName"), ca.secretName, problem)
            }
        }
    }

    static func validate(_ certificate: Certificate, _ errors: inout FieldErrors) {
        let spec = certificate.spec
        let path = FieldPath("spec")
        if spec.secretName.isEmpty {
            errors.required(path.appending("secretName"))
        } else if let problem = NameRules.dns1123Subdomain(spec.secretName) {
            errors.invalid(path.appending("secretName"), spec.secretName, problem)
        }
        if spec.issuerRef.name.isEmpty { errors.required(path.appending("issuerRef").appending("name")) }
        if let kind = spec.issuerRef.kind, !["Issuer", "ClusterIssuer"].contains(kind),
            (spec.issuerRef.group ?? "cert-manager.io") == "cert-manager.io"
        {
            errors.unsupported(
                path.appending("issuerRef").appending("kind"), kind, supported: ["Issuer", "ClusterIssuer"])
        }
        let names = (spec.dnsNames ?? []) + (spec.ipAddresses ?? []) + (spec.uris ?? []) + (spec.emailAddresses ?? [])
        if (spec.commonName ?? "").isEmpty && names.isEmpty && spec.literalSubject == nil {
            errors.add(
                path,
                "Invalid value: at least one of commonName, dnsNames, uris, ipAddresses or emailAddresses must be set")
        }
        if let commonName = spec.commonName, commonName.utf8.count > 64 {
            errors.invalid(path.appending("commonName"), commonName, "must be no more than 64 bytes")
        }
        for (index, name) in (spec.dnsNames ?? []).enumerated() {
            let bare = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
            if let problem = NameRules.dns1123Subdomain(bare.lowercased()) {
                errors.invalid(path.appending("dnsNames").appending(index: index), name, problem)
            }
        }
        let ipv6 = Set("0123456789abcdefABCDEF:.")
        for (index, address) in (spec.ipAddresses ?? []).enumerated()
        where !IPAddress.isIPv4(address) && !(address.contains(":") && address.allSatisfy(ipv6.contains)) {
            errors.invalid(path.appending("ipAddresses").appending(index: index), address, "must be an IP address")
        }
        var duration: Double?
        if let text = spec.duration {
            duration = GoDuration.seconds(text)
            if duration == nil {
                errors.invalid(path.appending("duration"), text, "must be a duration such as 2160h or 90m")
            } else if duration! < 3600 {
                errors.invalid(path.appending("duration"), text, "certificate duration must be greater than 1h0m0s")
            }
        }
        if let text = spec.renewBefore {
            if let renew = GoDuration.seconds(text) {
                if renew >= (duration ?? 90 * 86_400) {
                    errors.invalid(
                        path.appending("renewBefore"), text, "must be shorter than the certificate's duration")
                }
            } else {
                errors.invalid(path.appending("renewBefore"), text, "must be a duration such as 360h")
            }
        }
        if let percentage = spec.renewBeforePercentage, !(1...99).contains(percentage) {
            errors.invalid(path.appending("renewBeforePercentage"), String(percentage), "must be between 1 and 99")
        }
        for (field, values) in [("uris", spec.uris ?? []), ("emailAddresses", spec.emailAddresses ?? [])] {
            for (index, value) in values.enumerated()
            where value.isEmpty || value.contains(",")
                || value.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f })
            {
                errors.invalid(
                    path.appending(field).appending(index: index), value,
                    "must not be empty or contain commas, spaces or control characters")
            }
        }
        if let key = spec.privateKey {
            let keyPath = path.appending("privateKey")
            let algorithm = key.algorithm ?? "RSA"
            switch algorithm {
            case "RSA":
                if let size = key.size, !(2048...8192).contains(size) {
                    errors.invalid(
                        keyPath.appending("size"), String(size), "RSA key size must be between 2048 and 8192")
                }
            case "ECDSA":
                if let size = key.size, ![256, 384, 521].contains(size) {
                    errors.unsupported(keyPath.appending("size"), String(size), supported: ["256", "384", "521"])
                }
            case "Ed25519":
                break
            default:
                errors.unsupported(keyPath.appending("algorithm"), algorithm, supported: ["RSA", "ECDSA", "Ed25519"])
            }
            if let rotation = key.rotationPolicy, !["Never", "Always"].contains(rotation) {
                errors.unsupported(keyPath.appending("rotationPolicy"), rotation, supported: ["Never", "Always"])
            }
        }
    }
}
