import Foundation
import GatewayAPI
import Testing

@testable import Dataplane

func temporaryStateDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-store-\(UUID().uuidString)").path
}

func objects(_ text: String, namespace: String = "default") throws -> [DecodedObject] {
    try ManifestDecoder(defaultNamespace: namespace).decode(
        ManifestReader.documents(from: Data(text.utf8), file: "t.yaml"))
}

let configMapKey = ObjectKey(groupKind: ResourceRegistry.configMap.groupKind, namespace: "default", name: "app")

@Suite("Embedded store")
struct StoreTests {
    @Test("create sets uid, creationTimestamp, resourceVersion and generation 1; re-apply is unchanged")
    func createAndUnchanged() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let before = try store.revision()
        let first = try store.apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n"))
        #expect(first.map(\.action) == [.created])
        let created = first[0].object
        #expect(created.uid.count == 36)
        #expect(created.generation == 1)
        #expect(created.resourceVersion > before)
        #expect(created.creationTimestamp.hasSuffix("Z"))
        #expect(try store.revision() == created.resourceVersion)

        let second = try store.apply(
            objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n"))
        #expect(second.map(\.action) == [.unchanged])
        #expect(second[0].object == created)
        #expect(try store.revision() == created.resourceVersion, "an unchanged apply writes nothing")
    }

    @Test("generation bumps on content changes only; metadata changes and status writes keep it")
    func generationRules() throws {
        let store = try Store(directory: temporaryStateDirectory())
        _ = try store.apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n"))
        let labelled = try store.apply(
            objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: web}\ndata:\n  a: b\n"))[
                0]
        #expect(labelled.action == .configured)
        #expect(labelled.object.generation == 1)
        let changed = try store.apply(
            objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: web}\ndata:\n  a: c\n"))[
                0]
        #expect(changed.action == .configured)
        #expect(changed.object.generation == 2)
        #expect(changed.object.resourceVersion > labelled.object.resourceVersion)
        #expect(changed.object.uid == labelled.object.uid)
        #expect(changed.object.creationTimestamp == labelled.object.creationTimestamp)

        let withStatus = try store.updateStatus(configMapKey, status: ["note": "x"])
        #expect(withStatus.generation == 2)
        #expect(withStatus.resourceVersion > changed.object.resourceVersion)
        // Status is kept apart: apply neither sees nor clears it.
        let reapplied = try store.apply(
            objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: web}\ndata:\n  a: c\n"))[
                0]
        #expect(reapplied.action == .unchanged)
        #expect(try store.get(configMapKey)?.status == ["note": "x"])
        #expect(try store.get(configMapKey)?.object.value(at: ["status", "note"]) == "x")
    }

    @Test("a status write with a stale resourceVersion is refused")
    func statusConflict() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let created = try store.apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n"))[0].object
        _ = try store.updateStatus(configMapKey, status: ["a": 1], expectedResourceVersion: created.resourceVersion)
        #expect(throws: StoreError.self) {
            try store.updateStatus(configMapKey, status: ["a": 2], expectedResourceVersion: created.resourceVersion)
        }
        #expect(try store.get(configMapKey)?.status == ["a": 1])
    }

    @Test("one apply is one transaction: a failing object stores nothing")
    func allOrNothing() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let revision = try store.revision()
        #expect(throws: ObjectStoreError.self) {
            try store.apply(
                objects(
                    """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: lands-first
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: app
                      namespace: missing
                    """))
        }
        #expect(try store.list(ResourceRegistry.configMap.groupKind).isEmpty)
        #expect(try store.revision() == revision)
    }

    @Test("a namespace created in the same apply may be used by objects before it")
    func namespaceInSameApply() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let outcomes = try store.apply(
            objects(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app
                  namespace: team
                ---
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team
                """))
        #expect(outcomes.map(\.action) == [.created, .created])
        #expect(try store.list(ResourceRegistry.configMap.groupKind, namespace: "team").map(\.name) == ["app"])
        // Deleting the namespace deletes what is in it; default cannot be deleted.
        let deleted = try store.delete([
            ObjectKey(groupKind: ResourceRegistry.namespace.groupKind, namespace: "", name: "team")
        ])
        #expect(deleted.count == 1 && deleted[0] != nil)
        #expect(try store.list(ResourceRegistry.configMap.groupKind).isEmpty)
        #expect(throws: StoreError.forbidden("namespaces \"default\" is forbidden: this namespace may not be deleted"))
        {
            try store.delete([
                ObjectKey(groupKind: ResourceRegistry.namespace.groupKind, namespace: "", name: "default")
            ])
        }
    }

    @Test("metadata.resourceVersion in a manifest is an update precondition")
    func resourceVersionPrecondition() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let created = try store.apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n"))[0].object
        let ok = try store.apply(
            objects(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  resourceVersion: \"\(created.resourceVersion)\"\ndata: {a: b}\n"
            ))
        #expect(ok[0].action == .configured)
        #expect(throws: ObjectStoreError.self) {
            try store.apply(
                objects(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  resourceVersion: \"\(created.resourceVersion)\"\ndata: {a: c}\n"
                ))
        }
        #expect(try store.get(configMapKey)?.body.value(at: ["data", "a"]) == "b")
    }

    @Test("a Service gets a cluster IP once; re-applying without one keeps it")
    func clusterIP() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let manifest = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"
        let created = try store.apply(objects(manifest))[0].object
        let ip = try #require(created.body.value(at: ["spec", "clusterIP"])?.stringValue)
        #expect(IPAddress.isIPv4(ip))
        #expect(try store.apply(objects(manifest))[0].action == .unchanged)
        #expect(
            try store.get(ObjectKey(groupKind: ResourceRegistry.service.groupKind, namespace: "default", name: "web"))?
                .body.value(at: ["spec", "clusterIP"])?.stringValue == ip)
    }

    @Test("the state directory is private (0700) and the database 0600, since it holds Secrets")
    func fileModes() throws {
        let dir = temporaryStateDirectory()
        let store = try Store(directory: dir)
        _ = try store.apply(
            objects("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  key: hunter2\n"))
        let fm = FileManager.default
        #expect((try fm.attributesOfItem(atPath: dir)[.posixPermissions] as? Int) == 0o700)
        for file in try fm.contentsOfDirectory(atPath: dir) {
            #expect((try fm.attributesOfItem(atPath: dir + "/" + file)[.posixPermissions] as? Int) == 0o600, "\(file)")
        }
    }

    @Test("objects survive reopening the store")
    func durable() throws {
        let dir = temporaryStateDirectory()
        do {
            let store = try Store(directory: dir)
            _ = try store.apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: v\n"))
        }
        let reopened = try Store(directory: dir)
        #expect(try reopened.get(configMapKey)?.body.value(at: ["data", "k"]) == "v")
        #expect(try reopened.list(ResourceRegistry.namespace.groupKind).map(\.name) == Store.createdNamespaces.sorted())
    }

    @Test("several connections writing at once serialise: every write lands with its own resourceVersion")
    func concurrentConnections() async throws {
        let dir = temporaryStateDirectory()
        _ = try Store(directory: dir)
        let writers = 6
        let perWriter = 15
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let store = try Store(directory: dir)
                    for i in 0..<perWriter {
                        _ = try store.apply(
                            objects("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\(writer)-\(i)\n"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try Store(directory: dir)
        let all = try store.list(ResourceRegistry.configMap.groupKind)
        #expect(all.count == writers * perWriter)
        #expect(Set(all.map(\.resourceVersion)).count == writers * perWriter)
    }
}
