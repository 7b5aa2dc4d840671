import Dataplane
import Foundation
import GatewayAPI
import NginxConfig
import Probing

/// A probe check: the request a guide's curl makes, sent through the Gateway's listener of the probe's scheme on
/// this machine, and the response compared with what the guide shows.
struct ProbeCheck {
    let probe: Scenario.Probe
    /// Where the Gateway's listener of the probe's scheme is (nil: none yet).
    let target: ListenerTarget?

    var scheme: String { probe.scheme ?? "http" }
    var path: String { probe.path ?? "/" }

    /// The request's host and port as the guide names them (`$GW_IP:$GW_PORT_1` for a layer-4 listener).
    var authority: String {
        (probe.host.isEmpty ? "$GW_IP" : probe.host) + (probe.port.map { ":$\($0)" } ?? "")
    }

    /// `GET http://host/path answers 200 with "…"`, before the listener is known.
    var summary: String {
        var text = "\(probe.method ?? "GET") \(scheme)://\(authority)\(path)"
        if let status = probe.status { text += " answers \(status)" }
        if let body = probe.body { text += " with \"\(body)\"" }
        if let output = probe.output {
            let blocks = output.map { block -> String in
                let text = OutputPattern(block).lines.joined(separator: " / ")
                return "\"" + (text.count > 100 ? text.prefix(99) + "…" : text) + "\""
            }
            text += output.count > 1 ? " printing each of " + blocks.joined(separator: ", ") : " printing " + blocks[0]
        }
        if let code = probe.curlError { text += " fails with curl error \(code)" }
        return text
    }

    func evaluate() -> ScenarioRunner.CheckOutcome {
        // With no listener of the scheme, only a guide that expects the request to fail (curl: (7)) sends it.
        guard let target, !(target.isMissingListener && probe.curlError == nil && probe.port == nil) else {
            return .init(
                description: summary, failure: "no programmed Gateway listener serves \(scheme.uppercased()) yet")
        }
        var address = target.address
        var port = target.port
        if let variable = probe.port {
            guard let binding = PortVariables.binding(variable, in: target.gatewayBindings) else {
                return .init(
                    description: summary,
                    failure:
                        "no programmed Gateway listener is $\(variable) (listeners: \(target.gatewayBindings.map(\.listener).joined(separator: ", ")))"
                )
            }
            (address, port) = (binding.address, binding.port)
        }
        let host = probe.host.isEmpty ? address : probe.host
        let url = "\(scheme)://\(host):\(port)\(path)"
        let resolve = "\(host):\(port):\(address)"
        let bindings = target.bindings
        var (result, followed) = send(url: url, resolve: resolve, bindings: bindings, portOffset: target.portOffset)
        // Several outputs (a traffic split's backends): requests until each has been seen, every response one of them.
        if let output = probe.output, output.count > 1, failure(result) == nil {
            var unseen = Set(output.indices).subtracting(matching(result))
            var sent = 1
            while !unseen.isEmpty, sent < Self.sampleLimit {
                (result, _) = send(url: url, resolve: resolve, bindings: bindings, portOffset: target.portOffset)
                sent += 1
                if failure(result) != nil { break }
                unseen.subtract(matching(result))
            }
            if failure(result) == nil, let missing = unseen.min() {
                return .init(
                    description: description(resolve: resolve, url: url, followed: followed),
                    failure:
                        "\(sent) responses, none like \"\(OutputPattern(output[missing]).lines.joined(separator: " / "))\""
                )
            }
        }
        return .init(description: description(resolve: resolve, url: url, followed: followed), failure: failure(result))
    }

    /// Up to this many requests look for each of several outputs.
    static let sampleLimit = 40

    /// One request, following a redirect to another listener of this Gateway (443 served on 443 plus the port offset)
    /// as the user's curl would reach it on a cluster, unless the guide expects the redirect itself.
    func send(url: String, resolve: String, bindings: [ListenerBinding], portOffset: Int) -> (HTTPProbe.Result, String?)
    {
        var request = HTTPProbe.Request(url: url, resolve: [resolve], headers: probe.headers ?? [])
        request.method = probe.method
        request.insecure = probe.insecure ?? false
        let result = HTTPProbe.perform(request)
        guard !(300..<400).contains(probe.status ?? 0),
            let hop = RedirectFollower.hop(from: result, bindings: bindings, portOffset: portOffset)
        else { return (result, nil) }
        request.url = hop.url
        request.resolve = [hop.resolve]
        return (HTTPProbe.perform(request), hop.note)
    }

    /// The outputs a response matches.
    func matching(_ result: HTTPProbe.Result) -> Set<Int> {
        let printed = printed(result)
        return Set((probe.output ?? []).indices.filter { OutputPattern(probe.output![$0]).matches(printed) })
    }

    /// What curl would print: with `include`, the status line and headers, a blank line, then the body.
    func printed(_ result: HTTPProbe.Result) -> String {
        (probe.include == true ? result.headers.joined(separator: "\n") + "\n\n" : "") + result.body
    }

    func description(resolve: String, url: String, followed: String?) -> String {
        var description = "curl"
        if let method = probe.method { description += method == "HEAD" ? " -I" : " -X \(method)" }
        for header in probe.headers ?? [] { description += " -H '\(header)'" }
        if probe.include == true { description += " -i" }
        if probe.insecure == true { description += " -k" }
        description += probe.host.isEmpty ? " \(url)" : " --resolve \(resolve) \(url)"
        description += summary.dropFirst("\(probe.method ?? "GET") \(scheme)://\(authority)\(path)".count)
        if let followed { description += " (\(followed))" }
        return description
    }

    func failure(_ result: HTTPProbe.Result) -> String? {
        if let code = probe.curlError {
            if result.curlCode == code { return nil }
            return result.status == 0
                ? "expected curl error \(code), got \(result.curlCode ?? -1): \(result.error ?? "")"
                : "expected curl error \(code), got a response: status \(result.status)"
        }
        if let error = result.error, result.status == 0 { return "no response: \(error)" }
        if let status = probe.status, status != result.status {
            return "expected status \(status), got \(result.status): \(result.body.prefix(300))"
        }
        if let body = probe.body, !result.body.contains(body) {
            return "expected the body to contain \"\(body)\", got: \(result.body.prefix(300))"
        }
        if let output = probe.output {
            let printed = printed(result)
            let misses = output.map { OutputPattern($0).firstUnmatched(in: printed) }
            if let miss = misses.first(where: { $0 != nil }), misses.allSatisfy({ $0 != nil }) {
                return "expected a line like \"\(miss!)\", got: \(printed.prefix(300))"
            }
        }
        return nil
    }
}
