import ConsoleUI
import Foundation
import GatewayAPI
import GatewayCore
import Testing

@Suite("Topology tree")
struct TopologyTreeTests {
    func guideGraph() throws -> Graph { try GuideFixture.graph() }

    @Test("the guide's topology, drawn at 80 columns")
    func guide() throws {
        let rows = TopologyTree.rows(try guideGraph())
        let screen = GridScreen(rows: 10, columns: 80)
        TopologyTree.draw(rows, on: screen, top: 0, left: 0, height: 10, selected: 3)
        #expect(
            screen.text == """
                ✓ GatewayClass nginx
                  … Gateway default/gateway
                    ✓ listener http HTTP/80 (1 routes)
                      ✓ HTTPRoute default/secure-app
                        ✓ rule 0 PathPrefix /
                          ✓ Service default/secure-app:8443
                            ✓ BackendTLSPolicy default/backend-tls (Accepted)
                              ✓ ConfigMap default/backend-cert (CA)


                """)
        #expect(screen.role(row: 3, column: 6) == .selection)
        #expect(screen.role(row: 1, column: 2) == .pending)
    }

    @Test("the tree persisted as a view reads back row for row (the console's first frame draws it without a graph)")
    func persisted() throws {
        let rows =
            TopologyTree.rows(try guideGraph()) + [
                TreeRow(
                    depth: 0, label: "Not attached \"quoted\" ✓ tab\there, newline\nthere, back\\slash",
                    role: .notAttached, ref: nil),
                TreeRow(
                    depth: 1, label: "Service a\tb/c", role: .error,
                    ref: ObjectRef(group: "", kind: "Service", namespace: "n\ts", name: "a\\b")),
            ]
        let decoded = try #require(TopologyTree.decode(TopologyTree.encode(rows)))
        #expect(decoded == rows)
        #expect(decoded.contains { $0.ref?.kind == "BackendTLSPolicy" && $0.role == .accepted })
        #expect(
            TopologyTree.decode("gwconsole-tree 1\n0\tno-such-role\t0\t\t\t\t\tx\n") == nil,
            "an unknown role is not a tree")
        #expect(TopologyTree.decode("gwconsole-tree 1\n0\taccepted\t0\tx\n") == nil, "too few fields")
        #expect(TopologyTree.decode("[[0, \"x\", \"accepted\"]]") == nil, "another format")
    }

    @Test("routes and policies that attach nowhere are listed, not hidden")
    func unattached() throws {
        var snapshot = ResourceSnapshot()
        snapshot.httpRoutes = [
            try HTTPRoute.decode([
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                "metadata": ["name": "lost", "namespace": "default"],
                "spec": [
                    "parentRefs": [["name": "nowhere"]], "rules": [["backendRefs": [["name": "svc", "port": 80]]]],
                ],
            ])
        ]
        let rows = TopologyTree.rows(GraphBuilder.build(snapshot, config: ControllerConfig()))
        #expect(rows.first?.label == "Not attached")
        #expect(rows.contains { $0.label == "HTTPRoute default/lost" && $0.role == .notAttached })
    }

    /// NGF's policies on the guide's topology: on the Gateway (one conflicted), on the route and on the Service; one
    /// on a Gateway that is not accepted.
    static let ngfManifests = """
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: gateway-csp, namespace: default, creationTimestamp: "2024-05-15T12:00:00Z"}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
          body: {maxSize: "50"}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: late, namespace: default, creationTimestamp: "2024-05-15T12:00:01Z"}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
          body: {maxSize: "10"}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: route-rl, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: secure-app}]
          rateLimit: {local: {rules: [{rate: 1r/s, key: $binary_remote_addr}]}}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: UpstreamSettingsPolicy
        metadata: {name: upstream, namespace: default}
        spec:
          targetRefs: [{group: "", kind: Service, name: secure-app}]
          zoneSize: 1m
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: refused, namespace: default}
        spec:
          gatewayClassName: nginx
          addresses: [{value: 10.0.0.1}]
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ProxySettingsPolicy
        metadata: {name: on-refused, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: refused}]
          timeout: {read: 10s}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ProxySettingsPolicy
        metadata: {name: missing-target, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: missing}]
          timeout: {read: 10s}
        """

    func ngfGraph() throws -> Graph {
        let extra = try ManifestDecoder().decode(
            ManifestReader.documents(from: Data(Self.ngfManifests.utf8), file: "ngf.yaml"))
        return try GuideFixture.graph(GuideFixture.objects() + extra)
    }

    @Test("NGF's policies are under the Gateway, route and Service they target; a conflicted one says so")
    func ngfPolicies() throws {
        let rows = TopologyTree.rows(try ngfGraph())
        func row(_ label: String) -> TreeRow? { rows.first { $0.label == label } }
        let gateway = try #require(rows.firstIndex { $0.label == "Gateway default/gateway" })
        #expect(rows[gateway + 1].label == "ClientSettingsPolicy default/gateway-csp")
        #expect(rows[gateway + 1].depth == rows[gateway].depth + 1 && rows[gateway + 1].role == .accepted)
        #expect(rows[gateway + 1].ref?.kind == "ClientSettingsPolicy")
        #expect(rows[gateway + 2].label == "ClientSettingsPolicy default/late (Conflicted)")
        #expect(rows[gateway + 2].role == .conflicted)
        let route = try #require(rows.firstIndex { $0.label == "HTTPRoute default/secure-app" })
        #expect(rows[route + 1].label == "RateLimitPolicy default/route-rl")
        #expect(rows[route + 1].depth == rows[route].depth + 1 && rows[route + 1].role == .accepted)
        let service = try #require(rows.firstIndex { $0.label.hasPrefix("Service default/secure-app:") })
        let upstream = try #require(row("UpstreamSettingsPolicy default/upstream"))
        #expect(upstream.role == .accepted && upstream.depth == rows[service].depth + 1)
        #expect(rows[(service + 1)...].contains(upstream))
    }

    @Test("an NGF policy whose Gateway is not accepted is listed as not attached; one that targets nothing is absent")
    func ngfPoliciesNotAttached() throws {
        let rows = TopologyTree.rows(try ngfGraph())
        let header = try #require(rows.firstIndex { $0.label == "Not attached" })
        let detached = rows[header...].filter { $0.ref?.kind == "ProxySettingsPolicy" }
        #expect(detached.map(\.label) == ["ProxySettingsPolicy default/on-refused (TargetNotFound)"])
        #expect(detached.allSatisfy { $0.role == .notAttached && $0.depth == 1 })
        // Under its Gateway too, with the reason.
        #expect(
            rows[..<header].contains {
                $0.label == "ProxySettingsPolicy default/on-refused (TargetNotFound)" && $0.role == .error
            })
        #expect(!rows.contains { $0.label.contains("missing-target") })
        #expect(rows.filter { $0.label.hasPrefix("ClientSettingsPolicy default/gateway-csp") }.count == 1)
    }

    @Test("NGF's examples without NGF policies draw the tree as before")
    func noNGFPolicies() throws {
        let rows = TopologyTree.rows(try guideGraph())
        #expect(!rows.contains { NGFPolicyKind(rawValue: $0.ref?.kind ?? "") != nil })
        #expect(!rows.contains { $0.label == "Not attached" })
    }
}
