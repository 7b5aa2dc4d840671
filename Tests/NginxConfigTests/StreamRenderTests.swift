import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import NginxConfig

/// A Service with one ready endpoint, as the local pods' EndpointSlices give it.
func streamBackend(_ name: String, port: Int, target: Int, address: String, protocolName: String = "TCP") -> String {
    """
    apiVersion: v1
    kind: Service
    metadata: {name: \(name)}
    spec:
      selector: {app: \(name)}
      ports: [{name: p, port: \(port), targetPort: \(target), protocol: \(protocolName)}]
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata:
      name: \(name)-1
      labels: {kubernetes.io/service-name: \(name)}
    addressType: IPv4
    ports: [{name: p, port: \(target), protocol: \(protocolName)}]
    endpoints: [{addresses: [\(address)], conditions: {ready: true}}]
    ---

    """
}

func streamGateway(_ listeners: String) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: gateway}
    spec:
      gatewayClassName: nginx
      listeners:
    \(listeners)
    ---

    """
}

func layer4Route(_ kind: String, _ name: String, section: String? = nil, hostnames: String? = nil, backends: String)
    -> String
{
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: \(kind)
    metadata: {name: \(name)}
    spec:
      parentRefs: [{name: gateway\(section.map { ", sectionName: \($0)" } ?? "")}]
    \(hostnames.map { "  hostnames: \($0)\n" } ?? "")  rules:
      - backendRefs: \(backends)
    ---

    """
}

@Suite("Stream render: TCP, UDP and TLS passthrough listeners")
struct StreamRenderTests {
    let tcpGateway = streamGateway(
        """
          - {name: coffee, port: 81, protocol: TCP, allowedRoutes: {kinds: [{kind: TCPRoute}]}}
          - {name: tea, port: 82, protocol: TCP, allowedRoutes: {kinds: [{kind: TCPRoute}]}}
        """)

    @Test("NGF's tcp-routing: a stream server per TCP listener proxies to the route's upstream; nginx -t passes")
    func tcpRouting() throws {
        let yaml =
            tcpGateway + streamBackend("coffee", port: 8081, target: 8080, address: "127.0.100.2")
            + streamBackend("tea", port: 8082, target: 8080, address: "127.0.100.3")
            + layer4Route("TCPRoute", "tcp-coffee", section: "coffee", backends: "[{name: coffee, port: 8081}]")
            + layer4Route("TCPRoute", "tcp-tea", section: "tea", backends: "[{name: tea, port: 8082}]")
        let (config, nginxT) = try renderAndTest(yaml)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let main = try #require(config.file("nginx.conf")).content
        #expect(main.hasPrefix("# gwconsole data plane for Gateway default/gateway\nload_module "))
        #expect(main.contains("stream {") && main.contains("conf.d/stream.conf"))
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(
            stream.contains(
                "upstream default_coffee_8081 {\n    # Service default/coffee:8081\n    server 127.0.100.2:8080;\n}"))
        #expect(
            stream.contains(
                "listen 127.0.0.1:30081;\n    set $gw_port \"30081\";\n    set $gw_listener \"coffee\";\n    # TCPRoute default/tcp-coffee\n"
            ))
        #expect(stream.contains("proxy_pass default_coffee_8081;") && stream.contains("proxy_pass default_tea_8082;"))
        #expect(
            config.bindings.map { "\($0.listener) \($0.protocol) \($0.port)" } == ["coffee TCP 30081", "tea TCP 30082"])
        // No HTTP server listens on a TCP listener's port.
        #expect(!(config.file("conf.d/servers.conf")?.content.contains(":30081") ?? false))
    }

    @Test("an HTTP-only Gateway loads no stream module")
    func httpOnly() throws {
        let (config, nginxT) = try renderAndTest(
            streamGateway("  - {name: http, port: 80, protocol: HTTP}"))
        #expect(nginxT == nil)
        let main = try #require(config.file("nginx.conf")).content
        #expect(!main.contains("load_module") && !main.contains("stream {"))
        #expect(config.file("conf.d/stream.conf") == nil)
    }

    @Test("weighted backends split connections by client address and port; weight 0 takes none")
    func weights() throws {
        let yaml =
            tcpGateway + streamBackend("coffee", port: 8081, target: 8080, address: "127.0.100.2")
            + streamBackend("tea", port: 8082, target: 8080, address: "127.0.100.3")
            + streamBackend("milk", port: 8083, target: 8080, address: "127.0.100.4")
            + layer4Route(
                "TCPRoute", "split", section: "coffee",
                backends:
                    "[{name: coffee, port: 8081, weight: 80}, {name: tea, port: 8082, weight: 20}, {name: milk, port: 8083, weight: 0}]"
            )
        let (config, nginxT) = try renderAndTest(yaml)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(
            stream.contains(
                "split_clients \"${remote_addr}${remote_port}\" $gw_split_tcproute_0 {\n    80.0% default_coffee_8081;\n    * default_tea_8082;\n}"
            ), "\(stream)")
        #expect(stream.contains("proxy_pass $gw_split_tcproute_0;"))
        #expect(!stream.contains("milk"))
    }

    @Test("extreme weights: shares are rounded down, a 0% share is left out, nginx -t passes")
    func extremeWeights() throws {
        let yaml =
            tcpGateway + streamBackend("coffee", port: 8081, target: 8080, address: "127.0.100.2")
            + streamBackend("tea", port: 8082, target: 8080, address: "127.0.100.3")
            + layer4Route(
                "TCPRoute", "split", section: "coffee",
                backends: "[{name: coffee, port: 8081, weight: 1}, {name: tea, port: 8082, weight: 1000000}]")
        let (config, nginxT) = try renderAndTest(yaml)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(!stream.contains("0.0%") && stream.contains("proxy_pass default_tea_8082;"), "\(stream)")
    }

    @Test("a UDP listener listens udp; a TCP listener without a route closes connections")
    func udpAndEmpty() throws {
        let yaml =
            streamGateway(
                """
                  - {name: dns, port: 53, protocol: UDP}
                  - {name: idle, port: 54, protocol: TCP}
                """) + streamBackend("coredns", port: 53, target: 53, address: "127.0.100.5", protocolName: "UDP")
            + layer4Route("UDPRoute", "dns", section: "dns", backends: "[{name: coredns, port: 53}]")
        let (config, nginxT) = try renderAndTest(yaml)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(stream.contains("listen 127.0.0.1:30053 udp;"))
        #expect(stream.contains("proxy_pass default_coredns_53;"))
        #expect(
            stream.contains(
                "listen 127.0.0.1:30054;\n    set $gw_port \"30054\";\n    set $gw_listener \"idle\";\n    # no TCPRoute is attached: connections are closed\n"
            ))
    }

    @Test("two TCPRoutes on one listener: the older is served")
    func oldestServed() throws {
        let yaml =
            tcpGateway + streamBackend("coffee", port: 8081, target: 8080, address: "127.0.100.2")
            + streamBackend("tea", port: 8082, target: 8080, address: "127.0.100.3")
            + layer4Route("TCPRoute", "older", section: "coffee", backends: "[{name: tea, port: 8082}]")
            + layer4Route("TCPRoute", "newer", section: "coffee", backends: "[{name: coffee, port: 8081}]")
        let (config, _) = try renderAndTest(yaml)
        let stream = try #require(config.file("conf.d/stream.conf")).content
        #expect(
            stream.contains(
                "# TCPRoute default/older\n    set $gw_route \"TCPRoute default/older\";\n    proxy_pass default_tea_8082;"
            ))
        #expect(!stream.contains("default/newer"))
    }

    @Test("TLS passthrough beside HTTPS on one port: SNI picks the TLSRoute, other names go to the HTTPS servers")
    func passthroughWithHTTPS() throws {
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
                """
                  - {name: tls, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
                  - {name: https, port: 443, protocol: HTTPS, hostname: www.other.org, tls: {certificateRefs: [{name: gw-cert}]}}
                """) + streamBackend("secure-app", port: 8443, target: 8443, address: "127.0.100.6")
            + layer4Route(
                "TLSRoute", "app", hostnames: "[app.example.com]", backends: "[{name: secure-app, port: 8443}]")
        let (config, nginxT) = try renderAndTest(yaml)
        #expect(nginxT == nil, "\(nginxT ?? "")")
        let stream = try #require(config.file("conf.d/stream.conf")).content
        // First hop: SNI → a second hop per TLSRoute target (which strips the PROXY header), else the HTTPS servers.
        #expect(
            stream.contains(
                "map $ssl_preread_server_name $gw_sni_30443 {\n    hostnames;\n    \"app.example.com\" \"unix:"))
        #expect(stream.contains("/tls-30443-0.sock\"; # TLSRoute default/app\n    default \"unix:"))
        #expect(stream.contains("/https-30443.sock\";\n}"))
        #expect(
            stream.contains(
                "listen 127.0.0.1:30443;\n    proxy_protocol on;\n    set $gw_port \"30443\";\n    set $gw_listener \"tls\";\n    ssl_preread on;"
            ))
        #expect(
            stream.contains(
                "/tls-30443-0.sock\" proxy_protocol;\n    set $gw_port \"30443\";\n    set $gw_listener \"tls\";\n    # TLSRoute default/app\n"
            ))
        #expect(stream.contains("proxy_pass default_secure-app_8443;"))
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(servers.contains("/https-30443.sock\" ssl proxy_protocol"), "\(servers)")
        #expect(servers.contains("real_ip_header proxy_protocol;"))
        #expect(!servers.contains("listen 127.0.0.1:30443"))
    }
}
