import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import ResourcePrinters

/// describe's sections for NGF's policies: which target a Gateway, a route or a Service, the settings in effect with
/// where each came from, and a policy's own targets and ancestors. The persisted views must say the same.
@Suite struct NGFGraphSectionsTests {
    static let manifests = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: nginx}
        spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gateway, namespace: default}
        spec:
          gatewayClassName: nginx
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: own, namespace: default}
        spec:
          parentRefs: [{name: gateway}]
          rules: [{matches: [{path: {value: /own}}], backendRefs: [{name: app, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: inherits, namespace: default}
        spec:
          parentRefs: [{name: gateway}]
          rules: [{matches: [{path: {value: /inherits}}], backendRefs: [{name: app, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: plain, namespace: default}
        spec:
          parentRefs: [{name: elsewhere}]
          rules: [{backendRefs: [{name: app, port: 80}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app, namespace: default}
        spec:
          ports: [{name: http, port: 80}]
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: gateway-csp, namespace: default}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
          body: {maxSize: "50"}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: route-csp, namespace: default}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: own}
          body: {maxSize: "75"}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ClientSettingsPolicy
        metadata: {name: late, namespace: default}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
          body: {maxSize: "10"}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: UpstreamSettingsPolicy
        metadata: {name: upstream, namespace: default}
        spec:
          targetRefs: [{group: "", kind: Service, name: app}]
          zoneSize: 1m
          keepAlive: {connections: 16}
        ---
        apiVersion: gateway.nginx.org/v1alpha1
        kind: ProxySettingsPolicy
        metadata: {name: nowhere, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: missing}]
          timeout: {read: 10s}
        """

    static func graph() throws -> (Graph, [ObjectRef]) {
        let objects = try ManifestDecoder().decode(
            ManifestReader.documents(from: Data(manifests.utf8), file: "ngf.yaml"))
        var snapshot = ResourceSnapshot()
        snapshot.namespaces = [
            try Namespace.decode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "default"]])
        ]
        var refs: [ObjectRef] = []
        for (index, decoded) in objects.enumerated() {
            var object = decoded.object
            object.set(.int(1), at: ["metadata", "generation"])
            object.set(.string(String(format: "2024-05-15T12:00:%02dZ", index)), at: ["metadata", "creationTimestamp"])
            try snapshot.insert(kind: decoded.type.kind, object: object)
            refs.append(
                ObjectRef(
                    group: decoded.type.group, kind: decoded.type.kind, namespace: decoded.namespace, name: decoded.name
                ))
        }
        return (GraphBuilder.build(snapshot, config: ControllerConfig()), refs)
    }

    static func ref(_ kind: String, _ name: String) -> ObjectRef {
        let group =
            kind == "Service" ? "" : NGFPolicyKind(rawValue: kind) != nil ? "gateway.nginx.org" : Gateway.group
        return ObjectRef(group: group, kind: kind, namespace: "default", name: name)
    }

    func section(_ title: String, of ref: ObjectRef, in graph: Graph) -> GraphSections.Section? {
        GraphSections.sections(for: ref, in: graph).first { $0.title == title }
    }

    @Test("the persisted views of NGF's policies and what they target equal describe's sections")
    func viewsMatchTheGraph() throws {
        let (graph, refs) = try Self.graph()
        let views = GraphSections.all(graph)
        #expect(views[Self.ref("ClientSettingsPolicy", "gateway-csp")] != nil)
        for ref in refs {
            let expected = GraphSections.sections(for: ref, in: graph)
            let persisted =
                views[ref].map(GraphSections.encode).flatMap(GraphSections.decode) ?? GraphSections.empty(for: ref)
            #expect(persisted == expected, "\(ref.kind) \(ref.namespacedName)")
        }
    }

    @Test("a Gateway lists the NGF policies that target it, conflicted ones with their reason, and its settings")
    func gateway() throws {
        let (graph, _) = try Self.graph()
        let gateway = Self.ref("Gateway", "gateway")
        #expect(
            section("NGF Policies", of: gateway, in: graph)?.rows == [
                ["ClientSettingsPolicy default/gateway-csp", "True"],
                ["ClientSettingsPolicy default/late", "False (Conflicted)"],
            ])
        let settings = try #require(section("Effective Settings", of: gateway, in: graph))
        #expect(settings.headers == ["Setting", "Value", "From"])
        #expect(settings.rows == [["body.maxSize", "50", "ClientSettingsPolicy default/gateway-csp"]])
    }

    @Test("a route's own policy overrides its Gateway's; a route without one inherits")
    func routes() throws {
        let (graph, _) = try Self.graph()
        let own = Self.ref("HTTPRoute", "own")
        #expect(
            section("NGF Policies", of: own, in: graph)?.rows == [["ClientSettingsPolicy default/route-csp", "True"]])
        #expect(
            section("Effective Settings", of: own, in: graph)?.rows == [
                [
                    "body.maxSize", "75",
                    "ClientSettingsPolicy default/route-csp (overrides ClientSettingsPolicy default/gateway-csp)",
                ]
            ])
        let inherits = Self.ref("HTTPRoute", "inherits")
        #expect(section("NGF Policies", of: inherits, in: graph)?.rows == [])
        #expect(
            section("Effective Settings", of: inherits, in: graph)?.rows == [
                ["body.maxSize", "50", "ClientSettingsPolicy default/gateway-csp"]
            ])
        // Attached nowhere, no NGF policy: described as before.
        let titles = GraphSections.sections(for: Self.ref("HTTPRoute", "plain"), in: graph).map(\.title)
        #expect(!titles.contains("NGF Policies") && !titles.contains("Effective Settings"))
    }

    @Test("a Service: its UpstreamSettingsPolicies and the upstream settings in effect")
    func service() throws {
        let (graph, _) = try Self.graph()
        let app = Self.ref("Service", "app")
        #expect(
            section("NGF Policies", of: app, in: graph)?.rows == [["UpstreamSettingsPolicy default/upstream", "True"]])
        #expect(
            section("Effective Settings", of: app, in: graph)?.rows == [
                ["zoneSize", "1m", "UpstreamSettingsPolicy default/upstream"],
                ["keepAlive.connections", "16", "UpstreamSettingsPolicy default/upstream"],
            ])
    }

    @Test("an NGF policy: its targets, settings and each ancestor's conditions; an unprocessed one has none")
    func policy() throws {
        let (graph, _) = try Self.graph()
        let late = Self.ref("ClientSettingsPolicy", "late")
        #expect(section("Targets", of: late, in: graph)?.rows == [["Gateway default/gateway", "False (Conflicted)"]])
        #expect(section("Settings", of: late, in: graph)?.rows == [["body.maxSize", "10"]])
        let ancestors = try #require(section("Ancestors", of: late, in: graph))
        #expect(ancestors.rows.map { $0[0] }.first == "Gateway default/gateway")
        #expect(ancestors.rows.contains { $0[1] == "Accepted" && $0[2] == "False" && $0[3] == "Conflicted" })
        let nowhere = Self.ref("ProxySettingsPolicy", "nowhere")
        #expect(GraphSections.sections(for: nowhere, in: graph) == GraphSections.empty(for: nowhere))
        #expect(section("Targets", of: nowhere, in: graph)?.rows == [])
    }
}
