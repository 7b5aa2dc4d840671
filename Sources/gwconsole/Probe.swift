import ArgumentParser
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// `gwconsole probe URL`: one request with libcurl, and for a Gateway request, the backend probed plain and TLS.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a request with libcurl and show status, headers, timings, TLS chain; through a Gateway, probe its backend plain and TLS.")

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

    @Option(name: .long, help: "Probe a route by name: its first hostname and path, through its Gateway.")
    var route: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: json.")
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Cluster mode: where the Gateway listens (else its NGINX Service's LoadBalancer address or NodePort).", valueName: "ip:port"))
    var gatewayAddress: String?

    struct Report: Codable {
        var request: String
        var result: HTTPProbe.Result
        var backends: [BackendReport]
    }

    struct BackendReport: Codable {
        var route: String
        var rule: Int
        var service: String
        var endpoint: String
        var gatewaySends: String
        var policy: String?
        var plain: HTTPProbe.Result
        var tls: HTTPProbe.Result
        var backendSpeaks: String
        var agrees: Bool
    }

    mutating func run() throws {
        try reportingErrors {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            let state = DataplaneManager(stateDirectory: store.directory).load()
            var target = url
            var resolveList = resolve
            if let route {
                let ref = ObjectRef(group: HTTPRoute.group, kind: "HTTPRoute", namespace: global.effectiveNamespace, name: route)
                guard let node = graph.route(ref) else { throw CLIError("Error from server (NotFound): httproutes.gateway.networking.k8s.io \"\(route)\" not found") }
                if global.clusterMode {
                    // The cluster's NGINX: its Service's address, and the request only (its backends are inside the cluster).
                    guard let parent = node.parents.first(where: \.accepted), let gateway = parent.gateway, let gatewayNode = graph.gateway(gateway),
                          let listener = gatewayNode.listeners.first(where: { parent.listeners.contains($0.name) }) else {
                        throw CLIError("error: route \(ref.namespacedName) is not accepted by a Gateway (see describe httproute \(route))")
                    }
                    let found = try GatewayAddress.find(gateway: gateway, listenerPort: Int(listener.port), store: store, override: gatewayAddress).get()
                    let host = node.source.spec.hostnames?.first ?? "example.com"
                    let path = node.rules.first?.source.matches?.first?.path?.value ?? "/"
                    let url = "http://\(host):\(found.port)\(path)"
                    let result = HTTPProbe.perform(HTTPProbe.Request(url: url, resolve: ["\(host):\(found.port):\(found.address)"], headers: header))
                    Output.out("Gateway \(gateway.namespacedName) at \(found.address):\(found.port) (\(found.how))\n")
                    Output.out(ProbeText.render(url: url, result: result))
                    return
                }
                guard let parent = node.parents.first(where: \.accepted), let gateway = parent.gateway,
                      let binding = state.gateways[gateway.namespacedName]?.bindings.first(where: { parent.listeners.contains($0.listener) }) else {
                    throw CLIError("error: route \(ref.namespacedName) is not served by a running Gateway (gwconsole up, and see describe httproute)")
                }
                let host = node.source.spec.hostnames?.first ?? "example.com"
                let path = node.rules.first?.source.matches?.first?.path?.value ?? "/"
                target = "http://\(host):\(binding.port)\(path)"
                resolveList.append("\(host):\(binding.port):\(binding.address)")
            }
            guard let target else { throw CLIError("error: give a URL or --route NAME") }
            var request = HTTPProbe.Request(url: target, resolve: resolveList, headers: header)
            request.caFile = cacert
            request.insecure = insecure
            let result = HTTPProbe.perform(request)
            let backends = try BackendProbe.analyse(url: target, resolve: resolveList, graph: graph, state: state,
                                                    snapshot: Reconciler(store: store, config: global.controllerConfig).snapshot())
            if output == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(String(decoding: try encoder.encode(Report(request: target, result: result, backends: backends)), as: UTF8.self) + "\n")
                return
            }
            Output.out(ProbeText.render(url: target, result: result))
            for backend in backends { Output.out(ProbeText.render(backend)) }
        }
    }
}

/// Finds the route rule and backend a Gateway request reaches, and probes each endpoint plain and with TLS.
enum BackendProbe {
    static func analyse(url: String, resolve: [String], graph: Graph, state: DataplaneManager.State, snapshot: ResourceSnapshot) throws -> [Probe.BackendReport] {
        guard let components = URLComponents(string: url), let host = components.host else { return [] }
        let port = components.port ?? (components.scheme == "https" ? 443 : 80)
        let address = resolve.compactMap { entry -> String? in
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            return parts.count == 3 && parts[0] == host && Int(parts[1]) == port ? parts[2] : nil
        }.first ?? host
        guard let (key, record) = state.gateways.first(where: { $0.value.bindings.contains { $0.address == address && $0.port == port } }),
              let gateway = graph.gateways.first(where: { $0.ref.namespacedName == key }) else { return [] }
        let listeners = record.bindings.filter { $0.address == address && $0.port == port }.map(\.listener)
        let path = components.path.isEmpty ? "/" : components.path
        var reports: [Probe.BackendReport] = []
        for listener in gateway.listeners where listeners.contains(listener.name) {
            for routeRef in listener.attachedRoutes {
                guard let route = graph.route(routeRef) else { continue }
                let hostnames = route.source.spec.hostnames ?? []
                guard hostnames.isEmpty || hostnames.contains(where: { HostnameMatching.intersects($0, host) }) else { continue }
                guard let rule = route.rules.first(where: { rule in
                    rule.dropped == nil && (rule.source.matches ?? []).isEmpty || (rule.source.matches ?? []).contains { match in
                        let value = match.path?.value ?? "/"
                        switch match.path?.type ?? "PathPrefix" {
                        case "Exact": return path == value
                        case "PathPrefix": return value == "/" || path == value || path.hasPrefix(value.hasSuffix("/") ? value : value + "/")
                        default: return false
                        }
                    }
                }) else { continue }
                for backend in rule.backends {
                    guard let service = backend.service, let servicePort = backend.port else { continue }
                    let policy = backend.policy.flatMap { graph.policy($0) }
                    let endpoints = Endpoints.addresses(service: service, port: servicePort, portName: backend.portName, snapshot: snapshot)
                    for endpoint in endpoints {
                        let (ip, epPort) = split(endpoint)
                        let plain = HTTPProbe.perform(HTTPProbe.Request(url: "http://\(ip):\(epPort)\(path)", headers: ["Host: \(host)"]))
                        let sni = policy?.source.spec.validation.hostname ?? host
                        var tlsRequest = HTTPProbe.Request(url: "https://\(sni):\(epPort)\(path)", resolve: ["\(sni):\(epPort):\(ip)"])
                        if let ca = policy?.caCertificates { tlsRequest.caPEM = ca } else if policy == nil { tlsRequest.insecure = true }
                        let tls = HTTPProbe.perform(tlsRequest)
                        let speaksPlain = plain.status != 0 && !plain.body.contains("The plain HTTP request was sent to HTTPS port")
                        let speaksTLS = tls.status != 0 || !tls.peerChain.isEmpty || (tls.verifyResult ?? 0) != 0
                        let speaks = speaksTLS && !speaksPlain ? "TLS" : (speaksPlain ? "plain HTTP" : "nothing (no answer)")
                        let sends = policy != nil ? "TLS (BackendTLSPolicy \(policy!.ref.namespacedName), SNI \(sni))" : "plain HTTP"
                        let agrees = (policy != nil && speaks == "TLS") || (policy == nil && speaks == "plain HTTP")
                        reports.append(Probe.BackendReport(route: route.ref.namespacedName, rule: rule.index, service: "\(service.namespacedName):\(servicePort)",
                                                           endpoint: endpoint, gatewaySends: sends, policy: policy?.ref.namespacedName,
                                                           plain: plain, tls: tls, backendSpeaks: speaks, agrees: agrees))
                    }
                }
                return reports
            }
        }
        return reports
    }

    static func split(_ endpoint: String) -> (String, Int) {
        guard let colon = endpoint.lastIndex(of: ":") else { return (endpoint, 80) }
        return (String(endpoint[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), Int(endpoint[endpoint.index(after: colon)...]) ?? 80)
    }
}

/// The probe's text report.
enum ProbeText {
    static func render(url: String, result: HTTPProbe.Result) -> String {
        var out = "GET \(url)\n"
        if let error = result.error { out += "Error:    \(error)\n" }
        out += "Status:   \(result.status == 0 ? "no response" : String(result.status))\n"
        let t = result.timings
        out += "Timings:  name lookup \(t.nameLookup) ms, connect \(t.connect) ms, TLS handshake \(t.tlsHandshake) ms, first byte \(t.firstByte) ms, total \(t.total) ms\n"
        if let verify = result.verifyResult {
            out += "TLS:      \(verify == 0 ? "peer verified" : "peer NOT verified (OpenSSL verify code \(verify))")\n"
            for (index, cert) in result.peerChain.enumerated() {
                out += "  [\(index)] subject \(cert.subject)\n      issuer  \(cert.issuer)\n      valid   \(cert.notBefore) – \(cert.notAfter)\n"
                out += "      SANs    \(cert.subjectAltNames ?? "none (CN only)")\n"
            }
        }
        if !result.headers.isEmpty { out += "Headers:\n" + result.headers.map { "  \($0)\n" }.joined() }
        out += "Body:\n" + result.body + (result.body.hasSuffix("\n") || result.body.isEmpty ? "" : "\n")
        if result.bodyTruncated { out += "[… body truncated at \(result.body.utf8.count) bytes]\n" }
        return out
    }

    static func render(_ report: Probe.BackendReport) -> String {
        var out = "\nBackend of HTTPRoute \(report.route) rule \(report.rule): Service \(report.service), endpoint \(report.endpoint)\n"
        out += "  gateway sends:  \(report.gatewaySends)\n"
        out += "  plain HTTP:     \(summary(report.plain))\n"
        out += "  TLS:            \(summary(report.tls))\n"
        out += "  backend speaks: \(report.backendSpeaks) — \(report.agrees ? "agrees with what the gateway sends" : "MISMATCH with what the gateway sends")\n"
        return out
    }

    static func summary(_ result: HTTPProbe.Result) -> String {
        var text: String
        if result.status == 0 {
            text = "no response (\(result.error ?? "?"))"
        } else {
            // The page's title (nginx's error pages) or its first text line; the status is not repeated.
            var first = result.body.split(whereSeparator: \.isNewline).first(where: { $0.contains("<title>") || !$0.hasPrefix("<") })
                .map { String($0).replacingOccurrences(of: "<head><title>", with: "").replacingOccurrences(of: "</title></head>", with: "") } ?? ""
            if first.hasPrefix("\(result.status) ") { first.removeFirst("\(result.status) ".count) }
            text = "\(result.status) \(first)"
        }
        if let verify = result.verifyResult, !result.peerChain.isEmpty || verify != 0 {
            text += verify == 0 ? " (certificate verified)" : " (certificate not verified: code \(verify))"
        }
        return text
    }
}
