import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import Testing

/// Every file under Fixtures/hostile-refs holds valid objects with certificate or key material nginx cannot use
/// (not PEM, DER, encrypted, mismatched, not a CA). Applied over a serving Gateway, each is stored (as the API
/// server would) but refused by the controller with the status its `# expect:` line names; nginx never sees it,
/// the Gateway's configuration still applies, and its other route keeps serving.
@Suite("Hostile references", .serialized)
struct HostileReferenceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/hostile-refs"
    ).path

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    static func decode(_ text: String, file: String) throws -> [DecodedObject] {
        try ManifestDecoder().decode(ManifestReader.documents(from: Data(text.utf8), file: file))
    }

    static let base =
        TestManifests.gateway + "---\n" + TestManifests.redirectRoute("good", host: "good.example.com", to: "/ok")

    static func key(_ object: DecodedObject) -> ObjectKey {
        ObjectKey(
            groupKind: object.type.groupKind,
            namespace: object.type.namespaced ? (object.namespace.isEmpty ? "default" : object.namespace) : "",
            name: object.name)
    }

    /// Every condition in the graph's status, one line each: `Kind ns/name[ listener L] Type=Status Reason: message`.
    static func conditionLines(_ graph: Graph) -> [String] {
        var lines: [String] = []
        func add(_ prefix: String, _ conditions: JSONValue?) {
            for condition in conditions?.arrayValue ?? [] {
                let field = { (name: String) in condition[name]?.stringValue ?? "" }
                lines.append("\(prefix) \(field("type"))=\(field("status")) \(field("reason")): \(field("message"))")
            }
        }
        for update in StatusBuilder.updates(graph, now: "2026-01-01T00:00:00Z") {
            let object = "\(update.ref.kind) \(update.ref.namespace)/\(update.ref.name)"
            add(object, update.status["conditions"])
            for listener in update.status["listeners"]?.arrayValue ?? [] {
                add("\(object) listener \(listener["name"]?.stringValue ?? "")", listener["conditions"])
            }
            for ancestor in (update.status["ancestors"]?.arrayValue ?? [])
                + (update.status["parents"]?.arrayValue ?? [])
            {
                add(object, ancestor["conditions"])
            }
        }
        return lines
    }

    @Test("each file: stored, refused with its condition, nothing reaches nginx, the other route keeps serving")
    func refusedWhileServing() throws {
        #expect(Self.cases.count >= 12)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-hostile-refs-\(UUID().uuidString)"
        ).path
        let store = try Store(directory: directory)
        let manager = DataplaneManager(stateDirectory: directory)
        try manager.up(
            portOffset: Int.random(in: 200...400) * 100,
            pinnedAddress: "127.\(Int.random(in: 2...250)).\(Int.random(in: 2...250)).1")
        defer {
            try? manager.down()
            try? FileManager.default.removeItem(atPath: directory)
        }
        var config = ControllerConfig(certificateCheck: CertificateInspector.caBundleCheck)
        config.keyPairCheck = CertificateInspector.tlsKeyPairCheck
        let reconciler = Reconciler(store: store, config: config, dataplane: manager)
        _ = try store.apply(try Self.decode(Self.base, file: "base.yaml"))
        _ = try reconciler.reconcile()
        let binding = try #require(manager.load().gateways["default/gw"]?.bindings.first)
        func good() -> Int {
            HTTPProbe.perform(
                HTTPProbe.Request(
                    url: "http://good.example.com:\(binding.port)/",
                    resolve: ["good.example.com:\(binding.port):\(binding.address)"])
            ).status
        }
        #expect(good() == 302)

        for name in Self.cases {
            let text = try String(contentsOfFile: Self.directory + "/" + name, encoding: .utf8)
            let expectation = try #require(
                text.split(separator: "\n").first?.split(separator: "# expect: ", maxSplits: 1).last.map(String.init))
            let objects = try Self.decode(text, file: name)
            _ = try store.apply(objects)
            let graph = try reconciler.reconcile()
            let lines = Self.conditionLines(graph)
            #expect(lines.contains { $0.hasPrefix(expectation) }, "\(name): \(lines.filter { $0.contains("=False") })")
            // The objects are stored as given.
            for object in objects {
                #expect(try store.get(Self.key(object)) != nil, "\(name): \(Self.key(object)) is stored")
            }
            // The Gateway's config applied (nginx did not refuse it over the bad material) and holds none of it.
            let record = try #require(manager.load().gateways["default/gw"])
            #expect(record.programmed && record.history.last?.result == "Applied", "\(name): \(record.message)")
            let current = directory + "/dp"
            let config = (FileManager.default.enumerator(atPath: current)?.allObjects as? [String] ?? [])
                .filter { $0.contains("current") || $0.hasSuffix(".conf") }
            let written = config.compactMap { try? String(contentsOfFile: current + "/" + $0, encoding: .utf8) }
                .joined()
            #expect(
                !written.contains("bad-tls") && !written.contains("bad-ca"),
                "\(name): the refused material reached the config")
            #expect(good() == 302, "\(name): the other route stopped serving")
            // Back to the base for the next file.
            _ = try store.delete(objects.map(Self.key).filter { $0.groupKind.kind != "Gateway" })
            _ = try store.apply(try Self.decode(Self.base, file: "base.yaml"))
            _ = try reconciler.reconcile()
        }
    }
}
