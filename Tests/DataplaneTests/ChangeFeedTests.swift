import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import Dataplane

/// The change feed the resident controller follows, and its cache over it: what changed after a revision, and
/// only that, decoded.
@Suite("Change feed and controller cache")
struct ChangeFeedTests {
    @Test(
        "changes(since:) has the rows written after a revision and tombstones of what was deleted, namespaces' contents included"
    )
    func feed() throws {
        let store = try Store(directory: temporaryStateDirectory())
        _ = try store.apply(
            objects(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: b}\n"
            ))
        _ = try store.apply(
            objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside, namespace: team}\ndata: {a: b}\n"))
        let mark = try store.revision()
        #expect(try store.changes(since: mark).isEmpty)
        _ = try store.apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: c}\n"))
        try store.updateStatus(configMapKey, status: ["note": "written"])
        var changes = try store.changes(since: mark)
        #expect(changes.upserted.map(\.name) == ["app"], "one row, at its latest version")
        let revision = try store.revision()
        #expect(changes.upserted.first?.status == ["note": "written"] && changes.revision == revision)
        _ = try store.delete([ObjectKey(groupKind: ResourceRegistry.namespace.groupKind, namespace: "", name: "team")])
        changes = try store.changes(since: mark)
        #expect(Set(changes.deleted.map(\.name)) == ["team", "inside"], "\(changes.deleted)")
        try store.pruneTombstones(through: changes.revision)
        #expect(try store.changes(since: mark).deleted.isEmpty)
    }

    @Test(
        "the cache decodes only what changed, tells its own status writes from others', and assembles the snapshot in store order"
    )
    func cache() throws {
        let store = try Store(directory: temporaryStateDirectory())
        let cache = ControllerCache()
        var refresh = try cache.refresh(from: store)
        #expect(
            refresh.changedKinds.contains(ResourceRegistry.namespace.groupKind), "the first refresh loads everything")
        _ = cache.takePending()
        _ = try store.apply(
            objects(
                "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 81}]}\n"
            ))
        refresh = try cache.refresh(from: store)
        #expect(refresh.changedObjects == 2 && refresh.changedKinds == [ResourceRegistry.service.groupKind])
        #expect(cache.snapshot.services.map(\.name) == ["a", "b"])
        _ = cache.takePending()
        // The controller's own status write comes back through the feed without counting as a change.
        let key = ObjectKey(groupKind: ResourceRegistry.service.groupKind, namespace: "default", name: "a")
        let versions = try #require(cache.versions[key])
        cache.recordOwnWrite(
            try store.updateStatus(
                key, status: ["loadBalancer": ["ingress": [["ip": "127.0.0.9"]]]],
                expectedResourceVersion: versions.resourceVersion))
        #expect(try cache.refresh(from: store).isEmpty && cache.pending.isEmpty)
        #expect(
            cache.snapshot.services.first?.status?.loadBalancer?.value(at: ["ingress"])?.arrayValue?.first?["ip"]
                == "127.0.0.9", "the copy has the status")
        // Someone else's status write is a change.
        try store.updateStatus(key, status: [:])
        #expect(try cache.refresh(from: store).changedKinds == [ResourceRegistry.service.groupKind])
        _ = try store.delete([ObjectKey(groupKind: ResourceRegistry.service.groupKind, namespace: "default", name: "b")]
        )
        try cache.refresh(from: store)
        #expect(cache.snapshot.services.map(\.name) == ["a"])
        let revision = try store.revision()
        #expect(cache.revision == revision)
    }
}
