import ArgumentParser
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import Session

/// `gwconsole logs POD`: a local pod's nginx error and access logs; `logs --gateway NAME`: the requests a Gateway
/// served, with the route, rule and backend of each (`-f` follows them); on a cluster, from the NGF data plane
/// pod's log through the API, routes found by path.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a local pod's nginx logs, or a Gateway's requests (--gateway, -f to follow).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pod name (in -n NS), or a prefix of it such as the Deployment name.")
    var pod: String?

    @Option(name: .long, help: "A Gateway (in -n NS): its requests, each with the route and backend that served it.")
    var gateway: String?

    @Flag(name: [.customShort("f"), .long], help: "With --gateway: follow new requests until interrupted.")
    var follow = false

    @Option(name: [.customShort("o"), .long], help: "With --gateway: json prints one JSON object per request.")
    var output: JSONOutput?

    @Option(name: .long, help: "With --gateway: only requests of a route, host=HOST, or a status class (4xx).")
    var filter: String?

    mutating func run() throws {
        try reportingErrors {
            if let gateway { return try requests(gateway) }
            guard let pod else { throw CLIError("error: give a pod name, or --gateway NAME for a Gateway's requests") }
            let store = try global.openFreshStore()
            let pods = try store.list(ResourceRegistry.pod.groupKind, namespace: global.effectiveNamespace)
            guard let match = pods.first(where: { $0.name == pod }) ?? pods.first(where: { $0.name.hasPrefix(pod) })
            else {
                throw CLIError("Error from server (NotFound): pods \"\(pod)\" not found")
            }
            let dir = store.directory + "/pods/\(match.namespace)_\(match.name)/run/logs"
            var printed = false
            // A pod running a command of its own (the echo server, a mapped image): its output, as kubectl logs
            // prints a container's.
            if let output = try? String(contentsOfFile: dir + "/output.log", encoding: .utf8) {
                Output.out(output)
                return
            }
            for (title, file) in [("error log", "error.log"), ("access log", "access.log")] {
                guard let text = try? String(contentsOfFile: dir + "/" + file, encoding: .utf8) else { continue }
                Output.out("==> \(match.name) \(title) <==\n\(text)")
                if !text.isEmpty && !text.hasSuffix("\n") { Output.out("\n") }
                printed = true
            }
            if !printed {
                let reason = match.status?["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["message"]?
                    .stringValue
                throw CLIError("error: pod \(match.name) has no logs: \(reason ?? "it has not run")")
            }
        }
    }

    func requests(_ name: String) throws {
        let filter = filter.map(RequestFilter.init(text:)) ?? RequestFilter()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = output == .json
        func print(_ record: RequestRecord) {
            guard filter.matches(record) else { return }
            if json, let data = try? encoder.encode(record) {
                Output.out(String(decoding: data, as: UTF8.self) + "\n")
            } else if !json {
                Output.out(RequestText.line(record) + "\n")
            }
        }
        if global.clusterMode {
            let (store, graph) = try global.openReconciledStore()
            let log = ClusterRequestLog(
                session: try global.cluster(), store: store, graph: { graph },
                gateway: .gateway(global.effectiveNamespace, name))
            try log.stream(follow: follow) { record in
                print(record)
                return true
            }
            return
        }
        let store = try global.openStore()
        let key = "\(global.effectiveNamespace)/\(name)"
        guard let path = DataplaneManager(stateDirectory: store.directory).requestLog(gateway: key) else {
            throw CLIError(
                "error: Gateway \(key) has not been served by this data plane (gwconsole status lists what serves)")
        }
        let reader = RequestLogReader(path: path, tail: follow ? 16 * 1024 : 1 << 40)
        // TCP, UDP and TLS passthrough sessions, beside the requests, in time order.
        let sessions = DataplaneManager(stateDirectory: store.directory).sessionLog(gateway: key).map {
            RequestLogReader(path: $0, tail: follow ? 16 * 1024 : 1 << 40)
        }
        while true {
            for record in (reader.read() + (sessions?.read() ?? [])).sorted(by: { $0.time < $1.time }) {
                print(record)
            }
            guard follow else { return }
            usleep(200_000)
        }
    }
}
