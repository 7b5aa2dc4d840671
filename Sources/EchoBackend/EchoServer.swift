import Foundation
import GatewayAPI

#if canImport(Glibc)
    import Glibc
#endif

/// The Gateway API conformance suite's echo server (`echo-basic`), as a local pod's process: every request is
/// answered with JSON naming what arrived (path, host, method, protocol, headers) and where it ran (namespace,
/// ingress, service, pod: from the pod's environment), `/health` with `OK`, `/status/NNN` with that status, and
/// `X-Echo-Set-Header: Name:value` as response headers. Over TLS the answer carries what the handshake settled
/// (`tls`: version, SNI, cipher, the client's certificates); `/ws` upgrades to a WebSocket that echoes frames.
public enum EchoServer {
    /// What the pod's environment says about where it runs.
    public struct Context: Sendable, Equatable {
        public var namespace = ""
        public var ingress = ""
        public var service = ""
        public var pod = ""

        public init(environment: [String: String]) {
            namespace = environment["NAMESPACE"] ?? ""
            ingress = environment["INGRESS_NAME"] ?? ""
            service = environment["SERVICE_NAME"] ?? ""
            pod = environment["POD_NAME"] ?? ""
        }
    }

    /// One parsed request.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var target: String
        public var proto: String
        /// In arrival order, names as sent.
        public var headers: [(name: String, value: String)]

        public static func == (a: Request, b: Request) -> Bool {
            a.method == b.method && a.target == b.target && a.proto == b.proto
                && a.headers.map { "\($0.name):\($0.value)" } == b.headers.map { "\($0.name):\($0.value)" }
        }

        /// The request line and header lines (without the blank line); nil when it is not HTTP/1.x.
        public init?(head: String) {
            let lines = head.components(separatedBy: "\r\n")
            let parts = lines.first?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
            guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
            (method, target, proto) = (parts[0], parts[1], parts[2])
            headers = lines.dropFirst().compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// A response: status, headers, body.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var headers: [String]
        public var body: String
    }

    /// Go's canonical header name (`x-forwarded-for` → `X-Forwarded-For`), as echo-basic reports names.
    public static func canonical(_ name: String) -> String {
        var upper = true
        var out = ""
        for character in name {
            out += upper ? character.uppercased() : character.lowercased()
            upper = character == "-"
        }
        return out
    }

    /// The answer to a request (pure).
    public static func respond(to request: Request, context: Context, tls: TLSFacts? = nil) -> Response {
        let path = request.target
        if path == "/health" { return Response(status: 200, headers: ["Content-Type: text/plain"], body: "OK") }
        if path.hasPrefix("/status/") {
            let code = Int(path.dropFirst("/status/".count)) ?? 400
            return Response(status: (100...599).contains(code) ? code : 400, headers: [], body: "")
        }
        var headers: [String: [String]] = [:]
        for header in request.headers where header.name.lowercased() != "host" {
            headers[canonical(header.name), default: []].append(header.value)
        }
        var object: [String: JSONValue] = [
            "path": .string(path), "host": .string(request.header("host") ?? ""), "method": .string(request.method),
            "proto": .string(request.proto),
            "headers": .object(headers.mapValues { .array($0.map(JSONValue.string)) }),
            "namespace": .string(context.namespace), "ingress": .string(context.ingress),
            "service": .string(context.service),
            "pod": .string(context.pod),
        ]
        if let tls {
            object["tls"] = [
                "version": .string(tls.version), "serverName": .string(tls.serverName),
                "cipherSuite": .string(tls.cipherSuite), "negotiatedProtocol": .string(tls.negotiatedProtocol),
                "peerCertificates": .array(tls.peerCertificates.map(JSONValue.string)),
            ]
        }
        if object["headers"] == .object([:]) { object["headers"] = .object([:]) }
        var responseHeaders = ["Content-Type: application/json", "X-Content-Type-Options: nosniff"]
        for list in request.headers where list.name.lowercased() == "x-echo-set-header" {
            for pair in list.value.split(separator: ",") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
                guard let name = parts.first, !name.isEmpty, !name.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                    continue
                }
                let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else { continue }
                responseHeaders.append("\(name): \(value)")
            }
        }
        return Response(status: 200, headers: responseHeaders, body: JSONWriter.pretty(.object(object), indent: 1))
    }

    static func reason(_ status: Int) -> String {
        [
            200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 400: "Bad Request",
            404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable",
        ][status] ?? "Status"
    }
}

extension EchoServer {
    /// A JSON string literal, as Go's encoding/json writes one.
    static func jsonString(_ text: String) -> String { JSONWriter.compact(.string(text)) }
}
