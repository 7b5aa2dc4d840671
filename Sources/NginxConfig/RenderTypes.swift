import Foundation
import GatewayAPI
import GatewayCore

/// Where and how a Gateway's config is rendered.
public struct RenderSettings: Sendable {
    /// The loopback address the Gateway's listeners bind to.
    public var address: String
    /// Added to every listener port (so unprivileged users and tests can run Gateways on high ports).
    public var portOffset: Int
    /// The absolute directory that holds this generation's files (nginx.conf, conf.d/, secrets/).
    public var configDirectory: String
    /// The absolute directory for the running nginx: pid file, logs, temp paths, control socket.
    public var runtimeDirectory: String
    /// The config generation, reported by the control endpoint so a reload can be confirmed.
    public var generation: Int
    /// The CA bundle used for `wellKnownCACertificates: System`.
    public var systemCABundle: String
    /// Workers run as root when nginx is started by root (the state directory is private to its owner).
    public var workersAsRoot: Bool
    /// nginx's stream module, loaded when a Gateway has TCP, UDP or TLS listeners (Debian's libnginx-mod-stream).
    public var streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"
    /// njs for the stream block, loaded when a plain port serves both HTTP/1.1 and gRPC (Debian's
    /// libnginx-mod-stream-js).
    public var streamJSModule = "/usr/lib/nginx/modules/ngx_stream_js_module.so"

    public init(
        address: String, portOffset: Int = 0, configDirectory: String, runtimeDirectory: String, generation: Int = 1,
        systemCABundle: String = "/etc/ssl/certs/ca-certificates.crt", workersAsRoot: Bool = false
    ) {
        self.address = address
        self.portOffset = portOffset
        self.configDirectory = configDirectory
        self.runtimeDirectory = runtimeDirectory
        self.generation = generation
        self.systemCABundle = systemCABundle
        self.workersAsRoot = workersAsRoot
    }
}

/// One file of a rendered config, relative to the generation directory.
public struct RenderedFile: Sendable, Equatable {
    public var path: String
    public var content: String
    /// Keys and CA bundles: written with mode 0600.
    public var secret: Bool

    public init(path: String, content: String, secret: Bool) {
        self.path = path
        self.content = content
        self.secret = secret
    }
}

/// Where one listener serves.
public struct ListenerBinding: Sendable, Equatable, Codable {
    public var listener: String
    public var `protocol`: ListenerProtocol
    public var address: String
    public var port: Int
    /// The listener's place in the Gateway's spec (from 0), which `GW_PORT_N` numbers; nil in records written
    /// before it was kept.
    public var index: Int?

    public init(listener: String, protocol: ListenerProtocol, address: String, port: Int, index: Int? = nil) {
        self.listener = listener
        self.protocol = `protocol`
        self.address = address
        self.port = port
        self.index = index
    }
}

/// A Gateway's nginx configuration: its files, and the listeners it binds.
public struct RenderedConfig: Sendable, Equatable {
    public var gateway: ObjectRef
    public var files: [RenderedFile]
    public var bindings: [ListenerBinding]

    /// The main file nginx is started with.
    public static let mainFile = "nginx.conf"

    public func file(_ path: String) -> RenderedFile? { files.first { $0.path == path } }

    /// The whole config as `nginx -T` prints it: each file after a `# configuration file` line.
    public func dump(hidingSecrets: Bool = true) -> String { Self.dump(files, hidingSecrets: hidingSecrets) }

    /// Files as `nginx -T` prints them (a served generation's, read back from its directory).
    public static func dump(_ files: [RenderedFile], hidingSecrets: Bool = true) -> String {
        files.map { file in
            let body =
                hidingSecrets && file.secret && file.content.contains("PRIVATE KEY")
                ? "# (private key material not shown; \(file.content.utf8.count) bytes, mode 0600)\n" : file.content
            return "# configuration file \(file.path):\n\(body)"
        }.joined(separator: "\n")
    }
}

/// The shell variables that name a Gateway's listener ports, as NGF's guides use them: `GW_PORT` (the HTTP
/// listener's, else the only or first listener's), `GW_HTTP_PORT`, `GW_HTTPS_PORT`, `GW_TLS_PORT`, `GW_TCP_PORT`,
/// `GW_UDP_PORT` (the first of each protocol), `GW_PORT_1`… (every listener in the Gateway's order, as the TCP
/// guide numbers them) and `GW_PORT_<NAME>` (by listener name, upper case, `-` and `.` as `_`).
public enum PortVariables {
    public static func variables(_ bindings: [ListenerBinding]) -> [(name: String, binding: ListenerBinding)] {
        guard let first = bindings.first else { return [] }
        var result: [(String, ListenerBinding)] = [("GW_PORT", bindings.first { $0.protocol == .http } ?? first)]
        for (name, wanted) in [
            ("GW_HTTP_PORT", ListenerProtocol.http), ("GW_HTTPS_PORT", .https), ("GW_TLS_PORT", .tls),
            ("GW_TCP_PORT", .tcp), ("GW_UDP_PORT", .udp),
        ] {
            if let binding = bindings.first(where: { $0.protocol == wanted }) { result.append((name, binding)) }
        }
        // Numbered in the Gateway's order, as guides count its listeners (an invalid listener keeps its number).
        for (position, binding) in bindings.enumerated() {
            result.append(("GW_PORT_\((binding.index ?? position) + 1)", binding))
        }
        for binding in bindings { result.append(("GW_PORT_" + upperName(binding.listener), binding)) }
        return result
    }

    /// The listener a variable names (`GW_PORT_1`, `$GW_TLS_PORT`, `${GW_PORT_COFFEE}`), or nil.
    public static func binding(_ variable: String, in bindings: [ListenerBinding]) -> ListenerBinding? {
        let name = variable.trimmingCharacters(in: CharacterSet(charactersIn: "${}"))
        return variables(bindings).first { $0.name == name }?.binding
    }

    public static func upperName(_ name: String) -> String {
        String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
