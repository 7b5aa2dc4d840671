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

    @Argument(
        help:
            "The URL, e.g. http://secure-app.example.com:$GW_PORT/, or a gRPC method: grpc://$GW_IP:$GW_PORT/helloworld.Greeter/SayHello (grpcs:// for TLS)."
    )
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
            "Probe a route by name: an HTTPRoute's first hostname and path, through its Gateway; grpcroute/NAME (its first method); tcproute/NAME, udproute/NAME or tlsroute/NAME through its listener."
    )
    var route: String?

    @Option(
        name: [.customShort("d"), .long],
        help:
            "HTTP: the request body (as curl --data: POST unless -X says otherwise). gRPC: the request message as JSON (as grpcurl -d). Layer-4 probes: the bytes to send (TCP, UDP)."
    )
    var data: String?

    @Option(name: [.customShort("X"), .long], help: "HTTP: the request method (as curl -X).")
    var request: String?

    @Option(name: [.customShort("u"), .long], help: "HTTP: USER:PASSWORD for Basic authentication (as curl -u).")
    var user: String?

    @Option(
        name: .customLong("repeat"),
        help: "HTTP: send the request N times in a row and count the answers (a rate limit's burst), 1 to 200.")
    var repeatCount: Int = 1

    @Option(
        name: .long, help: "gRPC: a .proto file with the method's service (repeatable; default: the local backends').")
    var proto: [String] = []

    @Option(name: .long, help: "gRPC: the :authority to send (as grpcurl -authority).")
    var authority: String?

    @Option(name: .long, help: "Layer-4 probes: the SNI name (TLS), or the DNS name to ask a DNS backend (UDP).")
    var name: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: JSONOutput?

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
            if let route, route.lowercased().hasPrefix("grpcroute/") || route.lowercased().hasPrefix("grpcroutes/") {
                let name = String(route[route.index(after: route.firstIndex(of: "/")!)...])
                let ref = ObjectRef(
                    group: GRPCRoute.group, kind: GRPCRoute.kind, namespace: global.effectiveNamespace, name: name)
                guard let node = graph.route(ref) else {
                    throw CLIError(
                        "Error from server (NotFound): grpcroutes.gateway.networking.k8s.io \"\(name)\" not found")
                }
                let manager = DataplaneManager(stateDirectory: store.directory)
                let call: GRPCCall
                do {
                    call = try GRPCRouteProbe.call(for: node, manager: manager, base: try grpcCall(method: ""))
                } catch let failure as GRPCRouteProbe.Failure {
                    throw CLIError(failure.description)
                }
                try runGRPC(
                    call, manager: manager, gateway: node.parents.first(where: \.accepted)?.gateway, graph: graph,
                    store: store)
                return
            }
            if let url, url.hasPrefix("grpc://") || url.hasPrefix("grpcs://") {
                let manager = DataplaneManager(stateDirectory: store.directory)
                let call = try grpcCall(url: url)
                let gateway = state.facts(stateDirectory: store.directory).gateway(serving: call.host, port: call.port)
                    .map {
                        ObjectRef.gateway(
                            String($0.name.split(separator: "/")[0]), String($0.name.split(separator: "/")[1]))
                    }
                try runGRPC(call, manager: manager, gateway: gateway, graph: graph, store: store)
                return
            }
            var target = url
            var resolveList = resolve
            var routeBindings: [ListenerBinding]?
            // A route's request: the headers and method its match needs (the user's -H and -X come on top).
            var recipeHeaders: [String] = []
            var recipeMethod: String?
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
                if output == .json {
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
                    let recipe = try Self.recipe(node, listener: listener)
                    let url = "http://\(recipe.host):\(found.port)\(recipe.target)"
                    var request = HTTPProbe.Request(
                        url: url, resolve: ["\(recipe.host):\(found.port):\(found.address)"],
                        headers: recipe.headerLines + header)
                    if recipe.method != "GET" { request.method = recipe.method }
                    let result = HTTPProbe.perform(request)
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
                let recipe = try Self.recipe(
                    node, listener: graph.gateway(gateway)?.listeners.first { $0.name == binding.listener })
                target =
                    "\(binding.protocol == .https ? "https" : "http")://\(recipe.host):\(binding.port)\(recipe.target)"
                resolveList.append("\(recipe.host):\(binding.port):\(binding.address)")
                recipeHeaders = recipe.headerLines
                if recipe.method != "GET" { recipeMethod = recipe.method }
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
            guard (1...200).contains(repeatCount) else { throw CLIError("error: --repeat must be between 1 and 200") }
            var request = HTTPProbe.Request(url: target, resolve: resolveList, headers: recipeHeaders + header)
            request.caFile = cacert
            request.insecure = insecure
            request.body = data
            request.user = user
            request.method = self.request?.uppercased() ?? recipeMethod
            // A burst: every answer's status counted; the last one is shown.
            var statuses: [Int] = []
            var result = HTTPProbe.perform(request)
            statuses.append(result.status)
            for _ in 1..<repeatCount {
                result = HTTPProbe.perform(request)
                statuses.append(result.status)
            }
            let backends = BackendProbe.analyse(
                url: target, resolve: resolveList, method: request.method ?? (data == nil ? "GET" : "POST"),
                headers: request.headers, graph: graph,
                dataplane: dataplane,
                snapshot: try Reconciler(store: store, config: global.controllerConfig).snapshot())
            if output == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(
                    String(
                        decoding: try encoder.encode(Report(request: target, result: result, backends: backends)),
                        as: UTF8.self) + "\n")
                return
            }
            Output.out(
                ProbeText.render(url: target, result: result, method: request.method ?? (data == nil ? "GET" : "POST")))
            if statuses.count > 1 {
                let counts = Dictionary(grouping: statuses, by: { $0 }).sorted { $0.key < $1.key }
                Output.out(
                    "Answers:  \(statuses.count) requests: "
                        + counts.map { "\($0.value.count)× \($0.key)" }.joined(separator: ", ") + "\n")
            }
            let effects = PolicyEffectsProbe.explain(
                url: target, resolve: resolveList, method: request.method ?? (data == nil ? "GET" : "POST"),
                requestHeaders: request.headers, bodyBytes: data?.utf8.count ?? 0, statuses: statuses,
                headers: result.headers, graph: graph,
                dataplane: dataplane)
            if !effects.isEmpty { Output.out("Policies:\n" + effects.map { "  \($0)\n" }.joined()) }
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

    /// `grpc://HOST:PORT/package.Service/Method` (grpcs:// for TLS) with the gRPC options.
    func grpcCall(url: String) throws -> GRPCCall {
        let tls = url.hasPrefix("grpcs://")
        let rest = url.dropFirst(tls ? 8 : 7)
        guard let slash = rest.firstIndex(of: "/"), let colon = rest[..<slash].lastIndex(of: ":"),
            let port = Int(rest[rest.index(after: colon)..<slash]), (1...65535).contains(port)
        else {
            throw CLIError("error: \(url): give grpc://HOST:PORT/package.Service/Method")
        }
        var call = try grpcCall(method: String(rest[rest.index(after: slash)...]))
        call.host = String(rest[..<colon])
        call.port = port
        if tls { call.security = .tls(caFile: insecure ? nil : cacert) }
        return call
    }

    /// The call the options describe (address and method still to fill in for a route).
    func grpcCall(method: String) throws -> GRPCCall {
        var metadata: [(name: String, value: String)] = []
        for line in header {
            guard let colon = line.firstIndex(of: ":") else {
                throw CLIError("error: -H \(line): give a header as 'name: value'")
            }
            metadata.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        var protos: [GRPCCall.ProtoSource] = []
        for file in proto {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CLIError("error: --proto \(file): cannot read the file")
            }
            protos.append(GRPCCall.ProtoSource(name: file, text: text))
        }
        return GRPCCall(
            host: "", port: 0, authority: authority, method: method, metadata: metadata, json: data ?? "",
            protos: protos)
    }

    /// Makes the call, prints grpcurl's output and what served it, then the serving route's backends called
    /// directly, h2c and TLS; exits 1 when the status is not OK.
    func runGRPC(_ call: GRPCCall, manager: DataplaneManager, gateway: ObjectRef?, graph: Graph, store: Store) throws {
        let log = gateway.flatMap { manager.requestLog(gateway: $0.namespacedName) }
        let offset = GRPCRouteProbe.logOffset(log)
        let outcome: GRPCCall.Outcome
        do {
            outcome = try call.run()
        } catch {
            throw CLIError(error.description)
        }
        let path = "/" + outcome.result.method.drop { $0 == "/" }
        let record = GRPCRouteProbe.record(log, from: offset, path: String(path))
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Output.out(String(decoding: try encoder.encode(outcome.result), as: UTF8.self) + "\n")
        } else {
            var lines = GRPCRouteProbe.lines(call, outcome, record: record)
            let served = record.flatMap { record -> RouteNode? in
                let parts = record.routeName.split(separator: "/")
                guard let kind = record.routeKind, parts.count == 2 else { return nil }
                return graph.route(
                    ObjectRef(
                        group: GRPCRoute.group, kind: kind, namespace: String(parts[0]), name: String(parts[1])))
            }
            if let served, served.grpc != nil {
                let snapshot = try Reconciler(store: store, config: global.controllerConfig).snapshot()
                lines += GRPCRouteProbe.lines(
                    GRPCRouteProbe.backends(served, call: call, graph: graph, snapshot: snapshot))
            }
            Output.out(lines.joined(separator: "\n") + "\n")
        }
        if outcome.result.status != .ok { throw ExitCode(1) }
    }

    /// The route's request (`RouteRequestRecipe`), or why none can be written.
    static func recipe(_ route: RouteNode, listener: ListenerNode?) throws -> RoutedRequest {
        guard let recipe = RouteRequestRecipe.request(for: route, listener: listener) else {
            throw CLIError(
                "error: \(route.ref.description) has no rule a request can be written for (its matches are regular expressions): give a URL"
            )
        }
        return recipe
    }
}
