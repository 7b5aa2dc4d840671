/// An object read from a manifest, validated and in the canonical form the store keeps.
public struct DecodedObject: Sendable {
    public var type: ResourceType
    /// The object without `status` and without server-set metadata; `metadata.namespace` filled for namespaced kinds.
    public var object: JSONValue
    /// `metadata.resourceVersion` as the manifest gave it (an optimistic-concurrency precondition), if any.
    public var expectedResourceVersion: String?
    /// Where the document starts, for messages about the object as a whole.
    public var position: SourcePosition?

    public var name: String { object.value(at: ["metadata", "name"])?.stringValue ?? "" }
    public var namespace: String { object.value(at: ["metadata", "namespace"])?.stringValue ?? "" }
    public var apiVersion: String { object["apiVersion"]?.stringValue ?? "" }

    public init(
        type: ResourceType, object: JSONValue, expectedResourceVersion: String? = nil, position: SourcePosition? = nil
    ) {
        self.type = type
        self.object = object
        self.expectedResourceVersion = expectedResourceVersion
        self.position = position
    }
}
