import Foundation
import Testing

@Suite("The controller through the CLI")
struct ControllerCommandTests {
    /// The guide's blocks, one apply each, as a user pastes them.
    func guideBlocks() throws -> [String] {
        let text = try String(contentsOfFile: CLI.guide, encoding: .utf8)
        return text.components(separatedBy: "kubectl apply -f - <<EOF\n").dropFirst().map {
            $0.components(separatedBy: "\nEOF")[0] + "\n"
        }
    }

    @Test("applying the guide step by step gives the statuses an NGF user sees")
    func guideStepByStep() throws {
        let cli = CLI()
        let blocks = try guideBlocks()
        #expect(blocks.count == 5)
        try cli.run(["apply", "-f", "-"], stdin: blocks[0])  // app
        try cli.run(["apply", "-f", "-"], stdin: blocks[1])  // Gateway
        try cli.run(["apply", "-f", "-"], stdin: blocks[2])  // HTTPRoute
        let routes = try cli.run(["get", "httproutes"]).stdout
        #expect(
            routes.hasPrefix(
                "NAME         HOSTNAMES                    PARENTS        ACCEPTED   RESOLVED   AGE\nsecure-app   [\"secure-app.example.com\"]   gateway/http   True       True       "
            ))
        let gateway = try cli.run(["get", "gateway", "gateway", "-o", "json"]).stdout
        #expect(gateway.contains("\"attachedRoutes\": 1"))
        #expect(
            try cli.run(["get", "gateways"]).stdout.hasPrefix(
                "NAME      CLASS   ADDRESS   PROGRAMMED   AGE\ngateway   nginx             False        "))

        try cli.run(["apply", "-f", "-"], stdin: blocks[3])  // CA ConfigMap
        try cli.run(["apply", "-f", "-"], stdin: blocks[4])  // BackendTLSPolicy
        let describe = try cli.run(["describe", "backendtlspolicies.gateway.networking.k8s.io"]).stdout
        #expect(
            describe.contains(
                """
                Status:
                  Ancestors:
                    Ancestor Ref:
                      Group:      gateway.networking.k8s.io
                      Kind:       Gateway
                      Name:       gateway
                      Namespace:  default
                    Conditions:
                      Last Transition Time:  
                """))
        #expect(describe.contains("      Message:               BackendTLSPolicy is accepted by the Gateway\n"))
        #expect(
            describe.contains(
                "      Reason:                Accepted\n      Status:                True\n      Type:                  Accepted\n"
            ))
        #expect(describe.contains("    Controller Name:         gateway.nginx.org/nginx-gateway-controller\n"))
        let policies = try cli.run(["get", "backendtlspolicies", "-o", "wide"]).stdout
        #expect(policies.contains("backend-tls   Service/secure-app   secure-app.example.com   True       "))
        #expect(policies.hasSuffix("default/gateway=Accepted\n"))
    }

    @Test("describe of a Gateway, an HTTPRoute and a Service shows routes, backends, policies and referrers")
    func describeGraph() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        let gateway = try cli.run(["describe", "gateway", "gateway"]).stdout
        #expect(
            gateway.contains(
                "Attached Routes:\n  Listener  Port     Route                         Hostnames\n  --------  ----     -----                         ---------\n  http      HTTP/80  HTTPRoute default/secure-app  secure-app.example.com\n"
            ))
        #expect(gateway.contains("Directly Attached Policies:  <none>\n"))
        #expect(gateway.contains("BackendTLSPolicy default/backend-tls  Service default/secure-app  True\n"))
        let route = try cli.run(["describe", "httproute", "secure-app"]).stdout
        #expect(
            route.contains(
                "  default/secure-app  0     Service default/secure-app:8443  True      default/backend-tls\n"))
        let service = try cli.run(["describe", "svc", "secure-app"]).stdout
        #expect(
            service.contains("Effective Policies:\n  Port          Policy                                Accepted\n"))
        #expect(service.contains("  8443 (https)  BackendTLSPolicy default/backend-tls  True\n"))
        #expect(service.contains("  HTTPRoute         default/secure-app\n"))
    }

    @Test("a bad CA shows on the policy, the route and in describe")
    func badCA() throws {
        let cli = CLI()
        try cli.run(["apply", "-f", CLI.guide])
        try cli.run(
            ["apply", "-f", "-"],
            stdin:
                "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: backend-cert\ndata:\n  ca.crt: not a certificate\n"
        )
        let policies = try cli.run(["get", "btlspolicy"]).stdout
        #expect(policies.contains("False (NoValidCACertificate)"))
        let routes = try cli.run(["get", "httproute"]).stdout
        #expect(routes.contains("True       False (UnsupportedValue)"))
        let yaml = try cli.run(["get", "httproute", "secure-app", "-o", "yaml"]).stdout
        #expect(
            yaml.contains(
                "message: \"The BackendTLSPolicy default/backend-tls for Service default/secure-app is invalid: No valid CACertificateRef found: ConfigMap default/backend-cert key ca.crt: the data is not a PEM certificate that OpenSSL can read\""
            ))
    }

    @Test("--controller-name makes gwconsole act as another controller")
    func controllerName() throws {
        let cli = CLI()
        try cli.run(["--controller-name", "example.com/gw", "apply", "-f", CLI.guide])
        let classes = try cli.run(["get", "gc"]).stdout
        #expect(classes.contains("nginx   example.com/gw   True"))
    }
}
