import Diagnostics
import Foundation
import NginxConfig
import Probing

/// A gRPC check: a guide's grpcurl through the listener its port variable names; the response compared with the
/// guide's as JSON (grpcurl's layout and key order do not matter), or the status a failing call must end with.
struct GRPCCheck {
    let probe: Scenario.GRPCProbe
    let target: ListenerTarget?

    var summary: String {
        "grpcurl \(probe.tls == true ? "" : "-plaintext ")"
            + (probe.protos ?? []).map { "-proto \($0.name) " }.joined()
            + (probe.authority.map { "-authority \($0) " } ?? "")
            + (probe.metadata ?? []).map { "-H '\($0)' " }.joined()
            + (probe.data.map { "-d '\($0)' " } ?? "") + "$GW_IP:$\(probe.port) \(probe.method)"
    }

    func evaluate() -> ScenarioRunner.CheckOutcome {
        guard let target, let binding = PortVariables.binding(probe.port, in: target.gatewayBindings) else {
            return .init(description: summary, failure: "no programmed Gateway listener is $\(probe.port) yet")
        }
        let description = summary.replacingOccurrences(of: "$GW_IP", with: binding.address)
            .replacingOccurrences(of: "$\(probe.port)", with: String(binding.port))
        let metadata = (probe.metadata ?? []).map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (
                String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                String(line[line.index(colon, offsetBy: colon == line.endIndex ? 0 : 1)...])
                    .trimmingCharacters(in: .whitespaces)
            )
        }
        let call = GRPCCall(
            host: binding.address, port: binding.port, authority: probe.authority, method: probe.method,
            metadata: metadata, json: probe.data ?? "",
            protos: (probe.protos ?? []).map { GRPCCall.ProtoSource(name: $0.name, text: $0.text) },
            security: probe.tls == true ? .tls(caFile: nil) : .plaintext, timeoutSeconds: 5)
        let outcome: GRPCCall.Outcome
        do {
            outcome = try call.run()
        } catch {
            return .init(description: description, failure: error.description)
        }
        let printed = outcome.grpcurlText
        if let code = probe.code {
            let expected = GRPCStatusCode(name: code)
            if outcome.result.status != expected {
                return .init(description: description, failure: "expected \(code), got: \(printed.prefix(300))")
            }
            return .init(description: description, failure: nil)
        }
        guard outcome.result.status == .ok else {
            return .init(description: description, failure: printed.replacingOccurrences(of: "\n", with: " "))
        }
        if let output = probe.output, !Self.sameJSON(output, printed) {
            return .init(description: description, failure: "expected \(output), got: \(printed.prefix(300))")
        }
        return .init(description: description, failure: nil)
    }

    /// Two JSON texts with the same value (layout and key order aside); texts that are not JSON compare as text.
    static func sameJSON(_ a: String, _ b: String) -> Bool {
        func value(_ text: String) -> NSObject? {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) as? NSObject
        }
        guard let x = value(a), let y = value(b) else {
            return a.trimmingCharacters(in: .whitespacesAndNewlines)
                == b.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return x.isEqual(y)
    }
}
