import Foundation
import Yams

/// One conformance test, as transcribed from the suite's Go test into `Fixtures/conformance/expectations`.
struct ConformanceCase: Decodable, Sendable {
    var name: String
    var description: String?
    var features: [String]
    var manifests: [String]?
    var skip: String?
    var provisional: Bool?
    var steps: [ConformanceStep]?
    /// The expectation file it came from.
    var file = ""

    enum CodingKeys: String, CodingKey {
        case name, description, features, manifests, skip, provisional, steps
    }
}

/// A `namespace/name` reference.
struct ObjectName: Decodable, Sendable, Hashable, CustomStringConvertible {
    var namespace: String
    var name: String

    enum CodingKeys: String, CodingKey { case secret, name }

    init(from decoder: Decoder) throws {
        // `ns/name`, or `{secret: ns/name}` where the reference is to a Secret.
        let text: String
        if let keyed = try? decoder.container(keyedBy: CodingKeys.self),
            let value = try keyed.decodeIfPresent(String.self, forKey: .secret)
                ?? keyed.decodeIfPresent(String.self, forKey: .name)
        {
            text = value
        } else {
            text = try decoder.singleValueContainer().decode(String.self)
        }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        (namespace, name) = parts.count == 2 ? (parts[0], parts[1]) : ("", text)
    }

    var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}

/// A condition as `metav1.Condition` is matched by the suite: an empty status or reason matches any.
struct ExpectedCondition: Decodable, Sendable, CustomStringConvertible {
    var type: String
    var status: String?
    var reason: String?

    var description: String { "\(type)=\(status ?? "*")/\(reason ?? "*")" }
}

/// One step of a test, in the Go test's order.
enum ConformanceStep: Decodable, Sendable {
    struct Accepted: Decodable, Sendable {
        var gateway: ObjectName
        /// The routes' kind (GatewayAndTLSRoutesMustBeAccepted, …): HTTPRoute when nil.
        var kind: String?
        var listener: String?
        /// NewGatewayRef with several listeners: one accepting parent per listener.
        var listeners: [String]?
        var routes: [ObjectName]?
    }
    struct GatewayRef: Decodable, Sendable {
        var gateway: ObjectName
        var listener: String?
    }
    struct GatewayClassRef: Decodable, Sendable { var gatewayClass: String }
    struct PolicyRef: Decodable, Sendable {
        var policy: ObjectName
        var once: Bool?
    }
    /// GatewayInfrastructurePropagation: the objects made for a Gateway carry its infrastructure labels and
    /// annotations.
    struct Infrastructure: Decodable, Sendable {
        var gateway: ObjectName
        /// The label selector that finds the objects made for the Gateway, and their kinds.
        var selector: [String: String]?
        var kinds: [String]?
        var labels: [String: String]?
        var annotations: [String: String]?
    }
    struct EndpointSlicesFromPods: Decodable, Sendable {
        var deployment: ObjectName
        var endpointSlices: [ObjectName]
    }
    /// A WebSocket exchange through the Gateway: text and binary messages echoed back.
    struct WebSocket: Decodable, Sendable {
        var gateway: ObjectName
        var listener: String?
        var path: String
        var origin: String?
        var text: String?
        var binary: [UInt8]?
    }
    struct RouteCondition: Decodable, Sendable {
        var kind: String?
        var route: ObjectName
        /// The parent: a Gateway, or (`listenerSet`) a ListenerSet; exactly one is given.
        var gateway: ObjectName?
        var listenerSet: ObjectName?
        var type: String
        var status: String?
        var reason: String?
        var condition: ExpectedCondition { ExpectedCondition(type: type, status: status, reason: reason) }
    }
    struct RouteParents: Decodable, Sendable {
        struct Parent: Decodable, Sendable {
            var group: String?
            var kind: String?
            var name: String
            var namespace: String?
            var sectionName: String?
            var port: Int?
            var controllerName: String?
            var conditions: [ExpectedCondition]?
        }
        var kind: String?
        var route: ObjectName
        var namespaceRequired: Bool?
        var parents: [Parent]
    }
    struct RouteRef: Decodable, Sendable {
        var kind: String?
        var route: ObjectName
    }
    /// A TCP exchange with echo-basic's TCP mode through a listener (MakeTCPRequestAndExpectEventuallyValidResponse,
    /// ExpectEchoResponse), or a TLS one with SNI (`tls`), or a UDP echo (`udp`); `rejected`: the connection must be
    /// refused or closed.
    struct Stream: Decodable, Sendable {
        var gateway: ObjectName
        var listener: String?
        var port: Int?
        var send: String?
        var backend: String?
        var namespace: String?
        var serverName: String?
        var ca: ObjectName?
        var rejected: Bool?
    }
    /// A DNS question through a UDP listener (udproute-simple): any DNS answer counts.
    struct DNS: Decodable, Sendable {
        var gateway: ObjectName
        var listener: String?
        var port: Int?
        var name: String
    }
    /// weight.TestWeightedDistribution over TCP or UDP echoes (or, with weight 1 and 0, only one backend answers).
    struct StreamDistribution: Decodable, Sendable {
        var gateway: ObjectName
        var listener: String?
        var port: Int?
        var samples: Int?
        var tolerance: Double?
        var weights: [String: Double]
    }
    struct GatewayCondition: Decodable, Sendable {
        var gateway: ObjectName
        var type: String
        var status: String?
        var reason: String?
        var condition: ExpectedCondition { ExpectedCondition(type: type, status: status, reason: reason) }
    }
    struct GatewayClassCondition: Decodable, Sendable {
        var gatewayClass: String
        var type: String
        var status: String?
        var reason: String?
        var condition: ExpectedCondition { ExpectedCondition(type: type, status: status, reason: reason) }
    }
    struct Listeners: Decodable, Sendable {
        struct Listener: Decodable, Sendable {
            struct Kind: Decodable, Sendable {
                var group: String?
                var kind: String
            }
            var name: String
            var supportedKinds: [Kind]?
            var attachedRoutes: Int?
            var conditions: [ExpectedCondition]?
        }
        var gateway: ObjectName
        var listeners: [Listener]
    }
    struct ListenerConditions: Decodable, Sendable {
        var gateway: ObjectName
        var listener: String?
        var listeners: [String]?
        var conditions: [ExpectedCondition]
    }
    /// ListenerSetMustHaveCondition.
    struct ListenerSetCondition: Decodable, Sendable {
        var listenerSet: ObjectName
        var type: String
        var status: String?
        var reason: String?
        var condition: ExpectedCondition { ExpectedCondition(type: type, status: status, reason: reason) }
    }
    /// ListenerSetListenersMustHaveConditions: the named listeners (every one in the status when none is named).
    struct ListenerSetListenerConditions: Decodable, Sendable {
        var listenerSet: ObjectName
        var listener: String?
        var listeners: [String]?
        var conditions: [ExpectedCondition]
    }
    /// ListenerSetStatusMustHaveListeners: exactly these listener statuses.
    struct ListenerSetListeners: Decodable, Sendable {
        var listenerSet: ObjectName
        var listeners: [Listeners.Listener]
    }
    /// GatewayMustHaveAttachedListeners: status.attachedListenerSets (absent counts as 0).
    struct AttachedListenerSets: Decodable, Sendable {
        var gateway: ObjectName
        var count: Int
    }
    /// RoutesAndParentMustBeAccepted with a ListenerSet's ResourceRef.
    struct ListenerSetAccepted: Decodable, Sendable {
        var listenerSet: ObjectName
        /// The routes' kind: HTTPRoute when nil.
        var kind: String?
        var routes: [ObjectName]?
    }
    struct PolicyCondition: Decodable, Sendable {
        var policy: ObjectName
        var gateway: ObjectName
        var type: String
        var status: String?
        var reason: String?
        var condition: ExpectedCondition { ExpectedCondition(type: type, status: status, reason: reason) }
    }
    struct Delete: Decodable, Sendable {
        var kind: String
        var namespace: String?
        var name: String
    }
    struct ObjectRef: Decodable, Sendable {
        var kind: String
        var namespace: String?
        var name: String
    }

    case accepted(Accepted)
    case routeCondition(RouteCondition)
    case routeParents(RouteParents)
    case routeNotAccepted(RouteRef)
    case gatewayCondition(GatewayCondition)
    case gatewayClassCondition(GatewayClassCondition)
    case listeners(Listeners)
    case listenerConditions(ListenerConditions)
    case policyCondition(PolicyCondition)
    case listenerSetCondition(ListenerSetCondition)
    case listenerSetListenerConditions(ListenerSetListenerConditions)
    case listenerSetListeners(ListenerSetListeners)
    case attachedListenerSets(AttachedListenerSets)
    case listenerSetAccepted(ListenerSetAccepted)
    case apply(String)
    case delete(Delete)
    case observedGenerationBumped(ObjectRef)
    /// NamespacesMustBeReady: every Gateway there Accepted and Programmed, every Pod ready.
    case namespacesReady([String])
    /// GatewayMustHaveZeroRoutes.
    case gatewayZeroRoutes(GatewayRef)
    case webSocket(WebSocket)
    /// HTTPRouteMustHaveLatestConditions.
    case routeLatestConditions(RouteRef)
    /// The route's metadata.generation moved since before the last apply step.
    case routeGenerationChanged(RouteRef)
    /// The suite's manual EndpointSlices pointed at a Deployment's pods.
    case endpointSlicesFromPods(EndpointSlicesFromPods)
    case mirrorDistribution(MirrorDistribution)
    case gatewayLatestConditions(GatewayRef)
    case gatewayClassLatestConditions(GatewayClassRef)
    case policyLatestConditions(PolicyRef)
    /// WaitForGatewayAddress.
    case gatewayAddress(GatewayRef)
    case infrastructurePropagated(Infrastructure)
    case request(HTTPCase)
    case tcp(Stream)
    case tls(Stream)
    case udp(Stream)
    case dns(DNS)
    case tcpDistribution(StreamDistribution)
    case udpDistribution(StreamDistribution)
    case distribution(Distribution)
    /// grpc.MakeRequestAndExpectEventuallyConsistentResponse (or …Failure): a call to the suite's gRPC echo.
    case grpc(GRPCCase)
    /// weight.TestWeightedDistribution over gRPC calls.
    case grpcDistribution(GRPCDistribution)
    /// A step the runner does not know: the test fails naming it.
    case unsupported(String)

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let keys = container.allKeys.map(\.stringValue).filter { $0 != "when" && $0 != "name" }
        guard let key = keys.first.map(Key.init(stringValue:)), keys.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a step has one key, got \(keys)"))
        }
        switch key.stringValue {
        case "accepted": self = .accepted(try container.decode(Accepted.self, forKey: key))
        case "routeCondition": self = .routeCondition(try container.decode(RouteCondition.self, forKey: key))
        case "routeParents": self = .routeParents(try container.decode(RouteParents.self, forKey: key))
        case "routeNotAccepted": self = .routeNotAccepted(try container.decode(RouteRef.self, forKey: key))
        case "gatewayCondition": self = .gatewayCondition(try container.decode(GatewayCondition.self, forKey: key))
        case "gatewayClassCondition":
            self = .gatewayClassCondition(try container.decode(GatewayClassCondition.self, forKey: key))
        case "listeners": self = .listeners(try container.decode(Listeners.self, forKey: key))
        case "listenerConditions":
            self = .listenerConditions(try container.decode(ListenerConditions.self, forKey: key))
        case "policyCondition": self = .policyCondition(try container.decode(PolicyCondition.self, forKey: key))
        case "listenerSetCondition":
            self = .listenerSetCondition(try container.decode(ListenerSetCondition.self, forKey: key))
        case "listenerSetListenerConditions":
            self = .listenerSetListenerConditions(try container.decode(ListenerSetListenerConditions.self, forKey: key))
        case "listenerSetListeners":
            self = .listenerSetListeners(try container.decode(ListenerSetListeners.self, forKey: key))
        case "attachedListenerSets":
            self = .attachedListenerSets(try container.decode(AttachedListenerSets.self, forKey: key))
        case "listenerSetAccepted":
            self = .listenerSetAccepted(try container.decode(ListenerSetAccepted.self, forKey: key))
        case "apply": self = .apply(try container.decode(String.self, forKey: key))
        case "delete": self = .delete(try container.decode(Delete.self, forKey: key))
        case "observedGenerationBumped":
            self = .observedGenerationBumped(try container.decode(ObjectRef.self, forKey: key))
        case "namespacesReady": self = .namespacesReady(try container.decode([String].self, forKey: key))
        case "gatewayZeroRoutes": self = .gatewayZeroRoutes(try container.decode(GatewayRef.self, forKey: key))
        case "routeLatestConditions": self = .routeLatestConditions(try container.decode(RouteRef.self, forKey: key))
        case "routeGenerationChanged":
            self = .routeGenerationChanged(try container.decode(RouteRef.self, forKey: key))
        case "endpointSlicesFromPods":
            self = .endpointSlicesFromPods(try container.decode(EndpointSlicesFromPods.self, forKey: key))
        case "mirrorDistribution":
            self = .mirrorDistribution(try container.decode(MirrorDistribution.self, forKey: key))
        case "gatewayLatestConditions":
            self = .gatewayLatestConditions(try container.decode(GatewayRef.self, forKey: key))
        case "gatewayClassLatestConditions":
            self = .gatewayClassLatestConditions(try container.decode(GatewayClassRef.self, forKey: key))
        case "policyLatestConditions":
            self = .policyLatestConditions(try container.decode(PolicyRef.self, forKey: key))
        case "gatewayAddress": self = .gatewayAddress(try container.decode(GatewayRef.self, forKey: key))
        case "infrastructurePropagated":
            self = .infrastructurePropagated(try container.decode(Infrastructure.self, forKey: key))
        case "websocket": self = .webSocket(try container.decode(WebSocket.self, forKey: key))
        case "request": self = .request(try container.decode(HTTPCase.self, forKey: key))
        case "tcp": self = .tcp(try container.decode(Stream.self, forKey: key))
        case "tls": self = .tls(try container.decode(Stream.self, forKey: key))
        case "udp": self = .udp(try container.decode(Stream.self, forKey: key))
        case "dns": self = .dns(try container.decode(DNS.self, forKey: key))
        case "tcpDistribution": self = .tcpDistribution(try container.decode(StreamDistribution.self, forKey: key))
        case "udpDistribution": self = .udpDistribution(try container.decode(StreamDistribution.self, forKey: key))
        case "distribution": self = .distribution(try container.decode(Distribution.self, forKey: key))
        case "grpc": self = .grpc(try container.decode(GRPCCase.self, forKey: key))
        case "grpcDistribution":
            self = .grpcDistribution(try container.decode(GRPCDistribution.self, forKey: key))
        default: self = .unsupported(key.stringValue)
        }
    }
}

/// `http.ExpectedResponse`: a request through the Gateway and what must come back.
struct HTTPCase: Decodable, Sendable {
    struct Request: Decodable, Sendable {
        var host: String?
        var method: String?
        var path: String?
        var headers: [String: String]?
        var unfollowRedirect: Bool?
        var protocolName: String?
        var body: String?
        /// h.Request.SNI: not sent; the SNI the backend must see when no expected request is given.
        var sni: String?
        /// h.Request.ClientCert: the Secret whose certificate the backend must have been shown.
        var clientCert: ObjectName?

        enum CodingKeys: String, CodingKey {
            case host, method, path, headers, unfollowRedirect, body, sni, clientCert
            case protocolName = "protocol"
        }
    }
    struct ExpectedRequest: Decodable, Sendable {
        var host: String?
        var method: String?
        var path: String?
        var headers: [String: String]?
        var absentHeaders: [String]?
        var sni: String?
        var clientCert: ObjectName?
    }
    struct Response: Decodable, Sendable {
        var statusCode: Int?
        var statusCodes: [Int]?
        var headers: [String: String]?
        var absentHeaders: [String]?

        var codes: [Int] {
            var all = statusCodes ?? []
            if let statusCode, !all.contains(statusCode) { all.append(statusCode) }
            return all.isEmpty ? [200] : all
        }
    }
    struct Redirect: Decodable, Sendable {
        var scheme: String?
        var host: String?
        var port: String?
        var path: String?

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            scheme = try container.decodeIfPresent(String.self, forKey: .scheme)
            host = try container.decodeIfPresent(String.self, forKey: .host)
            path = try container.decodeIfPresent(String.self, forKey: .path)
            if let text = try? container.decodeIfPresent(String.self, forKey: .port) {
                port = text
            } else if let number = try? container.decodeIfPresent(Int.self, forKey: .port) {
                port = String(number)
            }
        }
        enum CodingKeys: String, CodingKey { case scheme, host, port, path }
    }
    struct Mirror: Decodable, Sendable {
        var name: String
        var namespace: String
        var percent: Int?
    }

    var gateway: ObjectName
    var listener: String?
    var port: Int?
    var scheme: String?
    var serverName: String?
    /// The HTTPS client trusts only this Secret's certificate (else it verifies nothing).
    var serverCertificate: ObjectName?
    var request: Request
    var expectedRequest: ExpectedRequest?
    var backendSetResponseHeaders: [String: String]?
    var response: Response?
    var redirectRequest: Redirect?
    var backend: String?
    var namespace: String?
    var mirroredTo: [Mirror]?
    var expectFailure: Bool?
}

/// A weighted split: the share of each backend over many requests.
struct Distribution: Decodable, Sendable {
    var gateway: ObjectName
    var listener: String?
    var request: HTTPCase.Request
    var response: HTTPCase.Response?
    var namespace: String?
    var requests: Int?
    var tolerance: Double?
    var weights: [String: Double]
    var concurrency: Int?
    var attempts: Int?
}

/// `grpc.ExpectedResponse`: a unary call to the suite's gRPC echo (`GrpcEcho`) through the Gateway, and what must
/// come back.
struct GRPCCase: Decodable, Sendable {
    var gateway: ObjectName
    /// The listener whose port gwAddr carries (else the first).
    var listener: String?
    var port: Int?
    /// `Echo`, `EchoTwo` or `EchoThree` (EchoRequest, EchoTwoRequest, EchoThreeRequest), with an empty request.
    var method: String
    /// RequestMetadata.Authority: the call's `:authority` (else gwAddr, `address:port`, as grpc-go sends it).
    var authority: String?
    /// RequestMetadata.Metadata (sent with lower-cased keys, as metadata.New does).
    var metadata: [String: String]?
    /// Response.Code by name (`Unimplemented`); OK when omitted.
    var code: String?
    /// The answering pod's name starts with this (any pod when omitted).
    var backend: String?
    /// The echo's context.namespace (not checked when omitted).
    var namespace: String?
    /// MakeRequestAndExpectEventuallyConsistentFailure: any code but OK; an OK fails at once.
    var expectFailure: Bool?
}

/// weight.TestWeightedDistribution with gRPC calls: each backend's share of `requests` answers.
struct GRPCDistribution: Decodable, Sendable {
    var gateway: ObjectName
    var listener: String?
    var port: Int?
    var method: String
    var authority: String?
    var metadata: [String: String]?
    var requests: Int?
    var concurrency: Int?
    var tolerance: Double?
    var attempts: Int?
    var weights: [String: Double]
}

/// A percentage mirror: over many requests, each mirror backend logs about its percent of them.
struct MirrorDistribution: Decodable, Sendable {
    var gateway: ObjectName
    var request: HTTPCase.Request
    var expectedRequest: HTTPCase.ExpectedRequest?
    var backend: String?
    var namespace: String?
    var mirroredTo: [HTTPCase.Mirror]
    var requests: Int
    var concurrency: Int?
    var toleranceStdDevs: Double
    var attempts: Int?
}

/// Every expectation file of the fixtures, in file order.
enum ConformanceFixtures {
    static let root = CLI.repositoryRoot.appendingPathComponent("Tests/CLITests/Fixtures/conformance").path
    /// The suite's commit the fixtures were taken from.
    static let suiteCommit = "4564255ac2c35d582249b3cdf261bdf51c8bca32"

    static func cases() throws -> [ConformanceCase] {
        let folder = root + "/expectations"
        let files = (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { $0.hasSuffix(".yaml") }
            .sorted()
        struct File: Decodable { var tests: [ConformanceCase] }
        var all: [ConformanceCase] = []
        for file in files {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            do {
                for var test in try YAMLDecoder().decode(File.self, from: text).tests {
                    test.file = file
                    all.append(test)
                }
            } catch {
                throw ConformanceError("expectations/\(file): \(error)")
            }
        }
        return all
    }
}

struct ConformanceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
