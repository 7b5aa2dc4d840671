import GatewayAPI

/// A reference to one object in the graph: kind (with group), namespace and name.
public struct ObjectRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String
    public var namespace: String
    public var name: String

    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public init<T: KubeResource>(_ object: T) {
        self.init(
            group: T.group, kind: T.kind, namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "")
    }

    /// `namespace/name`, or `name` for cluster-scoped objects.
    public var namespacedName: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public var description: String { "\(kind) \(namespacedName)" }

    public static func < (a: ObjectRef, b: ObjectRef) -> Bool {
        (a.kind, a.namespace, a.name, a.group) < (b.kind, b.namespace, b.name, b.group)
    }

    public static func gateway(_ namespace: String, _ name: String) -> ObjectRef {
        ObjectRef(group: Gateway.group, kind: Gateway.kind, namespace: namespace, name: name)
    }

    public static func service(_ namespace: String, _ name: String) -> ObjectRef {
        ObjectRef(group: "", kind: "Service", namespace: namespace, name: name)
    }
}
