import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import KubeClient

/// A cluster Gateway's requests: the NGF data plane pod's nginx container log, streamed through the API
/// (`pods/NAME/log?follow=true`), each line read as a request (NGINX's default format, or a JSON object per line)
/// and given the route and rule that serve its path from the Gateway's graph.
struct ClusterRequestLog {
    let session: ClusterSession
    let store: Store
    let graph: Graph
    let gateway: ObjectRef

    /// The data plane pod NGF runs for the Gateway: labelled with the Gateway's name.
    func pod() throws -> StoredObject {
        let pods = try store.list(ResourceRegistry.pod.groupKind, namespace: gateway.namespace)
        guard
            let pod = pods.first(where: {
                $0.body.value(at: ["metadata", "labels", "gateway.networking.k8s.io/gateway-name"])?.stringValue
                    == gateway.name
            })
        else {
            throw CLIError(
                "error: no data plane pod found for Gateway \(gateway.namespacedName) (labelled gateway.networking.k8s.io/gateway-name=\(gateway.name))"
            )
        }
        return pod
    }

    /// The pod's container that runs nginx: `nginx` when it has one, else its first.
    static func container(_ pod: StoredObject) -> String? {
        let names = (pod.body.value(at: ["spec", "containers"])?.arrayValue ?? []).compactMap {
            $0["name"]?.stringValue
        }
        return names.contains("nginx") ? "nginx" : names.first
    }

    /// A log line as a request with its route, or nil (nginx's own messages, other formats).
    func record(_ line: String) -> RequestRecord? {
        let parsed =
            line.hasPrefix("{") ? RequestRecord.parse(line[...]) : CombinedLogLine.parse(line)
        return parsed.map { RequestRouting.assign($0, gateway: gateway, graph: graph) }
    }

    /// Streams requests to `onRecord` until it returns false (or, without `follow`, the log so far ends).
    func stream(follow: Bool, onRecord: @escaping (RequestRecord) -> Bool) throws {
        let pod = try pod()
        do {
            try session.api.podLog(
                namespace: pod.namespace, name: pod.name, container: Self.container(pod), follow: follow
            ) { line in
                guard let record = record(line) else { return true }
                return onRecord(record)
            }
        } catch let error as KubeError {
            throw CLIError("error: the log of pod \(pod.namespace)/\(pod.name): \(error.description)")
        }
    }
}
