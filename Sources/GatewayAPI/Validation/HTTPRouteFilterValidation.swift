/// The CRD's rules for the CORS and ExternalAuth HTTPRoute filters (gateway-api v1.6.1's OpenAPI patterns and CEL
/// rules, their messages verbatim).
extension GatewayAPIValidation {
    static let corsMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*"]

    static func validate(_ cors: HTTPCORSFilter, _ path: FieldPath, _ errors: inout FieldErrors) {
        let origins = cors.allowOrigins ?? []
        let originsPath = path.appending("allowOrigins")
        if origins.count > 64 { errors.tooMany(originsPath, count: origins.count, max: 64) }
        for (index, origin) in origins.enumerated() {
            let p = originsPath.appending(index: index)
            if origin.isEmpty || origin.utf8.count > 253 {
                errors.invalid(p, origin, "must be between 1 and 253 characters")
            } else if origin != "*",
                origin.wholeMatch(of: /(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)/)
                    == nil
            {
                errors.invalid(
                    p, origin,
                    #"\#(p) in body should match '(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)'"#
                )
            }
        }
        if origins.contains("*") && origins.count > 1 {
            errors.add(originsPath, "Invalid value: \"array\": AllowOrigins cannot contain '*' alongside other origins")
        }
        let methods = cors.allowMethods ?? []
        if methods.count > 9 { errors.tooMany(path.appending("allowMethods"), count: methods.count, max: 9) }
        for (index, method) in methods.enumerated() where !corsMethods.contains(method) {
            errors.unsupported(path.appending("allowMethods").appending(index: index), method, supported: corsMethods)
        }
        if methods.contains("*") && methods.count > 1 {
            errors.add(
                path.appending("allowMethods"),
                "Invalid value: \"array\": AllowMethods cannot contain '*' alongside other methods")
        }
        for (field, headers) in [
            ("allowHeaders", cors.allowHeaders ?? []), ("exposeHeaders", cors.exposeHeaders ?? []),
        ] {
            let p = path.appending(field)
            if headers.count > 64 { errors.tooMany(p, count: headers.count, max: 64) }
            for (index, header) in headers.enumerated() {
                if let problem = NameRules.headerName(header) {
                    errors.invalid(p.appending(index: index), header, problem)
                }
            }
        }
        if let headers = cors.allowHeaders, headers.contains("*") && headers.count > 1 {
            errors.add(
                path.appending("allowHeaders"),
                "Invalid value: \"array\": AllowHeaders cannot contain '*' alongside other methods")
        }
        if let maxAge = cors.maxAge, maxAge < 1 {
            errors.invalid(
                path.appending("maxAge"), String(maxAge),
                "\(path.appending("maxAge")) in body should be greater than or equal to 1")
        }
    }

    static func validate(_ auth: HTTPExternalAuthFilter, _ path: FieldPath, _ errors: inout FieldErrors) {
        if !["HTTP", "GRPC"].contains(auth.protocol) {
            errors.unsupported(path.appending("protocol"), auth.protocol, supported: ["HTTP", "GRPC"])
        }
        let rules: [(Bool, String)] = [
            (auth.protocol == "GRPC" && auth.grpc == nil, "grpc must be specified when protocol is set to 'GRPC'"),
            (auth.grpc != nil && auth.protocol != "GRPC", "protocol must be 'GRPC' when grpc is set"),
            (auth.protocol == "HTTP" && auth.http == nil, "http must be specified when protocol is set to 'HTTP'"),
            (auth.http != nil && auth.protocol != "HTTP", "protocol must be 'HTTP' when http is set"),
        ]
        for (failed, message) in rules where failed { errors.add(path, "Invalid value: \"object\": \(message)") }
        backendRef(auth.backendRef, path.appending("backendRef"), &errors)
        if let http = auth.http {
            let hp = path.appending("http")
            if let pathValue = http["path"]?.stringValue {
                if pathValue.utf8.count > 1024
                    || pathValue.wholeMatch(of: /(?:[-A-Za-z0-9\/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+/) == nil
                {
                    errors.invalid(
                        hp.appending("path"), pathValue,
                        "\(hp.appending("path")) in body should match '^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$'"
                    )
                }
            }
            for field in ["allowedHeaders", "allowedResponseHeaders"] {
                let list = http[field]?.arrayValue ?? []
                if list.count > 64 { errors.tooMany(hp.appending(field), count: list.count, max: 64) }
                for (index, value) in list.enumerated() {
                    let name = value.stringValue ?? ""
                    if let problem = NameRules.headerName(name) {
                        errors.invalid(hp.appending(field).appending(index: index), name, problem)
                    }
                }
            }
        }
        if let size = auth.forwardBody?["maxSize"]?.intValue, size < 0 || size > 65535 {
            errors.invalid(
                path.appending("forwardBody").appending("maxSize"), String(size), "must be between 0 and 65535")
        }
    }
}
