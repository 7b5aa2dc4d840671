import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A probe of a layer-4 listener: a TCP connection (optionally sending bytes and reading the answer), a UDP
/// datagram and its answer, or a TLS handshake with SNI (through libcurl, for the peer chain). Loopback only: the
/// caller gives the Gateway's address on this machine.
public enum StreamProbe {
    /// How long to wait for bytes back.
    public static let readTimeoutMilliseconds: Int32 = 1000

    /// A socket of `type` connected to the address (send and connect limited to 2 s); -1 with the reason in
    /// `result.error`.
    static func connectedSocket(_ type: Int32, _ address: String, _ port: Int, _ result: inout StreamProbeResult)
        -> Int32
    {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else {
            result.error = "cannot open a socket: \(String(cString: strerror(errno)))"
            return -1
        }
        limit(fd)
        guard var addr = socketAddress(address, port) else {
            close(fd)
            result.error = "\(address) is not an IPv4 address"
            return -1
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            result.error = "connect: \(String(cString: strerror(errno)))"
            close(fd)
            return -1
        }
        return fd
    }

    /// Connects over TCP, sends `data` when given, and reads what comes back until the peer closes or the timeout.
    /// Returns the bytes received.
    @discardableResult
    public static func tcp(address: String, port: Int, data: [UInt8], result: inout StreamProbeResult) -> [UInt8] {
        let start = Date()
        let fd = connectedSocket(Int32(SOCK_STREAM.rawValue), address, port, &result)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        result.connected = true
        result.connectMilliseconds = Date().timeIntervalSince(start) * 1000
        result.clientPort = localPort(fd)
        if !data.isEmpty {
            let written = data.withUnsafeBytes { send(fd, $0.baseAddress, data.count, Int32(MSG_NOSIGNAL)) }
            result.sent = max(0, written)
        }
        return read(fd, into: &result)
    }

    /// Sends one datagram and waits for one answer. Returns the answer's bytes.
    @discardableResult
    public static func udp(address: String, port: Int, data: [UInt8], result: inout StreamProbeResult) -> [UInt8] {
        let fd = connectedSocket(Int32(SOCK_DGRAM.rawValue), address, port, &result)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let written = data.withUnsafeBytes { send(fd, $0.baseAddress, data.count, 0) }
        guard written == data.count else {
            result.error = "send: \(String(cString: strerror(errno)))"
            return []
        }
        result.sent = written
        result.connected = true
        result.clientPort = localPort(fd)
        return read(fd, into: &result, once: true)
    }

    /// Reads until the peer closes, an error, or the timeout with nothing more.
    static func read(_ fd: Int32, into result: inout StreamProbeResult, once: Bool = false) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while received.count < 1 << 20 {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, readTimeoutMilliseconds) > 0 else { break }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0, result.transport == "udp" {
                // A refused datagram comes back as ECONNREFUSED on the connected socket.
                result.error = "recv: \(String(cString: strerror(errno)))"
                break
            }
            if count <= 0 { break }
            received += buffer[0..<count]
            if once { break }
        }
        result.receivedBytes = received.count
        result.received = printable(received.prefix(2048))
        return received
    }

    /// Bytes as text a terminal can show: UTF-8 where valid, other bytes and control characters as `.`.
    static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        String(
            String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar -> Character in
                if scalar == "\n" || scalar == "\t" { return Character(scalar) }
                if scalar == "\r" { return Character("\u{0}") }
                return scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FFFD}" ? "." : Character(scalar)
            }.filter { $0 != "\u{0}" })
    }

    /// The local port of a connected socket.
    static func localPort(_ fd: Int32) -> Int? {
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return found == 0 ? Int(UInt16(bigEndian: local.sin_port)) : nil
    }

    /// Send and connect give up after 2 s (a blocking connect honours SO_SNDTIMEO).
    static func limit(_ fd: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    static func socketAddress(_ address: String, _ port: Int) -> sockaddr_in? {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else { return nil }
        return addr
    }

    /// TLS passthrough: an HTTPS request with the SNI name through the listener, for the chain the backend presents
    /// (not verified: the probe shows it, the backend's clients verify it).
    public static func tls(address: String, port: Int, sni: String, result: inout StreamProbeResult) {
        var request = HTTPProbe.Request(url: "https://\(sni):\(port)/", resolve: ["\(sni):\(port):\(address)"])
        request.insecure = true
        request.timeoutSeconds = 3
        let answer = HTTPProbe.perform(request)
        result.peerChain = answer.peerChain
        result.httpStatus = answer.status
        result.connected = answer.timings.connect > 0
        result.connectMilliseconds = answer.timings.connect > 0 ? answer.timings.connect : nil
        if answer.peerChain.isEmpty, let error = answer.error {
            result.error = "no handshake: \(error)"
        }
        result.receivedBytes = answer.body.utf8.count
        result.received = String(answer.body.prefix(2048))
    }
}
