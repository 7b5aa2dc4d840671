import Diagnostics
import Foundation
import NginxConfig
import Probing

/// A DNS check: the guide's question sent over UDP to the listener its port variable names, and the answer's
/// status compared with the one the guide showed.
struct DNSCheck {
    let probe: Scenario.DNSProbe
    let target: ListenerTarget?

    var variable: String { probe.port ?? "GW_PORT" }

    var summary: String {
        "dig @$GW_IP -p $\(variable) \(probe.name)" + (probe.status.map { " answers \($0)" } ?? " answers")
    }

    func evaluate() -> ScenarioRunner.CheckOutcome {
        guard let target, let binding = PortVariables.binding(variable, in: target.gatewayBindings) else {
            return .init(description: summary, failure: "no programmed Gateway listener is $\(variable) yet")
        }
        guard binding.protocol == .udp else {
            return .init(
                description: summary,
                failure: "$\(variable) is listener \(binding.listener) (\(binding.protocol)), not a UDP listener")
        }
        var result = StreamProbeResult(route: "", transport: "udp", address: binding.address, port: binding.port)
        let answer = StreamProbe.udp(
            address: binding.address, port: binding.port, data: DNSQuestion.bytes(probe.name, id: 0x6777),
            result: &result)
        let description =
            "dig @\(binding.address) -p \(binding.port) \(probe.name)"
            + (probe.status.map { " answers \($0)" } ?? " answers")
        guard let status = DNSQuestion.status(answer) else {
            return .init(description: description, failure: "no DNS answer: \(result.error ?? "nothing came back")")
        }
        if let expected = probe.status, expected != status {
            return .init(
                description: description,
                failure: "expected status \(expected), got \(DNSQuestion.summary(answer, question: probe.name))")
        }
        return .init(description: description, failure: nil)
    }
}
