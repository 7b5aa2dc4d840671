import Foundation
import Testing
import Yams

/// The Gateway API conformance suite's HTTP tests (HTTPRoute*, Gateway*, BackendTLSPolicy*, from the fixtures
/// transcribed at the suite's commit) on the embedded default: its base and test manifests applied, the statuses
/// the Go tests wait for, and their requests through the Gateway to the suite's echo server.
@Suite("Gateway API conformance")
struct ConformanceTests {
    /// Tests known to fail, each with its cause (docs/conformance.md lists them). A listed test that passes fails
    /// this suite too, so the list stays true.
    static func knownFailures() throws -> [String: String] {
        let text = try String(
            contentsOfFile: ConformanceFixtures.root + "/known-failures.yaml", encoding: .utf8)
        return try YAMLDecoder().decode([String: String]?.self, from: text) ?? [:]
    }

    @Test("every key of the transcribed expectations is one the runner reads (a misspelled one would weaken a test)")
    func expectationKeys() throws {
        let folder = ConformanceFixtures.root + "/expectations"
        var problems: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            problems += try ExpectationKeys.unknown(in: text, file: file)
        }
        #expect(problems.isEmpty, "keys the runner does not read: \(problems.sorted())")
    }

    @Test("every claimed test of the suite passes on the embedded default, or fails as listed with its cause")
    func suite() throws {
        let environment = ProcessInfo.processInfo.environment
        var cases = try ConformanceFixtures.cases()
        #expect(cases.count > 80, "the expectation files of \(cases.count) tests")
        // GWCONSOLE_CONFORMANCE_ONLY=Name,Name runs only those (on one data plane, left up when
        // GWCONSOLE_CONFORMANCE_KEEP is set, to look at).
        if let only = environment["GWCONSOLE_CONFORMANCE_ONLY"]?.split(separator: ",").map(String.init) {
            cases = cases.filter { only.contains($0.name) }
        }
        let keep = environment["GWCONSOLE_CONFORMANCE_KEEP"] != nil
        let chosen = cases
        let known = try Self.knownFailures()
        // Two data planes side by side, each with the suite's base, each running every other test.
        let shards = chosen.count < 4 ? 1 : 2
        nonisolated(unsafe) var outcomes = [ConformanceOutcome?](repeating: nil, count: chosen.count)
        nonisolated(unsafe) var setUpErrors: [String] = []
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: shards) { shard in
            do {
                let runner = try ConformanceRunner()
                runner.keepFailures = keep
                defer {
                    if keep {
                        runner.live.keepRunning = true
                        print(
                            "conformance state: --state \(runner.live.cli.state) (GWCONSOLE_ADDRESS_BASE=\(runner.live.base) GWCONSOLE_PORT_OFFSET=\(runner.live.portOffset))"
                        )
                    } else {
                        runner.stop()
                    }
                }
                try runner.setUp()
                for index in stride(from: shard, to: chosen.count, by: shards) {
                    let started = Date()
                    let outcome = runner.run(chosen[index])
                    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                    print("conformance: \(chosen[index].name) \(outcome.word) in \(seconds) s")
                    lock.withLock { outcomes[index] = outcome }
                }
            } catch {
                lock.withLock { setUpErrors.append("shard \(shard): \(error)") }
            }
        }
        #expect(setUpErrors.isEmpty, "\(setUpErrors)")
        var results: [(ConformanceCase, ConformanceOutcome)] = []
        for (test, outcome) in zip(cases, outcomes) {
            guard let outcome else { continue }
            results.append((test, outcome))
            switch (outcome, known[test.name]) {
            case (.failed(let why), nil):
                Issue.record("\(test.name) (\(test.file)) failed: \(why)")
            case (.passed, .some(let cause)):
                Issue.record("\(test.name) passes now: take it out of known-failures.yaml (\(cause))")
            default:
                break
            }
        }
        for name in known.keys
        where environment["GWCONSOLE_CONFORMANCE_ONLY"] == nil && !cases.contains(where: { $0.name == name }) {
            Issue.record("known-failures.yaml names \(name), which no expectation file has")
        }
        // scripts/conformance-report.sh: the report and the table for docs/conformance.md.
        if let folder = ProcessInfo.processInfo.environment["GWCONSOLE_CONFORMANCE_REPORT"] {
            let report = ConformanceReport(results: results, known: known)
            try report.yaml.write(toFile: folder + "/report.yaml", atomically: true, encoding: .utf8)
            try report.markdown.write(toFile: folder + "/results.md", atomically: true, encoding: .utf8)
        }
    }
}
