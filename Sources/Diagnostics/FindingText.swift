import Foundation

/// Findings as doctor prints them: a heading line per finding, then its objects, evidence and fix, indented.
public enum FindingText {
    public static func render(_ findings: [Finding]) -> String {
        if findings.isEmpty { return "No findings: every Gateway, route and backend checked is healthy.\n" }
        var out = ""
        for finding in findings {
            out += "\(finding.severity.rawValue.uppercased()) \(finding.code.rawValue): \(finding.summary)\n"
            out += "  objects: \(finding.objects.joined(separator: ", "))\n"
            for line in finding.evidence {
                out += "  evidence: " + line.replacingOccurrences(of: "\n", with: "\n            ") + "\n"
            }
            out += "  fix: " + finding.fix.replacingOccurrences(of: "\n", with: "\n       ") + "\n\n"
        }
        return out
    }
}
