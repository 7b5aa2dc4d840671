import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Testing

/// Certificates as of a time: what expires, what breaks, and what cert-manager renews in time. No OpenSSL: the
/// facts are what the shell would read.
@Suite("Doctor: expiry")
struct ExpiryRulesTests {
    static let now = ISO8601DateFormatter().date(from: "2026-12-07T12:00:00Z")!

    static func input(_ facts: [CertificateFact], at: Date? = nil) throws -> DoctorInput {
        var input = try DoctorRulesTests.input(DoctorRulesTests.gateway)
        input.certificateFacts = facts
        input.now = now
        input.at = at
        return input
    }

    static let listener = CertificateFact(
        role: .listener, object: "Secret default/shop-cert", subject: "CN=shop.example.com",
        notAfter: "2026-12-08T12:00:00Z", affected: ["Gateway default/gw listener https"])

    @Test("a listener's certificate a day from expiry: a warning now, an error two days on, naming the listener")
    func listener() throws {
        let now = DoctorRules.findings(try Self.input([Self.listener]))
        let soon = try #require(now.first { $0.code == .certificateExpiresSoon })
        #expect(
            soon.severity == .warning
                && soon.objects == ["Secret default/shop-cert", "Gateway default/gw listener https"])
        #expect(soon.summary.contains("notAfter 2026-12-08T12:00:00Z"))
        let later = DoctorRules.findings(try Self.input([Self.listener], at: Self.now.addingTimeInterval(2 * 86400)))
        let expired = try #require(later.first { $0.code == .certificateExpired })
        #expect(expired.severity == .error && expired.summary.hasPrefix("expired at 2026-12-09T12:00:00Z"))
        #expect(expired.summary.contains("clients refuse the HTTPS of Gateway default/gw listener https"))
        #expect(expired.fix.contains("Secret default/shop-cert"))
        // Thirty days before it is due: nothing to say.
        var far = Self.listener
        far.notAfter = "2027-03-01T00:00:00Z"
        #expect(!DoctorRules.findings(try Self.input([far])).contains { $0.code == .certificateExpiresSoon })
    }

    @Test("cert-manager renews it before it expires: no finding; a renewal time already passed: it did not renew")
    func renewal() throws {
        var managed = Self.listener
        managed.renewedBy = "Certificate default/shop-cert"
        managed.renewalTime = "2026-12-08T04:00:00Z"
        let at = Self.now.addingTimeInterval(30 * 86400)
        #expect(!DoctorRules.findings(try Self.input([managed], at: at)).contains { $0.code == .certificateExpired })
        managed.renewalTime = "2026-12-01T00:00:00Z"
        let missed = try #require(
            DoctorRules.findings(try Self.input([managed], at: at)).first { $0.code == .certificateExpired })
        #expect(missed.evidence.contains { $0.contains("renewal due 2026-12-01T00:00:00Z (not renewed)") })
        #expect(missed.fix.hasPrefix("Certificate default/shop-cert should renew it"))
    }

    @Test(
        "a backend's served certificate (OpenSSL's date form) behind a policy: its routes answer 502 after it expires")
    func backend() throws {
        var input = try Self.input([], at: ISO8601DateFormatter().date(from: "2027-02-01T00:00:00Z"))
        let report = DoctorRulesTests.report(
            policy: "default/backend-tls", plain: ProbeResult(status: 400),
            tls: ProbeResult(
                status: 200,
                peerChain: [
                    PeerCertificate(
                        subject: "CN=secure-app.example.com", issuer: "CN=ca", notAfter: "Jan  1 00:00:00 2027 GMT")
                ]))
        input.observations[
            ObjectRef(group: HTTPRoute.group, kind: "HTTPRoute", namespace: "default", name: "secure-app")] =
            DoctorRulesTests.observation([report], gatewayAnswer: ProbeResult(status: 200))
        let expired = try #require(DoctorRules.findings(input).first { $0.code == .certificateExpired })
        #expect(
            expired.objects == [
                "Service default/secure-app:8443 endpoint 127.0.100.100:8443", "HTTPRoute default/secure-app",
            ])
        #expect(expired.summary.contains("notAfter 2027-01-01T00:00:00Z") && expired.summary.contains("answer 502"))
    }

    @Test("--at reads +Nd, +Nh, +Nm, a date and an RFC 3339 time; anything else is refused")
    func times() {
        #expect(DoctorTime.parse("+30d", now: Self.now) == Self.now.addingTimeInterval(30 * 86400))
        #expect(DoctorTime.parse("+12h", now: Self.now) == Self.now.addingTimeInterval(12 * 3600))
        #expect(DoctorTime.parse("+90m", now: Self.now) == Self.now.addingTimeInterval(90 * 60))
        #expect(
            DoctorTime.parse("2027-01-01", now: Self.now) == ISO8601DateFormatter().date(from: "2027-01-01T00:00:00Z"))
        #expect(DoctorTime.parse("2027-01-01T10:00:00Z", now: Self.now) != nil)
        for bad in ["tomorrow", "+3w", "+d", "2027-13-01", "-5d", ""] {
            #expect(DoctorTime.parse(bad, now: Self.now) == nil, "\(bad)")
        }
    }
}
