/// What the API knows about a kind: names for the CLI, versions served, scope, and whether gwconsole models it.
public struct ResourceType: Sendable, Hashable {
    public let group: String
    public let kind: String
    /// Versions accepted in `apiVersion`, preferred first.
    public let versions: [String]
    public let plural: String
    public let singular: String
    public let shortNames: [String]
    public let namespaced: Bool
    /// False for kinds gwconsole keeps as unstructured objects without processing them.
    public let supported: Bool

    public init(
        group: String, kind: String, versions: [String], plural: String, shortNames: [String] = [],
        namespaced: Bool = true, supported: Bool = true
    ) {
        self.group = group
        self.kind = kind
        self.versions = versions
        self.plural = plural
        self.singular = kind.lowercased()
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.supported = supported
    }

    /// `deployment.apps`, `service`, `gateway.gateway.networking.k8s.io`: kubectl's name for apply/delete lines.
    public var qualifiedSingular: String { group.isEmpty ? singular : "\(singular).\(group)" }
    /// `backendtlspolicies.gateway.networking.k8s.io`.
    public var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// `apps/v1`, `v1`: the preferred apiVersion.
    public var preferredAPIVersion: String { apiVersion(versions[0]) }

    public func apiVersion(_ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The group and kind key used by the store.
    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }
}

/// A group and kind, the identity of a resource type independent of version.
public struct GroupKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }

    public static func < (a: GroupKind, b: GroupKind) -> Bool { (a.group, a.kind) < (b.group, b.kind) }
}

/// Splits `apiVersion` into group and version: `apps/v1` → (`apps`, `v1`), `v1` → (``, `v1`).
public func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
    if let slash = apiVersion.lastIndex(of: "/") {
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }
    return ("", apiVersion)
}
