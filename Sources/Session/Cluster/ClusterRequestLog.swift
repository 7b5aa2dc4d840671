import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import KubeClient

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
        return RequestRouting.assign(parsed, gateway: gateway, graph: graph)
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
