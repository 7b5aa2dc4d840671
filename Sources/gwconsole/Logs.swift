import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI

/// `gwconsole logs POD`: a local pod's nginx error and access logs.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a local pod's nginx error and access logs.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pod name (in -n NS), or a prefix of it such as the Deployment name.")
    var pod: String

    mutating func run() throws {
        try reportingErrors {
            let store = try global.openFreshStore()
            let pods = try store.list(ResourceRegistry.pod.groupKind, namespace: global.effectiveNamespace)
            guard let match = pods.first(where: { $0.name == pod }) ?? pods.first(where: { $0.name.hasPrefix(pod) })
            else {
                throw CLIError("Error from server (NotFound): pods \"\(pod)\" not found")
            }
            let dir = store.directory + "/pods/\(match.namespace)_\(match.name)/run/logs"
            var printed = false
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
}
