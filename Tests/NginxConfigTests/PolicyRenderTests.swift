import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import NginxConfig

/// NGF's policies and filters rendered as NGF's generators write them, at NGF's levels, each block after a comment
/// naming its object; and the real `nginx -t` accepts every config.
@Suite("Rendering NGF's policies and filters")
struct PolicyRenderTests {
    /// `baseObjects`' Gateway `gw` and Service `svc`, an HTTPRoute `r` with a rule per `rules` entry, and `extra`.
    static func objects(rules: String, extra: String) -> String {
        routeObjects(rules) + "\n---\n" + extra
    }

    static let everything = objects(
        rules: """
              - matches: [{path: {type: PathPrefix, value: /auth}}]
                filters:
                - {type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: AuthenticationFilter, name: basic}}
                - {type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: SnippetsFilter, name: get-only}}
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /cors}}]
                filters:
                - type: CORS
                  cors: {allowOrigins: ["https://www.foo.com", "https://*.bar.com"], allowMethods: [GET, POST], allowCredentials: true, maxAge: 10}
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /ext}}]
                filters:
                - type: ExternalAuth
                  externalAuth: {protocol: HTTP, backendRef: {name: svc, port: 80}, http: {path: /check, allowedHeaders: [X-Api-Key], allowedResponseHeaders: [X-User-Id]}}
                backendRefs: [{name: svc, port: 80}]
            """,
        extra: """
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ClientSettingsPolicy
            metadata: {name: gw-csp}
            spec:
              targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
              body: {maxSize: "50", timeout: 30s}
              keepAlive: {requests: 100, timeout: {server: 60s, header: 50s}}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ClientSettingsPolicy
            metadata: {name: route-csp}
            spec:
              targetRef: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}
              body: {maxSize: 75k}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: ProxySettingsPolicy
            metadata: {name: gw-psp}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
              buffering: {bufferSize: 4k, buffers: {number: 8, size: 4k}, busyBuffersSize: 16k}
              timeout: {connect: 5s, read: 60s, send: 30s}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: RateLimitPolicy
            metadata: {name: route-rl}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
              rateLimit:
                rejectCode: 429
                logLevel: warn
                local: {rules: [{key: $binary_remote_addr, rate: 1r/s, burst: 3, zoneSize: 1m}]}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: UpstreamSettingsPolicy
            metadata: {name: usp}
            spec:
              targetRefs: [{group: core, kind: Service, name: svc}]
              zoneSize: 1m
              loadBalancingMethod: "hash consistent"
              hashMethodKey: $request_uri
              keepAlive: {connections: 32, requests: 1000, time: 1h, timeout: 60s}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: SnippetsPolicy
            metadata: {name: sp}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
              snippets:
              - {context: http, value: "limit_conn_zone $binary_remote_addr zone=addr:10m;"}
              - {context: http.server.location, value: "limit_conn addr 1;"}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: SnippetsFilter
            metadata: {name: get-only}
            spec:
              snippets: [{context: http.server.location, value: "limit_except GET {\\n  deny all;\\n}\\n"}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: basic}
            type: Opaque
            data: {auth: dXNlcjE6JGFwcjEkWEFKeU5yekgkY0Rjdy9YMVBCZTFmTjltQVBweXpxMA==}
            ---
            apiVersion: gateway.nginx.org/v1alpha1
            kind: AuthenticationFilter
            metadata: {name: basic}
            spec:
              type: Basic
              basic: {secretRef: {name: basic}, realm: "Restricted \\"cafe\\" $area"}
            """)

    @Test("every kind at its level: http, server, location, upstream; nginx -t accepts the config")
    func everyKind() throws {
        let (config, nginxT) = try renderAndTest(Self.everything, snippets: true)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let main = try #require(config.file("nginx.conf")).content
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let upstreams = try #require(config.file("conf.d/upstreams.conf")).content
        // http: the Gateway's proxy settings, rate limit zones, http snippets, CORS origin maps.
        for line in [
            "# ProxySettingsPolicy default/gw-psp", "proxy_buffer_size 4k;", "proxy_buffers 8 4k;",
            "proxy_busy_buffers_size 16k;", "proxy_connect_timeout 5s;", "proxy_read_timeout 60s;",
            "proxy_send_timeout 30s;", "# RateLimitPolicy default/route-rl",
            "limit_req_zone $binary_remote_addr zone=default_rl_route-rl_rule0:1m rate=1r/s;",
            "# SnippetsPolicy default/sp", "limit_conn_zone $binary_remote_addr zone=addr:10m;",
            #"    "~^https://www\\.foo\\.com$" $http_origin;"#, #"    "~^https://.*\\.bar\\.com$" true;"#,
        ] {
            #expect(main.contains(line), "\(line) in nginx.conf:\n\(main)")
        }
        // server: the Gateway's client settings, before the first location.
        let serverBlock = try #require(
            servers.range(
                of:
                    "# ClientSettingsPolicy default/gw-csp\n    client_max_body_size 50;\n    client_body_timeout 30s;\n    keepalive_requests 100;\n    keepalive_timeout 60s 50s;"
            ))
        let firstLocation = try #require(servers.range(of: "    location "))
        #expect(serverBlock.lowerBound < firstLocation.lowerBound)
        // locations: the route's settings (over the Gateway's), the Gateway's location snippet, the filters.
        for line in [
            "        # ClientSettingsPolicy default/route-csp\n        client_max_body_size 75k;",
            "        limit_req zone=default_rl_route-rl_rule0 burst=3;\n        limit_req_log_level warn;\n        limit_req_status 429;",
            "        # SnippetsPolicy default/sp\n        limit_conn addr 1;",
            "        # SnippetsFilter default/get-only\n        limit_except GET {\n            deny all;\n        }",
            "        # AuthenticationFilter default/basic\n        auth_basic \"Restricted \\\"cafe\\\" ${gw_dollar}area\";",
            "        if ($request_method = OPTIONS) {\n            return 200;\n        }",
            "        add_header Access-Control-Allow-Methods \"GET, POST\" always;",
            "        add_header Access-Control-Max-Age 10 always;",
            "        auth_request \"/_gw_ext_auth#default_r_rule2\";",
            "        proxy_pass_request_body off;",
            "        auth_request_set $gw_ext_auth_x_user_id $upstream_http_x_user_id;",
            "    location = \"/_gw_ext_auth#default_r_rule2\" {\n        internal;",
            "        proxy_set_header \"X-Api-Key\" $http_x_api_key;",
            "        proxy_pass \"http://default_svc_80/check\";",
        ] {
            #expect(servers.contains(line), "\(line) in servers.conf:\n\(servers)")
        }
        // upstream: the Service's settings before its servers.
        #expect(
            upstreams.contains(
                "    # UpstreamSettingsPolicy default/usp\n    hash $request_uri consistent;\n    zone default_svc_80 1m;\n    keepalive 32;\n    keepalive_requests 1000;\n    keepalive_time 1h;\n    keepalive_timeout 60s;\n    server 127.0.0.9:8080;"
            ), "\(upstreams)")
        // The htpasswd file: a secret file (0600), never shown by render's dump.
        let htpasswd = try #require(config.files.first { $0.path == "secrets/basic_auth_default_basic" })
        #expect(htpasswd.secret && htpasswd.content == "user1:$apr1$XAJyNrzH$cDcw/X1PBe1fN9mAPpyzq0\n")
    }

    @Test(
        "ExternalAuth's forwardBody.maxSize with a ClientSettingsPolicy body.maxSize on the route: the rule answers 500, as NGF"
    )
    func externalAuthBodyConflict() throws {
        let yaml = Self.everything.replacingOccurrences(
            of: "allowedResponseHeaders: [X-User-Id]}}",
            with: "allowedResponseHeaders: [X-User-Id]}, forwardBody: {maxSize: 1024}}")
        let (config, nginxT) = try renderAndTest(yaml, snippets: true)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(
            servers.contains(
                "# a filter did not resolve: ExternalAuth forwardBody.maxSize conflicts with ClientSettingsPolicy default/route-csp body.maxSize"
            ), "\(servers)")
    }

    @Test("snippets off (NGF's default): no SnippetsPolicy, and a rule naming a SnippetsFilter answers 500")
    func snippetsOff() throws {
        let (config, nginxT) = try renderAndTest(Self.everything, snippets: false)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let main = try #require(config.file("nginx.conf")).content
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(
            !main.contains("SnippetsPolicy") && !servers.contains("SnippetsPolicy") && !servers.contains("limit_except")
        )
        #expect(
            servers.contains("# a filter did not resolve: Spec.rules[0].filters[1].extensionRef: Not found:"),
            "\(servers)")
    }

    @Test("invalid and conflicted policies render nothing; the older of two conflicting policies wins")
    func invalidAndConflicted() throws {
        let yaml = Self.objects(
            rules: "  - backendRefs: [{name: svc, port: 80}]",
            extra: """
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: older}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
                  body: {maxSize: "10"}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ClientSettingsPolicy
                metadata: {name: newer}
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
                  body: {maxSize: "20"}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: ProxySettingsPolicy
                metadata: {name: busy}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
                  buffering: {bufferSize: 16k, busyBuffersSize: 8k}
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: SnippetsPolicy
                metadata: {name: escape}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
                  snippets: [{context: http.server, value: "} server { listen 9999; "}]
                ---
                apiVersion: gateway.nginx.org/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: quoted-key}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
                  rateLimit: {local: {rules: [{key: 'x"y', rate: 1r/s}]}}
                """)
        let (config, nginxT) = try renderAndTest(yaml, snippets: true)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let main = try #require(config.file("nginx.conf")).content
        #expect(servers.contains("# ClientSettingsPolicy default/older\n    client_max_body_size 10;"))
        #expect(!servers.contains("default/newer") && !servers.contains("client_max_body_size 20;"))
        #expect(!main.contains("ProxySettingsPolicy"), "busyBuffersSize under bufferSize is invalid")
        #expect(!servers.contains("9999") && !main.contains("9999"), "a snippet that closes its block is refused")
        #expect(!main.contains("quoted-key"), "a rate limit key with a quote is refused, not written")
    }
}
