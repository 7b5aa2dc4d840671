import Foundation
import Testing

@testable import DNSBackend

#if canImport(Glibc)
    import Glibc
#endif

/// The server on real sockets: a Corefile on a free high port of 127.0.0.1, asked over UDP and TCP.
@Suite("DNS server")
struct DNSServerTests {
    /// Lines the server logs, shared with its threads.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []

        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }

        /// Waits until a line satisfies `condition`, for at most `seconds`.
        func wait(seconds: Double = 10, until condition: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if all.contains(where: condition) { return true }
                usleep(10_000)
            }
            return all.contains(where: condition)
        }
    }

    /// A port no one listens on now (over TCP; the server takes UDP too).
    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A socket of `type` connected to 127.0.0.1:port, reads timing out after 5 seconds; and its own port.
    func connect(_ port: Int, type: Int32) throws -> (fd: Int32, localPort: Int) {
        let fd = socket(AF_INET, type, 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connected = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(connected, "connect: \(String(cString: strerror(errno)))")
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    func receive(_ fd: Int32, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            let got = bytes[have...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            try #require(got > 0, "the server did not answer in time")
            have += got
        }
        return bytes
    }

    func udp(_ port: Int, _ query: [UInt8]) throws -> (DNSMessage, localPort: Int) {
        let (fd, localPort) = try connect(port, type: Int32(SOCK_DGRAM.rawValue))
        defer { close(fd) }
        #expect(send(fd, query, query.count, 0) == query.count)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        try #require(count > 0, "no UDP answer in time")
        return (try DNSMessage(parsing: Array(buffer[0..<count])), localPort)
    }

    func tcp(_ port: Int, _ queries: [[UInt8]]) throws -> ([DNSMessage], localPort: Int) {
        let (fd, localPort) = try connect(port, type: Int32(SOCK_STREAM.rawValue))
        defer { close(fd) }
        var answers: [DNSMessage] = []
        for query in queries {
            let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query
            #expect(send(fd, framed, framed.count, 0) == framed.count)
            let prefix = try receive(fd, count: 2)
            answers.append(try DNSMessage(parsing: try receive(fd, count: Int(prefix[0]) << 8 | Int(prefix[1]))))
        }
        return (answers, localPort)
    }

    @Test("NGF's Corefile on a free port: whoami over UDP and TCP, forward's SERVFAIL logged")
    func sockets() throws {
        let port = try freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-dns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("Corefile").path
        try CorefileTests.ngfExample.replacingOccurrences(of: ":53", with: ":\(port)")
            .write(toFile: path, atomically: true, encoding: .utf8)

        let lines = Lines()
        Thread.detachNewThread {
            do {
                try DNSServer.start(corefilePath: path, address: "127.0.0.1", log: lines.append)
            } catch {
                lines.append("failed: \(error)")
            }
        }
        #expect(lines.wait { $0.hasPrefix("gwconsole dns-server") || $0.hasPrefix("failed") })
        try #require(!lines.all.contains { $0.hasPrefix("failed") }, "\(lines.all)")
        #expect(lines.all.contains("cafe.example.com.:\(port) on 127.0.0.1"))

        let (whoami, udpPort) = try udp(port, DNSResolverTests.query("cafe.example.com"))
        #expect(whoami.rcode == DNSRcode.noError && whoami.flagsText == "qr,aa,rd")
        #expect(
            whoami.additional == [
                .a(DNSName("cafe.example.com")!, [127, 0, 0, 1], ttl: 0),
                DNSRecord(
                    name: DNSName("_udp.cafe.example.com")!, type: DNSType.srv, ttl: 0,
                    data: .srv(priority: 0, weight: 0, port: UInt16(udpPort), target: .root)),
            ])

        let (answers, tcpPort) = try tcp(
            port, [DNSResolverTests.query("cafe.example.com", id: 1), DNSResolverTests.query("example.com", id: 2)])
        #expect(answers.map(\.id) == [1, 2])
        #expect(answers.first?.additional.last?.name.description == "_tcp.cafe.example.com.")
        #expect(
            answers.first?.additional.last?.data == .srv(priority: 0, weight: 0, port: UInt16(tcpPort), target: .root))
        #expect(answers.last?.rcode == DNSRcode.serverFailure)
        #expect(lines.wait { $0.hasPrefix("[ERROR] plugin/errors: 2 example.com. A: forward to 8.8.8.8, 9.9.9.9") })
        #expect(lines.all.contains { $0.hasPrefix("[INFO] 127.0.0.1:\(tcpPort) - 2 \"A IN example.com. tcp ") })
    }

    @Test("a port that is taken is a clear error")
    func taken() throws {
        let port = try freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-dns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("Corefile").path
        try ".:\(port) {\n    whoami\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let holder = try DNSServer.bind("127.0.0.1", port, stream: false)
        defer { close(holder) }
        #expect {
            try DNSServer.start(corefilePath: path, address: "127.0.0.1") { _ in }
        } throws: { error in
            "\(error)".contains("cannot listen on 127.0.0.1:\(port)/udp")
        }
        #expect(throws: DNSServerError.self) {
            try DNSServer.start(corefilePath: directory.appendingPathComponent("missing").path, address: "127.0.0.1") {
                _ in
            }
        }
    }
}
