import ConsoleUI
import Foundation
import GatewayAPI
import GatewayCore
import ResourcePrinters

/// The guide's objects as a graph and a console model, for view tests that need no process.
enum GuideFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func objects() throws -> [DecodedObject] {
        try ManifestDecoder().decode(
            ManifestReader().read(paths: [root.appendingPathComponent("scenarios/securing-backend-traffic.md").path]))
    }

    static func graph() throws -> Graph { try graph(objects()) }

    /// The graph of any objects beside NGF's GatewayClass.
    static func graph(_ objects: [DecodedObject]) throws -> Graph {
        var snapshot = ResourceSnapshot()
        snapshot.gatewayClasses = [
            try GatewayClass.decode([
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                "metadata": ["name": "nginx"],
                "spec": ["controllerName": .string(ControllerConfig.defaultControllerName)],
            ])
        ]
        for object in objects { try snapshot.insert(kind: object.type.kind, object: object.object) }
        return GraphBuilder.build(snapshot, config: ControllerConfig())
    }

    /// A model on the guide's topology with the route selected, its description, and a probe's 400 in diagnostics.
    static func model() throws -> ConsoleModel {
        var model = ConsoleModel()
        let graph = try graph()
        model.setTree(TopologyTree.rows(graph))
        model.header.source = "embedded ~/.local/state/gwconsole"
        model.header.dataplane = "up"
        model.header.gateway = "GW_IP=127.0.100.1 GW_PORT=80"
        model.selected = 3
        let route = try objects().first { $0.type.kind == "HTTPRoute" }!
        let ref = ObjectRef(group: HTTPRoute.group, kind: "HTTPRoute", namespace: "default", name: "secure-app")
        model.detail = StyledLine.lines(
            Describer.describe(route.type, object: route.object, sections: GraphSections.sections(for: ref, in: graph)))
        let page = """
            <html>
            <head><title>400 The plain HTTP request was sent to HTTPS port</title></head>
            <body>
            <center><h1>400 Bad Request</h1></center>
            <center>The plain HTTP request was sent to HTTPS port</center>
            </body>
            </html>
            """
        model.showDiagnostics(
            title: "Probe HTTPRoute default/secure-app via Gateway default/gateway",
            blocks: [
                .line(
                    StyledLine(spans: [
                        (
                            "curl --resolve secure-app.example.com:80:127.0.100.1 http://secure-app.example.com:80/",
                            .title
                        ),
                        ("  →  ", .dim), ("400 Bad Request", .error),
                    ]))
            ] + StyledLine.lines(page).map { .line(StyledLine("  " + $0.text, role: .error)) } + [
                .line(
                    StyledLine(spans: [
                        ("Backend default/secure-app:8443 endpoint 127.0.100.100:8443: ", .title),
                        ("MISMATCH with the gateway", .error),
                    ])),
                .line(StyledLine("  gateway sends plain HTTP; backend speaks TLS")),
                .sideBySide(
                    left: [
                        StyledLine("plain HTTP (what the gateway sends now)", role: .title),
                        StyledLine("400 The plain HTTP request was sent to HTTPS port", role: .error),
                    ],
                    right: [
                        StyledLine("TLS (SNI secure-app.example.com, not verified)", role: .title),
                        StyledLine(
                            "200 hello from pod secure-app (certificate not verified: code 20)", role: .accepted),
                    ]),
            ])
        model.message = StyledLine("probed HTTPRoute default/secure-app: 400 Bad Request", role: .error)
        return model
    }
}
