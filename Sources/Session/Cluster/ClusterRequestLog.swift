import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import KubeClient
import NginxConfig

/// A cluster Gateway's requests: the NGF data plane pod's nginx container log, streamed through the API
/// (`pods/NAME/log?follow=true`), each line read as a request (NGINX's default format, or a JSON object per line)
/// and given the route and rule that serve its path from the Gateway's graph.
public struct ClusterRequestLog {
    public init(
        session: ClusterSession, store: Store, graph: @escaping () -> Graph?, gateway: ObjectRef, tailLines: Int? = nil
    ) {
        self.session = session
        self.store = store
        self.graph = graph
        self.gateway = gateway
        self.tailLines = tailLines
    }

    public let session: ClusterSession
    public let store: Store
    /// The Gateway's graph as it is now (routes change while a stream runs).
    public let graph: () -> Graph?
    /// The Gateway's routing index, built once per graph (a log has many records).
    let indexes = RouterIndexCache()
    public let gateway: ObjectRef
    /// Lines of the log so far to start with (nil: all of them).
    public var tailLines: Int?

    /// The data plane pod NGF runs for the Gateway: labelled with the Gateway's name.
    public func pod() throws -> StoredObject {
        let pods = try store.list(ResourceRegistry.pod.groupKind, namespace: gateway.namespace).filter {
            $0.body.value(at: ["metadata", "labels", "gateway.networking.k8s.io/gateway-name"])?.stringValue
                == gateway.name
        }
        // A running pod that is not going away (during a rollout the old one still shows), else any.
        let running = pods.filter {
            $0.status?["phase"]?.stringValue == "Running"
                && $0.body.value(at: ["metadata", "deletionTimestamp"]) == nil
        }
        guard let pod = running.first ?? pods.first else {
            throw CLIError(
                "error: no data plane pod found for Gateway \(gateway.namespacedName) (labelled gateway.networking.k8s.io/gateway-name=\(gateway.name))"
            )
        }
        return pod
    }

    /// The pod's container that runs nginx: `nginx` when it has one, else its first.
    public static func container(_ pod: StoredObject) -> String? {
        let names = (pod.body.value(at: ["spec", "containers"])?.arrayValue ?? []).compactMap {
            $0["name"]?.stringValue
        }
        return names.contains("nginx") ? "nginx" : names.first
    }

    /// A log line as a request with its route, or nil (nginx's own messages, other formats).
    public func record(_ line: String) -> RequestRecord? {
        let parsed =
            line.hasPrefix("{") ? RequestRecord.parse(line[...]) : CombinedLogLine.parse(line)
        guard let parsed, let graph = graph() else { return parsed }
        return RequestRouting.assign(parsed, gateway: gateway, graph: graph, index: indexes.index(gateway, graph))
    }

    /// Streams requests to `onRecord` until it returns false (or, without `follow`, the log so far ends).
    public func stream(follow: Bool, onRecord: @escaping (RequestRecord) -> Bool) throws {
        let pod = try pod()
        do {
            try session.api.podLog(
                namespace: pod.namespace, name: pod.name, container: Self.container(pod), follow: follow,
                tailLines: tailLines
            ) { line in
                guard let record = record(line) else { return true }
                return onRecord(record)
            }
        } catch let error as KubeError {
            throw CLIError("error: the log of pod \(pod.namespace)/\(pod.name): \(error.description)")
        }
    }
}

/// One routing index per Gateway and graph: rebuilt when the graph's Gateway or routes changed (by their
/// resource versions; a linear check per record, instead of a sort of every match per record).
final class RouterIndexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (gateway: ObjectRef, revision: Int, index: RequestRouter.Index)?

    func index(_ gateway: ObjectRef, _ graph: Graph) -> RequestRouter.Index? {
        guard let node = graph.gateway(gateway) else { return nil }
        var hasher = Hasher()
        hasher.combine(node.source.metadata.resourceVersion)
        hasher.combine(node.source.metadata.generation)
        for route in graph.routes {
            hasher.combine(route.ref)
            hasher.combine(route.source.metadata.resourceVersion)
            hasher.combine(route.source.metadata.generation)
        }
        let revision = hasher.finalize()
        return lock.withLock {
            if let cached, cached.gateway == gateway, cached.revision == revision { return cached.index }
            let index = RequestRouter.Index(gateway: node, graph: graph)
            cached = (gateway, revision, index)
            return index
        }
    }
}
