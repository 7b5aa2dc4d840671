import Foundation
import GatewayAPI
import GatewayCore

/// One certificate the Gateways depend on, as the shell read it: a listener's Secret, a CA of a BackendTLSPolicy's
/// bundle (a backend's served chain comes from the probes' observations).
public struct CertificateFact: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable {
        /// A listener's certificate Secret.
        case listener
        /// A CA of a BackendTLSPolicy's bundle.
        case caBundle
        /// The certificate a backend serves (from the last probe), which nginx verifies.
        case backend
    }

    public var role: Role
    /// "Secret ns/name" for a listener's, "ConfigMap ns/name" (or the policy) for a CA.
    public var object: String
    public var subject: String
    /// As OpenSSL reads it: `2027-01-01T00:00:00Z`.
    public var notAfter: String
    /// What stops working when it expires: listeners, routes.
    public var affected: [String]
    /// The cert-manager Certificate that writes it, and when that renews it.
    public var renewedBy: String?
    public var renewalTime: String?

    public init(
        role: Role, object: String, subject: String, notAfter: String, affected: [String],
        renewedBy: String? = nil, renewalTime: String? = nil
    ) {
        self.role = role
        self.object = object
        self.subject = subject
        self.notAfter = notAfter
        self.affected = affected
        self.renewedBy = renewedBy
        self.renewalTime = renewalTime
    }
}

/// Certificates as of a time (`doctor --at`, else now): expired ones (`CertificateExpired`) and those that expire
/// within 14 days of it (`CertificateExpiresSoon`), each with what breaks; one cert-manager renews before it expires
/// is not a finding.
enum ExpiryRules {
    static let soon: TimeInterval = 14 * 86400

    static func findings(_ input: DoctorInput) -> [Finding] {
        let when = input.at ?? input.now
        let whenText = iso(when)
        let soonText = iso(when.addingTimeInterval(soon))
        let nowText = iso(input.now)
        // In doctor's namespace: a fact's object or one it affects there.
        var facts = input.certificateFacts.filter { fact in
            input.namespace == nil
                || ([fact.object] + fact.affected).contains { $0.contains(" \(input.namespace!)/") }
        }
        // The backends' served certificates, from the probes: what nginx verifies with a BackendTLSPolicy (the chain
        // a refused handshake did not report comes from the second look without verifying).
        for (ref, observation) in input.observations.sorted(by: { $0.key.description < $1.key.description }) {
            for report in observation.backends where report.policy != nil {
                let chain =
                    report.tls.peerChain.isEmpty
                    ? observation.unverifiedChains[report.endpoint] ?? [] : report.tls.peerChain
                guard let leaf = chain.first, let notAfter = isoTime(leaf.notAfter) else { continue }
                facts.append(
                    CertificateFact(
                        role: .backend, object: "Service \(report.service) endpoint \(report.endpoint)",
                        subject: leaf.subject, notAfter: notAfter, affected: [ref.description]))
            }
        }
        var findings: [Finding] = []
        for fact in facts where !fact.notAfter.isEmpty && fact.notAfter <= soonText {
            // cert-manager renews it before it expires: not a finding.
            if fact.renewedBy != nil, let renewal = fact.renewalTime, renewal < fact.notAfter, renewal >= nowText {
                continue
            }
            let expired = fact.notAfter <= whenText
            let at = input.at == nil ? "now" : "at \(whenText)"
            findings.append(
                Finding(
                    expired ? .certificateExpired : .certificateExpiresSoon, expired ? .error : .warning,
                    objects: [fact.object] + fact.affected,
                    summary: (expired ? "expired \(at)" : "expires within 14 days of \(at == "now" ? "now" : whenText)")
                        + " (notAfter \(fact.notAfter)): " + consequence(fact),
                    evidence: ["certificate: \(fact.subject), notAfter \(fact.notAfter)"]
                        + (fact.renewedBy.map {
                            ["written by \($0)" + (fact.renewalTime.map { ", renewal due \($0) (not renewed)" } ?? "")]
                        } ?? []),
                    fix: fix(fact)))
        }
        return findings
    }

    static func consequence(_ fact: CertificateFact) -> String {
        let affected = fact.affected.isEmpty ? "" : fact.affected.joined(separator: ", ")
        switch fact.role {
        case .listener:
            return "clients refuse the HTTPS of \(affected.isEmpty ? "its listeners" : affected)"
        case .caBundle:
            return
                "nginx no longer verifies backends with this CA: \(affected.isEmpty ? "its routes" : affected) answer 502"
        case .backend:
            return "nginx refuses the backend's certificate: \(affected.isEmpty ? "its routes" : affected) answer 502"
        }
    }

    static func fix(_ fact: CertificateFact) -> String {
        if let by = fact.renewedBy {
            return
                "\(by) should renew it: gwconsole describe certificate shows why it has not (its issuer, its renewBefore)"
        }
        switch fact.role {
        case .listener:
            return
                "put a renewed certificate in \(fact.object) (kubectl create secret tls … --dry-run=client -o yaml | gwconsole apply -f -), or let cert-manager issue it (a Certificate with secretName \(fact.object.split(separator: "/").last ?? ""))"
        case .caBundle:
            return "put the renewed CA certificate in \(fact.object)'s ca.crt"
        case .backend:
            return "reissue the backend's certificate before then"
        }
    }

    /// A time as OpenSSL prints it in libcurl's certificate info (`Jan  1 00:00:00 2027 GMT`), or already ISO 8601,
    /// as ISO 8601; nil when it is neither.
    static func isoTime(_ text: String) -> String? {
        if text.count == 20, text.hasSuffix("Z"), text.dropFirst(10).first == "T" { return text }
        let words = text.split(separator: " ").joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
        return formatter.date(from: words).map(iso)
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
