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
}
