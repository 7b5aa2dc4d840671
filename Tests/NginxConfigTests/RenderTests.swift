import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import Testing

@testable import NginxConfig

/// The snapshot of manifests, beside NGF's GatewayClass; objects made a second apart when `timestamps`.
func snapshot(_ yaml: String, file: String = "render.yaml", timestamps: Bool = true) throws -> ResourceSnapshot {
    let objects = try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: file))
    var snapshot = ResourceSnapshot()
    snapshot.gatewayClasses = [
        try GatewayClass.decode([
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
            "metadata": ["name": "nginx"], "spec": ["controllerName": "gateway.nginx.org/nginx-gateway-controller"],
        ])
    ]
    for (index, decoded) in objects.enumerated() {
        var object = decoded.object
        if timestamps {
            object.set(.string(String(format: "2024-05-15T12:00:%02dZ", index)), at: ["metadata", "creationTimestamp"])
        }
        try snapshot.insert(kind: decoded.type.kind, object: object)
    }
    return snapshot
}

/// Renders manifests for their first Gateway, writes the files, and runs the real `nginx -t` on them.
func renderAndTest(_ yaml: String, snippets: Bool = false) throws -> (config: RenderedConfig, nginxT: String?) {
    let snapshot = try snapshot(yaml)
    var config = ControllerConfig()
    config.ruleCheck = RuleCheck.check
    config.snippets = snippets
    let graph = GraphBuilder.build(snapshot, config: config)
    let gateway = try #require(graph.gateways.first)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-render-\(UUID().uuidString)")
        .path
    let settings = RenderSettings(
        address: "127.0.0.1", portOffset: 30000, configDirectory: dir + "/gen", runtimeDirectory: dir + "/run",
        generation: 7, workersAsRoot: geteuid() == 0)
    let rendered = Renderer.render(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings)
    for file in rendered.files {
        let path = dir + "/gen/" + file.path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try file.content.write(toFile: path, atomically: true, encoding: .utf8)
    }
    try FileManager.default.createDirectory(atPath: dir + "/run/logs", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/run/temp", withIntermediateDirectories: true)
    let status = try Spawn.run(
        "/usr/sbin/nginx",
        ["-t", "-q", "-p", dir + "/run/", "-e", dir + "/run/logs/error.log", "-c", dir + "/gen/nginx.conf"],
        outputPath: dir + "/run/logs/t.log")
    let output = try String(contentsOfFile: dir + "/run/logs/t.log", encoding: .utf8)
    return (rendered, status == 0 ? nil : output)
}

/// A CA ConfigMap `ca` (its `ca.crt` as a YAML double-quoted value, `\n` escaped) and a BackendTLSPolicy `tls` on
/// `svc` verifying `svc.example.com` with it, after `baseObjects`.
func backendTLSObjects(caCertificate: String) -> String {
    """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: ca}
    data: {ca.crt: "\(caCertificate)"}
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: BackendTLSPolicy
    metadata: {name: tls}
    spec:
      targetRefs: [{group: "", kind: Service, name: svc}]
      validation: {hostname: svc.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}

    """
}

let baseObjects = """
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: gw}
    spec:
      gatewayClassName: nginx
      listeners: [{name: http, port: 80, protocol: HTTP}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: svc}
    spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata: {name: svc-1, labels: {kubernetes.io/service-name: svc}}
    addressType: IPv4
    ports: [{name: http, port: 8080}]
    endpoints: [{addresses: [127.0.0.9]}]
    ---

    """

/// `baseObjects` and an HTTPRoute `r` on Gateway `gw` with `rules` (YAML list items, indented two spaces).
func routeObjects(_ rules: String) -> String {
    baseObjects + """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r}
        spec:
          parentRefs: [{name: gw}]
          rules:
        \(rules)
        """
}

@Suite("Rendering")
struct RenderTests {
    @Test(
        "the guide renders as NGF does: upstream per Service port, backend TLS with SNI, verification and a CA bundle")
    func guide() throws {
        let text = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scenarios/securing-backend-traffic.md"),
            encoding: .utf8)
        let yaml =
            text.components(separatedBy: "kubectl apply -f - <<EOF\n").dropFirst()
            .map { $0.components(separatedBy: "\nEOF")[0] }.joined(separator: "\n---\n")
            + "\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s, labels: {kubernetes.io/service-name: secure-app}}\naddressType: IPv4\nports: [{name: https, port: 8443}]\nendpoints: [{addresses: [127.0.0.5]}]\n"
        let (config, problem) = try renderAndTest(yaml)
        #expect(problem == nil, "\(problem ?? "")")
        let upstreams = try #require(config.file("conf.d/upstreams.conf")).content
        #expect(
            upstreams.contains(
                "upstream default_secure-app_8443 {\n    # Service default/secure-app:8443\n    server 127.0.0.5:8443;\n}"
            ))
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(servers.contains("server_name \"secure-app.example.com\";"))
        for line in [
            "proxy_pass https://default_secure-app_8443;", "proxy_ssl_server_name on;",
            "proxy_ssl_name \"secure-app.example.com\";",
            "proxy_ssl_verify on;", "proxy_ssl_verify_depth 4;", "secrets/ca_default_backend-tls.crt\";",
        ] {
            #expect(servers.contains(line), "\(line)")
        }
        let bundle = try #require(config.file("secrets/ca_default_backend-tls.crt"))
        #expect(bundle.secret && bundle.content.hasPrefix("-----BEGIN CERTIFICATE-----\nMIIFlzCCA3+gAwIBAgIU"))
        #expect(
            config.bindings == [
                ListenerBinding(listener: "http", protocol: "HTTP", address: "127.0.0.1", port: 30080, index: 0)
            ])
    }

    @Test("hostile strings in every rendered field stay inside their quotes, and nginx -t accepts the config")
    func injection() throws {
        let hostile = "x\\\" ; return 200 pwned; } server { listen 9; $host ${gw_dollar} '"
        let (config, problem) = try renderAndTest(
            routeObjects(
                """
                  - matches:
                    - path: {type: Exact, value: "/a\\"b;}{ c"}
                      headers: [{name: X-H, value: "\(hostile)"}]
                      queryParams: [{name: q, value: "\(hostile)"}]
                    filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier:
                        set: [{name: X-Set, value: "\(hostile)"}]
                        add: [{name: X-Add, value: "\(hostile)"}]
                    - type: ResponseHeaderModifier
                      responseHeaderModifier:
                        set: [{name: X-Resp, value: "\(hostile)"}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {type: RegularExpression, value: "/r(e|x)\\"; return 200 pwned; #"}}]
                    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: "/p$1\\"x"}}}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {value: /redirect}}]
                    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: "/to\\";return 200 pwned;"}}}]
                """))
        #expect(problem == nil, "\(problem ?? "")")
        let servers =
            try #require(config.file("conf.d/servers.conf")).content + (config.file("conf.d/maps.conf")?.content ?? "")
        for line in servers.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            #expect(!trimmed.hasPrefix("return 200 pwned"), "injected directive: \(line)")
            #expect(!trimmed.hasPrefix("listen 9"), "injected directive: \(line)")
        }
    }

    @Test("a value that cannot be rendered safely drops its rule with a reason, not the config")
    func unrenderable() throws {
        var config = ControllerConfig()
        config.ruleCheck = RuleCheck.check
        let route = try HTTPRoute.decode([
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "r", "namespace": "default"],
            "spec": ["rules": [["matches": [["headers": [["name": "X.Dotted", "value": "v"]]]]]]],
        ])
        #expect(RuleCheck.problem(route.spec.rules![0])?.contains("header name \"X.Dotted\" cannot be matched") == true)
        let regex = try HTTPRoute.decode([
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "r", "namespace": "default"],
            "spec": ["rules": [["matches": [["path": ["type": "RegularExpression", "value": "(unclosed"]]]]]],
        ])
        #expect(
            RuleCheck.problem(regex.spec.rules![0])?.contains("regular expression is not a valid regular expression")
                == true)
        let newline = try HTTPRoute.decode([
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "r", "namespace": "default"],
            "spec": [
                "rules": [
                    [
                        "filters": [
                            [
                                "type": "RequestHeaderModifier",
                                "requestHeaderModifier": ["set": [["name": "X", "value": "a\nb"]]],
                            ]
                        ]
                    ]
                ]
            ],
        ])
        #expect(RuleCheck.problem(newline.spec.rules![0]) == "header X value contains control characters")
    }

    @Test("precedence orders candidates as the spec does")
    func precedence() throws {
        let (config, problem) = try renderAndTest(
            routeObjects(
                """
                  - matches: [{path: {value: /p}}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {value: /p}, headers: [{name: A, value: "1"}, {name: B, value: "2"}]}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {value: /p}, method: GET}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {value: /p}, headers: [{name: A, value: "1"}]}]
                    backendRefs: [{name: svc, port: 80}]
                """))
        #expect(problem == nil, "\(problem ?? "")")
        let maps = try #require(config.file("conf.d/maps.conf")).content
        // Selector entries in order: method first, then most headers, then one header, then no conditions.
        let order = maps.split(separator: "\n").filter {
            $0.contains("# HTTPRoute default/r rule") && $0.contains("= /p") == false
        }
        .compactMap { line in line.range(of: "rule ").map { String(line[$0.upperBound...].prefix(1)) } }
        #expect(Array(order.prefix(4)) == ["2", "1", "3", "0"])
    }
}

@Suite("Dataplane model")
struct DataplaneModelTests {
    static func model(_ yaml: String, file: String = "model.yaml") throws -> DataplaneConfiguration {
        let snapshot = try snapshot(yaml, file: file, timestamps: false)
        let graph = GraphBuilder.build(snapshot, config: ControllerConfig())
        let settings = RenderSettings(address: "127.0.0.1", configDirectory: "/gen", runtimeDirectory: "/run")
        return DataplaneBuilder.build(
            gateway: try #require(graph.gateways.first), graph: graph, snapshot: snapshot, settings: settings)
    }

    @Test(
        "listener isolation, 421 between HTTPS listeners, request mirrors and the Gateway's client certificate as values"
    )
    func conformanceFeatures() throws {
        let model = try Self.model(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: nginx
              listeners:
              - {name: any, port: 80, protocol: HTTP}
              - {name: wild, port: 80, protocol: HTTP, hostname: "*.example.com"}
              - name: https
                port: 443
                protocol: HTTPS
                tls: {certificateRefs: [{name: cert}]}
              - name: second
                port: 443
                protocol: HTTPS
                hostname: second.example.org
                tls: {certificateRefs: [{name: cert}]}
              tls: {backend: {clientCertificateRef: {name: cert}}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: cert}
            type: kubernetes.io/tls
            data: {tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBQUEKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=, tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCkFBQUEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catch-all}
            spec:
              parentRefs: [{name: gw, sectionName: any}]
              hostnames: [bar.com, "*.example.com"]
              rules:
              - matches: [{path: {value: /any}}]
                filters:
                - {type: RequestMirror, requestMirror: {backendRef: {name: svc, port: 80}, percent: 20}}
                - {type: RequestMirror, requestMirror: {backendRef: {name: svc, port: 80}}}
                - {type: RequestMirror, requestMirror: {backendRef: {name: svc, port: 80}, percent: 0}}
                backendRefs: [{name: svc, port: 80}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: https}
            spec:
              parentRefs: [{name: gw, sectionName: https}]
              rules: [{backendRefs: [{name: svc, port: 80}]}]
            ---
            """ + "\n" + baseObjects.split(separator: "---\n", maxSplits: 1).last.map(String.init)!)
        let http = model.servers.filter { $0.port == 80 }
        // The catch-all listener's route serves bar.com; *.example.com belongs to the wildcard listener, which has
        // no routes of its own: the route gets no server for it, and the listener's own server answers 404.
        let bar = try #require(http.first { $0.hostname == "bar.com" })
        #expect(bar.locations.count == 2, "\(bar.locations.map(\.spec))")
        let wildcard = try #require(http.first { $0.hostname == "*.example.com" })
        #expect(wildcard.locations.isEmpty && wildcard.defaultNotFound)
        // Two mirrors, the first sampled at 20%, each an internal location of the server; one at 0% mirrors nothing
        // (nginx refuses a 0% share).
        #expect(bar.mirrors.map(\.location).allSatisfy { $0.hasPrefix("/_gw_mirror#") } && bar.mirrors.count == 4)
        #expect(bar.mirrors.filter { $0.sampleVariable != nil }.count == 2)
        #expect(model.maps.contains { if case .sample(_, "20.00") = $0 { true } else { false } })
        // HTTPS on one port: the SNI map, and each server's listener.
        let https = model.servers.filter { $0.port == 443 }
        #expect(
            model.maps.contains {
                if case .sniListener(_, let defaultValue, let hostnames) = $0 {
                    defaultValue == "" && hostnames == ["second.example.org"]
                } else {
                    false
                }
            })
        #expect(https.allSatisfy { $0.misdirected != nil })
        #expect(https.first { $0.hostname == "second.example.org" }?.misdirected?.listener == "second.example.org")
        #expect(https.first { $0.hostname == nil }?.misdirected?.listener == "")
        // nginx shows backends it speaks TLS to the Gateway's certificate: only through a policy, so none here.
        #expect(model.files.contains { $0.path == "secrets/client_default_cert.pem" })
    }

    @Test("the guide's route as values: its server, its location from rule 0, the proxy over TLS the policy asks for")
    func guide() throws {
        let guide = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scenarios/securing-backend-traffic.md"),
            encoding: .utf8)
        let model = try Self.model(
            guide + "\n```shell\nkubectl apply -f - <<EOF" + endpointSlice + "\nEOF\n```\n", file: "guide.md")
        let server = try #require(model.servers.first { $0.hostname == "secure-app.example.com" })
        #expect(server.port == 80 && !server.ssl && !server.defaultNotFound)
        let location = try #require(server.locations.first)
        guard case .direct(let source, .backend(.proxy(let proxy))) = location.body else {
            Issue.record("expected one direct proxy, got \(location.body)")
            return
        }
        #expect(source.route.namespacedName == "default/secure-app" && source.rule == 0 && source.match == 0)
        #expect(proxy.upstream == "default_secure-app_8443" && proxy.target == "Service default/secure-app:8443")
        #expect(
            proxy.tls
                == BackendTLS(
                    policy: .init(
                        group: "gateway.networking.k8s.io", kind: "BackendTLSPolicy", namespace: "default",
                        name: "backend-tls"),
                    hostname: "secure-app.example.com", trustedCertificate: "/gen/secrets/ca_default_backend-tls.crt"))
        #expect(model.upstreams == [Upstream(name: "default_secure-app_8443", servers: ["10.0.0.9:8443"])])
        #expect(model.files.map(\.path) == ["secrets/ca_default_backend-tls.crt"])
    }

    @Test("weights become a split with a choice per backend, each backend a named location after its location")
    func split() throws {
        let model = try Self.model(
            baseObjects + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - backendRefs: [{name: svc, port: 80, weight: 80}, {name: svc, port: 80, weight: 20}]
                """)
        let location = try #require(model.servers.first?.locations.first)
        guard case .direct(_, .split(let variable, let choices)) = location.body else {
            Issue.record("expected a split, got \(location.body)")
            return
        }
        #expect(choices.map(\.code) == [570, 571] && choices.map(\.name) == ["@gw_0_0_0_b0", "@gw_0_0_0_b1"])
        #expect(location.splitBackends.map(\.weight) == [80, 20])
        #expect(model.maps == [.split(variable: variable, shares: ["80.00", nil])])
    }

    let endpointSlice = """

        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: secure-app-1
          labels: {kubernetes.io/service-name: secure-app}
        addressType: IPv4
        ports: [{name: https, port: 8443}]
        endpoints: [{addresses: ["10.0.0.9"], conditions: {ready: true}}]
        """
}

@Suite("Request log lines in the config")
struct RequestLogConfigTests {
    @Test("a rule that rewrites its path still logs its backend: the log's variables are set before rewrite's break")
    func rewriteKeepsBackend() throws {
        let (config, nginxT) = try renderAndTest(
            baseObjects + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /new}}}]
                    backendRefs: [{name: svc, port: 80}]
                """)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let backend = try #require(servers.range(of: "set $gw_backend \"Service default/svc:80\";"))
        let rewrite = try #require(servers.range(of: "rewrite ^ \"/new\" break;"))
        #expect(backend.lowerBound < rewrite.lowerBound, "\(servers)")
        #expect(try #require(config.file("nginx.conf")).content.contains("uninitialized_variable_warn off;"))
    }

    @Test(
        "a PathPrefix rule's two locations share one named body: one proxy_pass and one SSL context per rule, not two")
    func sharedBodies() throws {
        let ca = try #require(CertificateInspector.issue(commonName: "ca", dnsName: nil, isCA: true)).cert
            .replacingOccurrences(of: "\n", with: "\\n")
        let (config, nginxT) = try renderAndTest(
            baseObjects + "---\n" + backendTLSObjects(caCertificate: ca) + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /shop}}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {type: Exact, value: /exact}}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /moved}}]
                    filters: [{type: RequestRedirect, requestRedirect: {hostname: elsewhere.example.com}}]
                """)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        // Both locations of /shop jump to one named location, which holds the rule's whole body.
        for spec in ["= \"/shop\"", "\"/shop/\""] {
            let opening = try #require(servers.range(of: "location \(spec) {\n"), "\(spec)\n\(servers)")
            let body = servers[opening.upperBound...].prefix { $0 != "}" }
            #expect(body.contains("# HTTPRoute default/r rule 0 match 0, served in @gw_rule"), "\(body)")
            #expect(body.contains("error_page 559 = @gw_rule") && body.contains("return 559;"), "\(body)")
            #expect(!body.contains("proxy_"), "\(body)")
        }
        let named = servers.components(separatedBy: "location @gw_rule")
        #expect(named.count == 2, "one shared body: \(servers)")
        #expect(named[1].contains("set $gw_route \"default/r\";") && named[1].contains("set $gw_rule 0;"))
        // One proxy_pass and one CA bundle per rule: /shop's (shared) and /exact's (a location of its own).
        #expect(servers.components(separatedBy: "proxy_pass https://default_svc_80;").count == 3, "\(servers)")
        #expect(servers.components(separatedBy: "proxy_ssl_trusted_certificate").count == 3)
        let exact = try #require(servers.range(of: "location = \"/exact\" {\n"))
        #expect(servers[exact.upperBound...].prefix { $0 != "}" }.contains("proxy_pass https://default_svc_80;"))
        // A redirect is cheap to write twice: not shared.
        let moved = try #require(servers.range(of: "location \"/moved/\" {\n"))
        #expect(servers[moved.upperBound...].prefix { $0 != "}" }.contains("return 302"), "\(servers)")
    }
}
