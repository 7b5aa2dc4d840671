import Foundation
import GatewayAPI

/// A guide as steps that can be replayed and checked: manifests to apply or delete, then checks.
public struct Scenario: Codable, Sendable, Equatable {
    public var name: String
    public var title: String
    public var source: String?
    public var steps: [Step]

    public init(name: String, title: String, source: String? = nil, steps: [Step]) {
        self.name = name
        self.title = title
        self.source = source
        self.steps = steps
    }

    public struct Step: Codable, Sendable, Equatable {
        public var title: String
        public var prose: String?
        /// Manifests to apply (multi-document YAML), as the guide's blocks.
        public var apply: String?
        /// Manifests to delete.
        public var delete: String?
        /// A step the user does by hand (`kubectl edit`): shown, not run.
        public var manual: Manual?
        public var checks: [Check]?

        public init(
            title: String, prose: String? = nil, apply: String? = nil, delete: String? = nil, manual: Manual? = nil,
            checks: [Check]? = nil
        ) {
            self.title = title
            self.prose = prose
            self.apply = apply
            self.delete = delete
            self.manual = manual
            self.checks = checks
        }
    }

    /// What the guide asks the user to do by hand, and the object it opens (the console opens it in `$EDITOR`).
    public struct Manual: Codable, Sendable, Equatable {
        public var command: String
        public var edit: ObjectName?

        public init(command: String, edit: ObjectName? = nil) {
            self.command = command
            self.edit = edit
        }
    }

    public struct ObjectName: Codable, Sendable, Equatable {
        public var kind: String
        public var name: String
        public var namespace: String?

        public init(kind: String, name: String, namespace: String? = nil) {
            self.kind = kind
            self.name = name
            self.namespace = namespace
        }
    }

    /// One expectation: a probe through the Gateway, or a condition/field on an object.
    public struct Check: Codable, Sendable, Equatable {
        public var probe: Probe?
        public var object: ObjectCheck?
        /// A guide's `dig`: a DNS question through a UDP listener.
        public var dns: DNSProbe?
        /// A guide's `nc` or `openssl s_client`: a TCP exchange or a TLS handshake through a listener.
        public var stream: StreamProbe?
        /// A guide's `grpcurl`: a gRPC call through a listener.
        public var grpc: GRPCProbe?
        /// What doctor finds (or, with `absent`, no longer finds) at this step.
        public var doctor: DoctorExpectation?

        public init(probe: Probe) { self.probe = probe }
        public init(object: ObjectCheck) { self.object = object }
        public init(dns: DNSProbe) { self.dns = dns }
        public init(stream: StreamProbe) { self.stream = stream }
        public init(grpc: GRPCProbe) { self.grpc = grpc }
        public init(doctor: DoctorExpectation) { self.doctor = doctor }
    }

    /// `{finding: PlainHTTPToTLSBackend, object: HTTPRoute default/secure-app}`: doctor reports a finding of that
    /// code naming that object (or an object that starts with it); with `absent: true`, it reports none (the fix
    /// worked).
    public struct DoctorExpectation: Codable, Sendable, Equatable {
        public var finding: String
        public var object: String?
        public var absent: Bool?

        public init(finding: String, object: String? = nil, absent: Bool? = nil) {
            self.finding = finding
            self.object = object
            self.absent = absent
        }
    }

    /// `grpcurl -plaintext -proto FILE -authority NAME -H 'k: v' -d JSON $GW_IP:$GW_PORT SERVICE/METHOD`: a gRPC
    /// call through the listener the port variable names. `output`: the response as grpcurl prints it (compared
    /// as JSON); `code`: the status a failing call must end with (`Unimplemented`).
    public struct GRPCProbe: Codable, Sendable, Equatable {
        public var port: String
        public var gateway: String?
        /// `package.Service/Method`.
        public var method: String
        public var authority: String?
        /// `name: value` lines.
        public var metadata: [String]?
        public var data: String?
        /// TLS (grpcurl without -plaintext); `insecure`: not verified.
        public var tls: Bool?
        public var insecure: Bool?
        /// The .proto files the guide gives, as they read when imported.
        public var protos: [Proto]?
        public var output: String?
        public var code: String?

        public struct Proto: Codable, Sendable, Equatable {
            public var name: String
            public var text: String

            public init(name: String, text: String) {
                self.name = name
                self.text = text
            }
        }

        public init(port: String, method: String) {
            self.port = port
            self.method = method
        }
    }

    /// `nc $GW_IP $GW_PORT` (what `echo TEXT |` sends) or `openssl s_client -connect $GW_IP:$GW_TLS_PORT
    /// -servername NAME`, through the listener the port variable names; `output`: line patterns of what came back
    /// (for TLS, the certificate's `subject=` and `issuer=` lines).
    public struct StreamProbe: Codable, Sendable, Equatable {
        public var port: String
        public var gateway: String?
        /// TLS: the SNI name.
        public var host: String?
        public var tls: Bool?
        public var send: String?
        /// `nc -z`: only that the connection opens.
        public var connectOnly: Bool?
        public var output: String?

        public init(port: String) { self.port = port }
    }

    /// `dig @$GW_IP -p $GW_PORT NAME`: an A question over UDP to the listener the port variable names, and the
    /// status the answer must have.
    public struct DNSProbe: Codable, Sendable, Equatable {
        public var name: String
        /// The variable naming the listener's port (default `GW_PORT`).
        public var port: String?
        public var gateway: String?
        /// The answer's status (`NOERROR`, `NXDOMAIN`, `SERVFAIL`), when the guide shows one.
        public var status: String?

        public init(name: String) { self.name = name }
    }

    public struct Probe: Codable, Sendable, Equatable {
        /// The Host (and SNI) of the request, resolved to the Gateway's address as `--resolve` does; empty: the
        /// Gateway's address itself (`curl http://$GW_IP:$GW_PORT_1` to a TCP listener).
        public var host: String
        /// The path and query.
        public var path: String?
        /// The Gateway whose listener serves it (default: the first Gateway of the namespace).
        public var gateway: String?
        /// `http` (default) or `https`: which kind of listener serves it.
        public var scheme: String?
        /// The variable naming the listener port the request goes to (`GW_PORT_1`, `GW_TLS_PORT`, `GW_PORT_COFFEE`),
        /// when the guide names one other than its scheme's: a TCP or TLS passthrough listener's.
        public var port: String?
        /// The request method (default GET; HEAD sends no body back).
        public var method: String?
        /// Request headers, `Name: value`.
        public var headers: [String]?
        /// Do not verify the Gateway's certificate (`curl --insecure`).
        public var insecure: Bool?
        public var status: Int?
        /// Text the body must contain.
        public var body: String?
        /// What curl would print, as blocks of line patterns (see `OutputPattern`): a response must match one of
        /// them, and with several (a traffic split's backends) each must be seen within 40 requests. With `include`,
        /// the status line and headers come first, as `curl --include` prints them.
        public var output: [String]?
        public var include: Bool?
        /// libcurl's error number (`curl: (35) …`) the request must fail with.
        public var curlError: Int?

        public init(host: String, path: String? = nil) {
            self.host = host
            self.path = path
        }
    }

    public struct ObjectCheck: Codable, Sendable, Equatable {
        /// A kind as `get` takes it (`pod`, `httproute`, `backendtlspolicies.gateway.networking.k8s.io`).
        public var kind: String
        /// The name, or a prefix of it (pods are named after their Deployment).
        public var name: String
        public var namespace: String?
        /// A status condition type: the object's own (else its first parent's or ancestor's); with `reason`, found
        /// anywhere in the status (its listeners', parents', ancestors').
        public var condition: String?
        /// The expected condition status, default "True".
        public var status: String?
        /// The expected condition reason, if it matters.
        public var reason: String?
        /// Or a dotted field path (`status.phase`) and the value it must have.
        public var field: String?
        public var equals: String?

        public init(
            kind: String, name: String, namespace: String? = nil, condition: String? = nil, status: String? = nil,
            reason: String? = nil
        ) {
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.condition = condition
            self.status = status
            self.reason = reason
        }

        public init(kind: String, name: String, namespace: String? = nil, field: String, equals: String) {
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.field = field
            self.equals = equals
        }
    }

    /// Decodes scenario YAML strictly, with positioned errors.
    public static func decode(_ text: String, file: String) throws -> Scenario {
        guard let node = try YAMLReader.parseDocument(text, file: file, lineOffset: 0) else {
            throw ManifestError(
                position: SourcePosition(file: file, line: 1, column: 1), message: "the scenario is empty")
        }
        return try NodeDecoder().decode(Scenario.self, from: node)
    }
}
