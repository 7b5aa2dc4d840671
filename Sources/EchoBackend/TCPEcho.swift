import COpenSSL
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// echo-basic's TCP mode (`TCP_ECHO_SERVER`), which the conformance suite's TLSRoute and TCPRoute tests talk to: a
/// welcome line on connect, then line commands: `PING` → `PONG`, `IS_TLS` → `true`/`false`, `TEST` → one JSON
/// object naming the pod and, on the TLS port, what the handshake settled. Any other line gets no answer.
public enum TCPEcho {
    public static let welcome = "Gateway API Test TCP Server\n"

    /// Where the TCP echo listens: plain on `TCP_PORT` (3000), and with `TLS_SERVER_CERT` and
    /// `TLS_SERVER_PRIV_KEY` TLS on `TLS_PORT` (8443).
    public struct Ports: Sendable, Equatable {
        public var tcp: Int
        public var tls: Int

        public init(environment: [String: String]) {
            tcp = Int(environment["TCP_PORT"] ?? "") ?? 3000
            tls = Int(environment["TLS_PORT"] ?? "") ?? 8443
        }
    }

    /// The answer to one command line, nil for a line it does not know.
    public static func answer(
        _ line: String, context: EchoServer.Context, ports: Ports, tls: TLSFacts?
    ) -> String? {
        switch line {
        case "PING": return "PONG\n"
        case "IS_TLS": return tls == nil ? "false\n" : "true\n"
        case "TEST": return test(context: context, ports: ports, tls: tls) + "\n"
        default: return nil
        }
    }

    /// The TEST payload, its fields in echo-basic's order.
    static func test(context: EchoServer.Context, ports: Ports, tls: TLSFacts?) -> String {
        func quoted(_ text: String) -> String { EchoServer.jsonString(text) }
        var out =
            "{\"namespace\":\(quoted(context.namespace)),\"ingress\":\(quoted(context.ingress)),"
            + "\"service\":\(quoted(context.service)),\"pod\":\(quoted(context.pod)),"
            + "\"tcpport\":\(quoted(String(ports.tcp))),\"tlsport\":\(quoted(String(ports.tls))),"
            + "\"isTLS\":\(tls == nil ? "false" : "true")"
        if let tls {
            out += ",\"tls\":{\"version\":\(quoted(tls.version)),\"serverName\":\(quoted(tls.serverName))"
            if !tls.negotiatedProtocol.isEmpty { out += ",\"negotiatedProtocol\":\(quoted(tls.negotiatedProtocol))" }
            out += ",\"cipherSuite\":\(quoted(tls.cipherSuite))}"
        }
        return out + "}"
    }

    /// Serves the plain port, and the TLS one when given a certificate and key, until the process is stopped.
    public static func serve(
        address: String, ports: Ports, certificate: (file: String, key: String)?, context: EchoServer.Context
    ) throws -> Never {
        signal(SIGPIPE, SIG_IGN)
        var tlsContext: UnsafeMutableRawPointer?
        if let certificate {
            var error = [CChar](repeating: 0, count: 512)
            tlsContext = gw_tls_server_context(certificate.file, certificate.key, nil, &error, error.count)
            guard tlsContext != nil else {
                let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw EchoServerError("tcp echo server: TLS on port \(ports.tls): \(reason)")
            }
        }
        let plain = try EchoServer.bind(address, ports.tcp)
        EchoServer.log("Starting TCP server, listening on \(address):\(ports.tcp)")
        if let tlsContext {
            let secure = try EchoServer.bind(address, ports.tls)
            EchoServer.log("Starting TLS TCP server, listening on \(address):\(ports.tls)")
            let raw = Int(bitPattern: tlsContext)
            Thread.detachNewThread {
                accept(secure, tls: UnsafeMutableRawPointer(bitPattern: raw), ports: ports, context: context)
            }
        }
        accept(plain, tls: nil, ports: ports, context: context)
    }

    static func accept(_ listener: Int32, tls: UnsafeMutableRawPointer?, ports: Ports, context: EchoServer.Context)
        -> Never
    {
        EchoServer.acceptConnections(listener, tls: tls, timeoutSeconds: 60) {
            handle($0, ports: ports, context: context)
        }
    }

    static func handle(_ connection: EchoConnection, ports: Ports, context: EchoServer.Context) {
        defer { connection.close() }
        guard connection.write(Array(welcome.utf8)) else { return }
        var buffer: [UInt8] = []
        while true {
            while let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                if let answer = answer(line, context: context, ports: ports, tls: connection.tls) {
                    guard connection.write(Array(answer.utf8)) else { return }
                }
            }
            if buffer.count > 1 << 20 { return }
            let more = connection.read(max: 16_384)
            if more.isEmpty { return }
            buffer += more
        }
    }
}

/// echo-basic's UDP mode (`UDP_ECHO_SERVER`): each datagram on `UDP_PORT` (8080) answered with one datagram,
/// `{"request":…,"namespace":…,"ingress":…,"service":…,"pod":…}`.
public enum UDPEcho {
    public static func answer(_ payload: [UInt8], context: EchoServer.Context) -> String {
        func quoted(_ text: String) -> String { EchoServer.jsonString(text) }
        return
            "{\"request\":\(quoted(String(decoding: payload, as: UTF8.self))),\"namespace\":\(quoted(context.namespace)),"
            + "\"ingress\":\(quoted(context.ingress)),\"service\":\(quoted(context.service)),\"pod\":\(quoted(context.pod))}"
    }

    public static func serve(address: String, port: Int, context: EchoServer.Context) throws -> Never {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw EchoServerError("udp echo server: cannot open a socket") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            throw EchoServerError("udp echo server: \(address) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw EchoServerError(
                "udp echo server: cannot listen on \(address):\(port): \(String(cString: strerror(errno)))")
        }
        EchoServer.log("Starting UDP echo server, listening on \(address):\(port)")
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, &buffer, buffer.count, 0, $0, &length)
                }
            }
            guard count >= 0 else { continue }
            let reply = Array(answer(Array(buffer[0..<count]), context: context).utf8)
            _ = withUnsafePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, reply, reply.count, 0, $0, length) }
            }
        }
    }
}
