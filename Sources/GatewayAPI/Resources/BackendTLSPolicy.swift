/// BackendTLSPolicy (gateway.networking.k8s.io/v1alpha3 as in NGF's guide, and v1): how a Gateway speaks TLS
/// to a backend Service: the CA to verify it with and the hostname for SNI and verification.
public struct BackendTLSPolicy: KubeResource {
    public static let group = "gateway.networking.k8s.io"
    public static let kind = "BackendTLSPolicy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: BackendTLSPolicySpec
    public var status: PolicyStatus?
}

public struct BackendTLSPolicySpec: Codable, Sendable, Equatable {
    public var targetRefs: [LocalPolicyTargetReferenceWithSectionName]
    public var validation: BackendTLSPolicyValidation
    public var options: [String: String]?
}

public struct BackendTLSPolicyValidation: Codable, Sendable, Equatable {
    /// ConfigMaps (key `ca.crt`) or Secrets holding the CA certificates.
    public var caCertificateRefs: [LocalObjectReference]?
    /// `System`: verify with the system's trusted CAs instead.
    public var wellKnownCACertificates: String?
    /// The SNI and the name the backend certificate must carry.
    public var hostname: String
    public var subjectAltNames: [SubjectAltName]?
}

public struct SubjectAltName: Codable, Sendable, Equatable {
    /// `Hostname` or `URI`.
    public var type: String
    public var hostname: String?
    public var uri: String?
}

public struct PolicyStatus: Codable, Sendable, Equatable {
    public var ancestors: [PolicyAncestorStatus]

    public init(ancestors: [PolicyAncestorStatus]) { self.ancestors = ancestors }
}
