import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import NginxConfig

/// What-if's shadow of a data plane: the same routing, with listeners on unix sockets, upstreams on stand-ins, and
/// BackendTLSPolicies verifying against the stand-ins' CA; nothing of it points at the real backends.
@Suite("Shadow data plane")
struct ShadowDataplaneTests {
    static let manifests =
        baseObjects
        + backendTLSObjects(caCertificate: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n")
            + """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r}
            spec:
              parentRefs: [{name: gw}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /a}}]
                backendRefs: [{name: svc, port: 80}]
              - matches: [{path: {type: Exact, value: /b}, method: POST}]
                backendRefs: [{name: svc, port: 80}]
            """

    @Test(
        "listeners on sockets, upstreams on stand-ins, TLS verified with the stand-ins' CA, no stream, same locations")
    func shadow() throws {
        let model = try DataplaneModelTests.model(Self.manifests)
        #expect(ShadowDataplane.tlsUpstreams(model) == ["default_svc_80": ["svc.example.com"]])
        let standIn = ShadowDataplane.StandIn(upstream: "default_svc_80", socket: "/s/u0.sock", tls: true)
        let shadow = ShadowDataplane.shadow(
            model, directory: "/s", standIns: ["default_svc_80": standIn], keepTLS: ["default_svc_80"],
            trustedCA: "/s/ca.pem")
        #expect(shadow.servers.count == model.servers.count)
        #expect(shadow.servers.allSatisfy { $0.listenSocket == "unix:/s/l\($0.port).sock" })
        #expect(shadow.upstreams.map(\.servers) == [["unix:/s/u0.sock"]])
        #expect(shadow.stream.isEmpty)
        #expect(shadow.servers.map { $0.locations.map(\.spec) } == model.servers.map { $0.locations.map(\.spec) })

        let servers = ServerWriter.write(shadow.servers)
        #expect(servers.contains("listen \"unix:/s/l80.sock\" default_server;"))
        #expect(!servers.contains("127.0.0.1:80"), "no listen on the real address")
        #expect(servers.contains("proxy_ssl_trusted_certificate \"/s/ca.pem\";"))
        #expect(servers.contains("proxy_ssl_name \"svc.example.com\";"), "the policy's hostname is kept")
        #expect(!UpstreamWriter.write(shadow.upstreams).contains("127.0.0.9"), "no real endpoint")
        // An upstream both configs send TLS to alike speaks plain HTTP to a plain stand-in in the shadow.
        let plain = ShadowDataplane.shadow(
            model, directory: "/s", standIns: ["default_svc_80": standIn], keepTLS: [], trustedCA: "/s/ca.pem")
        #expect(ShadowDataplane.tlsUpstreams(plain).isEmpty)
        #expect(!ServerWriter.write(plain.servers).contains("proxy_ssl"))

        let standIns = ShadowDataplane.standInServers(
            [
                standIn, .init(upstream: "default_plain_80", socket: "/s/u1.sock", tls: false),
                .init(upstream: "default_other_80", socket: "/s/u0.sock", tls: true),
            ], certificate: "/s/c.pem")
        #expect(
            standIns.contains("listen \"unix:/s/u0.sock\" ssl;") && standIns.contains("listen \"unix:/s/u1.sock\";"))
        #expect(standIns.components(separatedBy: "server {").count == 3, "one server per socket")
        #expect(standIns.components(separatedBy: "ssl_certificate \"/s/c.pem\";").count == 2, "only the TLS one")
        #expect(standIns.contains("return 200 \"what-if stand-in backend\\x0A\";"))
    }
}
