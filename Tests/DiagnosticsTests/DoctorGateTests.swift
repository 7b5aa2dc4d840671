import Diagnostics
import Testing

/// `doctor --fail-on` and `--ignore`: what is hidden and when the run fails.
@Suite("Doctor gate")
struct DoctorGateTests {
    static let findings = [
        Finding(.backendNotFound, .error, objects: ["HTTPRoute default/app"], summary: "", evidence: [], fix: ""),
        Finding(.backendNotFound, .error, objects: ["HTTPRoute shop/cart"], summary: "", evidence: [], fix: ""),
        Finding(
            .policyNotAttached, .info, objects: ["BackendTLSPolicy default/tls"], summary: "", evidence: [], fix: ""),
        Finding(.dataplaneDown, .warning, objects: ["data plane"], summary: "", evidence: [], fix: ""),
    ]

    @Test("an error fails the run by default; --fail-on warning also fails on warnings; none never fails")
    func failOn() {
        #expect(DoctorGate().fails(Self.findings))
        #expect(!DoctorGate().fails(Array(Self.findings.dropFirst(2))))
        #expect(DoctorGate(failOn: .warning).fails(Array(Self.findings.dropFirst(2))))
        #expect(!DoctorGate(failOn: .warning).fails([Self.findings[2]]))
        #expect(DoctorGate(failOn: .info).fails([Self.findings[2]]))
        #expect(!DoctorGate(failOn: nil).fails(Self.findings))
    }

    @Test("--ignore CODE hides every finding of the code; CODE=OBJECT only that object's, by its full or short name")
    func ignore() throws {
        let all = DoctorGate(ignores: [try #require(DoctorGate.Ignore("BackendNotFound"))]).apply(Self.findings)
        #expect(all.ignored == 2 && all.shown.map(\.code) == [.policyNotAttached, .dataplaneDown])
        for object in ["HTTPRoute default/app", "default/app"] {
            let one = DoctorGate(ignores: [try #require(DoctorGate.Ignore("BackendNotFound=\(object)"))])
                .apply(Self.findings)
            #expect(one.ignored == 1 && one.shown.first?.objects == ["HTTPRoute shop/cart"], "\(object)")
        }
        #expect(DoctorGate.Ignore("NoSuchCode") == nil)
        #expect(DoctorGate.Ignore("backendnotfound") == nil, "codes are written as doctor prints them")
    }
}
