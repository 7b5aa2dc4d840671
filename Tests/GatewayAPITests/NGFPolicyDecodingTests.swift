import Foundation
import Testing

@testable import GatewayAPI

/// NGINX Gateway Fabric's policies, filters and NginxProxy (gateway.nginx.org): NGF's own example manifests decode
/// as written; what its CRDs refuse (patterns, enums, CEL rules) is refused with the file, line, column and field,
/// and fields the CRDs do not have are unknown (strict decoding).
@Suite("NGF policy and filter decoding")
struct NGFPolicyDecodingTests {
    /// Decodes `yaml` (one or more documents) and returns the single object of kind `T`.
    func decoded<T: KubeResource>(_ type: T.Type, _ yaml: String) throws -> T {
        let objects = try decode(yaml, file: "p.yaml").filter { $0.type.kind == T.kind }
        try #require(objects.count == 1, "one \(T.kind) in the manifest")
        #expect(objects[0].type.group == "gateway.nginx.org")
        return try T.decode(objects[0].object)
    }

    // MARK: NGF's examples decode as written

    @Test("ClientSettingsPolicy: NGF's client-settings-policy examples (Gateway, HTTPRoute and GRPCRoute targets)")
    func clientSettingsExamples() throws {
        // examples/client-settings-policy/gateway-client-settings.yaml
        let gateway = try decoded(
            ClientSettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ClientSettingsPolicy
            metadata:
              name: gateway-client-settings
            spec:
              targetRef:
                group: gateway.networking.k8s.io
                kind: Gateway
                name: gateway
              body:
                maxSize: "50" # sizes without a unit are bytes.
            """)
        #expect(gateway.metadata.name == "gateway-client-settings" && gateway.metadata.namespace == "default")
        #expect(
            gateway.spec.targetRef
                == LocalPolicyTargetReference(group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway"))
        #expect(gateway.spec.body?.maxSize == "50")
        #expect(gateway.spec.body?.bufferSize == nil && gateway.spec.keepAlive == nil)

        // examples/client-settings-policy/tea-client-settings.yaml and grpc-client-settings.yaml
        for (name, kind, target) in [
            ("tea-client-settings", "HTTPRoute", "tea"), ("grpc-client-settings", "GRPCRoute", "my-grpc-route"),
        ] {
            let policy = try decoded(
                ClientSettingsPolicy.self,
                """
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata:
                  name: \(name)
                spec:
                  targetRef:
                    group: gateway.networking.k8s.io
                    kind: \(kind)
                    name: \(target)
                  body:
                    maxSize: "75" # sizes without a unit are bytes.
                """)
            #expect(policy.spec.targetRef.kind == kind && policy.spec.targetRef.name == target)
            #expect(policy.spec.body?.maxSize == "75")
        }

        // Every field, as NGF's validator test's valid policy sets them.
        let full = try decoded(
            ClientSettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ClientSettingsPolicy
            metadata: {name: full}
            spec:
              targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
              body: {maxSize: 10m, bufferSize: 8k, timeout: 600ms}
              keepAlive:
                requests: 900
                time: 50s
                timeout: {server: 30s, header: 60s}
            """)
        #expect(full.spec.body == ClientBody(maxSize: "10m", bufferSize: "8k", timeout: "600ms"))
        #expect(full.spec.keepAlive?.requests == 900 && full.spec.keepAlive?.time == "50s")
        #expect(full.spec.keepAlive?.timeout == ClientKeepAliveTimeout(server: "30s", header: "60s"))
    }

    @Test("ProxySettingsPolicy: NGF's proxy-settings-policy examples")
    func proxySettingsExamples() throws {
        // examples/proxy-settings-policy/coffee-proxy-settings.yaml
        let coffee = try decoded(
            ProxySettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ProxySettingsPolicy
            metadata:
              name: coffee-proxy-settings
            spec:
              targetRefs:
              - group: gateway.networking.k8s.io
                kind: HTTPRoute
                name: coffee
              buffering:
                # Increase buffer size to handle large response headers (>10KB)
                bufferSize: "16k"
                # Configure more and larger buffers to handle 5MB response body
                buffers:
                  number: 16
                  size: "64k"
                # Set busy buffers size to allow more data to be sent to client
                # while still receiving from upstream
                busyBuffersSize: "128k"
            """)
        #expect(
            coffee.spec.targetRefs == [
                LocalPolicyTargetReference(group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "coffee")
            ])
        #expect(coffee.spec.buffering?.bufferSize == "16k")
        #expect(coffee.spec.buffering?.buffers == ProxyBuffers(size: "64k", number: 16))
        #expect(coffee.spec.buffering?.busyBuffersSize == "128k")
        #expect(coffee.spec.timeout == nil)

        // examples/proxy-settings-policy/gateway-proxy-settings.yaml
        let gateway = try decoded(
            ProxySettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ProxySettingsPolicy
            metadata:
              name: gateway-proxy-settings
            spec:
              targetRefs:
              - group: gateway.networking.k8s.io
                kind: Gateway
                name: gateway
              buffering:
                bufferSize: "4k"
                buffers:
                  number: 8
                  size: "4k"
                busyBuffersSize: "16k"
            """)
        #expect(gateway.spec.targetRefs.map(\.kind) == ["Gateway"])
        #expect(gateway.spec.buffering?.buffers?.number == 8 && gateway.spec.buffering?.busyBuffersSize == "16k")
    }

    @Test("UpstreamSettingsPolicy: NGF's upstream-settings-policy examples (group core, two Services)")
    func upstreamSettingsExamples() throws {
        // examples/upstream-settings-policy/1m-zone-size.yaml
        let zone = try decoded(
            UpstreamSettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: UpstreamSettingsPolicy
            metadata:
              name: 1m-zone-size
            spec:
              targetRefs:
                - group: core
                  kind: Service
                  name: tea
                - group: core
                  kind: Service
                  name: coffee
              zoneSize: 1m
            """)
        #expect(zone.spec.targetRefs.map(\.name) == ["tea", "coffee"])
        #expect(zone.spec.targetRefs.allSatisfy { $0.group == "core" && $0.kind == "Service" })
        #expect(zone.spec.zoneSize == "1m" && zone.spec.keepAlive == nil && zone.spec.loadBalancingMethod == nil)

        // examples/upstream-settings-policy/upstream-keepalives.yaml
        let keepAlive = try decoded(
            UpstreamSettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: UpstreamSettingsPolicy
            metadata:
              name: upstream-keepalives
            spec:
              targetRefs:
                - group: core
                  kind: Service
                  name: coffee
              keepAlive:
                connections: 32
            """)
        #expect(keepAlive.spec.keepAlive?.connections == 32 && keepAlive.spec.keepAlive?.requests == nil)

        // The empty group is core too; hash with its key.
        let hash = try decoded(
            UpstreamSettingsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: UpstreamSettingsPolicy
            metadata: {name: hash}
            spec:
              targetRefs: [{group: "", kind: Service, name: coffee}]
              loadBalancingMethod: hash consistent
              hashMethodKey: $request_uri
            """)
        #expect(hash.spec.loadBalancingMethod == "hash consistent" && hash.spec.hashMethodKey == "$request_uri")
    }

    @Test("RateLimitPolicy: NGF's rate-limit-policy examples (Gateway; HTTPRoute and GRPCRoute)")
    func rateLimitExamples() throws {
        // examples/rate-limit-policy/gateway-rate-limit.yaml
        let gateway = try decoded(
            RateLimitPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: RateLimitPolicy
            metadata:
              name: gateway-rate-limit
            spec:
              targetRefs:
              - group: gateway.networking.k8s.io
                kind: Gateway
                name: gateway
              rateLimit:
                local:
                  rules:
                  - zoneSize: 10m
                    key: "$binary_remote_addr"
                    rate: 10r/s
            """)
        let rule = try #require(gateway.spec.rateLimit?.local?.rules?.first)
        #expect(rule.zoneSize == "10m" && rule.key == "$binary_remote_addr" && rule.rate == "10r/s")
        #expect(rule.burst == nil && rule.delay == nil && rule.noDelay == nil)

        // examples/rate-limit-policy/route-rate-limit.yaml
        let route = try decoded(
            RateLimitPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: RateLimitPolicy
            metadata:
              name: route-rate-limit
            spec:
              targetRefs:
              - group: gateway.networking.k8s.io
                kind: HTTPRoute
                name: coffee
              - group: gateway.networking.k8s.io
                kind: GRPCRoute
                name: grpc-route
              rateLimit:
                local:
                  rules:
                  - zoneSize: 10m
                    key: "$binary_remote_addr"
                    rate: 1r/s
                    burst: 3
            """)
        #expect(route.spec.targetRefs.map(\.kind) == ["HTTPRoute", "GRPCRoute"])
        #expect(route.spec.rateLimit?.local?.rules?.first?.burst == 3)
        #expect(route.spec.rateLimit?.local?.rules?.first?.rate == "1r/s")
    }

    @Test("ObservabilityPolicy (v1alpha2): NGF's tracing test policy")
    func observabilityExample() throws {
        // tests/suite/manifests/tracing/policy-single.yaml
        let policy = try decoded(
            ObservabilityPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha2
            kind: ObservabilityPolicy
            metadata:
              name: test-observability-policy
            spec:
              targetRefs:
              - group: gateway.networking.k8s.io
                kind: HTTPRoute
                name: hello
              tracing:
                strategy: ratio
                spanAttributes:
                - key: testkey2
                  value: testval2
            """)
        #expect(policy.apiVersion == "gateway.nginx.org/v1alpha2")
        #expect(policy.spec.targetRefs.map(\.name) == ["hello"])
        #expect(policy.spec.tracing?.strategy == "ratio" && policy.spec.tracing?.ratio == nil)
        #expect(policy.spec.tracing?.spanAttributes == [SpanAttribute(key: "testkey2", value: "testval2")])
    }

    @Test("SnippetsPolicy and SnippetsFilter: NGF's snippets examples")
    func snippetsExamples() throws {
        // examples/snippets/limit-conn-sp.yaml
        let policy = try decoded(
            SnippetsPolicy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: SnippetsPolicy
            metadata:
              name: limit-conn-sp
            spec:
              targetRefs:
                - group: gateway.networking.k8s.io
                  kind: Gateway
                  name: gateway
              snippets:
                - context: http
                  value: limit_conn_zone $binary_remote_addr zone=addr:10m;
                - context: http.server.location
                  value: limit_conn addr 1;
            """)
        #expect(policy.spec.targetRefs.map(\.name) == ["gateway"])
        #expect(
            policy.spec.snippets == [
                Snippet(context: "http", value: "limit_conn_zone $binary_remote_addr zone=addr:10m;"),
                Snippet(context: "http.server.location", value: "limit_conn addr 1;"),
            ])

        // examples/snippets/limit-except-sf.yaml: a block scalar, kept with its line breaks.
        let filter = try decoded(
            SnippetsFilter.self,
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: SnippetsFilter
            metadata:
              name: limit-except-sf
            spec:
              snippets:
                - context: http.server.location
                  # yamllint disable rule:indentation
                  value: |
                    limit_except GET {
                      deny all;
                    }
                  # yamllint enable rule:indentation
            """)
        #expect(
            filter.spec.snippets == [
                Snippet(context: "http.server.location", value: "limit_except GET {\n  deny all;\n}\n")
            ])
    }

    @Test("AuthenticationFilter: NGF's basic-authentication example with its Secret")
    func authenticationExample() throws {
        // examples/basic-authentication/basic-auth.yaml
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: basic-auth
            type: Opaque
            data:
              # Base64 of "htpasswd -bn user1 password1"
              auth: dXNlcjE6JGFwcjEkWEFKeU5yekgkY0Rjdy9YMVBCZTFmTjltQVBweXpxMA==
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: AuthenticationFilter
            metadata:
              name: basic-auth
            spec:
              type: Basic
              basic:
                secretRef:
                  name: basic-auth
                realm: "Restricted basic-auth"
            """
        #expect(try decode(yaml).map(\.type.kind) == ["Secret", "AuthenticationFilter"])
        let filter = try decoded(AuthenticationFilter.self, yaml)
        #expect(filter.spec.type == "Basic" && filter.spec.jwt == nil && filter.spec.oidc == nil)
        #expect(
            filter.spec.basic == BasicAuth(secretRef: NameReference(name: "basic-auth"), realm: "Restricted basic-auth")
        )
    }

    @Test("NginxProxy (v1alpha2): NGF's manifests, with the fields gwconsole keeps but does not read")
    func nginxProxyExamples() throws {
        // tests/suite/manifests/nginxproxy-use-cluster-ip/nginx-proxy.yaml
        let clusterIP = try decoded(
            NginxProxy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha2
            kind: NginxProxy
            metadata:
              name: cluster-ip-proxy
            spec:
              useClusterIP: true
            """)
        #expect(clusterIP.spec.useClusterIP == true && clusterIP.spec.logging == nil)

        // examples/waf-policy/nginx-proxy.yaml
        let waf = try decoded(
            NginxProxy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha2
            kind: NginxProxy
            metadata:
              name: waf-enabled-proxy
            spec:
              waf:
                enable: true
            """)
        #expect(waf.spec.waf?["enable"]?.boolValue == true)

        // deploy/default/deploy.yaml's nginx-gateway-proxy-config, with logging and workers added.
        let deployed = try decoded(
            NginxProxy.self,
            """
            apiVersion: gateway.nginx.org/v1alpha2
            kind: NginxProxy
            metadata:
              labels:
                app.kubernetes.io/instance: nginx-gateway
                app.kubernetes.io/name: nginx-gateway
                app.kubernetes.io/version: edge
              name: nginx-gateway-proxy-config
              namespace: nginx-gateway
            spec:
              kubernetes:
                deployment:
                  container:
                    image:
                      pullPolicy: Always
                      repository: ghcr.io/nginx/nginx-gateway-fabric/nginx
                      tag: edge
                  replicas: 1
                service:
                  externalTrafficPolicy: Local
                  type: LoadBalancer
              logging:
                errorLevel: debug
              workerConnections: 4096
              disableHTTP2: true
              telemetry:
                exporter: {endpoint: "otel-collector.tracing.svc:4317"}
            """)
        #expect(deployed.metadata.namespace == "nginx-gateway")
        #expect(deployed.spec.kubernetes?["deployment"]?["replicas"]?.intValue == 1)
        #expect(deployed.spec.logging?.errorLevel == "debug")
        #expect(deployed.spec.workerConnections == 4096 && deployed.spec.disableHTTP2 == true)
        #expect(deployed.spec.telemetry?["exporter"]?["endpoint"]?.stringValue == "otel-collector.tracing.svc:4317")
    }

    // MARK: What the CRDs refuse

    /// A policy `kind` in `p.yaml` with `spec` (YAML indented two spaces): the spec's first line is line 5.
    func policy(_ kind: String, _ spec: String, version: String = "v1alpha1") -> String {
        """
        apiVersion: gateway.nginx.org/\(version)
        kind: \(kind)
        metadata: {name: p}
        spec:
        \(spec)
        """
    }

    @Test("a rate that is not N r/s or N r/m is refused at the rule's rate")
    func badRate() {
        let errors = decodeErrors(
            policy(
                "RateLimitPolicy",
                """
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gateway}]
                  rateLimit:
                    local:
                      rules:
                      - key: $binary_remote_addr
                        rate: 10r/x
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:10:15: spec.rateLimit.local.rules[0].rate: Invalid value: "10r/x": spec.rateLimit.local.rules[0].rate in body should match '^\d+r/[sm]$'"#
            ])
        for good in ["10r/s", "500r/m", "1r/s"] {
            #expect(
                decodeErrors(
                    policy(
                        "RateLimitPolicy",
                        "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]\n  rateLimit: {local: {rules: [{key: k, rate: \(good)}]}}"
                    )
                ).isEmpty, "\(good)")
        }
    }

    @Test("a zoneSize that is not a size is refused at the field")
    func badZoneSize() {
        let errors = decodeErrors(
            policy(
                "UpstreamSettingsPolicy",
                """
                  targetRefs: [{group: core, kind: Service, name: coffee}]
                  zoneSize: 10x
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:6:13: spec.zoneSize: Invalid value: "10x": spec.zoneSize in body should match '^\d{1,4}(k|m|g)?$'"#
            ])
        // A rate limit rule's zoneSize too (five digits are too many).
        let rule = decodeErrors(
            policy(
                "RateLimitPolicy",
                "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]\n  rateLimit: {local: {rules: [{key: k, rate: 1r/s, zoneSize: 10000k}]}}"
            ), file: "p.yaml")
        #expect(
            rule.count == 1 && rule[0].contains("spec.rateLimit.local.rules[0].zoneSize: Invalid value: \"10000k\""))
    }

    @Test("a body maxSize with an unknown unit is refused at spec.body.maxSize")
    func badMaxSize() {
        let errors = decodeErrors(
            policy(
                "ClientSettingsPolicy",
                """
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  body:
                    maxSize: 5z
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:7:14: spec.body.maxSize: Invalid value: "5z": spec.body.maxSize in body should match '^\d{1,4}(k|m|g)?$'"#
            ])
        // Sizes without a unit are bytes; k, m and g are the units.
        for good in ["0", "50", "1024", "8k", "20m", "1g"] {
            #expect(
                decodeErrors(
                    policy(
                        "ClientSettingsPolicy",
                        "  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: g}\n  body: {maxSize: \"\(good)\"}"
                    )
                ).isEmpty, "\(good)")
        }
    }

    @Test("a duration in days is refused (ms, s, m and h only)")
    func badDuration() {
        let errors = decodeErrors(
            policy(
                "ClientSettingsPolicy",
                """
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  body:
                    timeout: 1d
                  keepAlive:
                    time: 1d
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:7:14: spec.body.timeout: Invalid value: "1d": spec.body.timeout in body should match '^[0-9]{1,4}(ms|s|m|h)?$'"#,
                #"p.yaml:9:11: spec.keepAlive.time: Invalid value: "1d": spec.keepAlive.time in body should match '^[0-9]{1,4}(ms|s|m|h)?$'"#,
            ])
        // A ProxySettingsPolicy's timeouts too.
        let proxy = decodeErrors(
            policy(
                "ProxySettingsPolicy",
                "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]\n  timeout: {read: 1d}"),
            file: "p.yaml")
        #expect(
            proxy.count == 1 && proxy[0].hasPrefix(#"p.yaml:6:19: spec.timeout.read: Invalid value: "1d""#), "\(proxy)")
        for good in ["5ms", "10s", "500m", "1000h", "30"] {
            #expect(
                decodeErrors(
                    policy(
                        "ClientSettingsPolicy",
                        "  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: g}\n  body: {timeout: \"\(good)\"}"
                    )
                ).isEmpty, "\(good)")
        }
    }

    @Test("a snippet context other than main, http, http.server, http.server.location is refused with the four")
    func badSnippetContext() {
        let errors = decodeErrors(
            policy(
                "SnippetsFilter",
                """
                  snippets:
                  - context: server
                    value: limit_conn addr 1;
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:6:14: spec.snippets[0].context: Unsupported value: "server": supported values: "main", "http", "http.server", "http.server.location""#
            ])
        // A SnippetsPolicy's snippets have the same contexts.
        let onPolicy = decodeErrors(
            policy(
                "SnippetsPolicy",
                "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]\n  snippets: [{context: location, value: x;}]"
            ))
        #expect(
            onPolicy.count == 1 && onPolicy[0].contains(#"spec.snippets[0].context: Unsupported value: "location""#))
    }

    @Test("two snippets for one context are refused at the list (CEL: Only one snippet allowed per context)")
    func duplicateSnippetContext() {
        let yaml = policy(
            "SnippetsFilter",
            """
              snippets:
              - context: http
                value: limit_conn_zone $binary_remote_addr zone=addr:10m;
              - context: http
                value: limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;
            """)
        let errors = decodeErrors(yaml, file: "p.yaml")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("p.yaml:6:3: spec.snippets: Invalid value: ") == true, "\(errors)")
        #expect(errors.first?.hasSuffix(": Only one snippet allowed per context") == true, "\(errors)")
        // The API server names a list rule's value by its schema type, "array" (a rule on an object says "object").
        #expect(
            errors == [
                #"p.yaml:6:3: spec.snippets: Invalid value: "array": Only one snippet allowed per context"#
            ])
    }

    @Test("a ClientSettingsPolicy targeting a Service is refused with the CEL rule's message, at spec.targetRef")
    func clientSettingsServiceTarget() {
        let errors = decodeErrors(
            policy(
                "ClientSettingsPolicy",
                """
                  targetRef:
                    group: gateway.networking.k8s.io
                    kind: Service
                    name: coffee
                  body: {maxSize: 10m}
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:6:5: spec.targetRef: Invalid value: "object": TargetRef Kind must be one of: Gateway, HTTPRoute, or GRPCRoute"#
            ])
        // The group rule's message ends with a period on ClientSettingsPolicy (only there).
        let group = decodeErrors(
            policy("ClientSettingsPolicy", "  targetRef: {group: core, kind: Gateway, name: g}"), file: "p.yaml")
        #expect(
            group == [
                #"p.yaml:5:14: spec.targetRef: Invalid value: "object": TargetRef Group must be gateway.networking.k8s.io."#
            ])
        // NGF's CEL tests: TCPRoute is refused too; Gateway, HTTPRoute and GRPCRoute are taken.
        let tcp = decodeErrors(
            policy("ClientSettingsPolicy", "  targetRef: {group: gateway.networking.k8s.io, kind: TCPRoute, name: g}"))
        #expect(tcp.count == 1 && tcp[0].hasSuffix("TargetRef Kind must be one of: Gateway, HTTPRoute, or GRPCRoute"))
        for kind in ["Gateway", "HTTPRoute", "GRPCRoute"] {
            #expect(
                decodeErrors(
                    policy(
                        "ClientSettingsPolicy",
                        "  targetRef: {group: gateway.networking.k8s.io, kind: \(kind), name: g}")
                ).isEmpty, "\(kind)")
        }
    }

    @Test("a keepAlive timeout header without server is refused (CEL)")
    func headerWithoutServer() {
        let errors = decodeErrors(
            policy(
                "ClientSettingsPolicy",
                """
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: g}
                  keepAlive:
                    timeout:
                      header: 60s
                """), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:8:7: spec.keepAlive.timeout: Invalid value: "object": header can only be specified if server is specified"#
            ])
    }

    @Test("mixing a Gateway with an HTTPRoute or GRPCRoute in targetRefs is refused (ProxySettings, RateLimit)")
    func mixedTargets() {
        for kind in ["ProxySettingsPolicy", "RateLimitPolicy"] {
            let errors = decodeErrors(
                policy(
                    kind,
                    """
                      targetRefs:
                      - {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                      - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: coffee}
                    """), file: "p.yaml")
            #expect(errors.count == 1, "\(kind): \(errors)")
            #expect(
                errors.first?.hasPrefix("p.yaml:6:3: spec.targetRefs: Invalid value: ") == true, "\(kind): \(errors)")
            #expect(
                errors.first?.hasSuffix(": Cannot mix Gateway kind with HTTPRoute or GRPCRoute kinds in targetRefs")
                    == true, "\(kind): \(errors)")
            #expect(
                errors == [
                    #"p.yaml:6:3: spec.targetRefs: Invalid value: "array": Cannot mix Gateway kind with HTTPRoute or GRPCRoute kinds in targetRefs"#
                ], "\(kind)")
        }
        // Routes of both kinds together are fine (NGF's route-rate-limit example), and so are two Gateways.
        for targets in [
            "[{group: gateway.networking.k8s.io, kind: HTTPRoute, name: a}, {group: gateway.networking.k8s.io, kind: GRPCRoute, name: b}]",
            "[{group: gateway.networking.k8s.io, kind: Gateway, name: a}, {group: gateway.networking.k8s.io, kind: Gateway, name: b}]",
        ] {
            #expect(decodeErrors(policy("ProxySettingsPolicy", "  targetRefs: \(targets)")).isEmpty, "\(targets)")
        }
        // The same kind and name twice is refused.
        let twice = decodeErrors(
            policy(
                "RateLimitPolicy",
                "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: a}, {group: gateway.networking.k8s.io, kind: Gateway, name: a}]"
            ))
        #expect(
            twice.count == 1 && twice[0].hasSuffix(": TargetRef Kind and Name combination must be unique"), "\(twice)")
    }

    @Test("hash and hash consistent need a hashMethodKey (CEL on spec)")
    func hashWithoutKey() {
        for method in ["hash", "hash consistent"] {
            let errors = decodeErrors(
                policy(
                    "UpstreamSettingsPolicy",
                    """
                      targetRefs: [{group: core, kind: Service, name: coffee}]
                      loadBalancingMethod: \(method)
                    """), file: "p.yaml")
            #expect(
                errors == [
                    #"p.yaml:5:3: spec: Invalid value: "object": hashMethodKey is required when loadBalancingMethod is 'hash' or 'hash consistent'"#
                ], "\(method)")
        }
        #expect(
            decodeErrors(
                policy(
                    "UpstreamSettingsPolicy",
                    "  targetRefs: [{group: core, kind: Service, name: c}]\n  loadBalancingMethod: hash\n  hashMethodKey: $remote_addr"
                )
            ).isEmpty)
        // An unknown method is refused with the CRD's enum.
        let unknown = decodeErrors(
            policy(
                "UpstreamSettingsPolicy",
                "  targetRefs: [{group: core, kind: Service, name: c}]\n  loadBalancingMethod: least_bytes"),
            file: "p.yaml")
        #expect(
            unknown.count == 1
                && unknown[0].hasPrefix(
                    #"p.yaml:6:24: spec.loadBalancingMethod: Unsupported value: "least_bytes": supported values: "round_robin", "least_conn""#
                ), "\(unknown)")
        // A Service target kind other than Service, and a group other than core, are refused with the CRD's words.
        let kind = decodeErrors(
            policy(
                "UpstreamSettingsPolicy", "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]"))
        #expect(kind.contains { $0.hasSuffix(": TargetRefs Kind must be: Service") }, "\(kind)")
        #expect(kind.contains { $0.hasSuffix(": TargetRefs Group must be core") }, "\(kind)")
    }

    @Test("an AuthenticationFilter of type Basic without basic is refused (CEL on spec)")
    func basicWithoutBasic() {
        let errors = decodeErrors(
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: AuthenticationFilter
            metadata: {name: auth}
            spec:
              type: Basic
            """, file: "p.yaml")
        #expect(errors == [#"p.yaml:5:3: spec: Invalid value: "object": type Basic requires spec.basic to be set"#])
        // Basic with jwt set as well: both rules of NGF's CRD.
        let both = decodeErrors(
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: AuthenticationFilter
            metadata: {name: auth}
            spec:
              type: JWT
              basic: {secretRef: {name: s}, realm: r}
            """, file: "p.yaml")
        #expect(
            Set(both) == [
                #"p.yaml:5:3: spec: Invalid value: "object": type JWT requires spec.jwt to be set"#,
                #"p.yaml:5:3: spec: Invalid value: "object": type JWT must not set spec.basic"#,
            ], "\(both)")
        // An unknown type is refused with the enum.
        let type = decodeErrors(
            """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: AuthenticationFilter
            metadata: {name: auth}
            spec: {type: Digest}
            """, file: "p.yaml")
        #expect(
            type == [#"p.yaml:4:14: spec.type: Unsupported value: "Digest": supported values: "Basic", "OIDC", "JWT""#])
    }

    @Test("fields NGF's CRDs do not have are unknown fields, named with their position (strict decoding)")
    func unknownFields() {
        let misspelt = decodeErrors(
            policy(
                "ClientSettingsPolicy",
                """
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gateway}
                  body:
                    maxBodySize: 10m
                """), file: "p.yaml")
        #expect(
            misspelt.count == 1 && misspelt[0].hasPrefix("p.yaml:7:5: spec.body.maxBodySize: unknown field"),
            "\(misspelt)")
        // `targetRefs` (a list) on the kind that has a single `targetRef` is refused there.
        let plural = decodeErrors(
            policy(
                "ClientSettingsPolicy",
                "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gateway}]"),
            file: "p.yaml")
        #expect(!plural.isEmpty && plural.allSatisfy { $0.hasPrefix("p.yaml:5:3: spec.targetRef") }, "\(plural)")
        // NginxProxy has no disableSnippets (snippets are the controller's --snippets flag).
        let proxy = decodeErrors(
            policy("NginxProxy", "  disableSnippets: true", version: "v1alpha2"), file: "p.yaml")
        #expect(
            proxy.count == 1 && proxy[0].hasPrefix("p.yaml:5:3: spec.disableSnippets: unknown field"), "\(proxy)")
        // A SnippetsFilter snippet with a field of its own.
        let snippet = decodeErrors(
            policy("SnippetsFilter", "  snippets: [{context: http, value: x;, priority: 1}]"), file: "p.yaml")
        #expect(snippet.count == 1 && snippet[0].contains("spec.snippets[0].priority: unknown field"), "\(snippet)")
    }

    @Test("NginxProxy enums and bounds: errorLevel, ipFamily, workerConnections")
    func nginxProxyBounds() {
        let errors = decodeErrors(
            policy(
                "NginxProxy",
                """
                  ipFamily: ipv5
                  logging: {errorLevel: verbose}
                  workerConnections: 0
                """, version: "v1alpha2"), file: "p.yaml")
        #expect(
            errors == [
                #"p.yaml:5:13: spec.ipFamily: Unsupported value: "ipv5": supported values: "dual", "ipv4", "ipv6""#,
                #"p.yaml:6:25: spec.logging.errorLevel: Unsupported value: "verbose": supported values: "debug", "info", "notice", "warn", "error", "crit", "alert", "emerg""#,
                #"p.yaml:7:22: spec.workerConnections: Invalid value: "0": spec.workerConnections in body should be greater than or equal to 1"#,
            ])
    }

    @Test("every NGF kind is registered under gateway.nginx.org with the versions NGF serves")
    func registry() {
        let versions = Dictionary(
            uniqueKeysWithValues: ResourceRegistry.ngfKinds.map { ($0.kind, $0.versions) })
        #expect(versions["ClientSettingsPolicy"] == ["v1alpha1"])
        #expect(versions["ProxySettingsPolicy"] == ["v1alpha1"])
        #expect(versions["UpstreamSettingsPolicy"] == ["v1alpha1"])
        #expect(versions["RateLimitPolicy"] == ["v1alpha1"])
        #expect(versions["ObservabilityPolicy"]?.first == "v1alpha2")
        #expect(versions["SnippetsPolicy"] == ["v1alpha1"])
        #expect(versions["SnippetsFilter"] == ["v1alpha1"])
        #expect(versions["AuthenticationFilter"] == ["v1alpha1"])
        #expect(versions["NginxProxy"] == ["v1alpha2"])
        #expect(ResourceRegistry.ngfKinds.allSatisfy { $0.group == "gateway.nginx.org" })
        // A version NGF does not serve is refused.
        let old = decodeErrors(
            "apiVersion: gateway.nginx.org/v1alpha1\nkind: NginxProxy\nmetadata: {name: p}\nspec: {}")
        #expect(old.count == 1, "\(old)")
    }
}
