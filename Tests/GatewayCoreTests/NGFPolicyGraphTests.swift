import Foundation
import GatewayAPI
import Testing

@testable import GatewayCore

// MARK: Manifest building blocks

/// An NGF object of `kind` named `name` in `default`: `spec` is the YAML under `spec:`, indented two spaces.
/// `created` sets its creation time (else the harness's: one second per document, in order).
private func ngf(_ kind: String, _ name: String, _ spec: String, version: String = "v1alpha1", created: String? = nil)
    -> String
{
    """
    apiVersion: gateway.nginx.org/\(version)
    kind: \(kind)
    metadata:
      name: \(name)
    \(created.map { "  annotations: {test/created: \"\($0)\"}\n" } ?? "")spec:
    \(spec)
    ---

    """
}

/// A `targetRef` to a Gateway API object.
private func target(_ kind: String, _ name: String) -> String {
    "{group: gateway.networking.k8s.io, kind: \(kind), name: \(name)}"
}

/// A ClientSettingsPolicy on `on` (a `target(…)`), with `settings` (YAML indented two spaces).
private func clientSettings(
    _ name: String, on: String = target("Gateway", "gateway"), _ settings: String = "  body: {maxSize: 10m}",
    created: String? = nil
) -> String {
    ngf("ClientSettingsPolicy", name, "  targetRef: \(on)\n\(settings)", created: created)
}

/// A ProxySettingsPolicy on `targets` (a flow list of `target(…)`).
private func proxySettings(
    _ name: String, on targets: [String] = [target("Gateway", "gateway")], _ settings: String,
    created: String? = nil
) -> String {
    ngf(
        "ProxySettingsPolicy", name, "  targetRefs: [\(targets.joined(separator: ", "))]\n\(settings)",
        created: created)
}

/// An UpstreamSettingsPolicy on Services `services`.
private func upstreamSettings(_ name: String, services: [String], _ settings: String, created: String? = nil) -> String
{
    let refs = services.map { "{group: core, kind: Service, name: \($0)}" }.joined(separator: ", ")
    return ngf("UpstreamSettingsPolicy", name, "  targetRefs: [\(refs)]\n\(settings)", created: created)
}

/// A Secret `name` whose key `auth` holds NGF's example htpasswd line (user1, apr1), or with `data` as given.
private func authSecret(_ name: String = "basic-auth", type: String = "Opaque", data: String? = nil) -> String {
    """
    apiVersion: v1
    kind: Secret
    metadata:
      name: \(name)
    type: \(type)
    data:
    \(data ?? "  auth: dXNlcjE6JGFwcjEkWEFKeU5yekgkY0Rjdy9YMVBCZTFmTjltQVBweXpxMA==")
    ---

    """
}

/// NGF's basic-auth AuthenticationFilter (examples/basic-authentication/basic-auth.yaml) under `name`.
private func basicAuthFilter(_ name: String = "basic-auth", secret: String = "basic-auth") -> String {
    ngf(
        "AuthenticationFilter", name,
        "  type: Basic\n  basic:\n    secretRef:\n      name: \(secret)\n    realm: \"Restricted basic-auth\"")
}

/// NGF's cafe without its routes: Gateway `gateway` (listener `http`), Services `coffee` and `tea`.
private let cafeServices =
    gateway() + service("coffee", portName: "http", port: 80) + service("tea", portName: "http", port: 80)

/// NGF's cafe: its Gateway and Services, HTTPRoutes `coffee` and `tea` to the Services of those names.
/// The cafe's routes on distinct paths, as NGF's examples have them (routes sharing a host and path would make a
/// policy on one of them a TargetConflict).
private let cafe =
    cafeServices
    + route(
        "coffee", hostnames: "[\"cafe.example.com\"]",
        rules: "  - matches: [{path: {type: PathPrefix, value: /coffee}}]\n    backendRefs: [{name: coffee, port: 80}]")
    + route(
        "tea", hostnames: "[\"cafe.example.com\"]",
        rules: "  - matches: [{path: {type: Exact, value: /tea}}]\n    backendRefs: [{name: tea, port: 80}]")

/// An HTTPRoute `name` on the cafe's Gateway with `rules` (the YAML under `rules:`, indented two spaces).
private func cafeRoute(_ name: String = "coffee", rules: String) -> String {
    route(name, hostnames: "[\"cafe.example.com\"]", rules: rules)
}

// MARK: Status reading

/// `Type=Status/Reason: message` for each condition, sorted (a condition list is a map keyed by type).
private func detail(_ conditions: JSONValue?) -> [String] {
    (conditions?.arrayValue ?? []).map { c in
        "\(c["type"]?.stringValue ?? "")=\(c["status"]?.stringValue ?? "")/\(c["reason"]?.stringValue ?? ""): \(c["message"]?.stringValue ?? "")"
    }.sorted()
}

/// The conditions NGF writes for an accepted settings policy, and for each way it is refused.
private let policyAccepted = [
    "Accepted=True/Accepted: The Policy is accepted",
    "Programmed=True/Programmed: Policy is programmed in the data plane",
]
private func policyConflicted(_ kind: String) -> [String] {
    [
        "Accepted=False/Conflicted: Conflicts with another \(kind)",
        "Programmed=False/Overridden: Policy is overridden by a conflicting policy of greater precedence",
    ]
}
private func policyRefused(_ reason: String, _ message: String) -> [String] {
    [
        "Accepted=False/\(reason): \(message)",
        "Programmed=False/Reconciling: Policy is not programmed in the data plane",
    ]
}
private func policyInvalid(_ message: String) -> [String] { policyRefused("Invalid", message) }

/// What the controller computes for `yaml`: the graph and the statuses by `Kind namespace/name`.
private struct NGFOutcome {
    var graph: Graph
    var status: [String: JSONValue]

    init(_ yaml: String, snippets: Bool = false, edit: (inout ResourceSnapshot) throws -> Void = { _ in }) throws {
        var snap = try snapshot(yaml)
        try edit(&snap)
        var config = ControllerConfig()
        config.snippets = snippets
        graph = GraphBuilder.build(snap, config: config)
        status = [:]
        for update in StatusBuilder.updates(graph, now: "2024-06-01T00:00:00Z") {
            status["\(update.ref.kind) \(update.ref.namespacedName)"] = update.status
        }
    }

    /// A policy's ancestors as `Kind namespace/name` → conditions; nil when no status is written for it.
    func ancestors(_ policy: String) -> [String: [String]]? {
        guard let entries = status[policy]?["ancestors"]?.arrayValue else { return nil }
        var result: [String: [String]] = [:]
        for entry in entries {
            let ref = entry["ancestorRef"]
            let key =
                "\(ref?["kind"]?.stringValue ?? "") \(ref?["namespace"]?.stringValue ?? "")/\(ref?["name"]?.stringValue ?? "")"
            result[key] = detail(entry["conditions"])
        }
        return result
    }

    /// The ancestors in the order written, as `Kind namespace/name`.
    func ancestorOrder(_ policy: String) -> [String] {
        (status[policy]?["ancestors"]?.arrayValue ?? []).map {
            "\($0["ancestorRef"]?["kind"]?.stringValue ?? "") \($0["ancestorRef"]?["namespace"]?.stringValue ?? "")/\($0["ancestorRef"]?["name"]?.stringValue ?? "")"
        }
    }

    /// An object's own conditions (a Gateway's, a GatewayClass's).
    func conditions(_ object: String) -> [String] { detail(status[object]?["conditions"]) }

    /// A route's conditions for its parent `index`.
    func parent(_ route: String, _ index: Int = 0) -> [String] {
        let parents = status[route]?["parents"]?.arrayValue ?? []
        return index < parents.count ? detail(parents[index]["conditions"]) : ["<no parent \(index)>"]
    }

    /// A SnippetsFilter's or AuthenticationFilter's conditions for this controller; nil when no status is written.
    func filter(_ object: String) -> [String]? {
        guard let controllers = status[object]?["controllers"]?.arrayValue else { return nil }
        return detail(
            controllers.first { $0["controllerName"]?.stringValue == ControllerConfig.defaultControllerName }?[
                "conditions"])
    }

    func ref(_ kind: String, _ name: String, group: String = "gateway.nginx.org") -> ObjectRef {
        ObjectRef(group: group, kind: kind, namespace: "default", name: name)
    }

    func gatewayPolicies(_ name: String = "gateway") -> [ObjectRef]? {
        graph.gateway(.gateway("default", name))?.policies
    }

    func routePolicies(_ name: String, kind: String = "HTTPRoute") -> [ObjectRef]? {
        graph.route(ObjectRef(group: Gateway.group, kind: kind, namespace: "default", name: name))?.policies
    }
}

private let affectedCSP =
    "ClientSettingsPolicyAffected=True/PolicyAffected: The ClientSettingsPolicy is applied to the resource"

/// NGF's policies in the graph and in status as NGF computes them (internal/controller/state/graph/policies.go,
/// internal/controller/nginx/config/policies/*/validator.go, internal/controller/status/prepare_requests.go): which
/// policies are processed, their ancestors, conflicts, validation, the `<Kind>Affected` conditions on targets, and
/// what attaches where.
@Suite("NGF policies in the graph")
struct NGFPolicyGraphTests {
    // MARK: Attachment and ancestors

    @Test("a Gateway-targeted ClientSettingsPolicy is accepted: the ancestor is the Gateway, which says it is affected")
    func gatewayTargeted() throws {
        // examples/client-settings-policy/gateway-client-settings.yaml
        let outcome = try NGFOutcome(
            cafe
                + ngf(
                    "ClientSettingsPolicy", "gateway-client-settings",
                    """
                      targetRef:
                        group: gateway.networking.k8s.io
                        kind: Gateway
                        name: gateway
                      body:
                        maxSize: "50" # sizes without a unit are bytes.
                    """))
        let key = "ClientSettingsPolicy default/gateway-client-settings"
        #expect(outcome.ancestors(key) == ["Gateway default/gateway": policyAccepted])
        let entry = try #require(outcome.status[key]?["ancestors"]?.arrayValue?.first)
        #expect(entry["ancestorRef"]?["group"]?.stringValue == "gateway.networking.k8s.io")
        #expect(entry["controllerName"]?.stringValue == ControllerConfig.defaultControllerName)
        #expect(
            entry["conditions"]?.arrayValue?.allSatisfy { $0["observedGeneration"]?.intValue == 1 } == true)
        #expect(outcome.conditions("Gateway default/gateway").contains(affectedCSP))
        // The routes are not targeted: no condition on them, nothing attached to them.
        #expect(!outcome.parent("HTTPRoute default/coffee").contains(affectedCSP))
        #expect(outcome.gatewayPolicies() == [outcome.ref("ClientSettingsPolicy", "gateway-client-settings")])
        #expect(outcome.routePolicies("coffee") == [] && outcome.routePolicies("tea") == [])
        #expect(outcome.graph.ngfPolicy(outcome.ref("ClientSettingsPolicy", "gateway-client-settings"))?.valid == true)
    }

    @Test("a route-targeted policy's ancestor is the route itself (HTTPRoute, GRPCRoute); its parents say affected")
    func routeTargeted() throws {
        // examples/client-settings-policy/tea-client-settings.yaml and grpc-client-settings.yaml
        let outcome = try NGFOutcome(
            cafe + grpcRoute("my-grpc-route", rules: "  - backendRefs: [{name: coffee, port: 80}]")
                + clientSettings(
                    "tea-client-settings", on: target("HTTPRoute", "tea"), "  body:\n    maxSize: \"75\"")
                + clientSettings(
                    "grpc-client-settings", on: target("GRPCRoute", "my-grpc-route"), "  body:\n    maxSize: \"75\""))
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/tea-client-settings") == [
                "HTTPRoute default/tea": policyAccepted
            ])
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/grpc-client-settings") == [
                "GRPCRoute default/my-grpc-route": policyAccepted
            ])
        let entry = outcome.status["ClientSettingsPolicy default/tea-client-settings"]?["ancestors"]?.arrayValue?.first
        #expect(entry?["ancestorRef"]?["group"]?.stringValue == "gateway.networking.k8s.io")
        #expect(outcome.parent("HTTPRoute default/tea").contains(affectedCSP))
        #expect(outcome.parent("GRPCRoute default/my-grpc-route").contains(affectedCSP))
        #expect(!outcome.parent("HTTPRoute default/coffee").contains(affectedCSP))
        #expect(!outcome.conditions("Gateway default/gateway").contains(affectedCSP))
        #expect(outcome.routePolicies("tea") == [outcome.ref("ClientSettingsPolicy", "tea-client-settings")])
        #expect(
            outcome.routePolicies("my-grpc-route", kind: "GRPCRoute") == [
                outcome.ref("ClientSettingsPolicy", "grpc-client-settings")
            ])
        #expect(outcome.routePolicies("coffee") == [] && outcome.gatewayPolicies() == [])
    }

    @Test("a policy whose targets are not in the graph is not processed: no status, no Affected condition")
    func targetsNotInGraph() throws {
        // NGF's TestProcessPolicies "mix of relevant and irrelevant policies": a missing route, a missing Gateway, a
        // Gateway of another class, a Service that does not exist and one no route uses are dropped.
        let outcome = try NGFOutcome(
            cafe + gateway("foreign", className: "other") + service("lonely")
                + route("elsewhere", parent: "- name: foreign", backend: "lonely")
                + clientSettings("no-route", on: target("HTTPRoute", "dne"))
                + clientSettings("no-gateway", on: target("Gateway", "dne"))
                + clientSettings("not-ours", on: target("Gateway", "foreign"))
                + clientSettings("route-not-ours", on: target("HTTPRoute", "elsewhere"))
                + upstreamSettings("no-service", services: ["dne"], "  zoneSize: 1m")
                + upstreamSettings("unused-service", services: ["lonely"], "  zoneSize: 1m")
                + clientSettings("relevant", on: target("HTTPRoute", "coffee"))
                + proxySettings(
                    "one-of-two", on: [target("HTTPRoute", "dne"), target("HTTPRoute", "tea")],
                    "  timeout: {read: 30s}"))
        for name in ["no-route", "no-gateway", "not-ours", "route-not-ours"] {
            #expect(outcome.status["ClientSettingsPolicy default/\(name)"] == nil, "\(name)")
        }
        for name in ["no-service", "unused-service"] {
            #expect(outcome.status["UpstreamSettingsPolicy default/\(name)"] == nil, "\(name)")
        }
        #expect(
            outcome.graph.ngfPolicies.map(\.ref.name).sorted() == ["one-of-two", "relevant"],
            "only policies with a target in the graph are nodes")
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/relevant") == ["HTTPRoute default/coffee": policyAccepted])
        // A policy with one target left is processed for that one only.
        #expect(
            outcome.ancestors("ProxySettingsPolicy default/one-of-two") == ["HTTPRoute default/tea": policyAccepted])
        #expect(!outcome.parent("HTTPRoute default/elsewhere").contains(affectedCSP))
        #expect(outcome.servicePolicies.isEmpty)
    }

    @Test("without Gateways no policy is processed")
    func noGateways() throws {
        // NGF's TestAttachPolicies "nil Gateway; no policies attach".
        let outcome = try NGFOutcome(
            service("coffee", portName: "http", port: 80) + clientSettings("csp")
                + upstreamSettings("usp", services: ["coffee"], "  zoneSize: 1m"))
        #expect(outcome.graph.ngfPolicies.isEmpty)
        #expect(outcome.status["ClientSettingsPolicy default/csp"] == nil)
        #expect(outcome.status["UpstreamSettingsPolicy default/usp"] == nil)
    }

    @Test("a policy on a Gateway that is not accepted: TargetNotFound, The TargetRef is invalid; not attached")
    func invalidGatewayTarget() throws {
        let outcome = try NGFOutcome(
            gateway(extra: "  addresses:\n  - {type: Hostname, value: gateway.example.com}\n") + clientSettings("csp"))
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/csp") == [
                "Gateway default/gateway": policyRefused("TargetNotFound", "The TargetRef is invalid")
            ])
        #expect(outcome.gatewayPolicies() == [])
        // NGF writes the Affected condition on every existing target, valid or not.
        #expect(outcome.conditions("Gateway default/gateway").contains(affectedCSP))
    }

    @Test("a full ancestor list (16 entries of other controllers): no status, not attached, the Gateway says so")
    func ancestorLimit() throws {
        // NGF's TestNGFPolicyAncestorLimitHandling.
        let outcome = try NGFOutcome(
            gateway("gateway1") + gateway("gateway2")
                + clientSettings("policy-full-ancestors", on: target("Gateway", "gateway1"))
                + clientSettings("policy-normal", on: target("Gateway", "gateway2"))
        ) { snap in
            let index = try #require(
                snap.clientSettingsPolicies.firstIndex { $0.metadata.name == "policy-full-ancestors" })
            snap.clientSettingsPolicies[index].status = PolicyStatus(
                ancestors: (0..<16).map { _ in
                    PolicyAncestorStatus(
                        ancestorRef: ParentReference(
                            group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "default",
                            name: "other-gateway"),
                        controllerName: "example.com/other-controller", conditions: nil)
                })
        }
        // No entry of ours: the status is left as it is (the other controllers' 16).
        #expect(outcome.status["ClientSettingsPolicy default/policy-full-ancestors"] == nil)
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/policy-normal") == [
                "Gateway default/gateway2": policyAccepted
            ])
        #expect(outcome.gatewayPolicies("gateway2") == [outcome.ref("ClientSettingsPolicy", "policy-normal")])
        #expect(!outcome.conditions("Gateway default/gateway2").contains { $0.contains("AncestorLimitReached") })
        #expect(outcome.gatewayPolicies("gateway1") == [])
        #expect(
            outcome.conditions("Gateway default/gateway1").contains(
                "Accepted=False/AncestorLimitReached: Policies cannot be applied because the ancestor status list has reached the maximum size. The following policies have been ignored: ClientSettingsPolicy default/policy-full-ancestors"
            ))
    }

    /// NGF's TestProcessPolicies_RouteOverlap: a policy on routes `targets`, with HTTPRoutes `routes` (name, hostnames,
    /// paths) on the cafe's Gateway.
    static let overlapCases:
        [(name: String, routes: [(String, [String], [String])], targets: [String], conflict: String?)] = [
            (
                "no overlap",
                [("hr-coffee", ["cafe.example.com"], ["/coffee"]), ("hr2", ["cafe.example.com"], ["/tea"])],
                ["hr-coffee"], nil
            ),
            (
                "policy references route that overlaps a non-referenced route",
                [("hr-coffee", ["cafe.example.com"], ["/coffee"]), ("hr2", ["cafe.example.com"], ["/coffee"])],
                ["hr-coffee"],
                "hr2"
            ),
            (
                "policy references route with equivalent hostnames in a different order",
                [
                    ("hr-coffee", ["foo.example.com", "bar.example.com"], ["/coffee"]),
                    ("hr2", ["bar.example.com", "foo.example.com"], ["/coffee"]),
                ], ["hr-coffee"], "hr2"
            ),
            (
                "policy references route with a partially overlapping hostname set",
                [
                    ("hr-coffee", ["foo.example.com", "cafe.example.com"], ["/coffee"]),
                    ("hr2", ["cafe.example.com"], ["/coffee"]),
                ],
                ["hr-coffee"], "hr2"
            ),
            (
                "policy references 2 routes that overlap",
                [
                    ("hr-coffee", ["cafe.example.com"], ["/coffee"]),
                    ("hr-coffee-tea", ["cafe.example.com"], ["/coffee", "/tea"]),
                ],
                ["hr-coffee", "hr-coffee-tea"], nil
            ),
        ]

    @Test(
        "a policy on a route sharing Gateway, hostname, port and path with a route it does not target: TargetConflict",
        arguments: overlapCases.indices)
    func routeOverlap(_ index: Int) throws {
        let entry = Self.overlapCases[index]
        var yaml = cafeServices
        for (name, hostnames, paths) in entry.routes {
            let matches = paths.map { "{path: {type: PathPrefix, value: \($0)}}" }.joined(separator: ", ")
            yaml += route(
                name, hostnames: "[\(hostnames.map { "\"\($0)\"" }.joined(separator: ", "))]",
                rules: "  - matches: [\(matches)]\n    backendRefs: [{name: coffee, port: 80}]")
        }
        yaml += proxySettings("pol", on: entry.targets.map { target("HTTPRoute", $0) }, "  timeout: {read: 30s}")
        let outcome = try NGFOutcome(yaml)
        let ancestors = try #require(outcome.ancestors("ProxySettingsPolicy default/pol"), "\(entry.name)")
        let expected =
            entry.conflict.map {
                policyRefused(
                    "TargetConflict",
                    "Policy cannot be applied to target \"default/\(entry.targets[0])\" since another Route \"default/\($0)\" shares a namespace/gateway-name:hostname:port/path combination with this target"
                )
            } ?? policyAccepted
        if entry.conflict == nil {
            #expect(Set(ancestors.values) == [expected], "\(entry.name)")
        } else {
            #expect(Set(ancestors.values) == [expected], "\(entry.name)")
            #expect(outcome.routePolicies(entry.targets[0]) == [], "\(entry.name)")
        }
    }

    // MARK: Conflicts

    @Test("two ClientSettingsPolicies setting body.maxSize on one Gateway: the newer is Conflicted and Overridden")
    func conflictByCreationTime() throws {
        // The newer is written first: creation time decides, not the order of the manifests.
        let outcome = try NGFOutcome(
            cafe + clientSettings("a-newer", created: "2024-05-16T00:00:00Z")
                + clientSettings("z-older", "  body: {maxSize: 1m}", created: "2024-05-15T00:00:00Z"))
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/z-older") == ["Gateway default/gateway": policyAccepted])
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/a-newer") == [
                "Gateway default/gateway": policyConflicted("ClientSettingsPolicy")
            ])
        #expect(outcome.gatewayPolicies() == [outcome.ref("ClientSettingsPolicy", "z-older")])
        // One Affected condition, for both (NGF writes it for every processed policy, valid or not, once).
        #expect(outcome.conditions("Gateway default/gateway").filter { $0 == affectedCSP }.count == 1)
        #expect(
            outcome.status["Gateway default/gateway"]?["conditions"]?.arrayValue?.filter {
                $0["type"]?.stringValue == "ClientSettingsPolicyAffected"
            }.count == 1)
    }

    @Test("equal creation times: namespace, then name, decides")
    func conflictByName() throws {
        let outcome = try NGFOutcome(
            cafe + clientSettings("b-policy", created: "2024-05-15T00:00:00Z")
                + clientSettings("a-policy", created: "2024-05-15T00:00:00Z"))
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/a-policy") == ["Gateway default/gateway": policyAccepted])
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/b-policy") == [
                "Gateway default/gateway": policyConflicted("ClientSettingsPolicy")
            ])
    }

    @Test("two ClientSettingsPolicies setting different fields on one Gateway are both accepted")
    func noConflict() throws {
        let outcome = try NGFOutcome(
            cafe + clientSettings("max-size") + clientSettings("keepalive", "  keepAlive: {requests: 900}"))
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/max-size") == ["Gateway default/gateway": policyAccepted])
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/keepalive") == ["Gateway default/gateway": policyAccepted])
        // Both attach (in no particular order: they never set the same field).
        #expect(
            Set(outcome.gatewayPolicies() ?? []) == [
                outcome.ref("ClientSettingsPolicy", "max-size"), outcome.ref("ClientSettingsPolicy", "keepalive"),
            ])
    }

    /// NGF's clientsettings TestValidator_Conflicts: policy A (older) and B (newer) on one Gateway.
    static let clientSettingsConflicts: [(name: String, a: String, b: String, conflicts: Bool)] = {
        // NGF's createValidPolicy() (minTimeout aside: the embedded NGINX refuses keepalive_min_timeout).
        let valid =
            "  body: {maxSize: 10m, bufferSize: 8k, timeout: 600ms}\n  keepAlive: {requests: 900, time: 50s, timeout: {server: 30s, header: 60s}}"
        return [
            (
                "no conflicts", "  body: {maxSize: 10m}\n  keepAlive: {requests: 900, time: 50s}",
                "  body: {timeout: 600ms}\n  keepAlive: {timeout: {server: 30s, header: 60s}}", false
            ),
            ("body max size conflicts", valid, "  body: {maxSize: 10m}", true),
            ("body buffer size conflicts", valid, "  body: {bufferSize: 8k}", true),
            ("body timeout conflicts", valid, "  body: {timeout: 600ms}", true),
            ("keepalive requests conflicts", valid, "  keepAlive: {requests: 900}", true),
            ("keepalive time conflicts", valid, "  keepAlive: {time: 50s}", true),
            ("keepalive timeout conflicts", valid, "  keepAlive: {timeout: {server: 30s}}", true),
        ]
    }()

    @Test("NGF's ClientSettingsPolicy conflict table", arguments: clientSettingsConflicts.indices)
    func clientSettingsConflictTable(_ index: Int) throws {
        let entry = Self.clientSettingsConflicts[index]
        let outcome = try NGFOutcome(cafe + clientSettings("a", entry.a) + clientSettings("b", entry.b))
        #expect(outcome.ancestors("ClientSettingsPolicy default/a") == ["Gateway default/gateway": policyAccepted])
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/b") == [
                "Gateway default/gateway": entry.conflicts ? policyConflicted("ClientSettingsPolicy") : policyAccepted
            ], "\(entry.name)")
    }

    @Test("each policy is checked against the earlier valid ones only (NGF's orange1…orange5)")
    func conflictChain() throws {
        // NGF's TestMarkConflictedPolicies: 3 conflicts with 1, 5 with 4; 2 and 4 conflict with nothing.
        let outcome = try NGFOutcome(
            cafe + clientSettings("orange1", "  body: {maxSize: 10m}")
                + clientSettings("orange2", "  body: {timeout: 10s}")
                + clientSettings("orange3-conflicts-with-1", "  body: {maxSize: 1m}")
                + clientSettings("orange4", "  keepAlive: {requests: 10}")
                + clientSettings("orange5-conflicts-with-4", "  keepAlive: {requests: 20}"))
        for name in ["orange1", "orange2", "orange4"] {
            #expect(
                outcome.ancestors("ClientSettingsPolicy default/\(name)") == [
                    "Gateway default/gateway": policyAccepted
                ],
                "\(name)")
        }
        for name in ["orange3-conflicts-with-1", "orange5-conflicts-with-4"] {
            #expect(
                outcome.ancestors("ClientSettingsPolicy default/\(name)") == [
                    "Gateway default/gateway": policyConflicted("ClientSettingsPolicy")
                ], "\(name)")
        }
        #expect(Set(outcome.gatewayPolicies()?.map(\.name) ?? []) == ["orange1", "orange2", "orange4"])
    }

    @Test("a Gateway's policy and a route's policy never conflict: the route's overrides where it applies")
    func inheritance() throws {
        let outcome = try NGFOutcome(
            cafe + clientSettings("gateway-client-settings", "  body:\n    maxSize: \"50\"")
                + clientSettings(
                    "tea-client-settings", on: target("HTTPRoute", "tea"), "  body:\n    maxSize: \"75\""))
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/gateway-client-settings") == [
                "Gateway default/gateway": policyAccepted
            ])
        #expect(
            outcome.ancestors("ClientSettingsPolicy default/tea-client-settings") == [
                "HTTPRoute default/tea": policyAccepted
            ])
        #expect(outcome.gatewayPolicies() == [outcome.ref("ClientSettingsPolicy", "gateway-client-settings")])
        #expect(outcome.routePolicies("tea") == [outcome.ref("ClientSettingsPolicy", "tea-client-settings")])
    }

    @Test("a conflict invalidates the policy for all its targets, not only the shared one")
    func conflictIsGlobal() throws {
        let outcome = try NGFOutcome(
            cafe + proxySettings("older", on: [target("HTTPRoute", "coffee")], "  timeout: {read: 30s}")
                + proxySettings(
                    "newer", on: [target("HTTPRoute", "coffee"), target("HTTPRoute", "tea")], "  timeout: {read: 60s}"
                ))
        #expect(outcome.ancestors("ProxySettingsPolicy default/older") == ["HTTPRoute default/coffee": policyAccepted])
        #expect(
            outcome.ancestors("ProxySettingsPolicy default/newer") == [
                "HTTPRoute default/coffee": policyConflicted("ProxySettingsPolicy"),
                "HTTPRoute default/tea": policyConflicted("ProxySettingsPolicy"),
            ])
        #expect(outcome.routePolicies("coffee") == [outcome.ref("ProxySettingsPolicy", "older")])
        #expect(outcome.routePolicies("tea") == [])
    }

    @Test("an invalid policy cannot conflict: a later valid one setting the same field is accepted")
    func invalidDoesNotConflict() throws {
        let outcome = try NGFOutcome(
            cafe + proxySettings("invalid", "  buffering: {bufferSize: 16k, busyBuffersSize: 8k}")
                + proxySettings("valid", "  buffering: {bufferSize: 8k}"))
        #expect(
            outcome.ancestors("ProxySettingsPolicy default/invalid") == [
                "Gateway default/gateway": policyInvalid(
                    #"spec.buffering.busyBuffersSize: Invalid value: "8k": must be larger than bufferSize"#)
            ])
        #expect(outcome.ancestors("ProxySettingsPolicy default/valid") == ["Gateway default/gateway": policyAccepted])
        #expect(outcome.gatewayPolicies() == [outcome.ref("ProxySettingsPolicy", "valid")])
    }

    @Test("policies of different kinds on one target never conflict; each kind's Affected condition is written")
    func differentKinds() throws {
        let outcome = try NGFOutcome(
            cafe + clientSettings("csp") + proxySettings("psp", "  timeout: {read: 30s}")
                + ngf(
                    "RateLimitPolicy", "rlp",
                    "  targetRefs: [\(target("Gateway", "gateway"))]\n  rateLimit: {rejectCode: 429, local: {rules: [{key: $binary_remote_addr, rate: 10r/s}]}}"
                ))
        for key in [
            "ClientSettingsPolicy default/csp", "ProxySettingsPolicy default/psp", "RateLimitPolicy default/rlp",
        ] {
            #expect(outcome.ancestors(key) == ["Gateway default/gateway": policyAccepted], "\(key)")
        }
        let gateway = outcome.conditions("Gateway default/gateway")
        #expect(gateway.contains(affectedCSP))
        #expect(
            gateway.contains(
                "ProxySettingsPolicyAffected=True/PolicyAffected: The ProxySettingsPolicy is applied to the resource"))
        #expect(
            gateway.contains(
                "RateLimitPolicyAffected=True/PolicyAffected: The RateLimitPolicy is applied to the resource"))
        #expect(outcome.gatewayPolicies()?.count == 3)
    }

    @Test("RateLimitPolicy: rules never conflict; dryRun, logLevel and rejectCode do")
    func rateLimitConflicts() throws {
        func rlp(_ name: String, _ rateLimit: String) -> String {
            ngf("RateLimitPolicy", name, "  targetRefs: [\(target("Gateway", "gateway"))]\n  rateLimit: \(rateLimit)")
        }
        let rules = try NGFOutcome(
            cafe + rlp("per-ip", "{local: {rules: [{key: $binary_remote_addr, rate: 10r/s}]}}")
                + rlp("per-uri", "{local: {rules: [{key: $request_uri, rate: 1r/s, burst: 3}]}}"))
        #expect(rules.ancestors("RateLimitPolicy default/per-ip") == ["Gateway default/gateway": policyAccepted])
        #expect(rules.ancestors("RateLimitPolicy default/per-uri") == ["Gateway default/gateway": policyAccepted])
        for field in ["dryRun: true", "logLevel: warn", "rejectCode: 429"] {
            let outcome = try NGFOutcome(cafe + rlp("first", "{\(field)}") + rlp("second", "{\(field)}"))
            #expect(
                outcome.ancestors("RateLimitPolicy default/second") == [
                    "Gateway default/gateway": policyConflicted("RateLimitPolicy")
                ], "\(field)")
        }
    }

    // MARK: UpstreamSettingsPolicy

    @Test("UpstreamSettingsPolicy: the ancestors are the Gateways whose routes use the Service, oldest first")
    func upstreamAncestors() throws {
        // `second` is written (so created) first.
        let outcome = try NGFOutcome(
            gateway("second") + gateway() + route("coffee", backend: "coffee", port: 80)
                + route("coffee-too", parent: "- name: second", backend: "coffee", port: 80)
                + route("tea", parent: "- name: second", backend: "tea", port: 80)
                + service("coffee", portName: "http", port: 80) + service("tea", portName: "http", port: 80)
                // examples/upstream-settings-policy/upstream-keepalives.yaml and 1m-zone-size.yaml
                + upstreamSettings("upstream-keepalives", services: ["coffee"], "  keepAlive:\n    connections: 32")
                + upstreamSettings("1m-zone-size", services: ["tea", "coffee"], "  zoneSize: 1m"))
        #expect(
            outcome.ancestorOrder("UpstreamSettingsPolicy default/upstream-keepalives") == [
                "Gateway default/second", "Gateway default/gateway",
            ])
        #expect(
            outcome.ancestors("UpstreamSettingsPolicy default/upstream-keepalives") == [
                "Gateway default/second": policyAccepted, "Gateway default/gateway": policyAccepted,
            ])
        // Each Gateway once, though two targeted Services use `second`.
        #expect(
            outcome.ancestorOrder("UpstreamSettingsPolicy default/1m-zone-size") == [
                "Gateway default/second", "Gateway default/gateway",
            ])
        #expect(
            Set(outcome.servicePolicies[.service("default", "coffee")] ?? []) == [
                outcome.ref("UpstreamSettingsPolicy", "upstream-keepalives"),
                outcome.ref("UpstreamSettingsPolicy", "1m-zone-size"),
            ])
        #expect(
            outcome.servicePolicies[.service("default", "tea")] == [
                outcome.ref("UpstreamSettingsPolicy", "1m-zone-size")
            ])
        // Services get no status, and NGF writes no UpstreamSettingsPolicyAffected condition anywhere.
        for gatewayName in ["gateway", "second"] {
            #expect(
                !outcome.conditions("Gateway default/\(gatewayName)").contains {
                    $0.hasPrefix("UpstreamSettingsPolicy")
                })
        }
        #expect(outcome.gatewayPolicies() == [] && outcome.routePolicies("coffee") == [])
    }

    @Test(
        "UpstreamSettingsPolicy: least_time methods are NGINX Plus's; refused with the methods NGINX OSS has",
        arguments: ["least_time header", "random two least_time=header", "least_time last_byte inflight"])
    func upstreamPlusMethods(_ method: String) throws {
        let outcome = try NGFOutcome(
            cafe + upstreamSettings("lb", services: ["coffee"], "  loadBalancingMethod: \(method)"))
        // NGF's message (its OSS list also names the least_time methods, which OSS nginx does not have).
        let supported =
            "hash, hash consistent, ip_hash, least_conn, random, random two, random two least_conn, round_robin"
        #expect(
            outcome.ancestors("UpstreamSettingsPolicy default/lb") == [
                "Gateway default/gateway": policyInvalid(
                    "spec.loadBalancingMethod: Invalid value: \"\(method)\": NGINX OSS supports the following load balancing methods: \(supported)"
                )
            ])
        #expect(outcome.servicePolicies[.service("default", "coffee")] == nil)
    }

    @Test(
        "UpstreamSettingsPolicy: the methods NGINX OSS has are accepted",
        arguments: [
            "round_robin", "least_conn", "ip_hash", "random", "random two", "random two least_conn",
            "hash\n  hashMethodKey: $remote_addr", "hash consistent\n  hashMethodKey: $request_uri",
        ])
    func upstreamOSSMethods(_ method: String) throws {
        let outcome = try NGFOutcome(
            cafe + upstreamSettings("lb", services: ["coffee"], "  loadBalancingMethod: \(method)"))
        #expect(outcome.ancestors("UpstreamSettingsPolicy default/lb") == ["Gateway default/gateway": policyAccepted])
        #expect(outcome.servicePolicies[.service("default", "coffee")] == [outcome.ref("UpstreamSettingsPolicy", "lb")])
    }

    @Test("UpstreamSettingsPolicy: two setting zoneSize on one Service conflict; the newer is not attached")
    func upstreamConflict() throws {
        let outcome = try NGFOutcome(
            cafe + upstreamSettings("first", services: ["coffee"], "  zoneSize: 1m")
                + upstreamSettings("second", services: ["coffee"], "  zoneSize: 2m")
                + upstreamSettings("other-field", services: ["coffee"], "  keepAlive: {connections: 16}"))
        #expect(
            outcome.ancestors("UpstreamSettingsPolicy default/first") == ["Gateway default/gateway": policyAccepted])
        #expect(
            outcome.ancestors("UpstreamSettingsPolicy default/second") == [
                "Gateway default/gateway": policyConflicted("UpstreamSettingsPolicy")
            ])
        #expect(
            Set(outcome.servicePolicies[.service("default", "coffee")] ?? []) == [
                outcome.ref("UpstreamSettingsPolicy", "first"), outcome.ref("UpstreamSettingsPolicy", "other-field"),
            ])
    }

    // MARK: ProxySettingsPolicy

    /// NGF's proxysettings TestValidator_Validate buffer cases, on its valid policy (bufferSize 8k, 8 buffers of 8k,
    /// busyBuffersSize 32k): the buffering YAML and NGF's message, or nil when valid.
    static let busyBuffers: [(name: String, buffering: String, message: String?)] = [
        (
            "NGF's valid policy",
            "{disable: false, bufferSize: 8k, buffers: {number: 8, size: 8k}, busyBuffersSize: 32k}", nil
        ),
        (
            "busyBuffersSize smaller than bufferSize",
            "{bufferSize: 16k, buffers: {number: 8, size: 8k}, busyBuffersSize: 8k}",
            #"spec.buffering.busyBuffersSize: Invalid value: "8k": must be larger than bufferSize"#
        ),
        (
            "busyBuffersSize equal to bufferSize",
            "{bufferSize: 16k, buffers: {number: 8, size: 8k}, busyBuffersSize: 16k}",
            #"spec.buffering.busyBuffersSize: Invalid value: "16k": must be larger than bufferSize"#
        ),
        (
            "busyBuffersSize larger than bufferSize with different units",
            "{bufferSize: 8k, buffers: {number: 16, size: 128k}, busyBuffersSize: 1m}", nil
        ),
        (
            "busyBuffersSize larger than bufferSize with bytes",
            "{bufferSize: \"4096\", buffers: {number: 8, size: 16k}, busyBuffersSize: \"8192\"}", nil
        ),
        (
            "busyBuffersSize not less than total buffers minus one",
            "{bufferSize: 8k, buffers: {number: 8, size: 4k}, busyBuffersSize: 32k}",
            #"spec.buffering.busyBuffersSize: Invalid value: "32k": must be less than the size of all proxy_buffers minus one buffer"#
        ),
        (
            "busyBuffersSize equal to total buffers minus one",
            "{bufferSize: 8k, buffers: {number: 8, size: 4k}, busyBuffersSize: 28k}",
            #"spec.buffering.busyBuffersSize: Invalid value: "28k": must be less than the size of all proxy_buffers minus one buffer"#
        ),
        (
            "busyBuffersSize valid less than total buffers minus one",
            "{bufferSize: 8k, buffers: {number: 8, size: 4k}, busyBuffersSize: 16k}", nil
        ),
    ]

    @Test(
        "ProxySettingsPolicy: busyBuffersSize against bufferSize and buffers, NGF's cases",
        arguments: busyBuffers.indices)
    func proxyBusyBuffers(_ index: Int) throws {
        let entry = Self.busyBuffers[index]
        let outcome = try NGFOutcome(cafe + proxySettings("psp", "  buffering: \(entry.buffering)"))
        #expect(
            outcome.ancestors("ProxySettingsPolicy default/psp") == [
                "Gateway default/gateway": entry.message.map(policyInvalid) ?? policyAccepted
            ], "\(entry.name)")
        #expect(outcome.gatewayPolicies()?.count == (entry.message == nil ? 1 : 0), "\(entry.name)")
        // Invalid or not, the target says it is affected.
        #expect(
            outcome.conditions("Gateway default/gateway").contains(
                "ProxySettingsPolicyAffected=True/PolicyAffected: The ProxySettingsPolicy is applied to the resource"))
    }

    @Test("ProxySettingsPolicy: both busyBuffersSize problems are reported together, as NGF aggregates them")
    func proxyBothProblems() throws {
        let outcome = try NGFOutcome(
            cafe
                + proxySettings(
                    "psp", "  buffering: {bufferSize: 64k, buffers: {number: 4, size: 8k}, busyBuffersSize: 32k}"))
        #expect(
            outcome.ancestors("ProxySettingsPolicy default/psp") == [
                "Gateway default/gateway": policyInvalid(
                    #"[spec.buffering.busyBuffersSize: Invalid value: "32k": must be larger than bufferSize, spec.buffering.busyBuffersSize: Invalid value: "32k": must be less than the size of all proxy_buffers minus one buffer]"#
                )
            ])
    }

    // MARK: ObservabilityPolicy, SnippetsPolicy, WAFPolicy: what the data plane must support

    @Test("ObservabilityPolicy without an NginxProxy: NginxProxyConfigNotSet, not attached, the route affected")
    func observabilityWithoutNginxProxy() throws {
        // tests/suite/manifests/tracing/policy-single.yaml, on the cafe's coffee route.
        let policy = ngf(
            "ObservabilityPolicy", "test-observability-policy",
            """
              targetRefs:
              - group: gateway.networking.k8s.io
                kind: HTTPRoute
                name: coffee
              tracing:
                strategy: ratio
                spanAttributes:
                - key: testkey2
                  value: testval2
            """, version: "v1alpha2")
        let outcome = try NGFOutcome(cafe + policy)
        #expect(
            outcome.ancestors("ObservabilityPolicy default/test-observability-policy") == [
                "HTTPRoute default/coffee": policyRefused(
                    "NginxProxyConfigNotSet",
                    "The NginxProxy configuration is either invalid or not attached to the GatewayClass")
            ])
        #expect(outcome.routePolicies("coffee") == [])
        #expect(
            outcome.parent("HTTPRoute default/coffee").contains(
                "ObservabilityPolicyAffected=True/PolicyAffected: The ObservabilityPolicy is applied to the resource"))

        // With an NginxProxy that has no telemetry exporter: NGF's second message.
        let withProxy = try NGFOutcome(
            ngf("NginxProxy", "proxy", "  logging: {errorLevel: info}", version: "v1alpha2")
                + gateway(
                    extra:
                        "  infrastructure:\n    parametersRef: {group: gateway.nginx.org, kind: NginxProxy, name: proxy}\n"
                )
                + route("coffee", backend: "coffee", port: 80) + service("coffee", portName: "http", port: 80) + policy)
        #expect(
            withProxy.ancestors("ObservabilityPolicy default/test-observability-policy") == [
                "HTTPRoute default/coffee": policyRefused(
                    "NginxProxyConfigNotSet", "Telemetry is not enabled in the NginxProxy resource")
            ])
    }

    @Test("SnippetsPolicy is not read without snippets enabled (no status, nothing attached); accepted with them")
    func snippetsPolicy() throws {
        // examples/snippets/limit-conn-sp.yaml
        let yaml =
            cafe
            + ngf(
                "SnippetsPolicy", "limit-conn-sp",
                """
                  targetRefs:
                    - group: gateway.networking.k8s.io
                      kind: Gateway
                      name: gateway
                  snippets:
                    - context: http
                      value: limit_conn_zone $binary_remote_addr zone=addr:10m;
                    - context: http.server.location
                      value: limit_conn addr 1;
                """)
        let affected = "SnippetsPolicyAffected=True/PolicyAffected: The SnippetsPolicy is applied to the resource"
        let off = try NGFOutcome(yaml)
        #expect(off.status["SnippetsPolicy default/limit-conn-sp"] == nil)
        #expect(off.graph.ngfPolicies.isEmpty && off.gatewayPolicies() == [])
        #expect(!off.conditions("Gateway default/gateway").contains(affected))

        let on = try NGFOutcome(yaml, snippets: true)
        #expect(on.ancestors("SnippetsPolicy default/limit-conn-sp") == ["Gateway default/gateway": policyAccepted])
        #expect(on.gatewayPolicies() == [on.ref("SnippetsPolicy", "limit-conn-sp")])
        #expect(on.conditions("Gateway default/gateway").contains(affected))
    }

    @Test("SnippetsPolicies never conflict")
    func snippetsPoliciesDoNotConflict() throws {
        func sp(_ name: String) -> String {
            ngf(
                "SnippetsPolicy", name,
                "  targetRefs: [\(target("Gateway", "gateway"))]\n  snippets: [{context: http, value: \"# \(name)\"}]")
        }
        let outcome = try NGFOutcome(cafe + sp("first") + sp("second"), snippets: true)
        #expect(outcome.ancestors("SnippetsPolicy default/first") == ["Gateway default/gateway": policyAccepted])
        #expect(outcome.ancestors("SnippetsPolicy default/second") == ["Gateway default/gateway": policyAccepted])
    }

    @Test("WAFPolicy (NGF's example, targetRefs): WAF is not enabled in NginxProxy; the Gateway says it is affected")
    func wafPolicy() throws {
        // examples/waf-policy/wafpolicy.yaml (its source details trimmed).
        let outcome = try NGFOutcome(
            cafe
                + ngf(
                    "WAFPolicy", "gateway-base-protection",
                    """
                      targetRefs:
                        - group: gateway.networking.k8s.io
                          kind: Gateway
                          name: gateway
                      type: NIM
                      policySource:
                        nimSource:
                          url: https://apigw.nim.svc.cluster.local
                          policyName: ngfBlocking
                    """))
        let conditions = outcome.ancestors("WAFPolicy default/gateway-base-protection")?["Gateway default/gateway"]
        #expect(
            conditions?.contains("Accepted=False/NginxProxyConfigNotSet: WAF is not enabled in NginxProxy") == true)
        #expect(
            outcome.conditions("Gateway default/gateway").contains {
                $0.hasPrefix("gateway.nginx.org/WAFPolicyAffected=True/PolicyAffected")
            })
        // NGF's message has no "The" for this kind alone (conditions.NewWAFPolicyAffected).
        #expect(
            outcome.conditions("Gateway default/gateway").contains(
                "gateway.nginx.org/WAFPolicyAffected=True/PolicyAffected: WAFPolicy is applied to the resource"))
        #expect(outcome.gatewayPolicies() == [])
    }

    // MARK: AuthenticationFilter

    /// NGF's authentication_filter_test.go cases without NGINX Plus: the filter, what else the manifest has, the
    /// condition.
    static let authenticationCases: [(name: String, yaml: String, condition: String)] = [
        (
            "NGF's basic-auth example with its Opaque Secret is accepted", authSecret() + basicAuthFilter(),
            "Accepted=True/Accepted: The AuthenticationFilter is accepted"
        ),
        (
            "a Secret of the deprecated type nginx.org/htpasswd is accepted with NGF's warning",
            authSecret(type: "nginx.org/htpasswd") + basicAuthFilter(),
            #"Accepted=True/Accepted: The AuthenticationFilter is accepted, but the referenced Secret default/basic-auth of type "nginx.org/htpasswd" is now deprecated. This secret type will be removed in a future release. Please use type "Opaque" instead."#
        ),
        (
            "a missing Secret", basicAuthFilter(),
            #"Accepted=False/Invalid: spec.basic.secretRef: Invalid value: "secret default/basic-auth is invalid": Secret default/basic-auth does not exist"#
        ),
        (
            "a Secret without the key auth", authSecret(data: "  users: dXNlcjE=") + basicAuthFilter(),
            #"Accepted=False/Invalid: spec.basic.secretRef: Invalid value: "secret default/basic-auth is invalid": opaque secret default/basic-auth does not contain the expected key "auth""#
        ),
        (
            "a Secret of an unsupported type", authSecret(type: "UnsupportedType") + basicAuthFilter(),
            #"Accepted=False/Invalid: spec.basic.secretRef: Invalid value: "secret default/basic-auth is invalid": unsupported secret type "UnsupportedType""#
        ),
        (
            "an htpasswd line with a bcrypt hash, which auth_basic cannot check",
            authSecret(
                data:
                    "  auth: dXNlcjE6JDJ5JDA1JEg4ejZLMGFRMVhiUWVUcVlRSnF6NHVPMmRWYjhXMG9ZRjFsM3c3bTBZOW5GMWIwdDJhRTlhCg=="
            ) + basicAuthFilter(),
            #"Accepted=False/Invalid: spec.basic.secretRef: Invalid value: "secret default/basic-auth is invalid": key "auth" line 1 has a bcrypt hash ($2y$), which NGINX's auth_basic cannot check: use `htpasswd -m` (apr1) or SHA-512 crypt"#
        ),
        (
            "JWT needs NGINX Plus",
            ngf(
                "AuthenticationFilter", "basic-auth",
                "  type: JWT\n  jwt: {realm: api, source: File, file: {secretRef: {name: jwks}}}"),
            "Accepted=False/Invalid: JWT Authentication requires NGINX Plus."
        ),
        (
            "OIDC needs NGINX Plus",
            ngf(
                "AuthenticationFilter", "basic-auth",
                "  type: OIDC\n  oidc: {issuer: \"https://idp.example.com\", clientID: app, clientSecretRef: {name: oidc}}"
            ),
            "Accepted=False/Invalid: OIDC Authentication requires NGINX Plus."
        ),
    ]

    @Test("AuthenticationFilter status, referenced or not", arguments: authenticationCases.indices)
    func authenticationFilter(_ index: Int) throws {
        let entry = Self.authenticationCases[index]
        let outcome = try NGFOutcome(cafe + entry.yaml)
        #expect(outcome.filter("AuthenticationFilter default/basic-auth") == [entry.condition], "\(entry.name)")
        let node = outcome.graph.ngfFilter(outcome.ref("AuthenticationFilter", "basic-auth"))
        #expect(node?.valid == entry.condition.hasPrefix("Accepted=True"), "\(entry.name)")
    }

    @Test("an accepted AuthenticationFilter resolves for the rules that reference it")
    func authenticationReferenced() throws {
        let outcome = try NGFOutcome(
            cafeServices + authSecret() + basicAuthFilter()
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExtensionRef
                              extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: basic-auth}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        #expect(
            outcome.parent("HTTPRoute default/coffee").contains(
                "ResolvedRefs=True/ResolvedRefs: All references are resolved"))
        let rule = try #require(
            outcome.graph.route(
                ObjectRef(group: Gateway.group, kind: "HTTPRoute", namespace: "default", name: "coffee"))?.rules.first)
        #expect(rule.dropped == nil && rule.filterProblem == nil)
        guard case .authentication(let ref)? = rule.extensions.first else {
            Issue.record("the rule has no authentication: \(rule.extensions)")
            return
        }
        #expect(ref == outcome.ref("AuthenticationFilter", "basic-auth"))
        let node = try #require(outcome.graph.ngfFilter(ref))
        #expect(node.basicAuth?.realm == "Restricted basic-auth")
        #expect(node.basicAuth?.htpasswd == "user1:$apr1$XAJyNrzH$cDcw/X1PBe1fN9mAPpyzq0")
    }

    // MARK: Route filters: ExtensionRef, ExternalAuth

    @Test("an ExtensionRef to a missing AuthenticationFilter: ResolvedRefs False InvalidFilter, the rule kept")
    func missingAuthenticationFilter() throws {
        let outcome = try NGFOutcome(
            cafeServices
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExtensionRef
                              extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: x}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        let parent = outcome.parent("HTTPRoute default/coffee")
        #expect(parent.contains("Accepted=True/Accepted: The route is accepted"))
        #expect(
            parent.contains(
                #"ResolvedRefs=False/InvalidFilter: Spec.rules[0].filters[0].extensionRef: Not found: {"group":"gateway.nginx.org","kind":"AuthenticationFilter","name":"x"}"#
            ), "\(parent)")
        let rule = outcome.graph.route(
            ObjectRef(group: Gateway.group, kind: "HTTPRoute", namespace: "default", name: "coffee"))?.rules.first
        #expect(rule?.dropped == nil && rule?.filterProblem != nil)
    }

    @Test("an ExtensionRef to an invalid AuthenticationFilter: NGF's referenced filter is invalid")
    func invalidAuthenticationFilter() throws {
        let outcome = try NGFOutcome(
            cafeServices + basicAuthFilter()
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExtensionRef
                              extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: basic-auth}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        #expect(
            outcome.parent("HTTPRoute default/coffee").contains(
                #"ResolvedRefs=False/InvalidFilter: Spec.rules[0].filters[0].extensionRef: Invalid value: {"group":"gateway.nginx.org","kind":"AuthenticationFilter","name":"basic-auth"}: referenced filter is invalid. See filter status for more details."#
            ))
    }

    @Test("without snippets a SnippetsFilter is not read: no status, and a reference to it is Not found")
    func snippetsFilterDisabled() throws {
        // examples/snippets/limit-except-sf.yaml
        let yaml =
            cafeServices
            + ngf(
                "SnippetsFilter", "limit-except-sf",
                "  snippets:\n    - context: http.server.location\n      value: |\n        limit_except GET {\n          deny all;\n        }"
            )
            + cafeRoute(
                "coffee",
                rules: """
                      - filters:
                        - type: ExtensionRef
                          extensionRef: {group: gateway.nginx.org, kind: SnippetsFilter, name: limit-except-sf}
                        backendRefs: [{name: coffee, port: 80}]
                    """)
        let off = try NGFOutcome(yaml)
        #expect(off.filter("SnippetsFilter default/limit-except-sf") == nil)
        #expect(
            off.parent("HTTPRoute default/coffee").contains(
                #"ResolvedRefs=False/InvalidFilter: Spec.rules[0].filters[0].extensionRef: Not found: {"group":"gateway.nginx.org","kind":"SnippetsFilter","name":"limit-except-sf"}"#
            ))
        let on = try NGFOutcome(yaml, snippets: true)
        #expect(
            on.filter("SnippetsFilter default/limit-except-sf") == [
                "Accepted=True/Accepted: The SnippetsFilter is accepted"
            ])
        #expect(
            on.parent("HTTPRoute default/coffee").contains(
                "ResolvedRefs=True/ResolvedRefs: All references are resolved"))
    }

    @Test("a GRPCRoute's filter messages keep NGF's lower-case field paths")
    func grpcMissingFilter() throws {
        let outcome = try NGFOutcome(
            cafeServices
                + grpcRoute(
                    "greeter",
                    rules: """
                          - filters:
                            - type: ExtensionRef
                              extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: x}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        let parent = outcome.parent("GRPCRoute default/greeter")
        #expect(
            parent.contains(
                #"ResolvedRefs=False/InvalidFilter: spec.rules[0].filters[0].extensionRef: Not found: {"group":"gateway.nginx.org","kind":"AuthenticationFilter","name":"x"}"#
            ), "\(parent)")
    }

    @Test("an ExtensionRef to a kind NGF does not have drops the rule with the kinds it has")
    func unsupportedExtensionKind() throws {
        let outcome = try NGFOutcome(
            cafeServices
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExtensionRef
                              extensionRef: {group: gateway.nginx.org, kind: RateLimitPolicy, name: x}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        let parent = outcome.parent("HTTPRoute default/coffee")
        #expect(
            parent.contains {
                $0.hasPrefix("Accepted=False/UnsupportedValue: All rules are invalid: ")
                    && $0.hasSuffix(
                        #"spec.rules[0].filters[0].extensionRef: Unsupported value: "RateLimitPolicy": supported values: "SnippetsFilter", "AuthenticationFilter""#
                    )
            }, "\(parent)")
    }

    @Test("two AuthenticationFilters in one rule drop the rule, with NGF's message for the second")
    func twoAuthenticationFilters() throws {
        let twice = """
              - filters:
                - type: ExtensionRef
                  extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: basic-auth}
                - type: ExtensionRef
                  extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: other-auth}
                backendRefs: [{name: coffee, port: 80}]
            """
        let message =
            #"spec.rules[0].filters[1].extensionRef: Invalid value: {"group":"gateway.nginx.org","kind":"AuthenticationFilter","name":"other-auth"}: only one AuthenticationFilter is allowed per Route rule"#
        let base = cafeServices + authSecret() + basicAuthFilter() + basicAuthFilter("other-auth")
        // The only rule: the route is not accepted.
        let only = try NGFOutcome(base + cafeRoute("coffee", rules: twice))
        let parent = only.parent("HTTPRoute default/coffee")
        #expect(
            parent.contains {
                $0.hasPrefix("Accepted=False/UnsupportedValue: All rules are invalid: ") && $0.hasSuffix(message)
            }, "\(parent)")
        // With another rule: that one is served, this one dropped.
        let partly = try NGFOutcome(
            base
                + cafeRoute(
                    "coffee",
                    rules: twice
                        + "\n  - matches: [{path: {type: PathPrefix, value: /tea}}]\n    backendRefs: [{name: tea, port: 80}]"
                ))
        let partial = partly.parent("HTTPRoute default/coffee")
        #expect(partial.contains("Accepted=True/Accepted: The route is accepted"), "\(partial)")
        #expect(
            partial.contains {
                $0.hasPrefix("PartiallyInvalid=True/UnsupportedValue: Dropped Rule(s): ") && $0.hasSuffix(message)
            },
            "\(partial)")
        let rules = partly.graph.route(
            ObjectRef(group: Gateway.group, kind: "HTTPRoute", namespace: "default", name: "coffee"))?.rules
        #expect(rules?.map { $0.dropped == nil } == [false, true])
    }

    @Test("an ExternalAuth filter with protocol GRPC drops the rule: NGF supports HTTP only")
    func externalAuthGRPC() throws {
        let outcome = try NGFOutcome(
            cafeServices + service("ext-auth", portName: "grpc", port: 9001)
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExternalAuth
                              externalAuth:
                                protocol: GRPC
                                backendRef: {name: ext-auth, port: 9001}
                                grpc: {}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        let parent = outcome.parent("HTTPRoute default/coffee")
        #expect(
            parent.contains {
                $0.hasPrefix("Accepted=False/UnsupportedValue: All rules are invalid: ")
                    && $0.hasSuffix(
                        #"spec.rules[0].filters[0].externalAuth.protocol: Unsupported value: "GRPC": supported values: "HTTP""#
                    )
            }, "\(parent)")
    }

    @Test("an ExternalAuth filter whose backend Service is missing: ResolvedRefs False InvalidFilter")
    func externalAuthMissingBackend() throws {
        let outcome = try NGFOutcome(
            cafeServices
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExternalAuth
                              externalAuth:
                                protocol: HTTP
                                backendRef: {name: ext-auth, port: 80}
                                http: {path: /check}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        let parent = outcome.parent("HTTPRoute default/coffee")
        #expect(parent.contains("Accepted=True/Accepted: The route is accepted"), "\(parent)")
        #expect(
            parent.contains(
                "ResolvedRefs=False/InvalidFilter: ExternalAuth filter references a backend that could not be resolved; the rule is rejected to avoid proxying without authentication"
            ), "\(parent)")
        // With the Service, it resolves.
        let resolved = try NGFOutcome(
            cafeServices + service("ext-auth", portName: "http", port: 80)
                + cafeRoute(
                    "coffee",
                    rules: """
                          - filters:
                            - type: ExternalAuth
                              externalAuth: {protocol: HTTP, backendRef: {name: ext-auth, port: 80}, http: {path: /check}}
                            backendRefs: [{name: coffee, port: 80}]
                        """))
        #expect(
            resolved.parent("HTTPRoute default/coffee").contains(
                "ResolvedRefs=True/ResolvedRefs: All references are resolved"))
    }

    // MARK: NginxProxy references

    @Test("a GatewayClass parametersRef to a missing NginxProxy: accepted (InvalidParameters), ParametersRefNotFound")
    func classParametersNotFound() throws {
        let outcome = try NGFOutcome(cafe) { snap in
            snap.gatewayClasses[0] = try GatewayClass.decode([
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                "metadata": ["name": "nginx", "generation": 1, "creationTimestamp": "2024-01-01T00:00:00Z"],
                "spec": [
                    "controllerName": .string(ControllerConfig.defaultControllerName),
                    "parametersRef": [
                        "group": "gateway.nginx.org", "kind": "NginxProxy", "namespace": "nginx-gateway", "name": "x",
                    ],
                ],
            ])
        }
        let conditions = outcome.conditions("GatewayClass nginx")
        #expect(
            conditions.contains(
                #"Accepted=True/InvalidParameters: The GatewayClass is accepted, but ParametersRef is ignored due to an error: spec.parametersRef.name: Not found: "x""#
            ), "\(conditions)")
        #expect(
            conditions.contains(
                "ResolvedRefs=False/ParametersRefNotFound: The ParametersRef resource could not be found"),
            "\(conditions)")
        // The class stays valid: its Gateway is accepted and its routes attach.
        #expect(outcome.conditions("Gateway default/gateway").contains { $0.hasPrefix("Accepted=True/Accepted") })
        #expect(outcome.parent("HTTPRoute default/coffee").contains { $0.hasPrefix("Accepted=True/Accepted") })
    }

    @Test("a Gateway parametersRef to a missing NginxProxy: Accepted False InvalidParameters, with NGF's message")
    func gatewayParametersNotFound() throws {
        let outcome = try NGFOutcome(
            gateway(
                extra: "  infrastructure:\n    parametersRef: {group: gateway.nginx.org, kind: NginxProxy, name: x}\n")
                + route("coffee", backend: "coffee", port: 80) + service("coffee", portName: "http", port: 80)
                + clientSettings("csp"))
        let conditions = outcome.conditions("Gateway default/gateway")
        #expect(
            conditions.contains(
                #"Accepted=False/InvalidParameters: The Gateway is not accepted due to an invalid ParametersRef: Spec.infrastructure.parametersRef.name: Not found: "x""#
            ), "\(conditions)")
        #expect(
            conditions.contains(
                #"ResolvedRefs=False/ParametersRefInvalid: Spec.infrastructure.parametersRef.name: Not found: "x""#),
            "\(conditions)")
        // With the NginxProxy it resolves.
        let resolved = try NGFOutcome(
            ngf("NginxProxy", "x", "  workerConnections: 2048", version: "v1alpha2")
                + gateway(
                    extra:
                        "  infrastructure:\n    parametersRef: {group: gateway.nginx.org, kind: NginxProxy, name: x}\n")
        )
        #expect(
            resolved.conditions("Gateway default/gateway").contains(
                "ResolvedRefs=True/ResolvedRefs: The referenced resources are resolved"))
        #expect(resolved.graph.nginxProxies[.gateway("default", "gateway")]?.workerConnections == 2048)
    }

    @Test("NGF keeps a Gateway with an invalid parametersRef valid in its graph: routes and policies still attach")
    func gatewayParametersKeepGraphValid() throws {
        let outcome = try NGFOutcome(
            gateway(
                extra: "  infrastructure:\n    parametersRef: {group: gateway.nginx.org, kind: NginxProxy, name: x}\n")
                + route("coffee", backend: "coffee", port: 80) + service("coffee", portName: "http", port: 80)
                + clientSettings("csp"))
        #expect(outcome.parent("HTTPRoute default/coffee").contains { $0.hasPrefix("Accepted=True/Accepted") })
        #expect(outcome.ancestors("ClientSettingsPolicy default/csp") == ["Gateway default/gateway": policyAccepted])
        #expect(outcome.gatewayPolicies() == [outcome.ref("ClientSettingsPolicy", "csp")])
    }

    // MARK: What attaches where

    @Test("Gateway, route and Service attachments hold exactly the valid policies")
    func attachments() throws {
        let outcome = try NGFOutcome(
            cafe
                // On the Gateway: one valid, one conflicted, one invalid.
                + clientSettings("gw-valid") + clientSettings("gw-conflicted", "  body: {maxSize: 1m}")
                + proxySettings("gw-invalid", "  buffering: {bufferSize: 16k, busyBuffersSize: 8k}")
                // On the coffee route: one valid, one refused (no NginxProxy).
                + proxySettings("route-valid", on: [target("HTTPRoute", "coffee")], "  timeout: {read: 30s}")
                + ngf(
                    "ObservabilityPolicy", "route-refused",
                    "  targetRefs: [\(target("HTTPRoute", "coffee"))]\n  tracing: {strategy: ratio}",
                    version: "v1alpha2")
                // On the coffee Service: one valid, one invalid.
                + upstreamSettings("svc-valid", services: ["coffee"], "  zoneSize: 1m")
                + upstreamSettings("svc-invalid", services: ["coffee"], "  loadBalancingMethod: least_time header"))
        #expect(outcome.gatewayPolicies() == [outcome.ref("ClientSettingsPolicy", "gw-valid")])
        #expect(outcome.routePolicies("coffee") == [outcome.ref("ProxySettingsPolicy", "route-valid")])
        #expect(outcome.routePolicies("tea") == [])
        #expect(
            outcome.servicePolicies == [
                .service("default", "coffee"): [outcome.ref("UpstreamSettingsPolicy", "svc-valid")]
            ])
        let valid = Set(outcome.graph.ngfPolicies.filter(\.valid).map(\.ref.name))
        #expect(valid == ["gw-valid", "route-valid", "svc-valid", "route-refused"])
        // Every processed policy has a status, valid or not.
        #expect(outcome.graph.ngfPolicies.count == 7)
        #expect(outcome.graph.ngfPolicies.allSatisfy { !$0.ancestors.isEmpty })
    }
}

extension NGFOutcome {
    fileprivate var servicePolicies: [ObjectRef: [ObjectRef]] { graph.servicePolicies }
}
