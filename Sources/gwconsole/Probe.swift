import ArgumentParser
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing
import Session

/// `gwconsole probe URL`: one request with libcurl, and for a Gateway request, the backend probed plain and TLS.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Send a request with libcurl and show status, headers, timings, TLS chain; through a Gateway, probe its backend plain and TLS."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The URL, e.g. http://secure-app.example.com:$GW_PORT/")
    var url: String?

    @Option(name: .long, help: "HOST:PORT:ADDR, as curl --resolve (repeatable).")
    var resolve: [String] = []

    @Option(name: [.customShort("H"), .long], help: "A request header 'Name: value' (repeatable).")
    var header: [String] = []

    @Option(name: .long, help: "CA certificates (PEM) to verify an HTTPS server with.")
    var cacert: String?

    @Flag(name: [.customShort("k"), .long], help: "Do not verify the server's certificate.")
    var insecure = false

    @Option(
        name: .long,
        help:
            "Probe a route by name: an HTTPRoute's first hostname and path, through its Gateway; tcproute/NAME, udproute/NAME or tlsroute/NAME through its listener."
    )
    var route: String?

    @Option(name: .long, help: "Layer-4 probes: the bytes to send (TCP, UDP).")
    var data: String?

    @Option(name: .long, help: "Layer-4 probes: the SNI name (TLS), or the DNS name to ask a DNS backend (UDP).")
    var name: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Cluster mode: where the Gateway listens (else its NGINX Service's LoadBalancer address or NodePort).",
            valueName: "ip:port"))
    var gatewayAddress: String?

    struct Report: Codable {
        var request: String
        var result: ProbeResult
        var backends: [BackendReport]
    }

    mutating func run() throws {
        try reportingErrors {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let state = DataplaneManager(stateDirectory: store.directory).load()
            var target = url
            var resolveList = resolve
            var routeBindings: [ListenerBinding]?
            if let route, let slash = route.firstIndex(of: "/"),
                let kind = ResourceRegistry.resolve(String(route[..<slash])).flatMap({ L4RouteKind(rawValue: $0.kind) })
            {
                let ref = ObjectRef(
                    group: HTTPRoute.group, kind: kind.rawValue, namespace: global.effectiveNamespace,
                    name: String(route[route.index(after: slash)...]))
                guard let node = graph.l4Route(ref) else {
                    throw CLIError(
                        "Error from server (NotFound): \(kind.rawValue.lowercased())s.gateway.networking.k8s.io \"\(ref.name)\" not found"
                    )
                }
                let result: StreamProbeResult
                do {
                    result = try StreamRouteProbe.probe(
                        node, graph: graph,
                        snapshot: try Reconciler(store: store, config: global.controllerConfig).snapshot(),
                        manager: DataplaneManager(stateDirectory: store.directory), data: data, name: name)
                } catch let failure as StreamRouteProbe.Failure {
                    throw CLIError(failure.description)
                }
                if output == "json" {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    Output.out(String(decoding: try encoder.encode(result), as: UTF8.self) + "\n")
                } else {
                    Output.out(result.lines.joined(separator: "\n") + "\n")
                }
                if result.error != nil { throw ExitCode(1) }
                return
            }
            if let route {
                let ref = ObjectRef(
                    group: HTTPRoute.group, kind: "HTTPRoute", namespace: global.effectiveNamespace, name: route)
                guard let node = graph.route(ref) else {
                    throw CLIError(
                        "Error from server (NotFound): httproutes.gateway.networking.k8s.io \"\(route)\" not found")
                }
                if global.clusterMode {
                    // The cluster's NGINX: its Service's address, and the request only (its backends are inside the cluster).
                    guard let parent = node.parents.first(where: \.accepted), let gateway = parent.gateway,
                        let gatewayNode = graph.gateway(gateway),
                        let listener = gatewayNode.listeners.first(where: { parent.listeners.contains($0.name) })
                    else {
                        throw CLIError(
                            "error: route \(ref.namespacedName) is not accepted by a Gateway (see describe httproute \(route))"
                        )
                    }
                    let found = try GatewayAddress.find(
                        gateway: gateway, listenerPort: Int(listener.port), store: store, override: gatewayAddress
                    ).get()
                    let host = node.source.spec.hostnames?.first ?? "example.com"
                    let path = node.rules.first?.source.matches?.first?.path?.value ?? "/"
                    let url = "http://\(host):\(found.port)\(path)"
                    let result = HTTPProbe.perform(
                        HTTPProbe.Request(
                            url: url, resolve: ["\(host):\(found.port):\(found.address)"], headers: header))
                    Output.out("Gateway \(gateway.namespacedName) at \(found.address):\(found.port) (\(found.how))\n")
                    Output.out(ProbeText.render(url: url, result: result))
                    return
                }
                guard let parent = node.parents.first(where: \.accepted), let gateway = parent.gateway,
                    let binding = state.gateways[gateway.namespacedName]?.bindings.first(where: {
                        parent.listeners.contains($0.listener)
                    })
                else {
                    throw CLIError(
                        "error: route \(ref.namespacedName) is not served by a running Gateway (gwconsole up, and see describe httproute)"
                    )
                }
                let host = node.source.spec.hostnames?.first ?? "example.com"
                let path = node.rules.first?.source.matches?.first?.path?.value ?? "/"
                target = "\(binding.protocol == .https ? "https" : "http")://\(host):\(binding.port)\(path)"
                resolveList.append("\(host):\(binding.port):\(binding.address)")
                routeBindings = state.gateways[gateway.namespacedName]?.bindings
            }
            guard let target else { throw CLIError("error: give a URL or --route NAME") }
            let dataplane = state.facts(stateDirectory: store.directory)
            if routeBindings == nil, let (address, port) = BackendProbe.destination(target, resolve: resolveList) {
                // A URL to one of the embedded Gateways: its listeners, to follow a redirect between them.
                routeBindings = dataplane.gateway(serving: address, port: port).flatMap {
                    dataplane.gateways[$0.name]?.bindings
                }
            }
            var request = HTTPProbe.Request(url: target, resolve: resolveList, headers: header)
            request.caFile = cacert
            request.insecure = insecure
            let result = HTTPProbe.perform(request)
            let backends = BackendProbe.analyse(
                url: target, resolve: resolveList, graph: graph,
                dataplane: dataplane,
                snapshot: try Reconciler(store: store, config: global.controllerConfig).snapshot())
            if output == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(
                    String(
                        decoding: try encoder.encode(Report(request: target, result: result, backends: backends)),
                        as: UTF8.self) + "\n")
                return
            }
            Output.out(ProbeText.render(url: target, result: result))
            // A redirect to another listener of the same Gateway (HTTP to HTTPS) is followed where it is served.
            if let gatewayBindings = routeBindings,
                let hop = RedirectFollower.hop(from: result, bindings: gatewayBindings, portOffset: state.portOffset)
            {
                var next = HTTPProbe.Request(url: hop.url, resolve: [hop.resolve], headers: header)
                next.caFile = cacert
                next.insecure = insecure
                Output.out("\n" + hop.note + "\n")
                Output.out(ProbeText.render(url: hop.url, result: HTTPProbe.perform(next)))
            }
            for backend in backends { Output.out(ProbeText.render(backend)) }
        }
    }
}
