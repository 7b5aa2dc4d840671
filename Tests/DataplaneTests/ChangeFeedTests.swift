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

    @Test(
        "a cluster's cache feeds the controller too: mirrored rows keep the cluster's resourceVersions, the feed its own; a relist tombstones only what is gone; an older event does not overwrite a newer row"
    )
    func mirror() throws {
        let store = try Store(directory: temporaryStateDirectory())
        func route(_ name: String, rv: String, uid: String = "u-1") -> JSONValue {
            [
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                "metadata": [
                    "name": .string(name), "namespace": "default", "uid": .string(uid), "resourceVersion": .string(rv),
                ],
                "spec": ["hostnames": [.string(name + ".example.com")]],
            ]
        }
        let kind = ResourceRegistry.httpRoute.groupKind
        try store.mirrorReplace(
            kind, namespace: nil, objects: [route("a", rv: "900"), route("b", rv: "901", uid: "u-2")])
        let mark = try store.revision()
        #expect(try store.get(ObjectKey(groupKind: kind, namespace: "default", name: "a"))?.resourceVersion == 900)
        // A relist with "b" gone: one tombstone, and "a" rewritten.
        try store.mirrorReplace(kind, namespace: nil, objects: [route("a", rv: "905")])
        let changes = try store.changes(since: mark)
        #expect(changes.deleted.map(\.name) == ["b"] && changes.upserted.map(\.name) == ["a"], "\(changes)")
        // A watch event older than the row (a command's list got there first) changes nothing.
        try store.mirrorUpsert(kind, object: route("a", rv: "903"))
        #expect(try store.get(ObjectKey(groupKind: kind, namespace: "default", name: "a"))?.resourceVersion == 905)
        try store.mirrorUpsert(kind, object: route("a", rv: "910"))
        #expect(try store.get(ObjectKey(groupKind: kind, namespace: "default", name: "a"))?.resourceVersion == 910)
        try store.mirrorDelete(ObjectKey(groupKind: kind, namespace: "default", name: "a"))
        #expect(try store.changes(since: try store.revision() - 1).deleted.map(\.name) == ["a"])
    }
}
