import Foundation
import Testing

@Suite("gwconsole get, describe and delete")
struct ReadCommandTests {
    func guideState() throws -> CLI {
        let cli = CLI()
        let result = try cli.run(["apply", "-f", CLI.guide])
        #expect(result.status == 0, "\(result.stderr)")
        return cli
    }

    @Test("get pods,svc: the guide's two tables")
    func getPodsAndServices() throws {
        let cli = try guideState()
        let result = try cli.run(["get", "pods,svc"])
        #expect(result.status == 0)
        let tables = result.stdout.components(separatedBy: "\n\n")
        #expect(tables.count == 2)
        let pods = tables[0].split(separator: "\n").map(String.init)
        #expect(pods.first?.hasPrefix("NAME                              READY   STATUS") == true)
        #expect(pods[1].hasPrefix("pod/secure-app-"))
        let services = tables[1].split(separator: "\n").map(String.init)
        #expect(services.first?.hasPrefix("NAME                 TYPE        CLUSTER-IP") == true)
        let row = services[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(row[0] == "service/secure-app" && row[1] == "ClusterIP" && row[3] == "<none>" && row[4] == "8443/TCP")
    }

    @Test("-o takes json where json is the only other format: anything else is refused before the command runs")
    func jsonOnlyFormats() throws {
        let cli = try guideState()
        for arguments in [
            ["status", "-o", "yaml"], ["doctor", "-o", "yaml"], ["logs", "--gateway", "gateway", "-o", "wide"],
            ["explain", "http://secure-app.example.com/", "-o", "yaml"],
            ["probe", "http://127.0.0.1:9/", "-o", "text"],
            ["delete", "--what-if", "backendtlspolicy", "backend-tls", "-o", "yaml"],
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.contains("'\(arguments.last!)'") && result.stderr.contains("'json'")
                    && result.stdout.isEmpty,
                "\(arguments): \(result.stderr)")
        }
        #expect(try cli.run(["get", "backendtlspolicies"]).stdout.contains("backend-tls"))
    }

    @Test("names, plural, short and full names resolve to the same kind")
    func kindNames() throws {
        let cli = try guideState()
        for name in [
            "backendtlspolicy", "backendtlspolicies", "btlspolicy", "backendtlspolicies.gateway.networking.k8s.io",
            "BackendTLSPolicy",
        ] {
            let result = try cli.run(["get", name])
            #expect(
                result.stdout.hasPrefix(
                    "NAME          TARGETS              HOSTNAME                 ACCEPTED   AGE\nbackend-tls   Service/secure-app   secure-app.example.com   True       "
                ), "\(name): \(result.stdout)\(result.stderr)")
        }
        #expect(try cli.run(["get", "gtw", "-o", "name"]).stdout == "gateway.gateway.networking.k8s.io/gateway\n")
        #expect(try cli.run(["get", "deploy", "-o", "name"]).stdout == "deployment.apps/secure-app\n")
        #expect(
            try cli.run(["get", "gc", "-o", "name"]).stdout == "gatewayclass.gateway.networking.k8s.io/nginx\n",
            "the built-in class")
        #expect(try cli.run(["get", "refgrant", "-A"]).stderr == "No resources found\n")
        let unknown = try cli.run(["get", "widgets"])
        #expect(unknown.status == 1 && unknown.stderr == "error: the server doesn't have a resource type \"widgets\"\n")
    }

    @Test("-o json prints the object for a name and a List otherwise; -o yaml reads back")
    func jsonAndYAML() throws {
        let cli = try guideState()
        let one = try cli.run(["get", "httproute", "secure-app", "-o", "json"]).stdout
        #expect(
            one.hasPrefix("{\n    \"apiVersion\": \"gateway.networking.k8s.io/v1\",\n    \"kind\": \"HTTPRoute\",\n"))
        #expect(one.contains("\"namespace\": \"default\""))
        #expect(one.contains("\"uid\": \""))
        let list = try cli.run(["get", "cm", "-o", "json"]).stdout
        #expect(list.hasPrefix("{\n    \"apiVersion\": \"v1\",\n    \"items\": ["))
        #expect(list.contains("\"kind\": \"List\""))
        let yaml = try cli.run(["get", "cm", "secure-config", "-o", "yaml"]).stdout
        #expect(yaml.contains("data:\n  app.conf: |-\n    server {\n      listen 8443 ssl;\n"))
        #expect(yaml.contains("kind: ConfigMap\nmetadata:\n  creationTimestamp: \""))
    }

    @Test("-A adds NAMESPACE; -n narrows; NotFound as kubectl")
    func namespaces() throws {
        let cli = try guideState()
        try cli.run(
            ["apply", "-f", "-"],
            stdin:
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: other\n"
        )
        let all = try cli.run(["get", "cm", "-A"]).stdout
        #expect(all.hasPrefix("NAMESPACE   NAME            DATA   AGE\n"))
        #expect(all.contains("other       elsewhere       0"))
        #expect(try cli.run(["get", "cm", "-n", "other", "-o", "name"]).stdout == "configmap/elsewhere\n")
        let missing = try cli.run(["get", "svc", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error from server (NotFound): services \"nope\" not found\n")
        #expect(try cli.run(["get", "referencegrants"]).stderr == "No resources found in default namespace.\n")
    }

    @Test("describe without a name describes every object of the kind, as the guide runs it")
    func describePolicy() throws {
        let cli = try guideState()
        let result = try cli.run(["describe", "backendtlspolicies.gateway.networking.k8s.io"])
        #expect(result.status == 0)
        #expect(
            result.stdout.hasPrefix(
                """
                Name:         backend-tls
                Namespace:    default
                Labels:       <none>
                Annotations:  <none>
                API Version:  gateway.networking.k8s.io/v1alpha3
                Kind:         BackendTLSPolicy
                Metadata:
                  Creation Timestamp:  
                """))
        #expect(
            result.stdout.contains(
                """
                Spec:
                  Target Refs:
                    Group:
                    Kind:   Service
                    Name:   secure-app
                  Validation:
                    Ca Certificate Refs:
                      Group:
                      Kind:    ConfigMap
                      Name:    backend-cert
                    Hostname:  secure-app.example.com

                """))
        #expect(result.stdout.hasSuffix("Events:        <none>\n") || result.stdout.contains("Events:"))
    }

    @Test("describe secret shows sizes only")
    func describeSecret() throws {
        let cli = try guideState()
        let result = try cli.run(["describe", "secret", "app-tls-secret"])
        #expect(result.stdout.contains("Type:  Opaque\n\nData\n====\ntls.crt:  1634 bytes\ntls.key:  1703 bytes\n"))
        #expect(!result.stdout.contains("LS0tLS1CRUdJTi"))
        #expect(!result.stdout.contains("BEGIN"))
        let yaml = try cli.run(["get", "secret", "app-tls-secret", "-o", "yaml"]).stdout
        #expect(
            yaml.contains("tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t"),
            "-o yaml is the explicit way to see data, as kubectl")
    }

    @Test("delete by kind and name, and by file; NotFound reported")
    func delete() throws {
        let cli = try guideState()
        let one = try cli.run(["delete", "svc", "secure-app"])
        #expect(one.stdout == "service \"secure-app\" deleted from default namespace\n")
        let again = try cli.run(["delete", "svc", "secure-app"])
        #expect(
            again.status == 1 && again.stderr == "Error from server (NotFound): services \"secure-app\" not found\n")
        let file = try cli.run(["delete", "-f", CLI.guide, "--ignore-not-found"])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(
            file.stdout.contains(
                "backendtlspolicy.gateway.networking.k8s.io \"backend-tls\" deleted from default namespace\n"))
        #expect(!file.stdout.contains("service \"secure-app\""))
        #expect(try cli.names().isEmpty)
    }

    @Test("unsupported kinds are stored, listed and flagged")
    func unsupportedKinds() throws {
        let cli = CLI()
        let result = try cli.run(
            ["apply", "-f", "-"],
            stdin: "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n")
        #expect(result.stdout == "widget.example.com/w created\n")
        #expect(
            result.stderr.contains(
                "kind Widget (example.com/v1) is not supported by gwconsole: it is stored and listed, not processed"))
        #expect(try cli.run(["get", "widgets", "-o", "name"]).stdout == "widget.example.com/w\n")
        #expect(try cli.run([]).stdout.contains("widgets.example.com (unsupported kind)"))
    }

    @Test("the state directory comes from --state, then GWCONSOLE_STATE, then XDG_STATE_HOME")
    func stateLocation() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-env-\(UUID().uuidString)")
            .path
        var env = ProcessInfo.processInfo.environment
        env["GWCONSOLE_STATE"] = nil
        env["XDG_STATE_HOME"] = base + "/xdg"
        let cli = CLI()
        try cli.run(
            ["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: xdg\n", environment: env,
            withState: false)
        #expect(FileManager.default.fileExists(atPath: base + "/xdg/gwconsole/state.db"))
        env["GWCONSOLE_STATE"] = base + "/explicit"
        try cli.run(
            ["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\n", environment: env,
            withState: false)
        #expect(FileManager.default.fileExists(atPath: base + "/explicit/state.db"))
    }
}
