import Foundation
import GatewayAPI
import GatewayCore

/// Builds a Gateway's `DataplaneConfiguration` from the graph (pure): servers per listener port and hostname, their
/// locations in Gateway API precedence, what each match does, the backends' endpoints and TLS, and the files.
public struct DataplaneBuilder {
    let graph: Graph
    let snapshot: ResourceSnapshot
    let settings: RenderSettings
    var maps: [MapDefinition] = []
    var upstreams: [String: [String]] = [:]
    var files: [String: String] = [:]
    /// CA bundle files by content: one per distinct bundle.
    var caBundleFiles: [String: String] = [:]
    /// Condition variables by source and pattern, shared between locations.
    var conditionVariables: [String: String] = [:]
    var counter = 0
    /// The server being built: its listeners' port as the Gateway declares it, and whether it is HTTPS.
    var listenerPort = 80
    var listenerTLS = false
    /// The Gateway's client certificate file for backends, when it has one.
    var backendClientCertificate: String?
    /// The request mirrors of the server being built.
    var serverMirrors: [MirrorLocation] = []

    public static func build(gateway: GatewayNode, graph: Graph, snapshot: ResourceSnapshot, settings: RenderSettings)
        -> DataplaneConfiguration
    {
        var builder = DataplaneBuilder(graph: graph, snapshot: snapshot, settings: settings)
        let sniVariables = builder.sniListenerMaps(gateway)
        builder.backendClientCertificate = gateway.backendClientCertificate.flatMap {
            builder.certificateFile($0, prefix: "client")
        }
        let plans = ServerPlan.servers(for: gateway, graph: graph, portOffset: settings.portOffset)
        // Ports where GRPCRoutes are served speak HTTP/2: ALPN on HTTPS, a split by first bytes on plain ports.
        let grpcPorts = Set(plans.filter { $0.candidates.contains { $0.route.grpc != nil } }.map(\.port))
        let servers = plans.enumerated().map {
            var server = builder.server($1, index: $0, gateway: gateway)
            if grpcPorts.contains(server.port) {
                server.http2 = true
                if !server.ssl { server.protocolSplit = builder.splitSockets(server.port) }
            }
            if server.ssl, let variable = sniVariables[server.port] {
                let hosts = gateway.listeners.filter { $0.valid && Int($0.port) + settings.portOffset == server.port }
                    .map(\.hostname)
                let best = HostnameMatching.mostSpecificListener(hosts, covering: server.hostname)
                // The default server of a port without a catch-all listener answers unknown hosts as before.
                if let best { server.misdirected = (variable, best ?? "") }
            }
            return server
        }
        let bindings = gateway.listeners.enumerated().filter(\.element.valid).map { index, listener in
            ListenerBinding(
                listener: listener.name, protocol: listener.protocol, address: settings.address,
                port: Int(listener.port) + settings.portOffset, index: index)
        }
        var stream = StreamBuilder.build(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings)
        stream.protocolScript = settings.configDirectory + "/" + ProtocolSplitScript.file
        for port in grpcPorts.sorted() {
            guard let sockets = servers.first(where: { $0.port == port })?.protocolSplit else { continue }
            let names = gateway.listeners.filter { $0.valid && Int($0.port) + settings.portOffset == port }.map(\.name)
            stream.servers.append(
                StreamServer(
                    gateway: gateway.ref, listener: names.joined(separator: ","), protocol: .http,
                    address: settings.address, port: port, target: .protocolSplit(sockets)))
        }
        // HTTPS servers on a port a TLS passthrough listener shares take their connections from the stream server.
        let handedOff = servers.map { server -> VirtualServer in
            var server = server
            server.handoffSocket = server.ssl ? stream.handoffs[server.port] : nil
            return server
        }
        // NGF's policies and filters: the rules this Gateway serves, and the upstreams they use.
        var served: [(route: RouteNode, rule: RuleNode)] = []
        var seenRules = Set<RuleKey>()
        for plan in plans {
            for candidate in plan.candidates
            where seenRules.insert(RuleKey(route: candidate.route.ref, rule: candidate.rule.index)).inserted {
                served.append((candidate.route, candidate.rule))
            }
        }
        var policies = PolicyDirectiveBuilder(gateway: gateway, graph: graph, settings: settings)
        policies.build(rules: served, upstreamNames: builder.upstreams.keys.sorted(), snapshot: snapshot)
        builder.upstreams.merge(policies.upstreams) { current, _ in current }
        builder.files.merge(policies.files) { current, _ in current }
        var configuration = DataplaneConfiguration(
            gateway: gateway.ref, servers: handedOff, maps: builder.maps,
            upstreams: builder.upstreams.keys.sorted().map { Upstream(name: $0, servers: builder.upstreams[$0]!) },
            files: builder.files.keys.sorted().map { DataplaneFile(path: $0, content: builder.files[$0]!) },
            bindings: bindings, stream: stream)
        configuration.policies = policies.directives
        return configuration
    }

    init(graph: Graph, snapshot: ResourceSnapshot, settings: RenderSettings) {
        self.graph = graph
        self.snapshot = snapshot
        self.settings = settings
    }

    /// Per HTTPS port with more than one listener: the map from a handshake's SNI to the listener it selects.
    mutating func sniListenerMaps(_ gateway: GatewayNode) -> [Int: String] {
        var result: [Int: String] = [:]
        let https = gateway.listeners.filter { $0.valid && $0.protocol == .https }
        for (port, listeners) in Dictionary(grouping: https, by: { Int($0.port) + settings.portOffset })
            .sorted(by: { $0.key < $1.key }) where listeners.count > 1
        {
            let variable = "$gw_sni_listener_\(port)"
            let catchAll = listeners.contains { $0.hostname == nil }
            maps.append(
                .sniListener(
                    variable: variable, defaultValue: catchAll ? "" : "-",
                    hostnames: listeners.compactMap(\.hostname).sorted()))
            result[port] = variable
        }
        return result
    }

    /// The unix sockets a plain port's HTTP servers listen on when the port is split by protocol.
    func splitSockets(_ port: Int) -> ProtocolSplitSockets {
        ProtocolSplitSockets(
            http1: "unix:\(settings.runtimeDirectory)/http1-\(port).sock",
            http2: "unix:\(settings.runtimeDirectory)/http2-\(port).sock")
    }

    mutating func next() -> Int {
        counter += 1
        return counter
    }

    // MARK: Servers and locations

    mutating func server(_ plan: ServerPlan, index: Int, gateway: GatewayNode) -> VirtualServer {
        var byLocation: [String: [Candidate]] = [:]
        var order: [String] = []
        listenerPort = plan.port - settings.portOffset
        listenerTLS = plan.ssl
        serverMirrors = []
        for candidate in plan.candidates {
            for spec in candidate.locationSpecs {
                if byLocation[spec] == nil { order.append(spec) }
                byLocation[spec, default: []].append(candidate)
            }
        }
        let locations = order.enumerated().map { locationIndex, spec in
            location(spec, candidates: byLocation[spec]!, id: "\(index)_\(locationIndex)")
        }
        return VirtualServer(
            gateway: gateway.ref, address: settings.address, port: plan.port, ssl: plan.ssl, hostname: plan.hostname,
            certificateFile: plan.ssl ? plan.certificate.flatMap { certificateFile($0) } : nil,
            defaultNotFound: byLocation[NginxString.literal("/")] == nil, locations: locations, mirrors: serverMirrors,
            grpcErrors: plan.candidates.contains { $0.route.grpc != nil })
    }

    mutating func location(_ spec: String, candidates: [Candidate], id: String) -> Location {
        // Only candidates up to the first unconditional one can ever be chosen.
        var reachable: [Candidate] = []
        for candidate in candidates {
            reachable.append(candidate)
            if !candidate.hasConditions { break }
        }
        var pending: [(name: String, code: Int, backend: BackendNode, candidate: Candidate, index: Int)] = []
        let body: Location.Body
        if reachable.count == 1 && !reachable[0].hasConditions {
            body = .direct(reachable[0].source, action(reachable[0], id: id + "_0", pending: &pending))
        } else {
            // Several candidates or conditions: a selector map picks the first match; each has a named location.
            var flags: [String] = []
            var required: [[String]] = []
            for candidate in reachable {
                let variables = conditions(candidate)
                for variable in variables where !flags.contains(variable) { flags.append(variable) }
                required.append(variables)
            }
            let selector = "$gw_select_\(id)"
            maps.append(
                .selector(
                    variable: selector, flags: flags,
                    entries: reachable.enumerated().map { index, candidate in
                        let needed = Set(required[index])
                        return .init(
                            regex: "^" + flags.map { needed.contains($0) ? "1" : "." }.joined(), code: 560 + index,
                            comment: candidate.source.comment)
                    }))
            body = .selector(
                variable: selector,
                branches: reachable.enumerated().map { index, candidate in
                    Location.Branch(
                        code: 560 + index, name: "@gw_\(id)_\(index)", source: candidate.source,
                        action: action(candidate, id: "\(id)_\(index)", pending: &pending))
                })
        }
        // Weighted backends' named locations, after the location (named locations cannot nest).
        let split = pending.map { entry in
            NamedBackend(
                name: entry.name, code: entry.code, source: entry.candidate.source, index: entry.backend.index,
                weight: entry.backend.weight, action: backend(entry.backend, candidate: entry.candidate))
        }
        return Location(spec: spec, body: body, splitBackends: split)
    }

    /// The condition variables a candidate needs to be 1: method, headers, query parameters.
    mutating func conditions(_ candidate: Candidate) -> [String] {
        var required: [String] = []
        if let method = candidate.method { required.append(conditionVariable("$request_method", exact: method)) }
        // Headers and query parameters alike: a request variable, matched exactly or as a regular expression.
        let values =
            candidate.headers.map { (NginxString.headerVariable($0.name), $0.type, $0.value) }
            + candidate.queryParams.map { (NginxString.argVariable($0.name), $0.type, $0.value) }
        for (variable, type, value) in values {
            let source = variable ?? "$gw_unmatchable"
            required.append(
                type == .regularExpression
                    ? conditionVariable(source, pattern: value) : conditionVariable(source, exact: value))
        }
        return required
    }

    /// A flag variable that is `1` when `source` equals `value` (case-sensitive), shared between locations.
    mutating func conditionVariable(_ source: String, exact value: String) -> String {
        conditionVariable(source, pattern: "^" + NginxString.regexEscaped(value) + "$")
    }

    mutating func conditionVariable(_ source: String, pattern: String) -> String {
        let key = source + "\u{0}" + pattern
        if let existing = conditionVariables[key] { return existing }
        let variable = "$gw_match_\(next())"
        conditionVariables[key] = variable
        maps.append(.condition(variable: variable, source: source, pattern: pattern))
        return variable
    }

    // MARK: Actions

    /// What a chosen rule does: redirect, or proxy to its backends (weighted ones are built after the location).
    mutating func action(
        _ candidate: Candidate, id: String,
        pending: inout [(name: String, code: Int, backend: BackendNode, candidate: Candidate, index: Int)]
    ) -> RuleAction {
        if let problem = candidate.rule.filterProblem { return .invalidFilter(problem) }
        let filters = candidate.rule.source.filters ?? []
        if let redirect = filters.first(where: { $0.type == .requestRedirect })?.requestRedirect {
            return .redirect(
                Redirect(
                    filter: redirect, matchedPath: candidate.pathValue, listenerPort: listenerPort,
                    listenerTLS: listenerTLS))
        }
        let backends = candidate.rule.backends.filter { $0.weight > 0 }
        guard !backends.isEmpty else { return .noBackend }
        if backends.count == 1 { return .backend(backend(backends[0], candidate: candidate)) }
        let split = "$gw_split_\(id)"
        let total = backends.reduce(0) { $0 + Double($1.weight) }
        maps.append(
            .split(
                variable: split,
                shares: backends.indices.map { index in
                    guard index < backends.count - 1 else { return nil }
                    let share = (Double(backends[index].weight) / total * 10000).rounded(.down) / 100
                    return String(format: "%.2f", share)
                }))
        let named = backends.enumerated().map { index, backend in
            (name: "@gw_\(id)_b\(index)", code: 570 + index, backend: backend, candidate: candidate, index: index)
        }
        pending += named
        return .split(
            variable: split, choices: named.map { SplitChoice(index: $0.index, code: $0.code, name: $0.name) })
    }

    mutating func backend(_ backend: BackendNode, candidate: Candidate) -> BackendAction {
        let target =
            backend.service.map { "Service \($0.namespacedName):\(backend.port.map(String.init) ?? "?")" }
            ?? backend.source.name
        if let problem = backend.problem { return .unusable(target: target, reason: problem.reason) }
        guard let service = backend.service, let port = backend.port else { return .unresolved }
        var policy: PolicyNode?
        if let ref = backend.policy {
            policy = graph.policy(ref)
            if policy == nil || !(policy!.valid) { return .invalidPolicy(ref) }
        }
        let endpoints = Endpoints.addresses(
            service: service, port: port, portName: backend.portName, snapshot: snapshot)
        guard !endpoints.isEmpty else { return .noEndpoints(target: target) }
        let upstream = "\(service.namespace)_\(service.name)_\(port)"
        upstreams[upstream] = endpoints
        return .proxy(
            Proxy(
                target: target, upstream: upstream, filters: filters(candidate), tls: policy.map { backendTLS($0) },
                mirrors: mirrors(candidate), grpc: candidate.route.grpc != nil))
    }

    /// The rule's RequestMirror filters, each an internal location of the server: their backendRefs as the graph
    /// resolved them (one that did not resolve, which the route's ResolvedRefs names, mirrors nothing).
    mutating func mirrors(_ candidate: Candidate) -> [MirrorLocation] {
        let filters = candidate.rule.source.filters ?? []
        return candidate.rule.mirrors.compactMap { node -> MirrorLocation? in
            guard node.problem == nil, let service = node.service, let port = node.port,
                let mirror = filters[node.index].requestMirror
            else { return nil }
            let endpoints = Endpoints.addresses(
                service: service, port: port, portName: node.portName, snapshot: snapshot)
            var upstream: String?
            if !endpoints.isEmpty {
                upstream = "\(service.namespace)_\(service.name)_\(port)"
                upstreams[upstream!] = endpoints
            }
            // percent, or fraction numerator/denominator (default 100); all requests when neither is set.
            var share: Double?
            if let percent = mirror.percent { share = Double(percent) }
            if let fraction = mirror.fraction {
                share = Double(fraction.numerator) * 100 / Double(max(1, fraction.denominator ?? 100))
            }
            // A share that rounds to nothing mirrors nothing (nginx refuses a 0% split_clients share).
            if let share, (share * 100).rounded(.down) / 100 <= 0 { return nil }
            var sample: String?
            if let share, share < 100 {
                sample = "$gw_mirror_sample_\(next())"
                maps.append(
                    .sample(variable: sample!, percent: String(format: "%.2f", (share * 100).rounded(.down) / 100)))
            }
            let result = MirrorLocation(
                target: "Service \(service.namespacedName):\(port)", location: "/_gw_mirror#\(next())",
                upstream: upstream, sampleVariable: sample, grpc: candidate.route.grpc != nil)
            serverMirrors.append(result)
            return result
        }
    }

    /// The rule's header modifiers and rewrite; a request header `add` gets its append map.
    mutating func filters(_ candidate: Candidate) -> RequestFilters {
        let filters = candidate.rule.source.filters ?? []
        let request = filters.first { $0.type == .requestHeaderModifier }?.requestHeaderModifier
        var appendVariables: [String: String] = [:]
        for header in request?.add ?? [] {
            guard let variable = NginxString.headerVariable(header.name) else { continue }
            let combined = "$gw_add_\(next())"
            maps.append(.appendHeader(variable: combined, source: variable, value: header.value))
            appendVariables[header.name] = combined
        }
        return RequestFilters(
            request: request, response: filters.first { $0.type == .responseHeaderModifier }?.responseHeaderModifier,
            rewrite: filters.first { $0.type == .urlRewrite }?.urlRewrite, appendVariables: appendVariables,
            matchedPath: candidate.pathValue)
    }

    /// SNI, verification and the CA bundle of a valid BackendTLSPolicy. One CA file per distinct bundle, named
    /// after the first policy that uses it: thousands of policies sharing a CA would otherwise write (and nginx
    /// read) thousands of copies per generation.
    mutating func backendTLS(_ policy: PolicyNode) -> BackendTLS {
        let bundle: String
        if policy.source.spec.validation.wellKnownCACertificates == "System" {
            bundle = settings.systemCABundle
        } else {
            let content = policy.caCertificates ?? ""
            let file = caBundleFiles[content] ?? "secrets/ca_\(policy.ref.namespace)_\(policy.ref.name).crt"
            caBundleFiles[content] = file
            files[file] = content
            bundle = settings.configDirectory + "/" + file
        }
        return BackendTLS(
            policy: policy.ref, hostname: policy.source.spec.validation.hostname, trustedCertificate: bundle,
            clientCertificate: backendClientCertificate)
    }

    // MARK: Files

    /// The listener's certificate and key as one PEM file; nil when the Secret has neither.
    mutating func certificateFile(_ secret: ObjectRef, prefix: String = "tls") -> String? {
        guard let object = snapshot.secret(secret.namespace, secret.name),
            let crt = object.data?["tls.crt"].flatMap(Base64.decode),
            let key = object.data?["tls.key"].flatMap(Base64.decode)
        else { return nil }
        let file = "secrets/\(prefix)_\(secret.namespace)_\(secret.name).pem"
        var pem = String(decoding: crt, as: UTF8.self)
        if !pem.hasSuffix("\n") { pem += "\n" }
        pem += String(decoding: key, as: UTF8.self)
        if !pem.hasSuffix("\n") { pem += "\n" }
        files[file] = pem
        return settings.configDirectory + "/" + file
    }
}

extension Candidate {
    var source: RuleSource { RuleSource(route: route.ref, rule: rule.index, match: matchIndex) }
}
