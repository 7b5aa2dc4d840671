import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import ResourcePrinters

/// The views the store persists (describe's sections for every object, derived once per reconcile) must say
/// exactly what describe computes from the graph for that one object.
@Suite struct GraphViewsTests {
    static let manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: other}
        ---
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
          allowedListeners: {namespaces: {from: Same}}
          listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ListenerSet
        metadata: {name: extra, namespace: default}
        spec:
          parentRef: {name: gateway}
          listeners: [{name: more, port: 80, protocol: HTTP, hostname: more.example.com}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: via-set, namespace: default}
        spec:
          parentRefs: [{kind: ListenerSet, name: extra}]
          rules: [{backendRefs: [{name: set-app, port: 80}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: elsewhere, namespace: default}
        spec:
          gatewayClassName: someone-else
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: split, namespace: default}
        spec:
          parentRefs: [{name: gateway}]
          hostnames: [a.example.com]
          rules:
          - backendRefs: [{name: app, port: 80}, {name: app, port: 8443}, {name: missing, port: 80}]
          - matches: [{path: {type: PathPrefix, value: /b}}]
            backendRefs: [{name: app, port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: orphan, namespace: other}
        spec:
          parentRefs: [{name: nowhere, namespace: default}]
          rules: [{backendRefs: [{name: app, namespace: default, port: 80}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app, namespace: default}
        spec:
          ports: [{name: http, port: 80}, {name: https, port: 8443}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: unused, namespace: default}
        spec:
          ports: [{port: 80}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: tls, namespace: default}
        spec:
          targetRefs: [{group: "", kind: Service, name: app, sectionName: https}, {group: "", kind: Service, name: unused}]
          validation: {caCertificateRefs: [{group: "", kind: ConfigMap, name: missing-ca}], hostname: app.example.com}
        """

    func graph() throws -> (Graph, [ObjectRef]) {
        let objects = try ManifestDecoder().decode(
            ManifestReader.documents(from: Data(Self.manifests.utf8), file: "views.yaml"))
        var snapshot = ResourceSnapshot()
        snapshot.namespaces = try ["default", "other"].map { name in
            try Namespace.decode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
        }
        var refs: [ObjectRef] = []
        for (index, decoded) in objects.enumerated() where decoded.type.kind != "Namespace" {
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

    @Test("every object's persisted view equals the sections describe computes from the graph")
    func viewsMatchTheGraph() throws {
        let (graph, refs) = try graph()
        let views = GraphSections.all(graph)
        #expect(views[ObjectRef(group: "", kind: "Service", namespace: "default", name: "app")] != nil)
        for ref in refs {
            let expected = GraphSections.sections(for: ref, in: graph)
            let persisted =
                views[ref].map(GraphSections.encode).flatMap(GraphSections.decode) ?? GraphSections.empty(for: ref)
            #expect(persisted == expected, "\(ref.kind) \(ref.namespacedName)")
        }
    }

    @Test("a ListenerSet's view: its Gateway, its listeners with their routes, and the routes that name it")
    func listenerSetSections() throws {
        let (graph, _) = try graph()
        let ref = ObjectRef(
            group: "gateway.networking.k8s.io", kind: "ListenerSet", namespace: "default", name: "extra")
        let sections = try #require(GraphSections.all(graph)[ref])
        #expect(sections.first { $0.title == "Parent" }?.rows == [["default/gateway", "True"]])
        #expect(
            sections.first { $0.title == "Listeners" }?.rows.first?.prefix(4) == [
                "more", "HTTP/80", "more.example.com", "1",
            ])
        #expect(
            sections.first { $0.title == "Referenced By" }?.rows.contains { $0.contains("default/via-set") } == true)
    }

    @Test("a Service used twice by one route lists the route once with both ports, and its effective policy per port")
    func serviceSections() throws {
        let (graph, _) = try graph()
        let sections = GraphSections.sections(
            for: ObjectRef(group: "", kind: "Service", namespace: "default", name: "app"), in: graph)
        let routes = try #require(sections.first { $0.title == "Routes" })
        #expect(routes.rows.map { $0[0] } == ["default/split", "other/orphan"])
        #expect(routes.rows[0][1] == "80,8443")
        let direct = try #require(sections.first { $0.title == "Directly Attached Policies" })
        #expect(direct.rows.map { $0[0] } == ["BackendTLSPolicy default/tls"])
        let unused = GraphSections.sections(
            for: ObjectRef(group: "", kind: "Service", namespace: "default", name: "unused"), in: graph)
        #expect(unused.first { $0.title == "Routes" }?.rows.isEmpty == true)
        #expect(unused.first { $0.title == "Directly Attached Policies" }?.rows.count == 1)
    }
}

/// Ages are read from Kubernetes timestamps without a formatter; they must agree with Foundation's reading.
@Suite struct TimestampTests {
    @Test(
        "RFC 3339 timestamps read as ISO8601DateFormatter reads them",
        arguments: [
            "2026-12-01T18:06:01Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2024-05-15T12:00:07.250Z",
            "2026-03-01T00:00:00+02:00", "1999-12-31T23:30:00-05:30",
        ])
    func agrees(_ text: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions =
            text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let expected = try #require(formatter.date(from: text))
        let parsed = try #require(AgeFormatter.parseRFC3339(text))
        #expect(abs(parsed.timeIntervalSince1970 - expected.timeIntervalSince1970) < 0.001)
    }

    @Test(
        "what is not such a timestamp is left to the formatter",
        arguments: ["", "2026-13-01T00:00:00Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "garbage"])
    func rejects(_ text: String) {
        #expect(AgeFormatter.parseRFC3339(text) == nil)
    }
}
