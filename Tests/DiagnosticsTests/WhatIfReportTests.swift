import Testing

@testable import Diagnostics

/// What-if's comparison of replayed requests: only changed outcomes, grouped with their counts, most first; and
/// requests the current config routes elsewhere than the log says are counted.
@Suite("What-if report")
struct WhatIfReportTests {
    static let served = ReplayOutcome(
        route: "HTTPRoute default/a", rule: 0, backend: "Service default/a:80", status: 200)

    static func request(_ path: String, count: Int, after: ReplayOutcome, logged: ReplayOutcome = served)
        -> ReplayedRequest
    {
        ReplayedRequest(
            gateway: "default/gw", method: "GET", host: "a.example.com", path: path, count: count, logged: logged,
            before: served, after: after)
    }

    @Test("changed requests grouped and ordered by count; unchanged ones left out; unreproduced counted")
    func compare() {
        var refused = Self.served
        refused.status = 400
        let moved = ReplayOutcome(route: "HTTPRoute default/b", rule: 1, backend: nil, status: 500)
        let (changed, unreproduced) = WhatIfReport.compare([
            Self.request("/x", count: 2, after: refused),
            Self.request("/same", count: 9, after: Self.served),
            Self.request("/y", count: 5, after: moved),
            Self.request("/x", count: 1, after: refused),
            Self.request("/z", count: 4, after: .unanswered("no listener on port 80"), logged: moved),
        ])
        #expect(changed.map(\.path) == ["/y", "/z", "/x"])
        #expect(changed.map(\.count) == [5, 4, 3])
        #expect(unreproduced == 4, "/z was served by another route than the config as it is gives it")
        let report = WhatIfReport(
            change: "delete x", replayed: 21, changed: changed, status: [], window: "the last 10m")
        #expect(report.text.contains("Requests: 21 from the last 10m replayed"))
        #expect(report.text.contains("  3 × GET a.example.com/x\n"))
        #expect(report.text.contains("after:  HTTPRoute default/a rule 0 → Service default/a:80: 400\n"))
        #expect(report.text.contains("after:  no answer (no listener on port 80)\n"))
        #expect(report.text.contains("after:  HTTPRoute default/b rule 1: 500\n"))
        #expect(report.text.contains("Status: no condition changes."))
    }
}
