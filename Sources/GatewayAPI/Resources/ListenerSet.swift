/// ListenerSet (gateway.networking.k8s.io/v1): listeners added to a Gateway from outside its spec, where the
/// Gateway's `spec.allowedListeners` lets them in. Routes attach to them with a parentRef of kind ListenerSet.
public struct ListenerSet: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "ListenerSet"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ListenerSetSpec
    public var status: ListenerSetStatus?
}

public struct ListenerSetSpec: Codable, Sendable, Equatable {
    public var parentRef: ParentGatewayReference
    /// A Gateway listener's fields; names are unique within the ListenerSet only.
    public var listeners: [Listener]
}

/// The Gateway a ListenerSet adds listeners to.
public struct ParentGatewayReference: Codable, Sendable, Equatable {
    /// Defaults to `gateway.networking.k8s.io`.
    public var group: String?
    /// Defaults to `Gateway`.
    public var kind: String?
    public var name: String
    /// Defaults to the ListenerSet's namespace.
    public var namespace: String?
}

public struct ListenerSetStatus: Codable, Sendable, Equatable {
    public var conditions: [Condition]?
    public var listeners: [ListenerStatus]?

    public init(conditions: [Condition]? = nil, listeners: [ListenerStatus]? = nil) {
        self.conditions = conditions
        self.listeners = listeners
    }
}
