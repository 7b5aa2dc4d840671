/// What `doctor` hides and when it fails, for scripts and CI (as `istioctl analyze`): findings a team accepted are
/// ignored by code (and object), and the run fails when a finding at or above a severity remains.
public struct DoctorGate: Sendable, Equatable {
    /// `CODE`, or `CODE=OBJECT` (an object as findings name it, `HTTPRoute default/app`, or its `namespace/name`).
    public struct Ignore: Sendable, Equatable {
        public var code: FindingCode
        public var object: String?

        /// Parses `--ignore`'s value; nil when the code is not one doctor produces.
        public init?(_ text: String) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard let first = parts.first, let code = FindingCode(rawValue: first) else { return nil }
            self.code = code
            object = parts.count == 2 ? parts[1] : nil
        }

        func matches(_ finding: Finding) -> Bool {
            guard finding.code == code else { return false }
            guard let object else { return true }
            // As a whole word sequence of an object's name: `HTTPRoute default/app`, `default/app` (also in
            // `HTTPRoute default/app rule 0`).
            return finding.objects.contains { (" " + $0 + " ").contains(" " + object + " ") }
        }
    }

    /// The lowest severity that fails the run; nil never fails.
    public var failOn: Severity?
    public var ignores: [Ignore]

    public init(failOn: Severity? = .error, ignores: [Ignore] = []) {
        self.failOn = failOn
        self.ignores = ignores
    }

    /// The findings shown and how many were ignored.
    public func apply(_ findings: [Finding]) -> (shown: [Finding], ignored: Int) {
        let shown = findings.filter { finding in !ignores.contains { $0.matches(finding) } }
        return (shown, findings.count - shown.count)
    }

    /// Whether the shown findings fail the run.
    public func fails(_ shown: [Finding]) -> Bool {
        guard let failOn else { return false }
        return shown.contains { $0.severity <= failOn }
    }
}
