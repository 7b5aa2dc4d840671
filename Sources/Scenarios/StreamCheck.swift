import Diagnostics
import Foundation
import NginxConfig
import Probing

/// A stream check: a guide's `nc` or `openssl s_client` through the listener its port variable names; what came
/// back (the bytes, or the certificate's subject and issuer) compared with the guide's output.
struct StreamCheck {
    let probe: Scenario.StreamProbe
    let target: ListenerTarget?

    var summary: String {
        (probe.tls == true
            ? "openssl s_client -connect $GW_IP:$\(probe.port)" + (probe.host.map { " -servername \($0)" } ?? "")
            : "nc $GW_IP $\(probe.port)")
            + (probe.output.map { " printing \"\(OutputPattern($0).lines.joined(separator: " / "))\"" } ?? "")
    }

    func evaluate() -> ScenarioRunner.CheckOutcome {
        guard let target, let binding = PortVariables.binding(probe.port, in: target.gatewayBindings) else {
            return .init(description: summary, failure: "no programmed Gateway listener is $\(probe.port) yet")
        }
        var result = StreamProbeResult(
            route: "", transport: probe.tls == true ? "tls" : "tcp", address: binding.address, port: binding.port)
        let printed: String
        if probe.tls == true {
            StreamProbe.tls(
                address: binding.address, port: binding.port, sni: probe.host ?? binding.address, result: &result)
            printed = result.peerChain.prefix(1).map { "subject=\($0.subject)\nissuer=\($0.issuer)" }.joined()
        } else {
            let bytes = StreamProbe.tcp(
                address: binding.address, port: binding.port, data: Array((probe.send ?? "").utf8), result: &result)
            printed = String(decoding: bytes, as: UTF8.self)
        }
        let description = summary.replacingOccurrences(of: "$GW_IP", with: binding.address)
            .replacingOccurrences(of: "$\(probe.port)", with: String(binding.port))
        if let error = result.error { return .init(description: description, failure: error) }
        if probe.tls == true, result.peerChain.isEmpty {
            return .init(description: description, failure: "no certificate: the handshake did not complete")
        }
        if let output = probe.output, !OutputPattern(output).matches(printed) {
            return .init(
                description: description,
                failure:
                    "expected \"\(OutputPattern(output).lines.joined(separator: " / "))\", got: \(printed.prefix(300))")
        }
        return .init(description: description, failure: nil)
    }
}
