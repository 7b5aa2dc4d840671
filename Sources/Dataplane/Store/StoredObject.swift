import GatewayAPI

/// An object as the store holds it: the user's content plus server-set metadata and a separate status.
public struct StoredObject: Sendable, Equatable {
    public var groupKind: GroupKind
    public var apiVersion: String
    public var namespace: String
    public var name: String
    public var uid: String
    public var resourceVersion: Int64
    public var generation: Int64
    public var creationTimestamp: String
    /// What was applied: apiVersion, kind, metadata (name, namespace, labels, annotations…) and the kind's fields.
    public var body: JSONValue
    public var status: JSONValue?

    /// The full object as the API would serve it: body, server metadata and status.
    public var object: JSONValue {
        var full = body
        full.set(.string(uid), at: ["metadata", "uid"])
        full.set(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
        full.set(.int(generation), at: ["metadata", "generation"])
        full.set(.string(creationTimestamp), at: ["metadata", "creationTimestamp"])
        if let status { full["status"] = status }
        return full
    }

    /// The resource type of this object, modelled or unstructured.
    public var type: ResourceType {
        ResourceRegistry.type(for: groupKind)
            ?? ResourceRegistry.unstructured(
                group: groupKind.group, kind: groupKind.kind, version: splitAPIVersion(apiVersion).version)
    }
}

/// What an apply did to one object, as kubectl reports it.
public enum ApplyAction: String, Sendable {
    case created, configured, unchanged
}

public struct ApplyOutcome: Sendable {
    public var action: ApplyAction
    public var object: StoredObject
}

/// A reference to one stored object.
public struct ObjectKey: Sendable, Hashable {
    public var groupKind: GroupKind
    public var namespace: String
    public var name: String

    public init(groupKind: GroupKind, namespace: String, name: String) {
        self.groupKind = groupKind
        self.namespace = namespace
        self.name = name
    }
}

/// What changed in the store after a revision (see `Store.changes(since:)`): deletions apply before upserts, since
/// a row present is always the object's latest state.
public struct StoreChanges: Sendable {
    /// The store's revision this view reached.
    public var revision: Int64
    public var upserted: [StoredObject]
    public var deleted: [ObjectKey]

    public var isEmpty: Bool { upserted.isEmpty && deleted.isEmpty }
}
