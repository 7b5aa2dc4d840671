import Diagnostics

/// A scenario's `doctor` check: doctor reports a finding of the code on the object, or (`absent`) none.
struct DoctorCheck {
    var expectation: Scenario.DoctorExpectation

    init(_ expectation: Scenario.DoctorExpectation) { self.expectation = expectation }

    var description: String {
        let on = expectation.object.map { " on \($0)" } ?? ""
        return expectation.absent == true
            ? "doctor: no \(expectation.finding)\(on)" : "doctor: \(expectation.finding)\(on)"
    }

    func evaluate(_ doctor: (() throws -> [Finding])?) throws -> ScenarioRunner.CheckOutcome {
        guard FindingCode(rawValue: expectation.finding) != nil else {
            return .init(
                description: description,
                failure: "\(expectation.finding) is not a finding code (docs/diagnostics.md lists them)")
        }
        guard let doctor else {
            return .init(description: description, failure: "doctor checks run on the embedded default only")
        }
        let matching = try doctor().filter { finding in
            finding.code.rawValue == expectation.finding
                && (expectation.object.map { object in finding.objects.contains { names($0, object) } } ?? true)
        }
        if expectation.absent == true {
            return .init(
                description: description,
                failure: matching.first.map { "doctor still reports it: \($0.summary)" })
        }
        return .init(description: description, failure: matching.isEmpty ? "doctor does not report it" : nil)
    }

    /// Whether a finding's object is the one named: the same, a part of it ("HTTPRoute ns/app rule 0" for
    /// "HTTPRoute ns/app"), or, for a name ending in "-", any that starts with it ("Pod ns/web-" for a
    /// Deployment's pods); "HTTPRoute ns/app" does not name "HTTPRoute ns/app-v2".
    func names(_ object: String, _ name: String) -> Bool {
        object == name || object.hasPrefix(name + " ") || object.hasPrefix(name + ":")
            || (name.hasSuffix("-") && object.hasPrefix(name))
    }
}
