import ArgumentParser
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import Session

/// `gwconsole explain URL`: which Gateway, listener, route, rule and match take a request, and why every other
/// candidate lost; `--send` also sends it and checks that what served it is what was explained.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Explain which Gateway, listener, route, rule and backends take a request (curl's arguments), and why every other candidate lost."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(
        help:
            "The URL, e.g. http://cafe.example.com/coffee (the port: the listener's declared one, or where it serves here)."
    )
    var url: String

    @Option(name: [.customShort("X"), .long], help: "The request method (as curl -X).")
    var request: String?

    @Option(name: [.customShort("H"), .long], help: "A request header 'Name: value' (repeatable).")
    var header: [String] = []

    @Option(name: .long, help: "HOST:PORT:ADDR, as curl --resolve (repeatable).")
    var resolve: [String] = []

    @Flag(name: [.customShort("k"), .long], help: "With --send: do not verify the Gateway's certificate.")
    var insecure = false

    @Option(name: .long, help: "The TLS server name (SNI), for an HTTPS listener (default: the URL's host).")
    var sni: String?

    @Option(name: .long, help: "A gRPC call SERVICE/METHOD (package.Service/Method) instead of the URL's path.")
    var grpc: String?

    @Flag(name: .long, help: "Also send the request through the data plane and check what served it.")
    var send = false

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: JSONOutput?

    mutating func run() throws {
        var mismatch = false
        try reportingErrors {
            guard let parsed = RequestURL(url) else { throw CLIError("error: \(url): give an http:// or https:// URL") }
            let (host, scheme, urlPort) = (parsed.host, parsed.scheme, parsed.port)
            for line in header where !line.contains(":") || line.hasPrefix(":") {
                throw CLIError("error: -H \(line): give 'Name: value'")
            }
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let dataplane = DataplaneManager(stateDirectory: store.directory).load().facts(
                stateDirectory: store.directory)
            guard
                let (gateway, port) = BackendProbe.explainedGateway(
                    url: url, resolve: resolve, urlPort: urlPort, host: sni ?? host, graph: graph, dataplane: dataplane)
            else {
                throw CLIError(
                    "error: no Gateway has a listener on port \(urlPort) for \(host) (gwconsole get gateways shows them)"
                )
            }
            var target = parsed.target
            var method = request?.uppercased() ?? "GET"
            var headers = header
            if let grpc {
                guard grpc.split(separator: "/").count == 2 else {
                    throw CLIError("error: --grpc \(grpc): give SERVICE/METHOD, e.g. helloworld.Greeter/SayHello")
                }
                target = "/" + grpc
                method = "POST"
                headers.append("content-type: application/grpc")
            }
            let routed = RoutedRequest(method: method, host: host, target: target, headerLines: headers)
            guard let explanation = Explanation.explain(routed, port: port, sni: sni, gateway: gateway, graph: graph)
            else {
                throw CLIError(
                    "error: no listener of Gateway \(gateway.ref.namespacedName) on port \(port) takes host \(sni ?? host)"
                )
            }
            var sent: SentCheck?
            if send {
                sent = try Self.send(
                    routed, scheme: scheme, explanation: explanation, gateway: gateway, dataplane: dataplane,
                    store: store, insecure: insecure)
                mismatch = sent?.agrees == false
            }
            if output == .json {
                struct Report: Encodable {
                    var explanation: Explanation
                    var sent: SentCheck?
                    func encode(to encoder: any Encoder) throws {
                        try explanation.encode(to: encoder)
                        var container = encoder.container(keyedBy: Key.self)
                        try container.encodeIfPresent(sent, forKey: .sent)
                    }
                    enum Key: String, CodingKey { case sent }
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(
                    String(decoding: try encoder.encode(Report(explanation: explanation, sent: sent)), as: UTF8.self)
                        + "\n")
            } else {
                Output.out(explanation.text)
                if let sent { Output.out(sent.text) }
            }
        }
        if mismatch { throw ExitCode(1) }
    }

    /// What sending the request showed: its status and the route and rule the request log says served it.
    struct SentCheck: Encodable {
        var status: Int
        var servedBy: String?
        var agrees: Bool
        var error: String?

        var text: String {
            if let error { return "Sent: no answer (\(error))\n" }
            let served = servedBy ?? "no route"
            return agrees
                ? "Sent: \(status), served by \(served): as explained\n"
                : "Sent: \(status), served by \(served): MISMATCH with the explanation (a finding: the config nginx runs is not what the graph says; gwconsole doctor)\n"
        }
    }

    /// Sends the request to where the Gateway's listener serves here and reads back what served it.
    static func send(
        _ request: RoutedRequest, scheme: String, explanation: Explanation, gateway: GatewayNode,
        dataplane: DataplaneFacts, store: Store, insecure: Bool
    ) throws -> SentCheck {
        guard dataplane.running, let facts = dataplane.gateways[gateway.ref.namespacedName],
            let binding = facts.bindings.first(where: { $0.listener == explanation.listener })
                ?? facts.bindings.first(where: {
                    gateway.listener($0.listener)?.source.name == explanation.listener
                })
        else {
            throw CLIError("error: --send: Gateway \(gateway.ref.namespacedName) is not served here (gwconsole up)")
        }
        let manager = DataplaneManager(stateDirectory: store.directory)
        let log = manager.requestLog(gateway: gateway.ref.namespacedName)
        let offset = GRPCRouteProbe.logOffset(log)
        var probe = HTTPProbe.Request(
            url: "\(scheme)://\(request.host):\(binding.port)\(request.target)",
            resolve: ["\(request.host):\(binding.port):\(binding.address)"], headers: request.headerLines)
        if request.method != "GET" { probe.method = request.method }
        probe.insecure = insecure || scheme == "https"
        let result = HTTPProbe.perform(probe)
        if result.status == 0 {
            return SentCheck(status: 0, servedBy: nil, agrees: false, error: result.error ?? "no response")
        }
        let record = GRPCRouteProbe.record(log, from: offset, path: request.target)
        let served = record.flatMap { record -> String? in
            guard let kind = record.routeKind else { return nil }
            return "\(kind) \(record.routeName) rule \(record.rule)"
        }
        let explained = explanation.route.map { "\($0.kind) \($0.name) rule \($0.rule)" }
        return SentCheck(status: result.status, servedBy: served, agrees: served == explained, error: nil)
    }
}
