import Foundation
import GatewayAPI

#if canImport(Glibc)
    import Glibc
#endif

/// The Gateway API conformance suite's echo server (`echo-basic`), as a local pod's process: every request is
/// answered with JSON naming what arrived (path, host, method, protocol, headers) and where it ran (namespace,
/// ingress, service, pod: from the pod's environment), `/health` with `OK`, `/status/NNN` with that status, and
/// `X-Echo-Set-Header: Name:value` as response headers.
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
    public static func respond(to request: Request, context: Context) -> Response {
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
            "pod": .string(context.pod), "sni": "",
        ]
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

    /// Serves on `address:port` until the process is stopped.
    public static func serve(address: String, port: Int, context: Context) throws -> Never {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else {
            throw DataplaneError("echo server: cannot open a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            throw DataplaneError("echo server: \(address) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            throw DataplaneError(
                "echo server: cannot listen on \(address):\(port): \(String(cString: strerror(errno)))")
        }
        log("Starting server, listening on \(address):\(port) (http)")
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            Thread.detachNewThread { handle(connection, context: context) }
        }
    }

    /// One connection: requests in turn until the client closes or asks to.
    static func handle(_ fd: Int32, context: Context) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            // The head, up to the blank line.
            var end: Int?
            while end == nil {
                if let found = find(buffer, [13, 10, 13, 10]) {
                    end = found
                    break
                }
                if buffer.count > 1 << 20 { return }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                buffer += chunk[0..<n]
            }
            let head = String(decoding: buffer[0..<end!], as: UTF8.self)
            buffer.removeFirst(end! + 4)
            guard let request = Request(head: head) else {
                send(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            // A body is read and left unused (Content-Length up to 16 MiB; chunked bodies end the connection after
            // the answer).
            let length = Int(request.header("content-length") ?? "") ?? 0
            guard (0...(16 << 20)).contains(length) else {
                send(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            var remaining = length
            let buffered = min(remaining, buffer.count)
            buffer.removeFirst(buffered)
            remaining -= buffered
            while remaining > 0 {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, remaining), 0) }
                if n <= 0 { return }
                remaining -= n
            }
            let chunked = request.header("transfer-encoding")?.lowercased().contains("chunked") ?? false
            let closing =
                chunked || request.header("connection")?.lowercased() == "close" || request.proto == "HTTP/1.0"
            let response = respond(to: request, context: context)
            log("Echoing back request made to \(request.target)")
            var text = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
            for header in response.headers { text += header + "\r\n" }
            text += "Content-Length: \(response.body.utf8.count)\r\n"
            if closing { text += "Connection: close\r\n" }
            text += "\r\n" + response.body
            send(fd, text)
            if closing { return }
        }
    }

    /// A line of the pod's log (written at once: the log is a file, not a terminal).
    static func log(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<index + needle.count]) == needle { return index }
        }
        return nil
    }

    static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    static func reason(_ status: Int) -> String {
        [
            200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 400: "Bad Request",
            404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable",
        ][status] ?? "Status"
    }
}
