// NGINX Gateway Fabric's route filters (group gateway.nginx.org), which HTTPRoutes and GRPCRoutes reference with an
// `ExtensionRef` filter, and NginxProxy, the data plane's settings a GatewayClass or Gateway names in `parametersRef`.

/// SnippetsFilter (v1alpha1): raw NGINX configuration for the rules that reference it.
public struct SnippetsFilter: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "SnippetsFilter"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: SnippetsFilterSpec
    public var status: NGFFilterStatus?
}

public struct SnippetsFilterSpec: Codable, Sendable, Equatable {
    public var snippets: [Snippet]
}

/// The status of NGF's filters: conditions per controller.
public struct NGFFilterStatus: Codable, Sendable, Equatable {
    public var controllers: [NGFControllerStatus]?

    public init(controllers: [NGFControllerStatus]?) { self.controllers = controllers }
}

public struct NGFControllerStatus: Codable, Sendable, Equatable {
    public var controllerName: String
    public var conditions: [Condition]?

    public init(controllerName: String, conditions: [Condition]?) {
        self.controllerName = controllerName
        self.conditions = conditions
    }
}

/// AuthenticationFilter (v1alpha1): Basic authentication with an htpasswd Secret (key `auth`); JWT and OIDC need
/// NGINX Plus.
public struct AuthenticationFilter: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "AuthenticationFilter"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: AuthenticationFilterSpec
    public var status: NGFFilterStatus?
}

public struct AuthenticationFilterSpec: Codable, Sendable, Equatable {
    /// `Basic`, `JWT` or `OIDC`.
    public var type: String
    public var basic: BasicAuth?
    /// NGINX Plus only: kept as written.
    public var jwt: JSONValue?
    /// NGINX Plus only: kept as written.
    public var oidc: JSONValue?
}

public struct BasicAuth: Codable, Sendable, Equatable {
    /// A Secret of type `nginx.org/htpasswd` whose key `auth` holds `user:hash` lines.
    public var secretRef: NameReference
    public var realm: String
}

/// A reference by name, in the referrer's namespace.
public struct NameReference: Codable, Sendable, Equatable, Hashable {
    public var name: String
}

/// NginxProxy (v1alpha2): the data plane's settings. gwconsole's embedded NGINX (OSS) reads `logging.errorLevel`,
/// `workerConnections` and `disableHTTP2`; the rest is kept and shown.
public struct NginxProxy: KubeResource {
    public static let group = "gateway.nginx.org"
    public static let kind = "NginxProxy"
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: NginxProxySpec
}

public struct NginxProxySpec: Codable, Sendable, Equatable {
    /// `dual`, `ipv4` or `ipv6`.
    public var ipFamily: String?
    public var telemetry: JSONValue?
    public var metrics: JSONValue?
    public var rewriteClientIP: JSONValue?
    public var logging: NginxLogging?
    public var nginxPlus: JSONValue?
    public var disableHTTP2: Bool?
    public var useClusterIP: Bool?
    public var disableSNIHostValidation: Bool?
    public var kubernetes: JSONValue?
    public var workerConnections: Int32?
    public var workerProcesses: Int32?
    public var workerRlimitNofile: Int32?
    public var dnsResolver: JSONValue?
    public var serverTokens: String?
    public var compression: JSONValue?
    public var waf: JSONValue?
    public var zoneSize: String?
    public var disableBaseHeaders: [String]?
}

public struct NginxLogging: Codable, Sendable, Equatable {
    /// `debug`, `info`, `notice`, `warn`, `error`, `crit`, `alert` or `emerg`.
    public var errorLevel: String?
    public var errorLogFormat: String?
    public var agentLevel: String?
    public var accessLog: JSONValue?
}
