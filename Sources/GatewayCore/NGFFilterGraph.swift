import GatewayAPI

/// NGF's SnippetsFilters (read with snippets enabled only) and AuthenticationFilters: accepted or invalid as NGF's
/// graph says, with what a rule that references them renders.
enum NGFFilterGraph {
    static func filters(_ snapshot: ResourceSnapshot, _ config: ControllerConfig, references: inout ReferenceIndex)
        -> [NGFFilterNode]
    {
        var nodes: [NGFFilterNode] = []
        if config.snippets {
            for filter in snapshot.snippetsFilters {
                var problems: [String] = []
                for (index, snippet) in filter.spec.snippets.enumerated() {
                    if let problem = SnippetCheck.problem(snippet.value) {
                        problems.append(
                            "spec.snippets[\(index)].value: Invalid value: \"\(snippet.context)\": \(problem)")
                    }
                }
                let valid = problems.isEmpty
                nodes.append(
                    NGFFilterNode(
                        ref: ObjectRef(filter), valid: valid,
                        conditions: [
                            valid
                                ? Conditions.filterAccepted("SnippetsFilter")
                                : Conditions.filterInvalid(NGFPolicyGraph.aggregate(problems))
                        ], previousStatus: filter.status, generation: filter.metadata.generation,
                        snippets: filter.spec.snippets))
            }
        }
        for filter in snapshot.authenticationFilters {
            nodes.append(authentication(filter, snapshot: snapshot, references: &references))
        }
        return nodes.sorted { $0.ref < $1.ref }
    }

    static func authentication(
        _ filter: AuthenticationFilter, snapshot: ResourceSnapshot, references: inout ReferenceIndex
    ) -> NGFFilterNode {
        var node = NGFFilterNode(
            ref: ObjectRef(filter), valid: false, conditions: [], previousStatus: filter.status,
            generation: filter.metadata.generation)
        func invalid(_ message: String) -> NGFFilterNode {
            node.conditions = [Conditions.filterInvalid(message)]
            return node
        }
        switch filter.spec.type {
        case "JWT": return invalid("JWT Authentication requires NGINX Plus.")
        case "OIDC": return invalid("OIDC Authentication requires NGINX Plus.")
        case "Basic": break
        default: return invalid("spec.type: Invalid value: \"\(filter.spec.type)\": unsupported authentication type")
        }
        guard let basic = filter.spec.basic else { return invalid("spec.basic: Required value: cannot be nil") }
        let namespace = filter.namespace
        let name = basic.secretRef.name
        let secretRef = ObjectRef(group: "", kind: "Secret", namespace: namespace, name: name)
        references.add(node.ref, secretRef)
        func secretProblem(_ detail: String) -> NGFFilterNode {
            invalid("spec.basic.secretRef: Invalid value: \"secret \(namespace)/\(name) is invalid\": \(detail)")
        }
        guard let secret = snapshot.secret(namespace, name) else {
            return secretProblem("Secret \(namespace)/\(name) does not exist")
        }
        let type = secret.type ?? "Opaque"
        guard type == "Opaque" || type == "nginx.org/htpasswd" else {
            return secretProblem("unsupported secret type \"\(type)\"")
        }
        guard let data = secret.data?["auth"].flatMap(Base64.decode), !data.isEmpty else {
            return secretProblem("opaque secret \(namespace)/\(name) does not contain the expected key \"auth\"")
        }
        let htpasswd = String(decoding: data, as: UTF8.self)
        if let problem = HtpasswdCheck.problem(htpasswd) {
            return secretProblem("key \"auth\" \(problem)")
        }
        node.valid = true
        node.basicAuth = (realm: basic.realm, secret: secretRef, htpasswd: htpasswd)
        node.conditions = [
            type == "nginx.org/htpasswd"
                ? Conditions.make(
                    .accepted, true, .accepted,
                    "The AuthenticationFilter is accepted, but the referenced Secret \(namespace)/\(name) of type \"nginx.org/htpasswd\" is now deprecated. This secret type will be removed in a future release. Please use type \"Opaque\" instead."
                )
                : Conditions.filterAccepted("AuthenticationFilter")
        ]
        return node
    }

    /// A rule's ExtensionRef, CORS and ExternalAuth filters: what they resolve to, a problem that drops the rule
    /// (`dropped`), or one that serves it with 500 (`unresolved`, ResolvedRefs InvalidFilter).
    static func extensions(
        _ rule: HTTPRouteRule, index ruleIndex: Int, route: ObjectRef, filters: [ObjectRef: NGFFilterNode],
        snapshot: ResourceSnapshot, references: inout ReferenceIndex,
        backend: (HTTPBackendRef, inout ReferenceIndex) -> BackendNode
    ) -> (extensions: [RuleExtension], dropped: String?, unresolved: String?) {
        var result: [RuleExtension] = []
        var dropped: [String] = []
        var unresolved: [String] = []
        var authentications = 0
        var externalAuths = 0
        for (index, filter) in (rule.filters ?? []).enumerated() {
            let path = "spec.rules[\(ruleIndex)].filters[\(index)]"
            switch filter.type {
            case .extensionRef:
                guard let ref = filter.extensionRef else {
                    dropped.append("\(path).extensionRef: Required value: cannot be nil")
                    continue
                }
                guard ref.group == "gateway.nginx.org" else {
                    dropped.append(
                        "\(path).extensionRef: Unsupported value: \"\(ref.group)\": supported values: \"gateway.nginx.org\""
                    )
                    continue
                }
                guard ref.kind == "SnippetsFilter" || ref.kind == "AuthenticationFilter" else {
                    dropped.append(
                        "\(path).extensionRef: Unsupported value: \"\(ref.kind)\": supported values: \"SnippetsFilter\", \"AuthenticationFilter\""
                    )
                    continue
                }
                let json = "{\"group\":\"\(ref.group)\",\"kind\":\"\(ref.kind)\",\"name\":\"\(ref.name)\"}"
                if ref.kind == "AuthenticationFilter" {
                    authentications += 1
                    if authentications > 1 {
                        dropped.append(
                            "\(path).extensionRef: Invalid value: \(json): only one AuthenticationFilter is allowed per Route rule"
                        )
                        continue
                    }
                }
                let target = ObjectRef(
                    group: "gateway.nginx.org", kind: ref.kind, namespace: route.namespace, name: ref.name)
                references.add(route, target)
                guard let node = filters[target] else {
                    unresolved.append("\(path).extensionRef: Not found: \(json)")
                    continue
                }
                guard node.valid else {
                    unresolved.append(
                        "\(path).extensionRef: Invalid value: \(json): referenced filter is invalid. See filter status for more details."
                    )
                    continue
                }
                result.append(ref.kind == "SnippetsFilter" ? .snippets(target) : .authentication(target))
            case .cors:
                guard let cors = filter.cors else {
                    dropped.append("\(path).CORS: Required value: CORS filter cannot be nil")
                    continue
                }
                if !result.contains(where: { if case .cors = $0 { return true } else { return false } }) {
                    result.append(.cors(cors))
                }
            case .externalAuth:
                guard let auth = filter.externalAuth else {
                    dropped.append("\(path).externalAuth: Required value: cannot be nil")
                    continue
                }
                externalAuths += 1
                if externalAuths > 1 { continue }
                guard auth.protocol == "HTTP" else {
                    dropped.append(
                        "\(path).externalAuth.protocol: Unsupported value: \"\(auth.protocol)\": supported values: \"HTTP\""
                    )
                    continue
                }
                let resolved = backend(HTTPBackendRef(auth.backendRef), &references)
                guard resolved.problem == nil else {
                    unresolved.append(
                        "ExternalAuth filter references a backend that could not be resolved; the rule is rejected to avoid proxying without authentication"
                    )
                    continue
                }
                result.append(.externalAuth(auth, resolved))
            default:
                continue
            }
        }
        return (
            result, dropped.isEmpty ? nil : NGFPolicyGraph.aggregate(dropped),
            unresolved.isEmpty ? nil : NGFPolicyGraph.aggregate(unresolved)
        )
    }
}

/// An htpasswd file's shape as nginx's auth_basic reads it: `user:hash` lines, with a hash nginx can check.
public enum HtpasswdCheck {
    public static func problem(_ text: String) -> String? {
        var users = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                return "line \(index + 1) is not \"user:password-hash\""
            }
            let hash =
                line[line.index(after: colon)...].split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            if hash.isEmpty { return "line \(index + 1) has no password hash" }
            if hash.hasPrefix("$2") {
                return
                    "line \(index + 1) has a bcrypt hash ($2y$), which NGINX's auth_basic cannot check: use `htpasswd -m` (apr1) or SHA-512 crypt"
            }
            users += 1
        }
        return users == 0 ? "has no \"user:password-hash\" line" : nil
    }
}
