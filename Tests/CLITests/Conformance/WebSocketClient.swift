import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A WebSocket client (RFC 6455) over a plain TCP socket: the handshake, then masked frames out and the echoed
/// frames back, as the suite's golang.org/x/net/websocket client does.
enum WebSocketClient {
    /// nil when the server upgraded and echoed every message with its type; else what went wrong.
    static func exchange(
        address: String, port: Int, host: String, path: String, origin: String?, text: String?, binary: [UInt8]?
    ) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "no socket" }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &addr.sin_addr)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return "connect \(address):\(port): \(String(cString: strerror(errno)))" }
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        var head = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        if let origin { head += "Origin: \(origin)\r\n" }
        head += "\r\n"
        guard write(fd, Array(head.utf8)) else { return "the handshake could not be sent" }
        var buffer: [UInt8] = []
        // The response head.
        while !contains(buffer, [13, 10, 13, 10]) {
            guard let more = read(fd) else {
                return "the connection closed during the handshake: \(String(decoding: buffer, as: UTF8.self))"
            }
            buffer += more
        }
        let end = index(buffer, [13, 10, 13, 10])!
        let response = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        guard response.hasPrefix("HTTP/1.1 101") else {
            return "expected 101 Switching Protocols, got \(response.split(separator: "\r\n").first ?? "")"
        }
        var messages: [(UInt8, [UInt8])] = []
        if let text { messages.append((0x1, Array(text.utf8))) }
        if let binary { messages.append((0x2, binary)) }
        for (opcode, payload) in messages {
            guard write(fd, frame(opcode: opcode, payload)) else { return "a frame could not be sent" }
            // One frame back: FIN + opcode, length, unmasked payload.
            func need(_ count: Int) -> Bool {
                while buffer.count < count {
                    guard let more = read(fd) else { return false }
                    buffer += more
                }
                return true
            }
            guard need(2) else { return "no frame came back" }
            let gotOpcode = buffer[0] & 0x0F
            var length = Int(buffer[1] & 0x7F)
            var offset = 2
            if length == 126 {
                guard need(4) else { return "a short frame" }
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                offset = 4
            }
            guard need(offset + length) else { return "a short frame" }
            let echoed = Array(buffer[offset..<offset + length])
            buffer.removeFirst(offset + length)
            if echoed != payload {
                return
                    "sent \(payload.count) bytes, got back \(echoed.count) (\(String(decoding: echoed, as: UTF8.self)))"
            }
            if gotOpcode != opcode { return "sent a frame of type \(opcode), got type \(gotOpcode)" }
        }
        _ = write(fd, frame(opcode: 0x8, []))
        return nil
    }

    /// A client frame: FIN, the opcode, the mask bit and length, a random mask, the masked payload.
    static func frame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            bytes.append(0x80 | UInt8(payload.count))
        } else {
            bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return bytes
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    static func read(_ fd: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(chunk[0..<n]) : nil
    }

    static func index(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool { index(haystack, needle) != nil }
}
