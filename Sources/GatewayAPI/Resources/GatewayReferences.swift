// Reference types shared by the Gateway API kinds (gateway.networking.k8s.io).

/// A reference from a Route (or policy ancestor) to its parent, usually a Gateway.
public struct ParentReference: Codable, Sendable, Equatable, Hashable {
    /// Defaults to `gateway.networking.k8s.io`.
    public var group: String?
    /// Defaults to `Gateway`.
    public var kind: String?
    public var namespace: String?
    public var name: String
    /// A listener name on the parent Gateway.
    public var sectionName: String?
    public var port: Int32?

    public init(
        group: String? = nil, kind: String? = nil, namespace: String? = nil, name: String,
        sectionName: String? = nil, port: Int32? = nil
    ) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.sectionName = sectionName
        self.port = port
    }
}

/// A reference to a backend object, usually a Service and port.
public struct BackendObjectReference: Codable, Sendable, Equatable, Hashable {
    /// Defaults to the core group "".
    public var group: String?
    /// Defaults to `Service`.
    public var kind: String?
    public var name: String
    public var namespace: String?
    public var port: Int32?
}

/// A reference to a Secret (for listener certificates); kind defaults to `Secret`.
public struct SecretObjectReference: Codable, Sendable, Equatable, Hashable {
    public var group: String?
    public var kind: String?
    public var name: String
    public var namespace: String?
}

/// A namespaced object reference with explicit group and kind.
public struct ObjectReference: Codable, Sendable, Equatable, Hashable {
    public var group: String
    public var kind: String
    public var name: String
    public var namespace: String?
}

/// A reference to an object in the same namespace, group and kind required.
public struct LocalObjectReference: Codable, Sendable, Equatable, Hashable {
    public var group: String
    public var kind: String
    public var name: String

    public init(group: String, kind: String, name: String) {
        self.group = group
        self.kind = kind
        self.name = name
    }
}

/// A policy's target in its own namespace, optionally a section (a Service port name, a listener name).
public struct LocalPolicyTargetReferenceWithSectionName: Codable, Sendable, Equatable, Hashable {
    public var group: String
    public var kind: String
    public var name: String
    public var sectionName: String?

    public init(group: String, kind: String, name: String, sectionName: String? = nil) {
        self.group = group
        self.kind = kind
        self.name = name
        self.sectionName = sectionName
    }
}

/// A group and kind of Route a listener accepts.
public struct RouteGroupKind: Codable, Sendable, Equatable, Hashable {
    public var group: String?
    public var kind: String

    public init(group: String? = nil, kind: String) {
        self.group = group
        self.kind = kind
    }
}

/// The status a controller writes for one parent of a Route.
public struct RouteParentStatus: Codable, Sendable, Equatable {
    public var parentRef: ParentReference
    public var controllerName: String
    public var conditions: [Condition]?

    public init(parentRef: ParentReference, controllerName: String, conditions: [Condition]?) {
        self.parentRef = parentRef
        self.controllerName = controllerName
        self.conditions = conditions
    }
}

/// The status a controller writes for one ancestor of a policy.
public struct PolicyAncestorStatus: Codable, Sendable, Equatable {
    public var ancestorRef: ParentReference
    public var controllerName: String
    public var conditions: [Condition]?

    public init(ancestorRef: ParentReference, controllerName: String, conditions: [Condition]?) {
        self.ancestorRef = ancestorRef
        self.controllerName = controllerName
        self.conditions = conditions
    }
}
