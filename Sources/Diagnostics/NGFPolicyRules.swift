import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// NGF's policies and filters: a target that does not exist, is not this controller's or is of a kind the policy
/// cannot target; a policy that is invalid, loses a conflict, whose target is not accepted or that needs what the
/// embedded data plane lacks; a filter that is invalid, a rule that answers 500 for one; a snippet nginx refused;
/// snippets off while the store has them. An accepted, attached policy gives none.
enum NGFPolicyRules {
    static func findings(_ input: DoctorInput) -> [Finding] {
        let snippets = input.snippetsEnabled
        var findings = snippetsDisabled(input, enabled: snippets)
        findings += targetFindings(input, snippets: snippets)
        for node in input.graph.ngfPolicies where input.inScope(node.ref) { findings += policyFindings(node, input) }
        for filter in input.graph.ngfFilters where input.inScope(filter.ref) && !filter.valid {
            findings.append(invalidFilter(filter, input))
        }
        for route in input.routesInScope { findings += ruleFilterFindings(route, input, snippets: snippets) }
        if snippets { findings += snippetRejections(input) }
        return findings
    }

    // MARK: Policies as stored

    /// A policy as the store has it: whether or not the graph processed it.
    struct StoredPolicy {
        var ref: ObjectRef
        var kind: NGFPolicyKind
        var targetRefs: [LocalPolicyTargetReference]
        /// `targetRef` (one) or `targetRefs`, as the kind spells it.
        var field: String
    }

    /// Every NGF policy of the store (SnippetsPolicies only with snippets on: off, they are not read at all).
    static func stored(_ snapshot: ResourceSnapshot, snippets: Bool) -> [StoredPolicy] {
        func policy<T: KubeResource>(_ object: T, _ kind: NGFPolicyKind, _ refs: [LocalPolicyTargetReference])
            -> StoredPolicy
        {
            StoredPolicy(ref: ObjectRef(object), kind: kind, targetRefs: refs, field: "spec.targetRefs")
        }
        var result: [StoredPolicy] = []
        result += snapshot.clientSettingsPolicies.map {
            var stored = policy($0, .clientSettings, [$0.spec.targetRef])
            stored.field = "spec.targetRef"
            return stored
        }
        result += snapshot.proxySettingsPolicies.map { policy($0, .proxySettings, $0.spec.targetRefs) }
        result += snapshot.upstreamSettingsPolicies.map { policy($0, .upstreamSettings, $0.spec.targetRefs) }
        result += snapshot.rateLimitPolicies.map { policy($0, .rateLimit, $0.spec.targetRefs) }
        result += snapshot.observabilityPolicies.map { policy($0, .observability, $0.spec.targetRefs) }
        if snippets { result += snapshot.snippetsPolicies.map { policy($0, .snippets, $0.spec.targetRefs) } }
        result += snapshot.wafPolicies.map { waf in
            // WAFPolicy's targetRefs, read as NGF's graph reads them.
            let refs = (waf.spec["targetRefs"]?.arrayValue ?? []).map {
                LocalPolicyTargetReference(
                    group: $0["group"]?.stringValue ?? "", kind: $0["kind"]?.stringValue ?? "",
                    name: $0["name"]?.stringValue ?? "")
            }
            return policy(waf, .waf, refs)
        }
        return result
    }

    /// The group a target of this kind must have, as the policies' CRDs say.
    static func expectedGroup(_ kind: String) -> String {
        kind == "Service" ? "" : Gateway.group
    }

    /// The object a target reference names, in the policy's namespace.
    static func targetObject(_ target: LocalPolicyTargetReference, namespace: String) -> ObjectRef {
        target.kind == "Service"
            ? .service(namespace, target.name)
            : ObjectRef(group: Gateway.group, kind: target.kind, namespace: namespace, name: target.name)
    }

    /// Targets NGF did not process: of a kind the policy cannot target, missing, or not this controller's.
    static func targetFindings(_ input: DoctorInput, snippets: Bool) -> [Finding] {
        var findings: [Finding] = []
        for policy in stored(input.snapshot, snippets: snippets) where input.inScope(policy.ref) {
            let node = input.graph.ngfPolicy(policy.ref)
            let name = policy.ref.description
            for target in policy.targetRefs {
                let object = targetObject(target, namespace: policy.ref.namespace)
                let group = target.group == "core" ? "" : target.group
                if !policy.kind.targetKinds.contains(target.kind) || group != expectedGroup(target.kind) {
                    findings.append(wrongKind(policy, target))
                    continue
                }
                if node?.targets.contains(object) == true { continue }
                let processed = node != nil
                let effect =
                    processed
                    ? "this target is ignored (the policy applies to its other targets)"
                    : "NGF does not process the policy and writes it no status"
                if let missing = missingTarget(object, input) {
                    findings.append(
                        Finding(
                            .ngfPolicyTargetNotFound, .error, objects: [name],
                            summary: "targets \(object.description), which does not exist: \(effect)",
                            evidence: [
                                "\(policy.field): {kind: \(target.kind), name: \(target.name)}", missing.evidence,
                            ],
                            fix: missing.fix))
                } else {
                    let why = notAttached(object, input)
                    findings.append(
                        Finding(
                            .ngfPolicyNotAttached, .warning, objects: [name, object.description],
                            summary: "targets \(object.description), which \(why.summary): \(effect)",
                            evidence: why.evidence, fix: why.fix))
                }
            }
        }
        return findings
    }

    static func wrongKind(_ policy: StoredPolicy, _ target: LocalPolicyTargetReference) -> Finding {
        let kinds = policy.kind.targetKinds
        let allowed = kinds.count == 1 ? kinds[0] : kinds.dropLast().joined(separator: ", ") + " or " + kinds.last!
        let kindOK = kinds.contains(target.kind)
        let expected = expectedGroup(target.kind)
        let problem =
            kindOK
            ? "group \"\(target.group)\" for \(target.kind) (must be \(expected.isEmpty ? "\"\" (core)" : expected))"
            : "\(target.kind) \(target.name), but \(article(policy.kind.rawValue)) \(policy.kind.rawValue) may target \(allowed) only"
        return Finding(
            .ngfPolicyTargetKindUnsupported, .error, objects: [policy.ref.description],
            summary: "targets \(problem)",
            evidence: [
                "\(policy.field): {group: \"\(target.group)\", kind: \(target.kind), name: \(target.name)}",
                "the \(policy.kind.rawValue) CRD refuses this at apply; this object was stored without that check",
            ],
            fix: kindOK
                ? "set the targetRef's group to \(expected.isEmpty ? "\"\"" : expected)"
                : "target \(article(allowed)) \(allowed) instead (\(article(target.kind)) \(target.kind)'s settings come from "
                    + suggestion(forKind: target.kind) + ")")
    }

    static func article(_ word: String) -> String {
        word.first.map { "AEIOU".contains($0) } == true ? "an" : "a"
    }

    /// Which policy kind sets things on a target kind.
    static func suggestion(forKind kind: String) -> String {
        switch kind {
        case "Service": return "an UpstreamSettingsPolicy"
        case "Gateway": return "a ClientSettingsPolicy, ProxySettingsPolicy, RateLimitPolicy or SnippetsPolicy"
        default: return "a ClientSettingsPolicy, ProxySettingsPolicy, RateLimitPolicy or ObservabilityPolicy"
        }
    }

    /// Nil when the target exists in the store; else the evidence and the fix.
    static func missingTarget(_ object: ObjectRef, _ input: DoctorInput) -> (evidence: String, fix: String)? {
        let snapshot = input.snapshot
        let namespace = object.namespace
        let names: [String]
        switch object.kind {
        case "Gateway": names = snapshot.gateways.filter { $0.namespace == namespace }.map(\.name)
        case "HTTPRoute": names = snapshot.httpRoutes.filter { $0.namespace == namespace }.map(\.name)
        case "GRPCRoute": names = snapshot.grpcRoutes.filter { $0.namespace == namespace }.map(\.name)
        default: names = snapshot.services.filter { $0.namespace == namespace }.map(\.name)
        }
        if names.contains(object.name) { return nil }
        let existing = names.sorted().prefix(5)
        let plural = object.kind == "Service" ? "Services" : object.kind + "s"
        return (
            "no \(object.description) in the store",
            "create \(object.description), or correct the targetRef's name"
                + (existing.isEmpty
                    ? " (namespace \(namespace) has no \(plural); a policy targets objects of its own namespace)"
                    : " (\(plural) in \(namespace): \(existing.joined(separator: ", ")))")
        )
    }

    /// Why a target that exists is not this controller's: a Gateway of another class, a route with no parent
    /// Gateway of this controller, a Service no route of its Gateways uses.
    static func notAttached(_ object: ObjectRef, _ input: DoctorInput) -> (
        summary: String, evidence: [String], fix: String
    ) {
        let graph = input.graph
        let ourClass = graph.gatewayClasses.first(where: \.ours)?.ref.name ?? "nginx"
        let ourGateway = graph.gateways.first { $0.ref.namespace == object.namespace } ?? graph.gateways.first
        switch object.kind {
        case "Gateway":
            let gateway = input.snapshot.gateways.first {
                $0.namespace == object.namespace && $0.name == object.name
            }
            let className = gateway?.spec.gatewayClassName ?? ""
            if graph.gateway(object) == nil {
                return (
                    "is of GatewayClass \(className), not this controller's",
                    [
                        "Gateway \(object.namespacedName) spec.gatewayClassName: \(className) (this controller's: \(ourClass))"
                    ],
                    "target a Gateway of class \(ourClass), or set spec.gatewayClassName: \(ourClass) on Gateway \(object.namespacedName)"
                )
            }
            return (
                "is not processed", ["the graph has Gateway \(object.namespacedName) but not the policy on it"],
                "see gwconsole describe gateway \(object.name)"
            )
        case "HTTPRoute", "GRPCRoute":
            let parents = routeParents(object, input.snapshot)
            let attachTo = ourGateway.map {
                "parentRefs: [{name: \($0.ref.name)"
                    + ($0.ref.namespace == object.namespace ? "" : ", namespace: \($0.ref.namespace)") + "}]"
            }
            return (
                "has no parent Gateway of this controller",
                [
                    parents.isEmpty
                        ? "\(object.description) has no parentRefs"
                        : "\(object.description) parentRefs: \(parents.joined(separator: ", ")); none is a Gateway of class \(ourClass)"
                ],
                "attach the route to a Gateway of class \(ourClass)" + (attachTo.map { ": \($0)" } ?? "")
            )
        default:
            let users = graph.routes.filter { route in
                route.rules.contains { rule in (rule.backends + rule.mirrors).contains { $0.service == object } }
            }
            if users.isEmpty {
                return (
                    "no route of this controller's Gateways uses",
                    ["no HTTPRoute or GRPCRoute has a backendRef to \(object.description)"],
                    "send traffic to it: a backendRef {name: \(object.name), port: <port>} in a route attached to a Gateway of class \(ourClass)"
                )
            }
            return (
                "only routes that are not accepted or whose rules are not served use",
                users.map { route in
                    let accepted = route.parents.contains { $0.accepted && $0.gateway != nil }
                    return "\(route.ref.description) uses it; "
                        + (accepted
                            ? "the rules that do are not served"
                            : "it is not accepted by a Gateway of class \(ourClass)")
                },
                "make \(users[0].ref.description) accepted (see its RouteNotAccepted finding)"
            )
        }
    }

    static func routeParents(_ object: ObjectRef, _ snapshot: ResourceSnapshot) -> [String] {
        let refs: [ParentReference]
        if object.kind == "GRPCRoute" {
            refs =
                snapshot.grpcRoutes.first { $0.namespace == object.namespace && $0.name == object.name }?.spec
                .parentRefs ?? []
        } else {
            refs =
                snapshot.httpRoutes.first { $0.namespace == object.namespace && $0.name == object.name }?.spec
                .parentRefs ?? []
        }
        return refs.map { ref in
            "\(ref.kind ?? "Gateway") \(ref.namespace ?? object.namespace)/\(ref.name)"
                + parentClass(ref, snapshot: snapshot, namespace: object.namespace)
        }
    }

    /// ` (class X)` for a parentRef naming a Gateway of the store, ` (does not exist)` otherwise.
    static func parentClass(_ ref: ParentReference, snapshot: ResourceSnapshot, namespace: String) -> String {
        guard (ref.kind ?? "Gateway") == "Gateway" else { return "" }
        let ns = ref.namespace ?? namespace
        guard let gateway = snapshot.gateways.first(where: { $0.namespace == ns && $0.name == ref.name }) else {
            return " (does not exist)"
        }
        return " (class \(gateway.spec.gatewayClassName))"
    }

    // MARK: Policies the graph processed

    static func policyFindings(_ node: NGFPolicyNode, _ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        let name = node.ref.description
        if let invalid = node.conditions.first(where: { $0.reason == .invalid && $0.status == .false }) {
            let message = invalid.message ?? ""
            findings.append(
                Finding(
                    .ngfPolicyInvalid, .error, objects: [name],
                    summary: "the policy is invalid and takes no effect: \(message)",
                    evidence: ["Accepted=False Invalid: \(message)"],
                    fix: invalidFix(message, node)))
        }
        if let overlap = node.conditions.first(where: { $0.reason == "TargetConflict" && $0.status == .false }) {
            let message = overlap.message ?? ""
            findings.append(
                Finding(
                    .ngfPolicyInvalid, .error, objects: [name],
                    summary: "the policy cannot apply: its route shares a location with a route it does not target",
                    evidence: ["Accepted=False TargetConflict: \(message)"],
                    fix:
                        "target the other route too, or give the routes different paths or hostnames (NGF renders one location per Gateway, hostname, port and path)"
                ))
        }
        if let conflicted = node.conditions.first(where: { $0.reason == .conflicted && $0.status == .false }) {
            let winners = olderPolicies(node, input.graph)
            let on = winners.first.flatMap { winner in
                Set(node.targets).intersection(winner.targets).sorted().first
            }
            findings.append(
                Finding(
                    .ngfPolicyConflicted, .warning, objects: [name] + winners.map(\.ref.description),
                    summary: winners.isEmpty
                        ? "an older \(node.kind.rawValue) on the same target sets the same fields: this one takes no effect on any target"
                        : "\(winners.map(\.ref.description).joined(separator: " or ")) (older) on \(on?.description ?? "the same target") sets the same fields and wins: this one takes no effect on any target",
                    evidence: ["Accepted=False Conflicted: \(conflicted.message ?? "")"]
                        + winners.map { "\($0.ref.description) created \($0.metadata.creationTimestamp ?? "?")" }
                        + ["\(name) created \(node.metadata.creationTimestamp ?? "?")"],
                    fix:
                        "merge the settings into \(winners.first?.ref.description ?? "the older policy") and delete \(name), or make them set different fields"
                ))
        }
        var unaccepted: [(ancestor: NGFPolicyAncestor, condition: Condition)] = []
        var unsupported: [(ancestor: NGFPolicyAncestor, condition: Condition)] = []
        for ancestor in node.ancestors {
            for condition in ancestor.conditions where condition.status == .false {
                if condition.reason?.rawValue == "TargetNotFound" { unaccepted.append((ancestor, condition)) }
                if condition.reason?.rawValue == "NginxProxyConfigNotSet" { unsupported.append((ancestor, condition)) }
            }
        }
        if !unaccepted.isEmpty {
            var evidence: [String] = []
            var fixes: [String] = []
            for (ancestor, condition) in unaccepted {
                evidence.append(
                    "ancestor \(ancestor.ref.description): Accepted=False TargetNotFound: \(condition.message ?? "")")
                let why = targetNotAccepted(ancestor.ref, input.graph)
                evidence += why.evidence
                if !fixes.contains(why.fix) { fixes.append(why.fix) }
            }
            let targets = unaccepted.map(\.ancestor.ref.description)
            findings.append(
                Finding(
                    .ngfPolicyTargetNotAccepted, .warning, objects: [name] + targets,
                    summary:
                        "\(targets.joined(separator: ", ")) \(targets.count == 1 ? "is" : "are") not accepted, so the policy does not apply there (The TargetRef is invalid)",
                    evidence: evidence, fix: fixes.joined(separator: "; ")))
        }
        if let first = unsupported.first {
            findings.append(notSupported(node, first.condition, ancestors: unsupported.map(\.ancestor.ref), input))
        }
        return findings
    }

    /// The fix for an Invalid policy: what its message names.
    static func invalidFix(_ message: String, _ node: NGFPolicyNode) -> String {
        if message.contains("keepalive_min_timeout") {
            return
                "remove spec.keepAlive.minTimeout from \(node.ref.description) (the embedded NGINX does not have keepalive_min_timeout)"
        }
        if message.contains("load balancing methods") {
            return
                "set spec.loadBalancingMethod to one NGINX OSS has (least_conn, ip_hash, random two least_conn, hash $var, …); least_time is NGINX Plus"
        }
        if message.contains("server timeout must be set") {
            return "set spec.keepAlive.timeout.server as well as header"
        }
        if message.contains("stays inside its context") || message.contains("not closed")
            || message.contains("unterminated")
        {
            return
                "correct the snippet the message names: a snippet stays inside its context (braces balanced, quotes closed)"
        }
        let field = message.hasPrefix("spec.") ? message.prefix { $0 != ":" } : ""
        return field.isEmpty
            ? "correct the fields the message names in \(node.ref.description)"
            : "correct \(field) in \(node.ref.description): \(message.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces))"
    }

    /// The older valid policies of the same kind that share a target with this one: the one that wins is among them.
    static func olderPolicies(_ node: NGFPolicyNode, _ graph: Graph) -> [NGFPolicyNode] {
        let mine = node.metadata.creationTimestamp ?? ""
        return graph.ngfPolicies.filter { other in
            guard other.kind == node.kind, other.ref != node.ref, other.valid,
                !Set(other.targets).isDisjoint(with: node.targets)
            else { return false }
            let theirs = other.metadata.creationTimestamp ?? ""
            return theirs != mine ? theirs < mine : other.ref.namespacedName < node.ref.namespacedName
        }.sorted { ($0.metadata.creationTimestamp ?? "", $0.ref) < ($1.metadata.creationTimestamp ?? "", $1.ref) }
    }

    /// Why an ancestor (a route or a Gateway) is not accepted, and what to do.
    static func targetNotAccepted(_ ref: ObjectRef, _ graph: Graph) -> (evidence: [String], fix: String) {
        if ref.kind == "Gateway" {
            let accepted = graph.gateway(ref)?.conditions.first { $0.type == .accepted }
            return (
                accepted.map {
                    [
                        "Gateway \(ref.namespacedName) Accepted=\($0.status.rawValue) \($0.reason?.rawValue ?? ""): \($0.message ?? "")"
                    ]
                } ?? [],
                "make Gateway \(ref.namespacedName) accepted (gwconsole describe gateway \(ref.name))"
            )
        }
        let parents = graph.route(ref)?.parents ?? []
        return (
            parents.filter { !$0.accepted }.map { parent in
                let condition = parent.conditions.first { $0.type == .accepted }
                return
                    "\(ref.description) parent \(parent.parentRef.name): Accepted=False \(condition?.reason?.rawValue ?? ""): \(condition?.message ?? "")"
            },
            "make \(ref.description) accepted by its Gateway (see its RouteNotAccepted finding)"
        )
    }

    /// ObservabilityPolicy and WAFPolicy: NGF needs data plane features the embedded NGINX has not.
    static func notSupported(
        _ node: NGFPolicyNode, _ condition: Condition, ancestors: [ObjectRef], _ input: DoctorInput
    )
        -> Finding
    {
        let message = condition.message ?? ""
        let summary: String
        let fix: String
        let cluster = input.dataplane.managedElsewhere
        switch node.kind {
        case .observability:
            summary = "tracing is not enabled for its targets: \(message)"
            if message.contains("not enabled") || message.contains("not attached") {
                fix =
                    "set spec.telemetry.exporter.endpoint in the NginxProxy the GatewayClass or Gateway names (parametersRef)"
                    + (cluster
                        ? ""
                        : "; the embedded data plane has no OpenTelemetry module (ngx_otel_module), so tracing needs a cluster's NGF")
            } else {
                fix =
                    cluster
                    ? "check the NginxProxy's telemetry settings"
                    : "the embedded data plane's NGINX has no OpenTelemetry module (ngx_otel_module): tracing works only with a cluster's NGF; delete the policy here, or run against the cluster (--kubeconfig)"
            }
        case .waf:
            summary = "WAF is not applied to its targets: \(message)"
            fix =
                "WAF needs NGINX Plus with F5 WAF for NGINX (App Protect) and spec.waf.enable in the NginxProxy"
                + (cluster ? "" : "; the embedded data plane is NGINX OSS: delete the WAFPolicy here")
        default:
            summary = message
            fix = "check the NginxProxy the GatewayClass or Gateway names"
        }
        return Finding(
            .ngfPolicyNotSupported, .warning, objects: [node.ref.description] + ancestors.map(\.description),
            summary: summary,
            evidence: ancestors.map { "ancestor \($0.description): Accepted=False NginxProxyConfigNotSet: \(message)" },
            fix: fix)
    }

    // MARK: Filters

    static func invalidFilter(_ filter: NGFFilterNode, _ input: DoctorInput) -> Finding {
        let condition = filter.conditions.first { $0.type == .accepted && $0.status == .false }
        let message = condition?.message ?? ""
        let users = input.graph.references.referencedBy(filter.ref).filter {
            $0.kind == "HTTPRoute" || $0.kind == "GRPCRoute"
        }
        var fix: String
        if filter.ref.kind == AuthenticationFilter.kind {
            let secret =
                input.snapshot.authenticationFilters.first {
                    $0.namespace == filter.ref.namespace && $0.name == filter.ref.name
                }?.spec.basic?.secretRef.name ?? "<name>"
            let create =
                "kubectl create secret generic \(secret) -n \(filter.ref.namespace) --from-literal=auth=\"$(htpasswd -nbm user password)\""
            if message.contains("NGINX Plus") {
                fix = "use type: Basic with a Secret of htpasswd lines (key auth); JWT and OIDC need NGINX Plus"
            } else if message.contains("bcrypt") {
                fix = "recreate Secret \(filter.ref.namespace)/\(secret) with apr1 hashes: \(create)"
            } else if message.contains("unsupported secret type") {
                fix = "use an Opaque Secret with key auth: \(create)"
            } else if message.contains("secret") || message.contains("Secret") {
                fix = "create the Secret with key auth from `htpasswd -nbm user password`: \(create)"
            } else {
                fix = "correct the AuthenticationFilter as the message says"
            }
        } else {
            fix =
                "correct the snippet the message names: a snippet stays inside its context (braces balanced, quotes closed)"
        }
        return Finding(
            .ngfFilterInvalid, users.isEmpty ? .warning : .error, objects: [filter.ref.description],
            summary: "the filter is invalid: "
                + (users.isEmpty
                    ? message
                    : "rules of \(users.map(\.description).joined(separator: ", ")) that reference it answer 500"),
            evidence: ["Accepted=False \(condition?.reason?.rawValue ?? "Invalid"): \(message)"]
                + users.map { "referenced by \($0.description)" },
            fix: fix)
    }

    /// A rule whose filter did not resolve (ResolvedRefs InvalidFilter): it answers 500.
    static func ruleFilterFindings(_ route: RouteNode, _ input: DoctorInput, snippets: Bool) -> [Finding] {
        var findings: [Finding] = []
        for rule in route.rules where rule.dropped == nil {
            guard let problem = rule.filterProblem else { continue }
            var fixes: [String] = []
            var objects = ["\(route.ref.description) rule \(rule.index)"]
            for filter in rule.source.filters ?? [] {
                if filter.type == .extensionRef, let ref = filter.extensionRef, ref.group == "gateway.nginx.org",
                    ref.kind == SnippetsFilter.kind || ref.kind == AuthenticationFilter.kind
                {
                    let target = ObjectRef(
                        group: ref.group, kind: ref.kind, namespace: route.ref.namespace, name: ref.name)
                    if let node = input.graph.ngfFilter(target) {
                        guard !node.valid else { continue }
                        objects.append(target.description)
                        let message = node.conditions.first { $0.status == .false }?.message ?? ""
                        fixes.append("correct \(target.description): \(message)")
                    } else if ref.kind == SnippetsFilter.kind && !snippets
                        && input.snapshot.snippetsFilters.contains(where: {
                            $0.namespace == target.namespace && $0.name == target.name
                        })
                    {
                        objects.append(target.description)
                        fixes.append(
                            "\(target.description) exists but snippets are off: enable with `gwconsole up --snippets`")
                    } else {
                        fixes.append(
                            "create \(target.description) (in the route's namespace), or correct the extensionRef's name"
                        )
                    }
                } else if filter.type == .externalAuth, let auth = filter.externalAuth,
                    problem.contains("ExternalAuth")
                {
                    let namespace = auth.backendRef.namespace ?? route.ref.namespace
                    fixes.append(
                        "create Service \(namespace)/\(auth.backendRef.name) (the ExternalAuth filter's backendRef), or correct the backendRef"
                    )
                }
            }
            findings.append(
                Finding(
                    .routeFilterInvalid, .error, objects: objects,
                    summary: "requests for this rule get 500: a filter it references does not resolve",
                    evidence: ["ResolvedRefs=False InvalidFilter: \(problem)"],
                    fix: fixes.isEmpty
                        ? "correct the rule's filters as the message says" : fixes.joined(separator: "; ")))
        }
        return findings
    }

    // MARK: Snippets

    static func snippetsDisabled(_ input: DoctorInput, enabled: Bool) -> [Finding] {
        guard !enabled else { return [] }
        let filters = input.snapshot.snippetsFilters.map { ObjectRef($0) }.filter(input.inScope)
        let policies = input.snapshot.snippetsPolicies.map { ObjectRef($0) }.filter(input.inScope)
        guard !filters.isEmpty || !policies.isEmpty else { return [] }
        let referenced = filters.filter { filter in
            input.graph.routes.contains { route in
                route.rules.contains { rule in
                    (rule.source.filters ?? []).contains {
                        $0.extensionRef?.kind == SnippetsFilter.kind && $0.extensionRef?.name == filter.name
                            && route.ref.namespace == filter.namespace
                    }
                }
            }
        }
        return [
            Finding(
                .snippetsDisabled, referenced.isEmpty ? .info : .warning,
                objects: (filters + policies).map(\.description),
                summary: "snippets are off: these SnippetsFilters and SnippetsPolicies are not read"
                    + (referenced.isEmpty ? "" : ", and rules referencing a SnippetsFilter answer 500"),
                evidence: ["the controller runs without --snippets"]
                    + referenced.map { "\($0.description) is referenced by a route rule" },
                fix: input.dataplane.managedElsewhere
                    ? "enable snippets in the cluster's NGF (Helm nginxGateway.snippets.enable=true), or delete them"
                    : "enable with `gwconsole up --snippets`, or delete them")
        ]
    }

    /// The snippet objects and their lines (as rendered: trimmed, non-empty).
    static func snippetObjects(_ snapshot: ResourceSnapshot) -> [ObjectRef: Set<String>] {
        func lines(_ snippets: [Snippet]) -> Set<String> {
            Set(
                snippets.flatMap { $0.value.split(separator: "\n") }.map {
                    $0.trimmingCharacters(in: .whitespaces)
                }.filter { !$0.isEmpty })
        }
        var result: [ObjectRef: Set<String>] = [:]
        for filter in snapshot.snippetsFilters { result[ObjectRef(filter)] = lines(filter.spec.snippets) }
        for policy in snapshot.snippetsPolicies { result[ObjectRef(policy)] = lines(policy.spec.snippets ?? []) }
        return result
    }

    /// A Gateway whose last config nginx refused, at a line of a SnippetsFilter's or SnippetsPolicy's block.
    static func snippetRejections(_ input: DoctorInput) -> [Finding] {
        guard input.dataplane.running, !input.dataplane.managedElsewhere else { return [] }
        let objects = snippetObjects(input.snapshot)
        guard !objects.isEmpty else { return [] }
        var findings: [Finding] = []
        for gateway in input.graph.gateways {
            guard let facts = input.dataplane.gateways[gateway.ref.namespacedName], !facts.programmed,
                !facts.message.isEmpty
            else { continue }
            guard let blame = attribute(facts.message, gateway: gateway, input, objects: objects),
                input.inScope(gateway.ref) || input.inScope(blame.object)
            else { continue }
            findings.append(
                Finding(
                    .snippetRejected, .error,
                    objects: [blame.object.description, "Gateway \(gateway.ref.namespacedName)"],
                    summary:
                        "nginx refused this Gateway's config at a line of \(blame.object.description): the last good config keeps serving",
                    evidence: [facts.message] + blame.evidence,
                    fix:
                        "correct or remove the snippet line in \(blame.object.description) (nginx's message names the directive), or delete the object"
                ))
        }
        return findings
    }

    /// The snippet object nginx's message points at: by the file and line it names in the Gateway's config rendered
    /// again (the block after a `# SnippetsFilter ns/name` comment), else by the directive it names when only one
    /// snippet object has it.
    static func attribute(
        _ message: String, gateway: GatewayNode, _ input: DoctorInput, objects: [ObjectRef: Set<String>]
    ) -> (object: ObjectRef, evidence: [String])? {
        if let location = location(message), let config = rerender(location.path, gateway: gateway, input),
            let file = config.files.first(where: { location.path.hasSuffix("/" + $0.path) }),
            let found = block(at: location.line, in: file.content, objects: objects)
        {
            return (
                found.object,
                ["\(file.path):\(location.line) is `\(found.text)`, in the block of \(found.object.description)"]
            )
        }
        guard let directive = quotedDirective(message) else { return nil }
        let having = objects.filter { _, lines in
            lines.contains { $0.split(separator: " ").first.map(String.init) == directive || $0 == directive + ";" }
        }.keys.sorted()
        guard having.count == 1 else { return nil }
        return (having[0], ["directive \"\(directive)\" appears in no other snippet (no file:line to map)"])
    }

    /// The last `in /path/file:line` of nginx's message.
    static func location(_ message: String) -> (path: String, line: Int)? {
        guard let match = message.matches(of: /in (\/[^\n]+?):(\d+)/).last, let line = Int(match.2) else {
            return nil
        }
        return (String(match.1), line)
    }

    /// The first quoted word of nginx's message: the directive it refused.
    static func quotedDirective(_ message: String) -> String? {
        message.firstMatch(of: /"([A-Za-z_][A-Za-z0-9_]*)"/).map { String($0.1) }
    }

    /// The Gateway's config rendered from the graph, in the config directory nginx's path names (the one that holds
    /// `nginx.conf` and `conf.d/`): paths and addresses change no line's number.
    static func rerender(_ path: String, gateway: GatewayNode, _ input: DoctorInput) -> RenderedConfig? {
        let directory: String
        if let confD = path.range(of: "/conf.d/", options: .backwards) {
            directory = String(path[..<confD.lowerBound])
        } else if path.hasSuffix("/" + RenderedConfig.mainFile) {
            directory = String(path.dropLast(RenderedConfig.mainFile.count + 1))
        } else {
            return nil
        }
        // `<dp>/<n>/generations/<g>` (or `<dp>/<n>/current`): the runtime directory is `<dp>/<n>/run`.
        let gatewayDirectory =
            directory.range(of: "/generations/", options: .backwards).map { String(directory[..<$0.lowerBound]) }
            ?? (directory as NSString).deletingLastPathComponent
        let runtime = gatewayDirectory + "/run"
        let address = input.dataplane.gateways[gateway.ref.namespacedName]?.bindings.first?.address ?? "127.0.0.1"
        return Renderer.render(
            gateway: gateway, graph: input.graph, snapshot: input.snapshot,
            settings: RenderSettings(address: address, configDirectory: directory, runtimeDirectory: runtime))
    }

    /// The snippet object whose block holds line `line` (1-based) of `content`: the nearest origin comment above
    /// is `# SnippetsFilter ns/name` or `# SnippetsPolicy ns/name`, and every line from it to `line` is one of that
    /// object's snippet lines.
    static func block(at line: Int, in content: String, objects: [ObjectRef: Set<String>]) -> (
        object: ObjectRef, text: String
    )? {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard line >= 1, line <= lines.count else { return nil }
        var walked: [String] = []
        var index = line - 1
        while index >= 0 {
            let text = lines[index]
            if let match = text.wholeMatch(of: /# ([A-Za-z]+) ([^\s\/]+)\/([^\s\/]+)/) {
                let kind = String(match.1)
                if kind == SnippetsFilter.kind || kind == SnippetsPolicy.kind {
                    let ref = ObjectRef(
                        group: "gateway.nginx.org", kind: kind, namespace: String(match.2), name: String(match.3))
                    guard let known = objects[ref], !walked.isEmpty, walked.allSatisfy(known.contains) else {
                        return nil
                    }
                    return (ref, lines[line - 1])
                }
                // Another object's block (a policy's directives), unless it is a comment of the snippet itself.
                if objects.values.allSatisfy({ !$0.contains(text) }) { return nil }
            }
            walked.append(text)
            index -= 1
        }
        return nil
    }
}
