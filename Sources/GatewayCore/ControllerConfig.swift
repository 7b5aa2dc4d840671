import GatewayAPI

/// How the controller core is set up: its name, its GatewayClass, and what the data plane reports.
public struct ControllerConfig: Sendable {
    /// The controller name matched against GatewayClass `spec.controllerName`.
    public var controllerName: String
    /// The GatewayClass this controller serves (NGF serves one, `nginx` by default).
    public var gatewayClassName: String
    /// The state of the data plane that serves Gateways.
    public var dataplane: DataplaneState
    /// Checks CA certificate data: nil when it is usable, else why not. Injected so the core stays pure.
    public var certificateCheck: @Sendable (String) -> String?
    /// Checks a TLS Secret's certificate and key PEM: nil when nginx can load them, else why not. Injected as above.
    public var keyPairCheck: @Sendable (String, String) -> String? = PEMShape.keyPairCheck
    /// Checks that a rule can be rendered safely for the data plane: nil, or why it must be dropped.
    public var ruleCheck: @Sendable (HTTPRouteRule) -> String? = { _ in nil }
    /// NGF's `--snippets`: SnippetsFilters and SnippetsPolicies are read and rendered (off by default, as NGF's).
    public var snippets = false
    /// What the data plane reports per Gateway; Gateways not listed get `dataplane`.
    public var gatewayDataplane: [ObjectRef: DataplaneState] = [:]

    public init(
        controllerName: String = ControllerConfig.defaultControllerName, gatewayClassName: String = "nginx",
        dataplane: DataplaneState = .notRunning,
        certificateCheck: @escaping @Sendable (String) -> String? = PEMShape.check
    ) {
        self.controllerName = controllerName
        self.gatewayClassName = gatewayClassName
        self.dataplane = dataplane
        self.certificateCheck = certificateCheck
    }

    /// NGINX Gateway Fabric's controller name.
    public static let defaultControllerName = "gateway.nginx.org/nginx-gateway-controller"
}

/// What the data plane reports about serving Gateways.
public struct DataplaneState: Sendable, Equatable {
    /// The address Gateways are served on (written to Gateway `status.addresses`), if any.
    public var address: String?
    /// Whether the data plane runs the configuration for the current graph.
    public var programmed: Bool
    /// Why it is not programmed, for the Programmed condition's message.
    public var detail: String

    public init(address: String?, programmed: Bool, detail: String) {
        self.address = address
        self.programmed = programmed
        self.detail = detail
    }

    /// No data plane runs yet: Gateways are accepted but not programmed.
    public static let notRunning = DataplaneState(
        address: nil, programmed: false, detail: "The embedded data plane is not running")
}

/// A structural check of PEM certificate text (BEGIN/END markers around base64). The shell injects OpenSSL's.
public enum PEMShape {
    public static let check: @Sendable (String) -> String? = { text in
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else {
            return "the data is not a PEM certificate"
        }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return Base64.decode(String(body)).map { $0.isEmpty ? "the certificate is empty" : nil }
            ?? "the certificate is not valid base64"
    }

    /// A structural check of a TLS pair: a PEM certificate and a PEM private key block.
    public static let keyPairCheck: @Sendable (String, String) -> String? = { cert, key in
        if let problem = check(cert) { return "tls.crt: \(problem)" }
        guard key.range(of: "-----BEGIN ") != nil, key.range(of: "PRIVATE KEY-----") != nil else {
            return "tls.key is not a PEM private key"
        }
        return nil
    }
}
