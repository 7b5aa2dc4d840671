import Foundation
import GatewayAPI

/// A kubeconfig as kubectl reads it: clusters, users and contexts by name, and the current context. Several files
/// merge as kubectl merges `KUBECONFIG`: the first file to define a name (or `current-context`) wins.
public struct Kubeconfig: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var server: String
        /// PEM text of the CA bundle (from certificate-authority-data or the certificate-authority file).
        public var certificateAuthority: String?
        public var insecureSkipTLSVerify = false
        public var tlsServerName: String?
    }

    public struct ExecConfig: Sendable, Equatable {
        public var apiVersion: String
        public var command: String
        public var args: [String]
        public var env: [(name: String, value: String)]
        public var installHint: String?
        public var provideClusterInfo: Bool

        public static func == (a: ExecConfig, b: ExecConfig) -> Bool {
            a.apiVersion == b.apiVersion && a.command == b.command && a.args == b.args
                && a.env.map(\.name) == b.env.map(\.name) && a.env.map(\.value) == b.env.map(\.value)
                && a.installHint == b.installHint && a.provideClusterInfo == b.provideClusterInfo
        }
    }

    public struct User: Sendable, Equatable {
        public var token: String?
        public var tokenFile: String?
        /// PEM text of the client certificate and key (inline data or files).
        public var clientCertificate: String?
        public var clientKey: String?
        public var username: String?
        public var password: String?
        public var exec: ExecConfig?
    }

    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The files read, in order.
    public var files: [String] = []

    public init() {}

    /// The files kubectl reads: `--kubeconfig`, else `$KUBECONFIG` (colon-separated, missing files skipped), else
    /// `~/.kube/config`.
    public static func paths(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [String]
    {
        if let explicit, !explicit.isEmpty { return [explicit] }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        return [(environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"]
    }

    /// Reads and merges files. An explicit file must exist; files from `$KUBECONFIG` that do not exist are skipped
    /// as kubectl skips them.
    public static func load(paths: [String], explicit: Bool) throws -> Kubeconfig {
        var merged = Kubeconfig()
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else {
                if explicit { throw KubeError.config("\(path): no such kubeconfig file") }
                continue
            }
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw KubeError.config("\(path): cannot read the kubeconfig: \(error.localizedDescription)")
            }
            let config = try parse(text, file: path)
            merged.files.append(path)
            for (name, cluster) in config.clusters where merged.clusters[name] == nil {
                merged.clusters[name] = cluster
            }
            for (name, user) in config.users where merged.users[name] == nil { merged.users[name] = user }
            for (name, context) in config.contexts where merged.contexts[name] == nil {
                merged.contexts[name] = context
            }
            if merged.currentContext == nil, let current = config.currentContext, !current.isEmpty {
                merged.currentContext = current
            }
        }
        return merged
    }

    /// Parses one kubeconfig. Paths inside resolve against the file's directory; referenced files are read now.
    public static func parse(_ text: String, file: String) throws -> Kubeconfig {
        var config = Kubeconfig()
        guard let root = try YAMLReader.parseDocument(text, file: file, lineOffset: 0) else { return config }
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let reader = FieldReader(file: file, directory: (absolute as NSString).deletingLastPathComponent)
        config.currentContext = try reader.string(root, "current-context")
        for entry in try reader.namedList(root, "clusters") {
            guard let body = entry.node["cluster"] else {
                throw reader.error(
                    entry.node, FieldPath("clusters").appending(entry.name), "a cluster entry needs cluster:")
            }
            let path = FieldPath("clusters").appending(entry.name).appending("cluster")
            guard let server = try reader.string(body, "server", path: path), !server.isEmpty else {
                throw reader.error(body, path.appending("server"), "the cluster has no server URL")
            }
            var cluster = Cluster(server: server)
            cluster.certificateAuthority = try reader.material(
                body, data: "certificate-authority-data", file: "certificate-authority", path: path)
            cluster.insecureSkipTLSVerify = try reader.bool(body, "insecure-skip-tls-verify", path: path) ?? false
            cluster.tlsServerName = try reader.string(body, "tls-server-name", path: path)
            config.clusters[entry.name] = cluster
        }
        for entry in try reader.namedList(root, "users") {
            let path = FieldPath("users").appending(entry.name).appending("user")
            guard let body = entry.node["user"] else {
                config.users[entry.name] = User()
                continue
            }
            var user = User()
            user.token = try reader.string(body, "token", path: path)
            user.tokenFile = try reader.string(body, "tokenFile", path: path).map(reader.resolve)
            user.clientCertificate = try reader.material(
                body, data: "client-certificate-data", file: "client-certificate", path: path)
            user.clientKey = try reader.material(body, data: "client-key-data", file: "client-key", path: path)
            user.username = try reader.string(body, "username", path: path)
            user.password = try reader.string(body, "password", path: path)
            if let exec = body["exec"] {
                let execPath = path.appending("exec")
                guard let command = try reader.string(exec, "command", path: execPath), !command.isEmpty else {
                    throw reader.error(exec, execPath.appending("command"), "exec needs a command")
                }
                let apiVersion = try reader.string(exec, "apiVersion", path: execPath) ?? ""
                guard ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"].contains(apiVersion)
                else {
                    throw reader.error(
                        exec["apiVersion"] ?? exec, execPath.appending("apiVersion"),
                        "exec plugin apiVersion must be client.authentication.k8s.io/v1 or v1beta1, got \"\(apiVersion)\""
                    )
                }
                var env: [(String, String)] = []
                if case .sequence(let items)? = exec["env"]?.content {
                    for (index, item) in items.enumerated() {
                        let itemPath = execPath.appending("env").appending(index: index)
                        guard let name = try reader.string(item, "name", path: itemPath) else {
                            throw reader.error(item, itemPath.appending("name"), "an env entry needs a name")
                        }
                        env.append((name, try reader.string(item, "value", path: itemPath) ?? ""))
                    }
                }
                var args: [String] = []
                if case .sequence(let items)? = exec["args"]?.content {
                    for (index, item) in items.enumerated() {
                        guard let arg = item.toJSON().stringValue else {
                            throw reader.error(
                                item, execPath.appending("args").appending(index: index), "must be a string")
                        }
                        args.append(arg)
                    }
                }
                // A relative command with a slash resolves against the kubeconfig's directory, as kubectl does.
                let resolvedCommand = command.contains("/") ? reader.resolve(command) : command
                user.exec = ExecConfig(
                    apiVersion: apiVersion, command: resolvedCommand, args: args,
                    env: env.map { (name: $0.0, value: $0.1) },
                    installHint: try reader.string(exec, "installHint", path: execPath),
                    provideClusterInfo: try reader.bool(exec, "provideClusterInfo", path: execPath) ?? false)
            }
            config.users[entry.name] = user
        }
        for entry in try reader.namedList(root, "contexts") {
            let path = FieldPath("contexts").appending(entry.name).appending("context")
            guard let body = entry.node["context"] else {
                throw reader.error(
                    entry.node, FieldPath("contexts").appending(entry.name), "a context entry needs context:")
            }
            config.contexts[entry.name] = Context(
                cluster: try reader.string(body, "cluster", path: path) ?? "",
                user: try reader.string(body, "user", path: path) ?? "",
                namespace: try reader.string(body, "namespace", path: path))
        }
        return config
    }
}

/// Reads kubeconfig fields with positioned errors.
struct FieldReader {
    let file: String
    let directory: String

    func error(_ node: SourceNode, _ path: FieldPath, _ message: String) -> KubeError {
        .config(ManifestError(position: node.position, path: path, message: message).description)
    }

    func string(_ node: SourceNode, _ key: String, path: FieldPath = FieldPath()) throws -> String? {
        guard let value = node[key] else { return nil }
        let json = value.toJSON()
        if json.isNull { return nil }
        guard let text = json.stringValue else { throw error(value, path.appending(key), "must be a string") }
        return text
    }

    func bool(_ node: SourceNode, _ key: String, path: FieldPath) throws -> Bool? {
        guard let value = node[key] else { return nil }
        guard let flag = value.toJSON().boolValue else {
            throw error(value, path.appending(key), "must be true or false")
        }
        return flag
    }

    /// `- name: X` entries with their bodies.
    func namedList(_ root: SourceNode, _ key: String) throws -> [(name: String, node: SourceNode)] {
        guard let list = root[key] else { return [] }
        if list.toJSON().isNull { return [] }
        guard case .sequence(let items) = list.content else {
            throw error(list, FieldPath(key), "must be a list of named entries")
        }
        return try items.enumerated().map { index, item in
            guard let name = try string(item, "name", path: FieldPath(key).appending(index: index)), !name.isEmpty
            else {
                throw error(item, FieldPath(key).appending(index: index).appending("name"), "an entry needs a name")
            }
            return (name, item)
        }
    }

    func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : directory + "/" + expanded
    }

    /// PEM material from `<data>` (base64) or the file named by `<file>`.
    func material(_ node: SourceNode, data: String, file fileKey: String, path: FieldPath) throws -> String? {
        if let encoded = try string(node, data, path: path), !encoded.isEmpty {
            guard let bytes = Base64.decode(encoded.filter { !$0.isWhitespace }) else {
                throw error(node[data]!, path.appending(data), "is not valid base64")
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let name = try string(node, fileKey, path: path), !name.isEmpty else { return nil }
        let resolved = resolve(name)
        guard let text = try? String(contentsOfFile: resolved, encoding: .utf8) else {
            throw error(node[fileKey]!, path.appending(fileKey), "cannot read \(resolved)")
        }
        return text
    }
}
