import ArgumentParser
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import Session

/// `gwconsole doctor`: findings, most severe first, each with evidence and the fix.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check Gateways, routes and backends; report findings with evidence and the fix.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Check every namespace.")
    var allNamespaces = false

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: String?

    mutating func run() throws {
        try reportingErrors {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let state = DataplaneManager(stateDirectory: store.directory).load()
            let snapshot = try Reconciler(store: store, config: global.controllerConfig).snapshot()
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            let dataplane =
                global.clusterMode ? DataplaneFacts.clusterManaged : state.facts(stateDirectory: store.directory)
            var input = DoctorInput(graph: graph, snapshot: snapshot, dataplane: dataplane, namespace: namespace)
            input.snippets = global.controllerConfig.snippets
            // The cluster's data plane is NGF's, not ours: graph checks and the two status views, no local probes.
            input.observations = DoctorProbe.observe(
                input.routesInScope, graph: graph, dataplane: dataplane, snapshot: snapshot)
            input.grpcObservations = DoctorProbe.observeGRPC(
                input.routesInScope, dataplane: dataplane, snapshot: snapshot)
            var findings = DoctorRules.findings(input)
            if global.clusterMode { findings += StatusViews.findings(store: store, graph: graph, namespace: namespace) }
            findings = Finding.ordered(findings)
            if output == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(String(decoding: try encoder.encode(["findings": findings]), as: UTF8.self) + "\n")
                return
            }
            Output.out(FindingText.render(findings))
        }
    }
}
