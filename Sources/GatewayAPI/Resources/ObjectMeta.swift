/// Kubernetes object metadata (`metadata`), with the server-set fields the embedded store fills in.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var managedFields: JSONValue?
    public var selfLink: String?

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }
}

/// An owner of an object (for example the Deployment that owns a Pod).
public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}

/// A label selector (`matchLabels` and `matchExpressions`).
public struct LabelSelector: Codable, Sendable, Equatable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

public struct LabelSelectorRequirement: Codable, Sendable, Equatable {
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public var `operator`: String
    public var values: [String]?
}

/// A value that is either an integer or a string, such as a Service's `targetPort`.
public enum IntOrString: Codable, Sendable, Equatable, CustomStringConvertible {
    case int(Int32)
    case string(String)

    public init(from decoder: Decoder) throws {
        if let nodeDecoder = decoder as? NodeDecoderImpl {
            switch nodeDecoder.scalar {
            case .int?: self = .int(try nodeDecoder.decodeInteger(Int32.self))
            case .string(let s)?: self = .string(s)
            default: throw nodeDecoder.typeError("an integer or a string")
            }
            return
        }
        let container = try decoder.singleValueContainer()
        if let i = try? container.decode(Int32.self) {
            self = .int(i)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let i): try container.encode(i)
        case .string(let s): try container.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        }
    }
}
