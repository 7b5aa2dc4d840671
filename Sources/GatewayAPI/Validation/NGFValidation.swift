/// NGF's CRDs' OpenAPI patterns, bounds, enums and CEL rules for its policies and filters, as the API server
/// enforces them on apply (the CEL rules' messages verbatim).
enum NGFValidation {
    static let gatewayGroup = "gateway.networking.k8s.io"
    static let contexts = ["main", "http", "http.server", "http.server.location"]
    static let loadBalancingMethods = [
        "round_robin", "least_conn", "ip_hash", "hash", "hash consistent", "random", "random two",
        "random two least_conn", "random two least_time=header", "random two least_time=last_byte",
        "least_time header", "least_time last_byte", "least_time header inflight", "least_time last_byte inflight",
    ]
    static let logLevels = ["info", "notice", "warn", "error"]
    static let errorLevels = ["debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"]

    // MARK: Value patterns

    /// `^\d{1,4}(k|m|g)?$`
    static func size(_ value: String?, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let value else { return }
        if value.wholeMatch(of: /\d{1,4}(k|m|g)?/) == nil { pattern(value, #"^\d{1,4}(k|m|g)?$"#, path, &errors) }
    }

    /// `^[0-9]{1,4}(ms|s|m|h)?$`
    static func duration(_ value: String?, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let value else { return }
        if value.wholeMatch(of: /[0-9]{1,4}(ms|s|m|h)?/) == nil {
            pattern(value, "^[0-9]{1,4}(ms|s|m|h)?$", path, &errors)
        }
    }

    static func pattern(_ value: String, _ regex: String, _ path: FieldPath, _ errors: inout FieldErrors) {
        errors.invalid(path, value, "\(path) in body should match '\(regex)'")
    }

    static func minimum(_ value: Int32?, _ minimum: Int32, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let value, value < minimum else { return }
        errors.invalid(path, String(value), "\(path) in body should be greater than or equal to \(minimum)")
    }

    static func maximum(_ value: Int32?, _ maximum: Int32, _ path: FieldPath, _ errors: inout FieldErrors) {
        guard let value, value > maximum else { return }
        errors.invalid(path, String(value), "\(path) in body should be less than or equal to \(maximum)")
    }

    /// A CEL rule's failure, as the API server words it: the value's type (`object`, or `array` for a list's rule).
    static func rule(_ path: FieldPath, _ message: String, on type: String = "object", _ errors: inout FieldErrors) {
        errors.add(path, "Invalid value: \"\(type)\": \(message)")
    }

    // MARK: Target references

    /// One target: group and kind checked by the policy's CEL rules.
    static func target(
        _ ref: LocalPolicyTargetReference, _ path: FieldPath, kinds: [String], kindMessage: String,
        groupMessage: String, core: Bool = false, _ errors: inout FieldErrors
    ) {
        GatewayAPIValidation.objectName(ref.name, path.appending("name"), &errors)
        if !kinds.contains(ref.kind) { rule(path, kindMessage, &errors) }
        let groupOK = core ? (ref.group == "" || ref.group == "core") : ref.group == gatewayGroup
        if !groupOK { rule(path, groupMessage, &errors) }
    }

    /// A `targetRefs` list: 1 to 16, each a permitted kind, unique by kind and name, and (for inherited policies)
    /// not mixing Gateways with routes.
    static func targets(
        _ refs: [LocalPolicyTargetReference], _ path: FieldPath, kinds: [String], kindMessage: String,
        groupMessage: String, core: Bool = false, uniqueMessage: String, noMixing: Bool,
        _ errors: inout FieldErrors
    ) {
        if refs.isEmpty { errors.add(path, "Required value: spec.targetRefs in body should have at least 1 items") }
        if refs.count > 16 { errors.tooMany(path, count: refs.count, max: 16) }
        for (index, ref) in refs.enumerated() {
            GatewayAPIValidation.objectName(ref.name, path.appending(index: index).appending("name"), &errors)
        }
        if refs.contains(where: { !kinds.contains($0.kind) }) { rule(path, kindMessage, on: "array", &errors) }
        let groupOK =
            core
            ? refs.contains { $0.group == "" || $0.group == "core" } : refs.allSatisfy { $0.group == gatewayGroup }
        if !refs.isEmpty && !groupOK { rule(path, groupMessage, on: "array", &errors) }
        let keys = refs.map { uniqueMessage.contains("Kind") ? "\($0.kind)/\($0.name)" : $0.name }
        if Set(keys).count != keys.count { rule(path, uniqueMessage, on: "array", &errors) }
        if noMixing && refs.contains(where: { $0.kind == "Gateway" })
            && refs.contains(where: { $0.kind == "HTTPRoute" || $0.kind == "GRPCRoute" })
        {
            rule(path, "Cannot mix Gateway kind with HTTPRoute or GRPCRoute kinds in targetRefs", on: "array", &errors)
        }
    }

    static let inheritedKinds = ["Gateway", "HTTPRoute", "GRPCRoute"]
    static let inheritedKindMessage = "TargetRef Kind must be one of: Gateway, HTTPRoute, or GRPCRoute"

    // MARK: Kinds

    static func validate(_ policy: ClientSettingsPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        target(
            policy.spec.targetRef, spec.appending("targetRef"), kinds: inheritedKinds,
            kindMessage: inheritedKindMessage, groupMessage: "TargetRef Group must be gateway.networking.k8s.io.",
            &errors)
        let body = spec.appending("body")
        size(policy.spec.body?.maxSize, body.appending("maxSize"), &errors)
        size(policy.spec.body?.bufferSize, body.appending("bufferSize"), &errors)
        duration(policy.spec.body?.timeout, body.appending("timeout"), &errors)
        let keepAlive = spec.appending("keepAlive")
        minimum(policy.spec.keepAlive?.requests, 0, keepAlive.appending("requests"), &errors)
        duration(policy.spec.keepAlive?.time, keepAlive.appending("time"), &errors)
        duration(policy.spec.keepAlive?.minTimeout, keepAlive.appending("minTimeout"), &errors)
        if let timeout = policy.spec.keepAlive?.timeout {
            duration(timeout.server, keepAlive.appending("timeout").appending("server"), &errors)
            duration(timeout.header, keepAlive.appending("timeout").appending("header"), &errors)
            if timeout.header != nil && timeout.server == nil {
                rule(keepAlive.appending("timeout"), "header can only be specified if server is specified", &errors)
            }
        }
    }

    static func validate(_ policy: ProxySettingsPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        targets(
            policy.spec.targetRefs, spec.appending("targetRefs"), kinds: inheritedKinds,
            kindMessage: inheritedKindMessage, groupMessage: "TargetRef Group must be gateway.networking.k8s.io",
            uniqueMessage: "TargetRef Kind and Name combination must be unique", noMixing: true, &errors)
        let buffering = spec.appending("buffering")
        size(policy.spec.buffering?.bufferSize, buffering.appending("bufferSize"), &errors)
        size(policy.spec.buffering?.busyBuffersSize, buffering.appending("busyBuffersSize"), &errors)
        if let buffers = policy.spec.buffering?.buffers {
            size(buffers.size, buffering.appending("buffers").appending("size"), &errors)
            minimum(buffers.number, 2, buffering.appending("buffers").appending("number"), &errors)
            maximum(buffers.number, 256, buffering.appending("buffers").appending("number"), &errors)
        }
        let timeout = spec.appending("timeout")
        duration(policy.spec.timeout?.connect, timeout.appending("connect"), &errors)
        duration(policy.spec.timeout?.read, timeout.appending("read"), &errors)
        duration(policy.spec.timeout?.send, timeout.appending("send"), &errors)
    }

    static func validate(_ policy: UpstreamSettingsPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        targets(
            policy.spec.targetRefs, spec.appending("targetRefs"), kinds: ["Service"],
            kindMessage: "TargetRefs Kind must be: Service", groupMessage: "TargetRefs Group must be core", core: true,
            uniqueMessage: "TargetRef Name must be unique", noMixing: false, &errors)
        size(policy.spec.zoneSize, spec.appending("zoneSize"), &errors)
        let keepAlive = spec.appending("keepAlive")
        minimum(policy.spec.keepAlive?.connections, 0, keepAlive.appending("connections"), &errors)
        minimum(policy.spec.keepAlive?.requests, 0, keepAlive.appending("requests"), &errors)
        duration(policy.spec.keepAlive?.time, keepAlive.appending("time"), &errors)
        duration(policy.spec.keepAlive?.timeout, keepAlive.appending("timeout"), &errors)
        if let method = policy.spec.loadBalancingMethod, !loadBalancingMethods.contains(method) {
            errors.unsupported(spec.appending("loadBalancingMethod"), method, supported: loadBalancingMethods)
        }
        if let key = policy.spec.hashMethodKey, key.wholeMatch(of: /\$[a-z_]+/) == nil {
            pattern(key, #"^\$[a-z_]+$"#, spec.appending("hashMethodKey"), &errors)
        }
        if let method = policy.spec.loadBalancingMethod, method == "hash" || method == "hash consistent",
            policy.spec.hashMethodKey == nil
        {
            rule(spec, "hashMethodKey is required when loadBalancingMethod is 'hash' or 'hash consistent'", &errors)
        }
    }

    static func validate(_ policy: RateLimitPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        targets(
            policy.spec.targetRefs, spec.appending("targetRefs"), kinds: inheritedKinds,
            kindMessage: inheritedKindMessage, groupMessage: "TargetRef Group must be gateway.networking.k8s.io",
            uniqueMessage: "TargetRef Kind and Name combination must be unique", noMixing: true, &errors)
        guard let limit = policy.spec.rateLimit else { return }
        let path = spec.appending("rateLimit")
        if let level = limit.logLevel, !logLevels.contains(level) {
            errors.unsupported(path.appending("logLevel"), level, supported: logLevels)
        }
        minimum(limit.rejectCode, 400, path.appending("rejectCode"), &errors)
        maximum(limit.rejectCode, 599, path.appending("rejectCode"), &errors)
        for (index, entry) in (limit.local?.rules ?? []).enumerated() {
            let rulePath = path.appending("local").appending("rules").appending(index: index)
            size(entry.zoneSize, rulePath.appending("zoneSize"), &errors)
            minimum(entry.delay, 0, rulePath.appending("delay"), &errors)
            minimum(entry.burst, 0, rulePath.appending("burst"), &errors)
            if entry.rate.wholeMatch(of: /\d+r\/[sm]/) == nil {
                pattern(entry.rate, #"^\d+r/[sm]$"#, rulePath.appending("rate"), &errors)
            }
            if entry.key.wholeMatch(of: /(?:[^ \t\r\n;{}#$]+|\$\w+)+/) == nil {
                pattern(entry.key, #"^(?:[^ \t\r\n;{}#$]+|\$\w+)+$"#, rulePath.appending("key"), &errors)
            }
            if entry.noDelay == true && entry.delay != nil {
                rule(rulePath, "NoDelay cannot be true when Delay is also set", &errors)
            }
        }
    }

    static func validate(_ policy: ObservabilityPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let refs = policy.spec.targetRefs
        let path = spec.appending("targetRefs")
        if refs.isEmpty { errors.add(path, "Required value: spec.targetRefs in body should have at least 1 items") }
        if refs.count > 16 { errors.tooMany(path, count: refs.count, max: 16) }
        if !refs.isEmpty && !refs.contains(where: { $0.kind == "HTTPRoute" || $0.kind == "GRPCRoute" }) {
            rule(path, "TargetRef Kind must be: HTTPRoute or GRPCRoute", on: "array", &errors)
        }
        if !refs.allSatisfy({ $0.group == gatewayGroup }) {
            rule(path, "TargetRef Group must be gateway.networking.k8s.io", on: "array", &errors)
        }
        let keys = refs.map { "\($0.kind)/\($0.name)" }
        if Set(keys).count != keys.count {
            rule(path, "TargetRef Kind and Name combination must be unique", on: "array", &errors)
        }
        guard let tracing = policy.spec.tracing else { return }
        let tp = spec.appending("tracing")
        if !["ratio", "parent"].contains(tracing.strategy) {
            errors.unsupported(tp.appending("strategy"), tracing.strategy, supported: ["ratio", "parent"])
        }
        minimum(tracing.ratio, 0, tp.appending("ratio"), &errors)
        maximum(tracing.ratio, 100, tp.appending("ratio"), &errors)
        if tracing.ratio != nil && tracing.strategy != "ratio" {
            rule(tp, "ratio can only be specified if strategy is of type ratio", &errors)
        }
        let contexts = ["extract", "inject", "propagate", "ignore"]
        if let context = tracing.context, !contexts.contains(context) {
            errors.unsupported(tp.appending("context"), context, supported: contexts)
        }
        if let name = tracing.spanName { spanText(name, tp.appending("spanName"), &errors) }
        for (index, attribute) in (tracing.spanAttributes ?? []).enumerated() {
            let ap = tp.appending("spanAttributes").appending(index: index)
            spanText(attribute.key, ap.appending("key"), &errors)
            spanText(attribute.value, ap.appending("value"), &errors)
        }
    }

    /// 1 to 255 characters, `^([^"$\\]|\\[^$])*$`.
    static func spanText(_ value: String, _ path: FieldPath, _ errors: inout FieldErrors) {
        if value.isEmpty || value.count > 255 {
            errors.invalid(path, value, "must be between 1 and 255 characters")
        } else if value.wholeMatch(of: /([^"$\\]|\\[^$])*/) == nil {
            pattern(value, #"^([^"$\\]|\\[^$])*$"#, path, &errors)
        }
    }

    static func validate(_ policy: SnippetsPolicy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        targets(
            policy.spec.targetRefs, spec.appending("targetRefs"), kinds: ["Gateway"],
            kindMessage: "TargetRef Kind must be: Gateway",
            groupMessage: "TargetRef Group must be gateway.networking.k8s.io",
            uniqueMessage: "TargetRef Name must be unique", noMixing: false, &errors)
        snippets(policy.spec.snippets ?? [], spec.appending("snippets"), max: 4, &errors)
    }

    static func validate(_ filter: SnippetsFilter, _ errors: inout FieldErrors) {
        let path = FieldPath("spec").appending("snippets")
        if filter.spec.snippets.isEmpty {
            errors.add(path, "Required value: spec.snippets in body should have at least 1 items")
        }
        snippets(filter.spec.snippets, path, max: 4, &errors)
    }

    static func snippets(_ snippets: [Snippet], _ path: FieldPath, max: Int, _ errors: inout FieldErrors) {
        if snippets.count > max { errors.tooMany(path, count: snippets.count, max: max) }
        for (index, snippet) in snippets.enumerated() {
            let sp = path.appending(index: index)
            if !contexts.contains(snippet.context) {
                errors.unsupported(sp.appending("context"), snippet.context, supported: contexts)
            }
            if snippet.value.isEmpty {
                errors.invalid(sp.appending("value"), "", "spec.snippets.value in body should be at least 1 chars long")
            }
        }
        let contextsSeen = snippets.map(\.context)
        if Set(contextsSeen).count != contextsSeen.count {
            rule(path, "Only one snippet allowed per context", on: "array", &errors)
        }
    }

    static func validate(_ filter: AuthenticationFilter, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        let type = filter.spec.type
        let types = ["Basic", "OIDC", "JWT"]
        if !types.contains(type) { errors.unsupported(spec.appending("type"), type, supported: types) }
        let set: [String: Bool] = [
            "basic": filter.spec.basic != nil, "jwt": filter.spec.jwt != nil, "oidc": filter.spec.oidc != nil,
        ]
        for (name, field) in [("Basic", "basic"), ("OIDC", "oidc"), ("JWT", "jwt")] where type == name {
            if set[field] != true { rule(spec, "type \(name) requires spec.\(field) to be set", &errors) }
            for other in ["basic", "jwt", "oidc"] where other != field && set[other] == true {
                rule(spec, "type \(name) must not set spec.\(other)", &errors)
            }
        }
        if let basic = filter.spec.basic {
            GatewayAPIValidation.objectName(
                basic.secretRef.name, spec.appending("basic").appending("secretRef").appending("name"), &errors)
        }
    }

    static func validate(_ proxy: NginxProxy, _ errors: inout FieldErrors) {
        let spec = FieldPath("spec")
        if let family = proxy.spec.ipFamily, !["dual", "ipv4", "ipv6"].contains(family) {
            errors.unsupported(spec.appending("ipFamily"), family, supported: ["dual", "ipv4", "ipv6"])
        }
        if let level = proxy.spec.logging?.errorLevel, !errorLevels.contains(level) {
            errors.unsupported(spec.appending("logging").appending("errorLevel"), level, supported: errorLevels)
        }
        minimum(proxy.spec.workerConnections, 1, spec.appending("workerConnections"), &errors)
        maximum(proxy.spec.workerConnections, 65535, spec.appending("workerConnections"), &errors)
        size(proxy.spec.zoneSize, spec.appending("zoneSize"), &errors)
    }
}
