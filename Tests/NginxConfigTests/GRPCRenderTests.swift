import Foundation
import GatewayAPI
import GatewayCore
import Probing
import Testing

@testable import NginxConfig

/// NGF's gRPC example backend as a Service with one ready endpoint, on port 8080 to 50051.
func grpcBackend(_ name: String, address: String, port: Int = 8080) -> String {
    """
    apiVersion: v1
    kind: Service
    metadata: {name: \(name)}
    spec:
      selector: {app: \(name)}
      ports: [{protocol: TCP, port: \(port), targetPort: 50051}]
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata:
      name: \(name)-1
      labels: {kubernetes.io/service-name: \(name)}
    addressType: IPv4
    ports: [{port: 50051}]
    endpoints: [{addresses: [\(address)], conditions: {ready: true}}]
    ---

    """
}

/// A GRPCRoute on Gateway `gateway` with `rules` (the YAML under `rules:`, indented two spaces).
func grpcRouteObject(_ name: String, section: String? = nil, hostnames: String? = nil, rules: String) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: GRPCRoute
    metadata: {name: \(name)}
    spec:
      parentRefs: [{name: gateway\(section.map { ", sectionName: \($0)" } ?? "")}]
    \(hostnames.map { "  hostnames: \($0)\n" } ?? "")  rules:
    \(rules)
    ---

    """
}

/// NGF's exact-method GRPCRoute (examples/grpc-routing/exact-method.yaml).
let exactMethodRule = """
      - matches:
        - method: {service: helloworld.Greeter, method: SayHello}
        backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
    """

@Suite("Rendering GRPCRoutes")
struct GRPCRenderTests {
    /// The `location … {` block that starts with `opening`, up to its closing brace.
    func block(_ text: String, _ opening: String) -> String? {
        guard let start = text.range(of: opening) else { return nil }
        guard let end = text.range(of: "\n    }\n", range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.lowerBound..<end.upperBound])
    }

    /// The `server { … }` block whose comment line contains `comment`.
    func server(_ text: String, _ comment: String) -> String? {
        text.components(separatedBy: "server {\n").first { $0.contains(comment) }
    }

    /// `renderAndTest`, and the directory it wrote the files in (where the sockets would be), for the caller to
    /// remove.
    func render(_ yaml: String) throws -> (config: RenderedConfig, nginxT: String?, dir: String) {
        let (config, nginxT) = try renderAndTest(yaml)
        let main = try #require(config.file("nginx.conf")).content
        let pid = try #require(main.split(separator: "\n").first { $0.hasPrefix("pid ") })
        let dir = String(pid.dropFirst(5).dropLast(2)).replacingOccurrences(of: "/run/nginx.pid", with: "")
        return (config, nginxT, dir)
    }

    @Test(
        "NGF's exact method on a plain listener: grpc_pass to the upstream, gRPC error pages, h2c and HTTP/1.1 split by njs; nginx -t passes"
    )
    func plainListener() throws {
        let yaml =
            streamGateway("  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}")
            + grpcBackend("grpc-infra-backend-v1", address: "127.0.100.2")
            + grpcRouteObject("exact-matching", rules: exactMethodRule)
        let (config, nginxT, dir) = try render(yaml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content

        // The method's location: an exact path, the gRPC module, nginx's own errors as gRPC statuses.
        let location = try #require(block(servers, "location = \"/helloworld.Greeter/SayHello\" {"), "\(servers)")
        #expect(location.contains("# GRPCRoute default/exact-matching rule 0 match 0\n"))
        #expect(location.contains("set $gw_route \"GRPCRoute default/exact-matching\";"))
        #expect(location.contains("set $gw_backend \"Service default/grpc-infra-backend-v1:8080\";"))
        #expect(location.contains("\n        grpc_pass grpc://default_grpc-infra-backend-v1_8080;\n"), "\(location)")
        #expect(location.contains("grpc_set_header Host $gw_host;"))
        // The gRPC module throughout: no proxy_* directive (the $proxy_add_x_forwarded_for variable aside).
        #expect(!location.contains("\n        proxy_"), "\(location)")
        // NGF's grpc-error-pages.conf.
        for line in [
            "error_page 400 405 415 426 497 500 501 = @grpc_internal;",
            "error_page 401 495 496 = @grpc_unauthenticated;", "error_page 403 = @grpc_permission_denied;",
            "error_page 404 = @grpc_unimplemented;", "error_page 429 502 503 504 = @grpc_unavailable;",
            "error_page 408 = @grpc_deadline_exceeded;", "error_page 413 414 = @grpc_resource_exhausted;",
        ] {
            #expect(location.contains("\n        \(line)\n"), "\(line)")
        }
        let upstreams = try #require(config.file("conf.d/upstreams.conf")).content
        #expect(
            upstreams.contains(
                "upstream default_grpc-infra-backend-v1_8080 {\n    # Service default/grpc-infra-backend-v1:8080\n    server 127.0.100.2:50051;\n}"
            ), "\(upstreams)")

        // NGF's grpc-error-locations.conf, in the server of the gRPC location.
        let serverBlock = try #require(server(servers, "HTTP port 30080, default server"))
        for (name, code, message) in [
            ("internal", 13, "internal error"), ("unauthenticated", 16, "unauthenticated"),
            ("permission_denied", 7, "permission denied"), ("unimplemented", 12, "unimplemented"),
            ("unavailable", 14, "unavailable"), ("deadline_exceeded", 4, "deadline exceeded"),
            ("resource_exhausted", 8, "resource exhausted"),
        ] {
            #expect(
                serverBlock.contains(
                    """
                        location @grpc_\(name) {
                            default_type application/grpc;
                            add_header content-type application/grpc;
                            add_header grpc-status \(code);
                            add_header grpc-message "\(message)";
                            return 204;
                        }
                    """), "@grpc_\(name)")
        }

        // The port's HTTP server listens on two unix sockets, HTTP/1.1 and HTTP/2, behind the PROXY protocol; it
        // no longer listens on the port itself.
        #expect(
            serverBlock.contains(
                """
                    listen "unix:\(dir)/run/http1-30080.sock" proxy_protocol default_server;
                    listen "unix:\(dir)/run/http2-30080.sock" http2 proxy_protocol default_server;
                    set_real_ip_from unix:;
                    real_ip_header proxy_protocol;
                    set $gw_socket_port "30080";
                """), "\(serverBlock)")
        #expect(!servers.contains("listen 127.0.0.1:30080"))

        // The port itself: a stream server reads the first bytes with njs and picks the socket.
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(
            stream.contains("js_import gw_protocol from \"\(dir)/gen/conf.d/protocol.js\";\njs_var $gw_protocol http1;")
        )
        #expect(
            stream.contains(
                """
                map $gw_protocol $gw_split_30080 {
                    http2 "unix:\(dir)/run/http2-30080.sock";
                    default "unix:\(dir)/run/http1-30080.sock";
                }
                """), "\(stream)")
        #expect(
            stream.contains(
                """
                    listen 127.0.0.1:30080;
                    set $gw_port "30080";
                    set $gw_listener "http";
                    access_log off;
                    set $gw_route "";
                    js_preread gw_protocol.detect;
                    proxy_protocol on;
                    proxy_pass $gw_split_30080;
                """), "\(stream)")
        let script = try #require(config.file("conf.d/protocol.js"))
        #expect(!script.secret && script.content.contains("data.startsWith('PRI') ? 'http2' : 'http1'"))
        #expect(script.content.contains("export default { detect };"))

        // nginx.conf loads the stream module and njs for it.
        let main = try #require(config.file("nginx.conf")).content
        #expect(
            main.hasPrefix(
                """
                # gwconsole data plane for Gateway default/gateway
                load_module "/usr/lib/nginx/modules/ngx_stream_module.so";
                load_module "/usr/lib/nginx/modules/ngx_stream_js_module.so";

                """), "\(main)")
        // The request log keeps each call's grpc-status, from the headers or the trailers.
        #expect(main.contains(#"\"grpcStatus\":\"$sent_http_grpc_status$sent_trailer_grpc_status\""#), "\(main)")
        // The listener is bound on its port as before: the port variables do not change.
        #expect(
            config.bindings == [
                ListenerBinding(listener: "http", protocol: "HTTP", address: "127.0.0.1", port: 30080, index: 0)
            ])
    }

    @Test("a port without GRPCRoutes is not split; an HTTPRoute on a split port is served on both sockets")
    func onlyGRPCPortsSplit() throws {
        let yaml =
            streamGateway(
                """
                  - {name: web, port: 80, protocol: HTTP}
                  - {name: grpc, port: 8080, protocol: HTTP}
                """)
            + grpcBackend("greeter", address: "127.0.100.2")
            + grpcRouteObject(
                "greeter", section: "grpc",
                rules: exactMethodRule.replacingOccurrences(of: "grpc-infra-backend-v1", with: "greeter"))
                + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: web}
                spec:
                  parentRefs: [{name: gateway}]
                  rules:
                  - matches: [{path: {value: /web}}]
                    backendRefs: [{name: greeter, port: 8080}]
                ---

                """
        let (config, nginxT, dir) = try render(yaml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let web = try #require(server(servers, "HTTP port 30080, default server"))
        #expect(web.contains("    listen 127.0.0.1:30080 default_server;\n"), "\(web)")
        #expect(
            !web.contains("http2") && !web.contains("@grpc_") && web.contains("proxy_pass http://default_greeter_8080"))
        let grpc = try #require(server(servers, "HTTP port 38080, default server"))
        #expect(grpc.contains("/run/http1-38080.sock\" proxy_protocol default_server;"), "\(grpc)")
        #expect(grpc.contains("/run/http2-38080.sock\" http2 proxy_protocol default_server;"))
        // The HTTPRoute attached to both listeners: on the split port it is still proxied over HTTP/1.1.
        // `= "/web"` and `"/web/"` share one body: a named location both jump to.
        let jump = try #require(block(grpc, "location = \"/web\" {"), "\(grpc)")
        let name = try #require(
            jump.split(separator: "\n").first { $0.contains("error_page 559 = @") }?.split(separator: " ").last?
                .dropLast())
        let http = try #require(block(grpc, "location \(name) {"), "\(grpc)")
        #expect(http.contains("proxy_pass http://default_greeter_8080") && !http.contains("grpc_"), "\(http)")
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(stream.contains("listen 127.0.0.1:38080;") && !stream.contains("listen 127.0.0.1:30080;"))
    }

    @Test("on an HTTPS listener: listen … ssl http2 (ALPN) on the port itself, no split and no njs; nginx -t passes")
    func httpsListener() throws {
        let yaml =
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: gw-cert}
            type: kubernetes.io/tls
            data: {tls.crt: \(PipelineFuzzTests.certificate.crt), tls.key: \(PipelineFuzzTests.certificate.key)}
            ---

            """
            + streamGateway(
                "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: gw-cert}]}}")
            + grpcBackend("grpc-infra-backend-v1", address: "127.0.100.2")
            + grpcRouteObject("exact-matching", hostnames: "[bar.com]", rules: exactMethodRule)
        let (config, nginxT, dir) = try render(yaml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let bar = try #require(server(servers, "HTTPS port 30443, hostname bar.com"), "\(servers)")
        #expect(bar.contains("    listen 127.0.0.1:30443 ssl http2;\n"), "\(bar)")
        #expect(bar.contains("grpc_pass grpc://default_grpc-infra-backend-v1_8080;"))
        #expect(bar.contains("location @grpc_unimplemented {"))
        #expect(servers.contains("    listen 127.0.0.1:30443 ssl http2 default_server;\n"), "\(servers)")
        #expect(!servers.contains("unix:") && !servers.contains("proxy_protocol"))
        #expect(config.file("conf.d/stream.conf") == nil && config.file("conf.d/protocol.js") == nil)
        #expect(!(config.file("nginx.conf")?.content.contains("load_module") ?? true))
    }

    @Test("a BackendTLSPolicy on a GRPCRoute's backend: grpcs:// with the grpc_ssl_* lines; nginx -t passes")
    func backendTLS() throws {
        let ca = try #require(
            CertificateInspector.issue(commonName: "LocalCA", dnsName: nil, notAfterDays: 30, isCA: true))
        let yaml =
            streamGateway("  - {name: http, port: 80, protocol: HTTP}")
            + grpcBackend("secure-greeter", address: "127.0.100.2", port: 8443)
            + grpcRouteObject(
                "secure",
                rules: exactMethodRule.replacingOccurrences(
                    of: "{name: grpc-infra-backend-v1, port: 8080}", with: "{name: secure-greeter, port: 8443}"))
                + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: greeter-ca}
                data:
                  ca.crt: |
                \(ca.cert.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: greeter-tls}
                spec:
                  targetRefs: [{group: '', kind: Service, name: secure-greeter}]
                  validation:
                    caCertificateRefs: [{group: '', kind: ConfigMap, name: greeter-ca}]
                    hostname: greeter.example.com
                ---

                """
        let (config, nginxT, dir) = try render(yaml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let location = try #require(block(servers, "location = \"/helloworld.Greeter/SayHello\" {"), "\(servers)")
        #expect(
            location.contains(
                """
                        grpc_pass grpcs://default_secure-greeter_8443;
                        grpc_ssl_server_name on;
                        grpc_ssl_name "greeter.example.com";
                        grpc_ssl_verify on;
                        grpc_ssl_verify_depth 4;
                        grpc_ssl_trusted_certificate "\(dir)/gen/secrets/ca_default_greeter-tls.crt";
                """), "\(location)")
        #expect(location.contains("set $gw_backend_tls \"TLS SNI greeter.example.com, verified\";"))
        #expect(!location.contains("\n        proxy_") && !location.contains("grpc://"), "\(location)")
        let bundle = try #require(config.file("secrets/ca_default_greeter-tls.crt"))
        #expect(bundle.secret && bundle.content.contains(ca.cert.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test(
        "header modifiers on a GRPCRoute are grpc_set_header and grpc_hide_header; weights and mirrors call gRPC too; nginx -t passes"
    )
    func filters() throws {
        let yaml =
            streamGateway("  - {name: http, port: 80, protocol: HTTP}")
            + grpcBackend("v1", address: "127.0.100.2") + grpcBackend("v2", address: "127.0.100.3")
            + grpcRouteObject(
                "headers", hostnames: "[bar.com]",
                rules: """
                      - matches: [{method: {service: helloworld.Greeter, method: SayHello}}]
                        filters:
                        - type: RequestHeaderModifier
                          requestHeaderModifier:
                            set: [{name: x-set, value: one}]
                            add: [{name: x-add, value: two}]
                            remove: [x-gone]
                        - type: ResponseHeaderModifier
                          responseHeaderModifier:
                            set: [{name: x-reply, value: three}]
                            remove: [x-secret]
                        backendRefs: [{name: v1, port: 8080}]
                    """)
            + grpcRouteObject(
                "split", hostnames: "[split.com]",
                rules: """
                      - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: v2, port: 8080}}}]
                        backendRefs: [{name: v1, port: 8080, weight: 3}, {name: v2, port: 8080, weight: 1}]
                    """)
        let (config, nginxT, dir) = try render(yaml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        let location = try #require(block(servers, "location = \"/helloworld.Greeter/SayHello\" {"), "\(servers)")
        for line in [
            "grpc_set_header \"x-set\" \"one\";", "grpc_set_header \"x-gone\" \"\";",
            "grpc_hide_header \"x-secret\";", "grpc_hide_header \"x-reply\";",
            "add_header \"x-reply\" \"three\" always;",
            "grpc_set_header X-Forwarded-For \"$proxy_add_x_forwarded_for\";",
        ] {
            #expect(location.contains("\n        \(line)\n"), "\(line)\n\(location)")
        }
        // An added header joins the value the call came with.
        #expect(location.contains("grpc_set_header \"x-add\" $gw_add_"), "\(location)")
        #expect(!location.contains("proxy_set_header") && !location.contains("proxy_hide_header"))

        // Weighted backends: each named location passes gRPC, with the error pages, and mirrors with gRPC.
        let split = try #require(server(servers, "hostname split.com"))
        let backends = split.components(separatedBy: "location @gw_").dropFirst()
        #expect(backends.count == 2, "\(split)")
        for (index, backend) in backends.enumerated() {
            #expect(backend.contains("grpc_pass grpc://default_v\(index + 1)_8080;"), "\(backend)")
            #expect(
                backend.contains("error_page 404 = @grpc_unimplemented;") && backend.contains("mirror \"/_gw_mirror#"))
        }
        let mirror = try #require(block(split, "location = \"/_gw_mirror#"), "\(split)")
        #expect(
            mirror.contains(
                "internal;\n        rewrite ^ $request_uri break;\n        grpc_set_header Host $gw_host;\n        grpc_pass grpc://default_v2_8080;"
            ),
            "\(mirror)")
    }
}
