import Dataplane
import Foundation
import GatewayAPI
import Session

/// What `gwconsole` with no subcommand prints until the console takes its place: the state and its objects.
enum Overview {
    static func render(store: Store) throws -> String {
        var out = "gwconsole: embedded state in \(store.directory) (revision \(try store.revision()))\n\n"
        var rows: [(String, Int)] = []
        for type in ResourceRegistry.all {
            let count = try store.list(type.groupKind).count
            if count > 0 { rows.append((type.qualifiedPlural, count)) }
        }
        for extra in try ObjectQuery.unstructuredTypes(store) {
            rows.append(("\(extra.qualifiedPlural) (unsupported kind)", try store.list(extra.groupKind).count))
        }
        let width = rows.map(\.0.count).max() ?? 0
        for (name, count) in rows {
            out += name.padding(toLength: width + 3, withPad: " ", startingAt: 0) + "\(count)\n"
        }
        out += """

            Try:
              gwconsole get gateways,httproutes,backendtlspolicies -A
              gwconsole describe backendtlspolicies.gateway.networking.k8s.io
              gwconsole get pods,svc
            """
        return out
    }
}
