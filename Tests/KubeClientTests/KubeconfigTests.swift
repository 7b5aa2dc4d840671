import Foundation
import GatewayAPI
import KubeClient
import Testing

@Suite("Kubeconfig")
struct KubeconfigTests {
    func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gwconsole-kubeconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    @Test("clusters, users and contexts; inline data and files relative to the kubeconfig; the current context")
    func parse() throws {
        let caFile = try temp("ca.crt", pem)
        let dir = (caFile as NSString).deletingLastPathComponent
        try "tok-from-file\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        let path = dir + "/config"
        try """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster:
            server: https://dev.example.com:6443/
            certificate-authority: ca.crt
        - name: lab
          cluster:
            server: https://lab.example.com
            certificate-authority-data: \(Data(pem.utf8).base64EncodedString())
            insecure-skip-tls-verify: true
        users:
        - name: dev-user
          user:
            client-certificate-data: \(Data(pem.utf8).base64EncodedString())
            client-key-data: \(Data("KEY".utf8).base64EncodedString())
        - name: lab-user
          user:
            tokenFile: token
        - name: sso
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./get-token
              args: [--cluster, lab]
              env: [{name: REGION, value: eu}]
        contexts:
        - name: dev
          context: {cluster: dev-cluster, user: dev-user, namespace: shop}
        - name: lab
          context: {cluster: lab, user: lab-user}
        - name: sso
          context: {cluster: lab, user: sso}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try Kubeconfig.load(paths: [path], explicit: true)
        let dev = try ClusterConnection.resolve(config, context: nil)
        #expect(dev.contextName == "dev" && dev.server == "https://dev.example.com:6443" && dev.namespace == "shop")
        #expect(dev.caPEM == pem && dev.clientCertificatePEM == pem && dev.clientKeyPEM == "KEY")
        let lab = try ClusterConnection.resolve(config, context: "lab")
        #expect(lab.insecureSkipTLSVerify && lab.namespace == "default" && lab.auth == .tokenFile(dir + "/token"))
        let sso = try ClusterConnection.resolve(config, context: "sso")
        guard case .exec(let exec) = sso.auth else {
            Issue.record("exec auth expected")
            return
        }
        #expect(
            exec.command == dir + "/./get-token" && exec.args == ["--cluster", "lab"]
                && exec.env.first?.name == "REGION")
    }

    @Test(
        "KUBECONFIG files merge as kubectl merges them: the first to define a name or current-context wins; missing files are skipped"
    )
    func merge() throws {
        let a = try temp(
            "a",
            """
            current-context: a
            clusters: [{name: shared, cluster: {server: "https://a.example.com"}}]
            contexts: [{name: a, context: {cluster: shared}}]
            """)
        let b = try temp(
            "b",
            """
            current-context: b
            clusters: [{name: shared, cluster: {server: "https://b.example.com"}}, {name: only-b, cluster: {server: "https://only-b"}}]
            contexts: [{name: b, context: {cluster: only-b}}]
            """)
        let paths = Kubeconfig.paths(
            explicit: nil, environment: ["KUBECONFIG": "\(a):/nonexistent/config:\(b)", "HOME": "/root"])
        #expect(paths.count == 3)
        let config = try Kubeconfig.load(paths: paths, explicit: false)
        #expect(config.files == [a, b] && config.currentContext == "a")
        #expect(config.clusters["shared"]?.server == "https://a.example.com")
        #expect(try ClusterConnection.resolve(config, context: "b").server == "https://only-b")
        #expect(Kubeconfig.paths(explicit: "/x", environment: ["KUBECONFIG": a]) == ["/x"])
        #expect(Kubeconfig.paths(explicit: nil, environment: ["HOME": "/home/me"]) == ["/home/me/.kube/config"])
    }

    @Test("problems name the file, line and field, or the missing name")
    func errors() throws {
        let bad = try temp(
            "bad", "clusters:\n- name: c\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: maybe\n")
        #expect(throws: KubeError.self) { try Kubeconfig.load(paths: [bad], explicit: true) }
        do { _ = try Kubeconfig.load(paths: [bad], explicit: true) } catch {
            #expect(
                "\(error)".contains("\(bad):5:31: clusters.c.cluster.insecure-skip-tls-verify: must be true or false"),
                "\(error)")
        }
        let exec = try temp(
            "exec",
            "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n")
        do {
            _ = try Kubeconfig.load(paths: [exec], explicit: true)
            Issue.record("v1alpha1 accepted")
        } catch {
            #expect("\(error)".contains("must be client.authentication.k8s.io/v1 or v1beta1"), "\(error)")
        }
        let config = try Kubeconfig.load(
            paths: [try temp("ok", "contexts: [{name: x, context: {cluster: nowhere}}]\n")], explicit: true)
        do {
            _ = try ClusterConnection.resolve(config, context: "y")
            Issue.record("unknown context resolved")
        } catch {
            #expect("\(error)".contains("context \"y\" does not exist (contexts: x"), "\(error)")
        }
        do {
            _ = try ClusterConnection.resolve(config, context: "x")
            Issue.record("unknown cluster resolved")
        } catch {
            #expect("\(error)".contains("names cluster \"nowhere\", which is not defined"), "\(error)")
        }
        #expect(throws: KubeError.config("/nonexistent/kubeconfig: no such kubeconfig file")) {
            try Kubeconfig.load(paths: ["/nonexistent/kubeconfig"], explicit: true)
        }
    }

    @Test("in-cluster credentials come from the service-account mount and the service environment")
    func inCluster() throws {
        let root = (try temp("token", "sa-token\n") as NSString).deletingLastPathComponent
        try pem.write(toFile: root + "/ca.crt", atomically: true, encoding: .utf8)
        try "gateways\n".write(toFile: root + "/namespace", atomically: true, encoding: .utf8)
        let connection = try #require(
            ClusterConnection.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], root: root))
        #expect(
            connection.server == "https://10.96.0.1:443" && connection.namespace == "gateways"
                && connection.caPEM == pem)
        #expect(connection.auth == .tokenFile(root + "/token"))
        #expect(ClusterConnection.inCluster(environment: [:], root: root) == nil)
    }
}
