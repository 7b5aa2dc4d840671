/// ReferenceGrant (gateway.networking.k8s.io/v1beta1, v1alpha2): lets objects in other namespaces refer here.
public struct ReferenceGrant: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "ReferenceGrant"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ReferenceGrantSpec
}

public struct ReferenceGrantSpec: Codable, Sendable, Equatable {
    public var from: [ReferenceGrantFrom]
    public var to: [ReferenceGrantTo]
}

public struct ReferenceGrantFrom: Codable, Sendable, Equatable {
    public var group: String
    public var kind: String
    public var namespace: String
}

public struct ReferenceGrantTo: Codable, Sendable, Equatable {
    public var group: String
    public var kind: String
    public var name: String?
}
