import Dataplane
import Foundation
import GatewayAPI
import KubeClient

/// Reads that go straight to the API server, as kubectl's do: `get` fetches what it prints (one object, or one kind
/// with paging) with the status the cluster's controller wrote, instead of syncing the whole cluster first.
extension ClusterSession {
    /// How long a discovery answer is reused (kubectl keeps its discovery cache for minutes as well).
    public static let discoveryLifetime: TimeInterval = 600

    public struct CachedDiscovery: Codable {
        public var server: String
        public var time: Double
        public var served: [String: String]
        public var missing: [String: String]
    }

    public var discoveryPath: String { cacheDirectory + "/discovery.json" }

    /// Which version of each kind the server serves: from the cache directory when fresh, else asked and kept.
    public func discovery(now: Date = Date()) throws -> KubeAPI.Discovery {
        let byName = Dictionary(ClusterSession.kinds.map { ($0.groupKind.description, $0.groupKind) }) { first, _ in
            first
        }
        if let data = FileManager.default.contents(atPath: discoveryPath),
            let cached = try? JSONDecoder().decode(CachedDiscovery.self, from: data),
            cached.server == connection.server,
            now.timeIntervalSince1970 - cached.time < ClusterSession.discoveryLifetime,
            now.timeIntervalSince1970 >= cached.time
        {
            var discovery = KubeAPI.Discovery()
            for (name, version) in cached.served { if let kind = byName[name] { discovery.served[kind] = version } }
            for (name, why) in cached.missing { if let kind = byName[name] { discovery.missing[kind] = why } }
            if discovery.served.count + discovery.missing.count == ClusterSession.kinds.count { return discovery }
        }
        let discovery: KubeAPI.Discovery
        do {
            discovery = try api.discover(ClusterSession.kinds)
        } catch let error as KubeError {
            throw CLIError(error.description)
        }
        let cached = CachedDiscovery(
            server: connection.server, time: now.timeIntervalSince1970,
            served: Dictionary(uniqueKeysWithValues: discovery.served.map { ($0.key.description, $0.value) }),
            missing: Dictionary(uniqueKeysWithValues: discovery.missing.map { ($0.key.description, $0.value) }))
        try? FileManager.default.createDirectory(
            atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let data = try? JSONEncoder().encode(cached) {
            _ = FileManager.default.createFile(
                atPath: discoveryPath, contents: data, attributes: [.posixPermissions: 0o600])
        }
        return discovery
    }

    /// The objects one request names, read from the API: a GET per name, or a paged list of the kind (in
    /// `namespace`, or every namespace when nil). Missing names are reported in kubectl's words. Nil when the
    /// server does not serve the kind (the warning is printed).
    public func fetch(
        _ request: ObjectQuery.Request, namespace: String?, discovery: KubeAPI.Discovery,
        notFound: inout [String]
    ) throws -> [StoredObject]? {
        let type = request.type
        guard let version = discovery.served[type.groupKind] else {
            let why =
                discovery.missing[type.groupKind] ?? "gwconsole does not read \(type.qualifiedPlural) from clusters"
            Output.error("Warning: \(type.qualifiedPlural): not installed in cluster \(connection.contextName): \(why)")
            return nil
        }
        let ns = type.namespaced ? namespace : nil
        do {
            if request.names.isEmpty || ns == nil && type.namespaced {
                let items = try api.list(type, version: version, namespace: ns).items
                let objects = items.compactMap { StoredObject(mirroring: $0, groupKind: type.groupKind) }
                    .sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
                if request.names.isEmpty { return objects }
                var result: [StoredObject] = []
                for name in request.names {
                    if let object = objects.first(where: { $0.name == name }) {
                        result.append(object)
                    } else {
                        notFound.append("Error from server (NotFound): \(type.qualifiedPlural) \"\(name)\" not found")
                    }
                }
                return result
            }
            var result: [StoredObject] = []
            for name in request.names {
                do {
                    var object = try api.json("GET", KubeAPI.path(type, version: version, namespace: ns, name: name))
                    if object["apiVersion"] == nil { object["apiVersion"] = .string(type.apiVersion(version)) }
                    if object["kind"] == nil { object["kind"] = .string(type.kind) }
                    if let stored = StoredObject(mirroring: object, groupKind: type.groupKind) { result.append(stored) }
                } catch KubeError.status(404, _, _) {
                    notFound.append("Error from server (NotFound): \(type.qualifiedPlural) \"\(name)\" not found")
                }
            }
            return result
        } catch let error as KubeError {
            throw CLIError(error.description)
        }
    }
}
