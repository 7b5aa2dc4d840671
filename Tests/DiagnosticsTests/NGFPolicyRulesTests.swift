import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Testing

/// Doctor's rules for NGF's policies and filters: graphs from manifests (stored objects changed in place where the
/// decoder would refuse them or drops server fields), the data plane's facts made up here.
@Suite("Doctor rules: NGF policies and filters")
struct NGFPolicyRulesTests {
    static let base = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: nginx}
        spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gateway}
        spec:
          gatewayClassName: nginx
          listeners: [{name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: app}
        spec:
          parentRefs: [{name: gateway, sectionName: http}]
          hostnames: [app.example.com]
          rules: [{backendRefs: [{name: app, port: 80}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app}
        spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: app-1, labels: {kubernetes.io/service-name: app}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints: [{addresses: [127.0.100.100], conditions: {ready: true}}]
        """

    /// A route whose rule references `filters` (YAML flow items).
    static func filteredRoute(_ name: String, filters: String) -> String {
        """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: \(name)}
        spec:
          parentRefs: [{name: gateway, sectionName: http}]
          hostnames: [\(name).example.com]
          rules: [{filters: [\(filters)], backendRefs: [{name: app, port: 80}]}]
        """
    }

    static func extensionRef(_ kind: String, _ name: String) -> String {
        "{type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: \(kind), name: \(name)}}"
    }

    static let codes: Set<FindingCode> = [
        .ngfPolicyTargetNotFound, .ngfPolicyNotAttached, .ngfPolicyTargetKindUnsupported, .ngfPolicyInvalid,
        .ngfPolicyConflicted, .ngfPolicyTargetNotAccepted, .ngfPolicyNotSupported, .ngfFilterInvalid,
        .routeFilterInvalid, .snippetRejected, .snippetsDisabled,
    ]

    static func snapshot(_ yaml: String) throws -> ResourceSnapshot {
        var snapshot = ResourceSnapshot()
        for object in try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: "test.yaml")) {
            try snapshot.insert(kind: object.type.kind, object: object.object)
        }
        return snapshot
    }

    static func input(
        _ yaml: String, snippets: Bool = false, dataplane: DataplaneFacts = DataplaneFacts(running: true),
        change: (inout ResourceSnapshot) -> Void = { _ in }
    ) throws -> DoctorInput {
        var snapshot = try Self.snapshot(yaml)
        change(&snapshot)
        var config = ControllerConfig(certificateCheck: { _ in nil })
        config.snippets = snippets
        let graph = GraphBuilder.build(snapshot, config: config)
        return DoctorInput(graph: graph, snapshot: snapshot, dataplane: dataplane, namespace: "default")
    }

    /// The findings of these rules only.
    static func findings(_ input: DoctorInput) -> [Finding] {
        DoctorRules.findings(input).filter { codes.contains($0.code) }
    }

    @Test(
        "a policy on a route that shares its host and path with a route it does not target: TargetConflict, with the fix"
    )
    func targetConflict() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: twin}
                spec:
                  parentRefs: [{name: gateway, sectionName: http}]
                  hostnames: [app.example.com]
                  rules: [{backendRefs: [{name: app, port: 80}]}]
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: limit}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: app}
                  body: {maxSize: "50"}
                """
        let findings = Self.findings(try Self.input(yaml))
        let finding = try #require(findings.first { $0.objects == ["ClientSettingsPolicy default/limit"] })
        #expect(finding.code == .ngfPolicyInvalid)
        #expect(
            finding.evidence == [
                "Accepted=False TargetConflict: Policy cannot be applied to target \"default/app\" since another Route \"default/twin\" shares a namespace/gateway-name:hostname:port/path combination with this target"
            ])
        #expect(finding.fix.contains("target the other route too"))
    }

    @Test("accepted, attached policies and filters give no finding")
    func clean() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: client}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  body: {maxSize: 10m}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ProxySettingsPolicy
                metadata: {name: proxy}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app}]
                  timeout: {read: 30s}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: UpstreamSettingsPolicy
                metadata: {name: upstream}
                spec:
                  targetRefs: [{group: core, kind: Service, name: app}]
                  loadBalancingMethod: least_conn
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: SnippetsFilter
                metadata: {name: snip}
                spec:
                  snippets: [{context: http.server.location, value: "add_header X-Snip on;"}]
                """ + Self.filteredRoute("snipped", filters: Self.extensionRef("SnippetsFilter", "snip"))
        let input = try Self.input(yaml, snippets: true)
        #expect(input.graph.ngfPolicies.count == 3 && input.graph.ngfPolicies.allSatisfy(\.valid))
        #expect(input.snippetsEnabled)
        #expect(Self.findings(input).isEmpty, "\(Self.findings(input))")
    }

    @Test("a target that does not exist: named, with the objects of that kind the namespace has")
    func targetMissing() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ProxySettingsPolicy
                metadata: {name: proxy}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: x}]
                  timeout: {read: 30s}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: UpstreamSettingsPolicy
                metadata: {name: upstream}
                spec:
                  targetRefs: [{group: core, kind: Service, name: app}, {group: core, kind: Service, name: gone}]
                  loadBalancingMethod: least_conn
                """
        let input = try Self.input(yaml)
        #expect(
            input.graph.ngfPolicy(
                ObjectRef(group: "gateway.nginx.org", kind: "ProxySettingsPolicy", namespace: "default", name: "proxy"))
                == nil)
        let findings = Self.findings(input)
        #expect(findings.count == 2, "\(findings)")
        let route = try #require(findings.first { $0.objects == ["ProxySettingsPolicy default/proxy"] })
        #expect(route.code == .ngfPolicyTargetNotFound && route.severity == .error)
        #expect(route.summary.hasPrefix("targets HTTPRoute default/x, which does not exist"))
        #expect(route.summary.contains("writes it no status"))
        #expect(route.fix.contains("create HTTPRoute default/x") && route.fix.contains("HTTPRoutes in default: app"))
        let service = try #require(findings.first { $0.objects == ["UpstreamSettingsPolicy default/upstream"] })
        #expect(service.summary.hasPrefix("targets Service default/gone, which does not exist"))
        #expect(service.summary.contains("applies to its other targets"))
    }

    @Test("a target that exists but is not this controller's: another class's Gateway, a route, an unused Service")
    func notAttached() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: other}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: elsewhere}
                spec:
                  parentRefs: [{name: other}]
                  rules: [{backendRefs: [{name: app, port: 80}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: unused}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: on-other}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: other}
                  body: {maxSize: 10m}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ProxySettingsPolicy
                metadata: {name: on-route}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: elsewhere}]
                  timeout: {read: 30s}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: UpstreamSettingsPolicy
                metadata: {name: on-unused}
                spec:
                  targetRefs: [{group: core, kind: Service, name: unused}]
                  zoneSize: 1m
                """
        let findings = Self.findings(try Self.input(yaml))
        #expect(findings.count == 3 && findings.allSatisfy { $0.code == .ngfPolicyNotAttached }, "\(findings)")
        let gateway = try #require(findings.first { $0.objects.first == "ClientSettingsPolicy default/on-other" })
        #expect(gateway.summary.contains("Gateway default/other, which is of GatewayClass istio"))
        #expect(gateway.fix.contains("gatewayClassName: nginx"))
        let route = try #require(findings.first { $0.objects.first == "ProxySettingsPolicy default/on-route" })
        #expect(route.summary.contains("has no parent Gateway of this controller"))
        #expect(route.evidence.contains { $0.contains("Gateway default/other (class istio)") })
        #expect(route.fix.contains("parentRefs: [{name: gateway}]"))
        let service = try #require(findings.first { $0.objects.first == "UpstreamSettingsPolicy default/on-unused" })
        #expect(service.summary.contains("Service default/unused, which no route of this controller's Gateways uses"))
    }

    @Test("a target of a kind the policy cannot have (stored without the CRD's check)")
    func wrongKind() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: UpstreamSettingsPolicy
                metadata: {name: upstream}
                spec:
                  targetRefs: [{group: core, kind: Service, name: app}]
                  zoneSize: 1m
                """
        let input = try Self.input(yaml) { snapshot in
            snapshot.upstreamSettingsPolicies[0].spec.targetRefs = [
                LocalPolicyTargetReference(group: Gateway.group, kind: "HTTPRoute", name: "app")
            ]
        }
        let findings = Self.findings(input)
        let finding = try #require(findings.first { $0.code == .ngfPolicyTargetKindUnsupported }, "\(findings)")
        #expect(finding.severity == .error && finding.objects == ["UpstreamSettingsPolicy default/upstream"])
        #expect(finding.summary == "targets HTTPRoute app, but an UpstreamSettingsPolicy may target Service only")
        #expect(finding.fix.hasPrefix("target a Service instead"))
        #expect(!findings.contains { $0.code == .ngfPolicyTargetNotFound || $0.code == .ngfPolicyNotAttached })
    }

    @Test("an invalid policy: its message quoted, the fix from it")
    func invalid() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: client}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  keepAlive: {minTimeout: 5s}
                """
        let findings = Self.findings(try Self.input(yaml))
        #expect(findings.count == 1, "\(findings)")
        let finding = try #require(findings.first)
        #expect(finding.code == .ngfPolicyInvalid && finding.severity == .error)
        #expect(
            finding.evidence.first?.hasPrefix("Accepted=False Invalid: spec.keepAlive.minTimeout: Invalid value")
                == true)
        #expect(finding.summary.contains("keepalive_min_timeout needs NGINX 1.27.4"))
        #expect(finding.fix.contains("remove spec.keepAlive.minTimeout"))
    }

    @Test("a conflicted policy names the older one that wins")
    func conflicted() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: a-newer}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  body: {maxSize: 10m}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: z-older}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  body: {maxSize: 1m}
                """
        let input = try Self.input(yaml) { snapshot in
            snapshot.clientSettingsPolicies[0].metadata.creationTimestamp = "2026-02-01T00:00:00Z"
            snapshot.clientSettingsPolicies[1].metadata.creationTimestamp = "2026-01-01T00:00:00Z"
        }
        let findings = Self.findings(input)
        #expect(findings.count == 1, "\(findings)")
        let finding = try #require(findings.first)
        #expect(finding.code == .ngfPolicyConflicted)
        #expect(finding.objects == ["ClientSettingsPolicy default/a-newer", "ClientSettingsPolicy default/z-older"])
        #expect(finding.summary.hasPrefix("ClientSettingsPolicy default/z-older (older) on Gateway default/gateway"))
        #expect(finding.evidence.first == "Accepted=False Conflicted: Conflicts with another ClientSettingsPolicy")
        #expect(finding.fix.contains("delete ClientSettingsPolicy default/a-newer"))
    }

    @Test("a policy on a route that is not accepted: TargetNotFound, with the route's own condition")
    func targetNotAccepted() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: lost}
                spec:
                  parentRefs: [{name: gateway, sectionName: nope}]
                  rules: [{backendRefs: [{name: app, port: 80}]}]
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ProxySettingsPolicy
                metadata: {name: proxy}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: lost}]
                  timeout: {read: 30s}
                """
        let findings = Self.findings(try Self.input(yaml))
        #expect(findings.count == 1, "\(findings)")
        let finding = try #require(findings.first)
        #expect(finding.code == .ngfPolicyTargetNotAccepted)
        #expect(finding.objects == ["ProxySettingsPolicy default/proxy", "HTTPRoute default/lost"])
        #expect(
            finding.evidence.first
                == "ancestor HTTPRoute default/lost: Accepted=False TargetNotFound: The TargetRef is invalid")
        #expect(finding.evidence.contains { $0.hasPrefix("HTTPRoute default/lost parent gateway: Accepted=False") })
        #expect(finding.fix.contains("make HTTPRoute default/lost accepted"))
    }

    @Test("ObservabilityPolicy and WAFPolicy: what the embedded data plane lacks")
    func notSupported() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha2
                kind: ObservabilityPolicy
                metadata: {name: tracing}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app}]
                  tracing: {strategy: ratio, ratio: 10}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: WAFPolicy
                metadata: {name: waf}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gateway}]
                """
        let findings = Self.findings(try Self.input(yaml))
        #expect(findings.count == 2 && findings.allSatisfy { $0.code == .ngfPolicyNotSupported }, "\(findings)")
        let tracing = try #require(findings.first { $0.objects.first == "ObservabilityPolicy default/tracing" })
        #expect(tracing.objects == ["ObservabilityPolicy default/tracing", "HTTPRoute default/app"])
        #expect(tracing.evidence.first?.contains("NginxProxyConfigNotSet") == true)
        #expect(tracing.fix.contains("no OpenTelemetry module"))
        let waf = try #require(findings.first { $0.objects.first == "WAFPolicy default/waf" })
        #expect(waf.fix.contains("NGINX Plus") && waf.fix.contains("delete the WAFPolicy"))
    }

    @Test("an AuthenticationFilter whose Secret is missing: the filter's finding, and the rule's 500 naming it")
    func authenticationFilter() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: AuthenticationFilter
                metadata: {name: auth}
                spec:
                  type: Basic
                  basic: {secretRef: {name: users}, realm: Restricted}
                """ + Self.filteredRoute("locked", filters: Self.extensionRef("AuthenticationFilter", "auth"))
        let findings = Self.findings(try Self.input(yaml))
        #expect(findings.count == 2, "\(findings)")
        let filter = try #require(findings.first { $0.code == .ngfFilterInvalid })
        #expect(filter.severity == .error && filter.objects == ["AuthenticationFilter default/auth"])
        #expect(filter.evidence.first?.contains("Secret default/users does not exist") == true)
        #expect(filter.evidence.contains("referenced by HTTPRoute default/locked"))
        #expect(filter.fix.hasPrefix("create the Secret with key auth from `htpasswd -nbm user password`"))
        #expect(filter.fix.contains("kubectl create secret generic users -n default"))
        let rule = try #require(findings.first { $0.code == .routeFilterInvalid })
        #expect(rule.objects == ["HTTPRoute default/locked rule 0", "AuthenticationFilter default/auth"])
        #expect(rule.summary.hasPrefix("requests for this rule get 500"))
        #expect(rule.evidence.first?.hasPrefix("ResolvedRefs=False InvalidFilter: ") == true)
        #expect(rule.fix.hasPrefix("correct AuthenticationFilter default/auth"))
    }

    @Test("a rule naming a filter that does not exist: the fix names the filter to create")
    func missingFilter() throws {
        let input = try Self.input(
            Self.base + Self.filteredRoute("snipped", filters: Self.extensionRef("SnippetsFilter", "missing")),
            snippets: true)
        let findings = Self.findings(input)
        #expect(findings.count == 1, "\(findings)")
        let rule = try #require(findings.first)
        #expect(rule.code == .routeFilterInvalid && rule.objects == ["HTTPRoute default/snipped rule 0"])
        #expect(rule.fix.hasPrefix("create SnippetsFilter default/missing"))
    }

    @Test("snippets off while SnippetsFilters exist: enable them; the rule that references one answers 500")
    func snippetsOff() throws {
        let yaml =
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: SnippetsFilter
                metadata: {name: snip}
                spec:
                  snippets: [{context: http.server.location, value: "add_header X-Snip on;"}]
                """ + Self.filteredRoute("snipped", filters: Self.extensionRef("SnippetsFilter", "snip"))
        let input = try Self.input(yaml, snippets: false)
        #expect(!input.snippetsEnabled, "inferred: the store has a SnippetsFilter and the graph has none")
        let findings = Self.findings(input)
        #expect(findings.count == 2, "\(findings)")
        let off = try #require(findings.first { $0.code == .snippetsDisabled })
        #expect(off.severity == .warning && off.objects == ["SnippetsFilter default/snip"])
        #expect(off.summary.hasPrefix("snippets are off"))
        #expect(off.fix.contains("enable with `gwconsole up --snippets`"))
        let rule = try #require(findings.first { $0.code == .routeFilterInvalid })
        #expect(rule.fix.contains("snippets are off: enable with `gwconsole up --snippets`"))
        // Told explicitly, unreferenced: info.
        var told = try Self.input(
            Self.base + """

                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: SnippetsPolicy
                metadata: {name: gw-snip}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gateway}]
                  snippets: [{context: http, value: "server_tokens off;"}]
                """)
        #expect(!told.snippetsEnabled, "a SnippetsPolicy on one of this controller's Gateways has no node")
        told.snippets = false
        let only = Self.findings(told)
        #expect(only.map(\.code) == [.snippetsDisabled] && only.first?.severity == .info, "\(only)")
    }

    static let snippetYAML =
        base + """

            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: SnippetsFilter
            metadata: {name: snip}
            spec:
              snippets: [{context: http.server.location, value: "add_header X-Snip on;\\nbogus_directive on;"}]
            """ + filteredRoute("snipped", filters: extensionRef("SnippetsFilter", "snip"))

    static func refused(_ message: String) -> DataplaneFacts {
        DataplaneFacts(
            running: true,
            gateways: [
                "default/gateway": .init(
                    programmed: false, message: message, lastChange: nil,
                    bindings: [ListenerBinding(listener: "http", protocol: "HTTP", address: "127.0.100.1", port: 80)],
                    errorLog: "/state/dp/1/run/logs/error.log")
            ])
    }

    @Test("a snippet nginx refuses: the file and line nginx names fall in the SnippetsFilter's block")
    func snippetRejected() throws {
        let clean = try Self.input(Self.snippetYAML, snippets: true)
        let gateway = try #require(clean.graph.gateways.first)
        let directory = "/state/dp/1/generations/2"
        let config = Renderer.render(
            gateway: gateway, graph: clean.graph, snapshot: clean.snapshot,
            settings: RenderSettings(
                address: "127.0.100.1", configDirectory: directory, runtimeDirectory: "/state/dp/1/run"))
        var path = ""
        var line = 0
        for file in config.files {
            let lines = file.content.split(separator: "\n", omittingEmptySubsequences: false)
            if let index = lines.firstIndex(where: { $0.contains("bogus_directive on;") }) {
                path = file.path
                line = index + 1
            }
        }
        #expect(line > 0)
        let message =
            "nginx rejected generation 2: nginx: [emerg] unknown directive \"bogus_directive\" in \(directory)/\(path):\(line)"
        let input = try Self.input(Self.snippetYAML, snippets: true, dataplane: Self.refused(message))
        let findings = Self.findings(input)
        let finding = try #require(findings.first { $0.code == .snippetRejected }, "\(findings)")
        #expect(finding.objects == ["SnippetsFilter default/snip", "Gateway default/gateway"])
        #expect(finding.evidence.first == message)
        #expect(
            finding.evidence.last
                == "\(path):\(line) is `bogus_directive on;`, in the block of SnippetsFilter default/snip")
        #expect(finding.fix.contains("SnippetsFilter default/snip"))

        // A line outside any snippet block is not blamed on one.
        let elsewhere = try Self.input(
            Self.snippetYAML, snippets: true,
            dataplane: Self.refused(
                "nginx rejected generation 2: nginx: [emerg] invalid port in \"x\" of the \"listen\" directive in \(directory)/nginx.conf:1"
            ))
        #expect(!Self.findings(elsewhere).contains { $0.code == .snippetRejected })

        // No file and line (a message without them): the directive only one snippet has.
        let bare = try Self.input(
            Self.snippetYAML, snippets: true,
            dataplane: Self.refused("nginx rejected generation 2: [emerg] unknown directive \"bogus_directive\""))
        let guessed = try #require(Self.findings(bare).first { $0.code == .snippetRejected })
        #expect(guessed.objects.first == "SnippetsFilter default/snip")
        #expect(guessed.evidence.last?.contains("appears in no other snippet") == true)
    }
}
