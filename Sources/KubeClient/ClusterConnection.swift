import Foundation
import GatewayAPI

/// Everything needed to talk to one cluster: the server, TLS material and how to authenticate.
public struct ClusterConnection: Sendable {
    public enum Auth: Sendable, Equatable {
        case none
        case token(String)
        /// A token re-read from a file on every use (service-account tokens rotate).
        case tokenFile(String)
        case basic(username: String, password: String)
        case exec(Kubeconfig.ExecConfig)
    }

    /// The context's name ("in-cluster" for service-account credentials).
    public var contextName: String
    public var server: String
    public var caPEM: String?
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?
    public var insecureSkipTLSVerify = false
    public var tlsServerName: String?
    public var auth: Auth = .none
    /// The context's namespace (default "default").
    public var namespace: String

    public init(contextName: String, server: String, namespace: String) {
        self.contextName = contextName
        self.server = server
        self.namespace = namespace
    }

    /// The connection for a context (`--context`, else current-context). Explains what is missing.
    public static func resolve(_ config: Kubeconfig, context requested: String?) throws -> ClusterConnection {
        guard let name = requested ?? config.currentContext else {
            throw KubeError.config(
                "no current-context is set and no --context was given (contexts: \(config.contexts.keys.sorted().joined(separator: ", ")))"
            )
        }
        guard let context = config.contexts[name] else {
            throw KubeError.config(
                "context \"\(name)\" does not exist (contexts: \(config.contexts.keys.sorted().joined(separator: ", ")); files: \(config.files.joined(separator: ", ")))"
            )
        }
        guard let cluster = config.clusters[context.cluster] else {
            throw KubeError.config("context \"\(name)\" names cluster \"\(context.cluster)\", which is not defined")
        }
        var connection = ClusterConnection(
            contextName: name,
            server: cluster.server.hasSuffix("/") ? String(cluster.server.dropLast()) : cluster.server,
            namespace: context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
        connection.caPEM = cluster.certificateAuthority
        connection.insecureSkipTLSVerify = cluster.insecureSkipTLSVerify
        connection.tlsServerName = cluster.tlsServerName
        if !context.user.isEmpty {
            guard let user = config.users[context.user] else {
                throw KubeError.config("context \"\(name)\" names user \"\(context.user)\", which is not defined")
            }
            connection.clientCertificatePEM = user.clientCertificate
            connection.clientKeyPEM = user.clientKey
            if (user.clientCertificate == nil) != (user.clientKey == nil) {
                throw KubeError.config(
                    "user \"\(context.user)\" has a client certificate without its key (or a key without its certificate)"
                )
            }
            if let token = user.token, !token.isEmpty {
                connection.auth = .token(token)
            } else if let file = user.tokenFile {
                connection.auth = .tokenFile(file)
            } else if let exec = user.exec {
                connection.auth = .exec(exec)
            } else if let username = user.username, let password = user.password {
                connection.auth = .basic(username: username, password: password)
            }
        }
        return connection
    }

    /// Service-account credentials inside a pod: KUBERNETES_SERVICE_HOST/PORT and the mounted token, CA and
    /// namespace. Nil when not in a cluster.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        root: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) -> ClusterConnection? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty,
            FileManager.default.fileExists(atPath: root + "/token")
        else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let namespace = (try? String(contentsOfFile: root + "/namespace", encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines)
        var connection = ClusterConnection(
            contextName: "in-cluster", server: "https://\(hostPart):\(port)",
            namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
        connection.caPEM = try? String(contentsOfFile: root + "/ca.crt", encoding: .utf8)
        connection.auth = .tokenFile(root + "/token")
        return connection
    }
}
