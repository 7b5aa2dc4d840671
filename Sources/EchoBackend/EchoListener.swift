import COpenSSL
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the echo server listens and how: plain HTTP, or TLS with a certificate (and client CAs to verify client
/// certificates with, when given), as echo-basic's HTTP_PORT and HTTPS_PORT with TLS_SERVER_CERT,
/// TLS_SERVER_PRIVKEY and TLS_CLIENT_CACERTS.
public struct EchoListener: Sendable {
    public struct TLS: Sendable {
        public var certificateFile: String
        public var keyFile: String
        public var clientCAFile: String?

        public init(certificateFile: String, keyFile: String, clientCAFile: String?) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.clientCAFile = clientCAFile
        }
    }

    public var address: String
    public var port: Int
    public var tls: TLS?

    public init(address: String, port: Int, tls: TLS? = nil) {
        self.address = address
        self.port = port
        self.tls = tls
    }
}

public struct EchoServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension EchoServer {
    /// Serves every listener until the process is stopped; an error when one cannot listen.
    public static func serve(_ listeners: [EchoListener], context: Context) throws -> Never {
        // A peer that resets during a TLS write must not end the pod (SSL_write has no MSG_NOSIGNAL).
        signal(SIGPIPE, SIG_IGN)
        // Every TLS context first: a certificate that cannot load fails the pod before any port listens.
        var contexts: [UnsafeMutableRawPointer?] = []
        for listener in listeners {
            var tls: UnsafeMutableRawPointer?
            if let config = listener.tls {
                var error = [CChar](repeating: 0, count: 512)
                tls = gw_tls_server_context(
                    config.certificateFile, config.keyFile, config.clientCAFile, &error, error.count)
                guard tls != nil else {
                    let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    throw EchoServerError("echo server: TLS on port \(listener.port): \(reason)")
                }
            }
            contexts.append(tls)
        }
        var sockets: [(Int32, UnsafeMutableRawPointer?)] = []
        for (listener, tls) in zip(listeners, contexts) {
            sockets.append((try bind(listener.address, listener.port), tls))
            log("Starting server, listening on \(listener.address):\(listener.port) (\(tls == nil ? "http" : "https"))")
        }
        for (fd, tls) in sockets.dropFirst() {
            let raw = Int(bitPattern: tls)
            Thread.detachNewThread { accept(fd, tls: UnsafeMutableRawPointer(bitPattern: raw), context: context) }
        }
        accept(sockets[0].0, tls: sockets[0].1, context: context)
    }

    static func accept(_ listener: Int32, tls: UnsafeMutableRawPointer?, context: Context) -> Never {
        acceptConnections(listener, tls: tls, timeoutSeconds: 30) { handle($0, context: context) }
    }

    /// Accepts connections for ever, each on a thread of its own with read and write timeouts, over TLS when given a
    /// context (a failed handshake closes it); waits a little after a failed accept (out of descriptors, say).
    static func acceptConnections(
        _ listener: Int32, tls: UnsafeMutableRawPointer?, timeoutSeconds: Int,
        handle: @escaping @Sendable (EchoConnection) -> Void
    ) -> Never {
        let raw = Int(bitPattern: tls)
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else {
                usleep(50_000)
                continue
            }
            Thread.detachNewThread {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let connection: EchoConnection
                if let context = UnsafeMutableRawPointer(bitPattern: raw) {
                    guard let secure = TLSConnection(fd: fd, context: context) else {
                        Glibc.close(fd)
                        return
                    }
                    connection = secure
                } else {
                    connection = PlainConnection(fd: fd)
                }
                handle(connection)
            }
        }
    }

    static func bind(_ address: String, _ port: Int) throws -> Int32 {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else {
            throw EchoServerError("echo server: cannot open a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            throw EchoServerError("echo server: \(address) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            throw EchoServerError(
                "echo server: cannot listen on \(address):\(port): \(String(cString: strerror(errno)))")
        }
        return listener
    }

    /// One connection: requests in turn until the client closes or asks to; a WebSocket upgrade on `/ws`.
    static func handle(_ connection: EchoConnection, context: Context) {
        defer { connection.close() }
        var buffer = [UInt8]()
        while true {
            // The head, up to the blank line.
            var end: Int?
            while end == nil {
                if let found = find(buffer, [13, 10, 13, 10]) {
                    end = found
                    break
                }
                if buffer.count > 1 << 20 { return }
                let more = connection.read(max: 16_384)
                if more.isEmpty { return }
                buffer += more
            }
            let head = String(decoding: buffer[0..<end!], as: UTF8.self)
            buffer.removeFirst(end! + 4)
            guard let request = Request(head: head) else {
                _ = connection.write(
                    Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                return
            }
            if request.target.split(separator: "?").first == "/ws",
                request.header("upgrade")?.lowercased() == "websocket", let key = request.header("sec-websocket-key")
            {
                log("established websocket connection")
                WebSocketEcho.run(connection, key: key, buffered: buffer)
                return
            }
            // A body is read and left unused (Content-Length up to 16 MiB; chunked bodies end the connection after
            // the answer).
            let length = Int(request.header("content-length") ?? "") ?? 0
            guard (0...(16 << 20)).contains(length) else {
                _ = connection.write(
                    Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                return
            }
            var remaining = length
            let buffered = min(remaining, buffer.count)
            buffer.removeFirst(buffered)
            remaining -= buffered
            while remaining > 0 {
                let more = connection.read(max: min(16_384, remaining))
                if more.isEmpty { return }
                remaining -= more.count
            }
            let chunked = request.header("transfer-encoding")?.lowercased().contains("chunked") ?? false
            let closing =
                chunked || request.header("connection")?.lowercased() == "close" || request.proto == "HTTP/1.0"
            let response = respond(to: request, context: context, tls: connection.tls)
            log("Echoing back request made to \(request.target)")
            var text = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
            for header in response.headers { text += header + "\r\n" }
            text += "Content-Length: \(response.body.utf8.count)\r\n"
            if closing { text += "Connection: close\r\n" }
            text += "\r\n" + response.body
            _ = connection.write(Array(text.utf8))
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
}
