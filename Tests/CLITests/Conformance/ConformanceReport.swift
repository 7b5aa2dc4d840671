import Foundation

/// The run's results: a ConformanceReport in the suite's YAML format (`conformance/apis/v1`) and the table for
/// docs/conformance.md.
struct ConformanceReport {
    let results: [(ConformanceCase, ConformanceOutcome)]
    let known: [String: String]

    /// The suite's profiles, each with its core features, in the report's order; a test belongs to the profile of
    /// the route kind it needs (HTTP otherwise). The suite counts a test in every profile that has all its features:
    /// one that needs no route kind (Gateway's, and GatewayExtendedFeatures' such as ListenerSet) in each Gateway
    /// profile; here it is in GATEWAY-HTTP, extended unless all its features are core there.
    static let profiles: [(name: String, route: String, core: Set<String>)] = [
        ("GATEWAY-HTTP", "HTTPRoute", ["Gateway", "HTTPRoute", "ReferenceGrant"]),
        ("GATEWAY-GRPC", "GRPCRoute", ["Gateway", "GRPCRoute", "ReferenceGrant"]),
        ("GATEWAY-TLS", "TLSRoute", ["Gateway", "TLSRoute", "ReferenceGrant"]),
        ("GATEWAY-TCP", "TCPRoute", ["Gateway", "TCPRoute", "ReferenceGrant"]),
        ("GATEWAY-UDP", "UDPRoute", ["Gateway", "UDPRoute", "ReferenceGrant"]),
    ]

    static func profile(_ test: ConformanceCase) -> (name: String, route: String, core: Set<String>) {
        profiles.first { test.features.contains($0.route) } ?? profiles[0]
    }

    static var coreFeatures: Set<String> { profiles[0].core }

    func isCore(_ test: ConformanceCase) -> Bool { test.features.allSatisfy(Self.profile(test).core.contains) }

    func section(_ tests: [(ConformanceCase, ConformanceOutcome)], indent: String) -> String {
        let passed = tests.filter { $0.1 == .passed }.count
        let failed = tests.filter { $0.1.word == "failed" }.map(\.0.name).sorted()
        let skipped = tests.filter { $0.1.word == "skipped" }.map(\.0.name).sorted()
        let result = failed.isEmpty ? (skipped.isEmpty ? "success" : "partial") : "failure"
        var text = "\(indent)result: \(result)\n\(indent)statistics:\n"
        text +=
            "\(indent)  Failed: \(failed.count)\n\(indent)  Passed: \(passed)\n\(indent)  Skipped: \(skipped.count)\n"
        if !failed.isEmpty { text += "\(indent)failedTests:\n" + failed.map { "\(indent)- \($0)\n" }.joined() }
        if !skipped.isEmpty { text += "\(indent)skippedTests:\n" + skipped.map { "\(indent)- \($0)\n" }.joined() }
        return text
    }

    var yaml: String {
        let formatter = ISO8601DateFormatter()
        var text = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: ConformanceReport
            date: "\(formatter.string(from: Date()))"
            gatewayAPIVersion: suite at \(ConformanceFixtures.suiteCommit)
            gatewayAPIChannel: standard
            implementation:
              organization: gwconsole
              project: gwconsole (embedded default: local nginx data plane)
              url: ""
              version: main
              contact: []
            mode: default
            profiles:

            """
        for profile in Self.profiles {
            let tests = results.filter { Self.profile($0.0).name == profile.name }
            guard !tests.isEmpty else { continue }
            let core = tests.filter { isCore($0.0) }
            let extended = tests.filter { !isCore($0.0) }
            let features = Set(tests.flatMap(\.0.features))
            let supported = ConformanceRunner.claimed.intersection(features).subtracting(profile.core).sorted()
            let unsupported = features.subtracting(ConformanceRunner.claimed).sorted()
            text += "- name: \(profile.name)\n  core:\n" + section(core, indent: "    ")
            text += "  extended:\n" + section(extended, indent: "    ")
            text += "    supportedFeatures:\n" + supported.map { "    - \($0)\n" }.joined()
            text += "    unsupportedFeatures:\n" + unsupported.map { "    - \($0)\n" }.joined()
        }
        return text
    }

    /// One row per test: name, profile part, result, and the cause of a failure or skip.
    var markdown: String {
        var text = "| test | features | result | cause |\n|---|---|---|---|\n"
        for (test, outcome) in results.sorted(by: { $0.0.name < $1.0.name }) {
            let profile = Self.profile(test)
            let part =
                (profile.name == "GATEWAY-HTTP" ? "" : profile.name.dropFirst("GATEWAY-".count) + " ")
                + (isCore(test) ? "core" : test.features.filter { !profile.core.contains($0) }.joined(separator: ", "))
            let cause: String
            switch outcome {
            case .passed: cause = ""
            case .failed(let why): cause = known[test.name] ?? why
            case .skipped(let why): cause = why
            }
            let cell = cause.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            text += "| \(test.name) | \(part) | \(outcome.word) | \(cell) |\n"
        }
        return text
    }
}
