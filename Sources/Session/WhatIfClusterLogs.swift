import Dataplane
import Diagnostics
import Foundation
import GatewayCore
import NginxConfig

extension Session {
    /// A cluster's Gateways' recent requests for what-if: each NGF data plane pod's log (its last lines, read
    /// through the API as `logs --gateway` reads it). NGINX's default log has neither host nor port: each request
    /// takes those of the route that takes its path (`RequestRouting.locate`). A Gateway without a data plane pod
    /// is named in a note.
    func clusterLogs(store: Store, graph: Graph, window: WhatIfWindow) throws -> ([GatewayRequests], [String]) {
        let session = try cluster()
        var logs: [GatewayRequests] = []
        var notes: [String] = []
        for gateway in graph.gateways where gateway.accepted {
            let name = gateway.ref.namespacedName
            let index = RequestRouter.Index(gateway: gateway, graph: graph)
            let log = ClusterRequestLog(
                session: session, store: store, graph: { graph }, gateway: gateway.ref,
                tailLines: min(window.requests * 2, 100_000))
            var requests: [(record: RequestRecord, port: Int?)] = []
            do {
                try log.stream(follow: false) { record in
                    var record = record
                    var port = Int(record.server)
                    if record.host.isEmpty || port == nil,
                        let located = RequestRouting.locate(record, gateway: gateway, index: index)
                    {
                        if record.host.isEmpty { record.host = located.host }
                        port = port ?? located.port
                    }
                    requests.append((record, port))
                    return true
                }
            } catch let error as CLIError {
                let message = error.message.hasPrefix("error: ") ? String(error.message.dropFirst(7)) : error.message
                notes.append("Gateway \(name): its requests are not replayed: \(message)")
                continue
            }
            logs.append(GatewayRequests(gateway: name, requests: requests))
        }
        return (logs, notes)
    }
}
