/// A typed Kubernetes object: `apiVersion`, `kind`, `metadata` and the kind's own fields.
public protocol KubeResource: Codable, Sendable, Equatable {
    /// The API group ("" for the core group).
    static var group: String { get }
    static var kind: String { get }
    var apiVersion: String { get set }
    var kind: String { get set }
    var metadata: ObjectMeta { get set }
}

extension KubeResource {
    public var name: String { metadata.name ?? "" }
    public var namespace: String { metadata.namespace ?? "" }

    /// Decodes a stored object (already validated when it was applied).
    public static func decode(_ json: JSONValue) throws -> Self {
        try NodeDecoder().decode(Self.self, from: SourceNode(json: json))
    }

    /// Encodes to the JSON form the store keeps.
    public func toJSON() throws -> JSONValue { try JSONValueEncoder().encode(self) }
}
