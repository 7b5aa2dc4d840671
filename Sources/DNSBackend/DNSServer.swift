import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why the DNS server cannot start.
public struct DNSServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The local stand-in for the `coredns/coredns` image: serves a Corefile over UDP and TCP (RFC 1035's two-byte length
/// prefix) on one address, on every port its server blocks use; a thread per socket and per TCP connection. Log lines
/// go to standard output, as CoreDNS's do.
public enum DNSServer {
    /// Serves until the process is stopped; an error when the Corefile cannot be read or parsed, or a port cannot
    /// be listened on.
    public static func serve(corefilePath: String, address: String) throws -> Never {
        try start(corefilePath: corefilePath, address: address) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        while true { pause() }
    }

    /// Reads the Corefile, listens on every port and starts serving on threads of their own; returns once listening.
    static func start(corefilePath: String, address: String, log: @escaping @Sendable (String) -> Void) throws {
        let corefile = try load(corefilePath)
        signal(SIGPIPE, SIG_IGN)
        var sockets: [(port: Int, udp: Int32, tcp: Int32)] = []
        do {
            for port in corefile.ports {
                let udp = try bind(address, port, stream: false)
                sockets.append((port, udp, -1))
                sockets[sockets.count - 1].tcp = try bind(address, port, stream: true)
            }
        } catch {
            for socket in sockets {
                close(socket.udp)
                if socket.tcp >= 0 { close(socket.tcp) }
            }
            throw error
        }
        for warning in corefile.warnings { log(warning) }
        let bound = address == "0.0.0.0" || address == "::" ? "" : " on \(address)"
        for zone in corefile.servers.flatMap(\.zones) { log(zone.description + bound) }
        log("gwconsole dns-server: the local stand-in for CoreDNS (coredns/coredns), answering from its Corefile")
        #if arch(arm64)
            log("linux/arm64")
        #else
            log("linux/amd64")
        #endif
        for socket in sockets {
            let (port, udp, tcp) = socket
            Thread.detachNewThread {
                serveDatagrams(udp, port: port, address: address, corefile: corefile, log: log)
            }
            Thread.detachNewThread {
                acceptConnections(tcp, port: port, address: address, corefile: corefile, log: log)
            }
        }
    }

    /// The Corefile, with a `hosts` FILE read beside it: a relative path from the Corefile's directory; an absolute
    /// one is the container's, whose file name is looked up there (a ConfigMap volume puts its keys side by side).
    /// Nothing else on this machine is read.
    static func load(_ path: String) throws -> Corefile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DNSServerError("dns server: cannot read the Corefile \(path)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            return try Corefile(parsing: text, file: (path as NSString).lastPathComponent) { file in
                let parts = file.split(separator: "/")
                guard let last = parts.last, !parts.contains("..") else { return nil }
                let relative = file.hasPrefix("/") ? String(last) : file
                return try? String(
                    contentsOfFile: directory.isEmpty ? relative : directory + "/" + relative, encoding: .utf8)
            }
        } catch {
            throw DNSServerError("dns server: \(error)")
        }
    }

    /// A socket bound to address:port, listening when it is a stream one.
    static func bind(_ address: String, _ port: Int, stream: Bool) throws -> Int32 {
        let transport = stream ? "tcp" : "udp"
        let ipv6 = address.contains(":")
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(stream ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else {
            throw DNSServerError("dns server: cannot open a \(transport) socket: \(String(cString: strerror(errno)))")
        }
        // Over TCP a restart must not wait out TIME_WAIT; over UDP the option would let two servers share a port.
        var yes: Int32 = 1
        if stream { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)) }
        var result: Int32 = -1
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, address, &addr.sin6_addr) == 1 else {
                close(fd)
                throw DNSServerError("dns server: \(address) is not an IP address")
            }
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
                close(fd)
                throw DNSServerError("dns server: \(address) is not an IP address")
            }
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0, !stream || listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            let hint = code == EACCES && port < 1024 ? " (ports below 1024 need privileges on this machine)" : ""
            let endpoint = ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
            throw DNSServerError(
                "dns server: cannot listen on \(endpoint)/\(transport): \(String(cString: strerror(code)))\(hint)")
        }
        return fd
    }

    /// The address and port of a peer.
    static func peer(_ storage: sockaddr_storage) -> (address: String, port: Int) {
        var storage = storage
        let family = Int32(storage.ss_family)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var addr = $0.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                    return (string(text), Int(UInt16(bigEndian: $0.pointee.sin6_port)))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                var addr = $0.pointee.sin_addr
                inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                return (string(text), Int(UInt16(bigEndian: $0.pointee.sin_port)))
            }
        }
    }

    /// A C string's text, up to its NUL.
    static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// UDP: one datagram a query, the answer sent back to where it came from.
    static func serveDatagrams(
        _ fd: Int32, port: Int, address: String, corefile: Corefile, log: @Sendable (String) -> Void
    ) {
        var buffer = [UInt8](repeating: 0, count: 65535)
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, &buffer, buffer.count, 0, $0, &length)
                }
            }
            guard count > 0 else { continue }
            let client = peer(storage)
            let answer = DNSResolver.answer(
                Array(buffer[0..<count]),
                client: DNSClient(address: client.address, port: client.port, transport: .udp),
                corefile: corefile, serverPort: port, serverAddress: address)
            for line in answer.log { log(line) }
            guard let response = answer.response else { continue }
            _ = withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, response, response.count, 0, $0, length)
                }
            }
        }
    }

    /// TCP: a thread per connection.
    static func acceptConnections(
        _ fd: Int32, port: Int, address: String, corefile: Corefile, log: @escaping @Sendable (String) -> Void
    ) {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let connection = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &length) }
            }
            guard connection >= 0 else {
                usleep(50_000)  // out of descriptors, say: wait instead of spinning
                continue
            }
            var sendTimeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
            let client = peer(storage)
            Thread.detachNewThread {
                serveConnection(
                    connection, client: DNSClient(address: client.address, port: client.port, transport: .tcp),
                    port: port, address: address, corefile: corefile, log: log)
            }
        }
    }

    /// Queries in turn, each with its two-byte length, until the client closes or is idle for 10 seconds.
    static func serveConnection(
        _ fd: Int32, client: DNSClient, port: Int, address: String, corefile: Corefile, log: @Sendable (String) -> Void
    ) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while true {
            guard let prefix = read(fd, count: 2) else { return }
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard length > 0, let query = read(fd, count: length) else { return }
            let answer = DNSResolver.answer(
                query, client: client, corefile: corefile, serverPort: port, serverAddress: address)
            for line in answer.log { log(line) }
            guard let response = answer.response else { return }
            let framed = [UInt8(response.count >> 8), UInt8(response.count & 0xff)] + response
            var sent = 0
            while sent < framed.count {
                let count = framed[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { return }
                sent += count
            }
        }
    }

    /// Exactly `count` bytes; nil when the peer closes first, or a read fails or times out.
    static func read(_ fd: Int32, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            let got = bytes[have...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { return nil }
            have += got
        }
        return bytes
    }
}
