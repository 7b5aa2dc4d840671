import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tries a probe against a pod's address, as kubelet does from the node: a TCP connection, or an HTTP GET whose
/// status line decides (200–399 succeed).
enum ProbeRunner {
    static func run(_ probe: ContainerProbe, address: String) -> Bool {
        let deadline = Date().addingTimeInterval(probe.timeout)
        switch probe.action {
        case .notRun:
            return true
        case .tcpSocket(let port):
            guard let fd = connect(address, port, deadline: deadline) else { return false }
            close(fd)
            return true
        case .httpGet(_, let port, _, true):
            // TLS is not spoken here: the port accepting a connection is the check.
            guard let fd = connect(address, port, deadline: deadline) else { return false }
            close(fd)
            return true
        case .httpGet(let path, let port, let headers, false):
            guard let fd = connect(address, port, deadline: deadline) else { return false }
            defer { close(fd) }
            var request = "GET \(path) HTTP/1.1\r\nHost: \(address):\(port)\r\nUser-Agent: kube-probe/1.33\r\n"
            request += "Accept: */*\r\nConnection: close\r\n"
            for header in headers { request += "\(header.name): \(header.value)\r\n" }
            request += "\r\n"
            let bytes = Array(request.utf8)
            guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count
            else { return false }
            // The status line: "HTTP/1.1 200 OK".
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 512)
            while !received.contains(UInt8(ascii: "\n")) && received.count < 4096 {
                guard wait(fd, events: Int16(POLLIN), until: deadline) else { return false }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                received += buffer[0..<n]
            }
            let line = String(decoding: received.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else { return false }
            return (200..<400).contains(status)
        }
    }

    /// A TCP connection to `address:port` made before `deadline`, or nil.
    static func connect(_ address: String, _ port: Int, deadline: Date) -> Int32? {
        let fd = socket(
            AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            close(fd)
            return nil
        }
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            guard errno == EINPROGRESS, wait(fd, events: Int16(POLLOUT), until: deadline) else {
                close(fd)
                return nil
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else {
                close(fd)
                return nil
            }
        }
        return fd
    }

    /// Waits for `events` on `fd` until `deadline`.
    static func wait(_ fd: Int32, events: Int16, until deadline: Date) -> Bool {
        var watch = pollfd(fd: fd, events: events, revents: 0)
        let milliseconds = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        return poll(&watch, 1, milliseconds) > 0 && watch.revents & events != 0
    }
}
