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
    var output: JSONOutput?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Exit 1 when a finding at or above this severity remains: error (default), warning, info or none.",
            valueName: "severity"))
    var failOn = "error"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Hide findings of CODE (repeatable), or of CODE on one object (CODE=\"HTTPRoute default/app\" or CODE=default/app).",
            valueName: "code[=object]"))
    var ignore: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Judge certificates as of a time: +30d, +12h, a date (2027-01-01) or an RFC 3339 time.",
            valueName: "time"))
    var at: String?

    mutating func run() throws {
        var failed = false
        try reportingErrors {
            let severities = Severity.allCases.map(\.rawValue) + ["none"]
            guard severities.contains(failOn) else {
                throw CLIError(
                    "error: --fail-on \(failOn): give one of \(severities.joined(separator: ", "))")
            }
            var ignores: [DoctorGate.Ignore] = []
            for text in ignore {
                guard let parsed = DoctorGate.Ignore(text) else {
                    throw CLIError(
                        "error: --ignore \(text): \(text.split(separator: "=").first ?? "") is not a finding code (the codes are in docs/diagnostics.md)"
                    )
                }
                ignores.append(parsed)
            }
            let gate = DoctorGate(failOn: Severity(rawValue: failOn), ignores: ignores)
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let namespace: String? = allNamespaces ? nil : global.effectiveNamespace
            var when: Date?
            if let at {
                guard let parsed = DoctorTime.parse(at, now: Date()) else {
                    throw CLIError(
                        "error: --at \(at): give +Nd, +Nh or +Nm, a date (2027-01-01) or an RFC 3339 time (2027-01-01T00:00:00Z)"
                    )
                }
                when = parsed
            }
            let findings = try global.session.doctorFindings(
                store: store, graph: graph, namespace: namespace, at: when)
            let (kept, ignored) = gate.apply(findings)
            let shown = Finding.ordered(kept)
            failed = gate.fails(shown)
            if output == .json {
                struct Report: Encodable {
                    var findings: [Finding]
                    var ignored: Int
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(
                    String(decoding: try encoder.encode(Report(findings: shown, ignored: ignored)), as: UTF8.self)
                        + "\n")
            } else {
                Output.out(FindingText.render(shown))
                if ignored > 0 {
                    Output.out("(\(ignored) finding\(ignored == 1 ? "" : "s") hidden by --ignore)\n")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
