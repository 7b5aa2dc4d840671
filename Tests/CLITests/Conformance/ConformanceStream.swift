import COpenSSL
import Foundation
import Probing

#if canImport(Glibc)
    import Glibc
#endif

/// The suite's TCP, TLS and UDP checks (conformance/utils/tcp, tls, udp) against echo-basic's TCP and UDP modes,
/// through the Gateway's listeners.
extension ConformanceRunner {
    /// A connection to echo-basic's TCP mode, plain or TLS, read line by line.
    final class EchoLine {
        let fd: Int32
        let tls: UnsafeMutableRawPointer?
        var buffer: [UInt8] = []

        init(fd: Int32, tls: UnsafeMutableRawPointer?) {
            self.fd = fd
            self.tls = tls
        }

        deinit {
            if let tls { gw_tls_close(tls) }
            close(fd)
        }

        func write(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            if let tls { return gw_tls_write(tls, bytes, bytes.count) == bytes.count }
            return send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
        }

        /// One line with its newline, or nil at the end of the stream or the timeout.
        func line() -> String? {
            while true {
                if let end = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[...end], as: UTF8.self)
                    buffer.removeFirst(end + 1)
                    return line
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count =
                    tls.map { tls in chunk.withUnsafeMutableBytes { gw_tls_read(tls, $0.baseAddress, $0.count) } }
                    ?? recv(fd, &chunk, chunk.count, 0)
                guard count > 0 else { return nil }
                buffer += chunk[0..<count]
            }
        }
    }

    /// A socket of `type` connected to the address, with read and write timeouts.
    static func socket(_ type: Int32, _ address: String, _ port: Int, timeout: Int) -> Result<Int32, StreamFailure> {
        let fd = Glibc.socket(AF_INET, type, 0)
        guard fd >= 0 else { return .failure(.other("socket")) }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &addr.sin_addr)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            return .failure(.refused(why))
        }
        return .success(fd)
    }

    /// Connects over TCP (with a timeout on every read), then TLS with SNI and a CA when asked.
    static func connect(
        _ address: String, _ port: Int, timeout: Int = 10, serverName: String? = nil, ca: String? = nil,
        tls: Bool = false
    ) -> Result<EchoLine, StreamFailure> {
        let fd: Int32
        switch socket(Int32(SOCK_STREAM.rawValue), address, port, timeout: timeout) {
        case .failure(let failure): return .failure(failure)
        case .success(let connected): fd = connected
        }
        guard tls else { return .success(EchoLine(fd: fd, tls: nil)) }
        var error = [CChar](repeating: 0, count: 512)
        guard let session = gw_tls_connect(fd, serverName, ca, &error, error.count) else {
            close(fd)
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(reason == "eof" ? .closed : .other(reason))
        }
        return .success(EchoLine(fd: fd, tls: session))
    }

    enum StreamFailure: Error, CustomStringConvertible {
        case refused(String)
        /// The peer closed or reset the connection during the TLS handshake.
        case closed
        case other(String)

        var description: String {
            switch self {
            case .refused(let why): "connect: \(why)"
            case .closed: "the connection was closed during the handshake"
            case .other(let why): why
            }
        }
    }

    /// The echo's TEST answer after its welcome line (EchoSendOnce), with PING and IS_TLS first when `full`
    /// (MakeTCPRequestAndExpectEventuallyValidResponse). nil with the reason when the exchange did not complete.
    static func exchange(_ connection: EchoLine, full: Bool) -> (answer: [String: Any]?, isTLS: String?, error: String?)
    {
        guard connection.line() == "Gateway API Test TCP Server\n" else { return (nil, nil, "no welcome line") }
        var isTLS: String?
        if full {
            guard connection.write("PING\n"), connection.line() == "PONG\n" else { return (nil, nil, "no PONG") }
            guard connection.write("IS_TLS\n"), let line = connection.line() else {
                return (nil, nil, "no IS_TLS answer")
            }
            isTLS = line.trimmingCharacters(in: .newlines)
        }
        guard connection.write("TEST\n"), let line = connection.line(),
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { return (nil, isTLS, "no TEST answer") }
        return (object, isTLS, nil)
    }

    /// gwAddr where this machine serves it: the listener's port plus the data plane's port offset.
    func servedAddress(_ gateway: ObjectName, listener: String?, port: Int?) throws -> (String, Int)? {
        try address(gateway, listener: listener, port: port).map { ($0.0, $0.1 + live.portOffset) }
    }

    /// The CA file of a ConfigMap (or Secret) the set-up made.
    func caFile(_ name: ObjectName?) throws -> String? {
        guard let name else { return nil }
        guard let pair = suiteCertificates["configmap:" + name.description] ?? suiteCertificates[name.description]
        else {
            throw ConformanceError("no certificate \(name) was made at set-up")
        }
        let path = scratch + "/ca-\(name.namespace)-\(name.name).pem"
        try pair.certificate.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `tcp` and `tls`: a TCP (or TLS passthrough) exchange with the echo through the listener.
    func stream(_ step: ConformanceStep.Stream, tls: Bool) throws -> String? {
        guard let (address, port) = try servedAddress(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        if step.rejected == true {
            // MakeTLSConnectionAndExpectEventuallyConnectionRejection: the handshake ends in EOF or a reset.
            return try eventually {
                switch Self.connect(address, port, serverName: step.serverName, tls: tls) {
                case .failure(.closed): return nil
                case .failure(let failure): return "\(failure)"
                case .success(let connection):
                    if !tls, connection.line() == nil { return nil }
                    return "the connection was not refused"
                }
            }
        }
        let ca = try caFile(step.ca)
        // Passthrough: the backend sees TLS (and the SNI); a Terminate listener would hand it plain TCP.
        let expectTLS = tls
        var outcome: String?
        let failure = try eventually {
            switch Self.connect(address, port, serverName: step.serverName, ca: ca, tls: tls) {
            case .failure(let failure): return "\(failure)"
            case .success(let connection):
                let (answer, isTLS, error) = Self.exchange(connection, full: step.backend != nil)
                if let error { return error }
                // The first exchange that completes is judged, once (as the suite's assertions do).
                outcome = Self.judge(answer ?? [:], isTLS: isTLS, step: step, expectTLS: expectTLS)
                return nil
            }
        }
        return failure ?? outcome
    }

    static func judge(_ answer: [String: Any], isTLS: String?, step: ConformanceStep.Stream, expectTLS: Bool)
        -> String?
    {
        let pod = answer["pod"] as? String ?? ""
        guard let backend = step.backend else { return pod.isEmpty ? "the echo named no pod" : nil }
        if isTLS != (expectTLS ? "true" : "false") { return "IS_TLS answered \(isTLS ?? "nothing")" }
        if let namespace = step.namespace, answer["namespace"] as? String != namespace {
            return "expected namespace \(namespace), got \(answer["namespace"] ?? "none")"
        }
        if !pod.hasPrefix(backend + "-") { return "expected a pod of \(backend), got \(pod)" }
        if expectTLS, let name = step.serverName,
            (answer["tls"] as? [String: Any])?["serverName"] as? String != name
        {
            return
                "expected the backend to see SNI \(name), got \((answer["tls"] as? [String: Any])?["serverName"] ?? "none")"
        }
        return nil
    }

    /// One datagram and its answer (a connected UDP socket).
    static func datagram(_ address: String, _ port: Int, _ payload: [UInt8], timeout: Int) -> [UInt8]? {
        guard case .success(let fd) = socket(Int32(SOCK_DGRAM.rawValue), address, port, timeout: timeout) else {
            return nil
        }
        defer { close(fd) }
        guard send(fd, payload, payload.count, 0) == payload.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? Array(buffer[0..<count]) : nil
    }

    /// `udp`: ExpectEchoResponse(FromBackend): any answer, or one whose `service` (and namespace) is the backend's.
    func udp(_ step: ConformanceStep.Stream) throws -> String? {
        guard let (address, port) = try servedAddress(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        return try eventually {
            guard let answer = Self.datagram(address, port, Array("gateway-api-conformance-udp-echo".utf8), timeout: 2)
            else { return "no answer" }
            if step.rejected == true { return "an answer came" }
            guard let backend = step.backend else { return nil }
            let object = (try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any]) ?? [:]
            if object["service"] as? String != backend { return "answered by service \(object["service"] ?? "?")" }
            if let namespace = step.namespace, object["namespace"] as? String != namespace {
                return "answered from namespace \(object["namespace"] ?? "?")"
            }
            return nil
        }
    }

    /// `dns`: any DNS answer to an A question (udproute-simple), polled every second for a minute.
    func dns(_ step: ConformanceStep.DNS) throws -> String? {
        guard let (address, port) = try servedAddress(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        let query = DNSQuestion.bytes(step.name, id: 0x4757)
        let end = Date().addingTimeInterval(60)
        repeat {
            // Any answer to the question, whatever its status.
            if let answer = Self.datagram(address, port, query, timeout: 2),
                DNSQuestion.status(answer, id: 0x4757) != nil
            {
                return nil
            }
            Thread.sleep(forTimeInterval: 1)
        } while Date() < end
        return "no DNS answer for \(step.name) within 60 s"
    }

    /// The backend a pod belongs to: its name without the ReplicaSet hash and suffix.
    static func backend(ofPod pod: String) -> String {
        let parts = pod.split(separator: "-")
        return parts.count < 3 ? pod : parts.dropLast(2).joined(separator: "-")
    }

    /// `tcpDistribution` / `udpDistribution`: weight.TestWeightedDistribution (samples in parallel, 10 at a time,
    /// each backend's share within the tolerance, only backends with weight answering; up to 10 attempts); with
    /// weights 1 and 0, every sample must come from the one backend.
    func distribution(_ step: ConformanceStep.StreamDistribution, udp: Bool) throws -> String? {
        guard let (address, port) = try servedAddress(step.gateway, listener: step.listener, port: step.port) else {
            return "Gateway \(step.gateway) has no address"
        }
        let samples = step.samples ?? 500
        let tolerance = step.tolerance ?? 0.05
        let sample: @Sendable () -> String? = {
            if udp {
                guard
                    let answer = Self.datagram(
                        address, port, Array("gateway-api-conformance-udp-weight\n".utf8), timeout: 2),
                    let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any]
                else { return nil }
                return object["pod"] as? String
            }
            guard case .success(let connection) = Self.connect(address, port, timeout: 10) else { return nil }
            return Self.exchange(connection, full: false).answer?["pod"] as? String
        }
        let positive = Set(step.weights.filter { $0.value > 0 }.keys)
        var last = "no attempt"
        for _ in 0..<10 {
            nonisolated(unsafe) var pods = [String?](repeating: nil, count: samples)
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: 10) { worker in
                for index in stride(from: worker, to: samples, by: 10) {
                    let pod = sample()
                    lock.withLock { pods[index] = pod }
                }
            }
            if pods.contains(where: { $0 == nil }) {
                last = "\(pods.filter { $0 == nil }.count) of \(samples) samples got no answer"
                continue
            }
            var counts: [String: Int] = [:]
            for pod in pods { counts[Self.backend(ofPod: pod!), default: 0] += 1 }
            if let unknown = counts.keys.first(where: { step.weights[$0] == nil }) {
                return "answered by \(unknown), which is not a backend of the route"
            }
            let seen = Set(counts.keys)
            let shares = counts.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
            if seen == positive,
                step.weights.allSatisfy({ abs(Double(counts[$0.key] ?? 0) / Double(samples) - $0.value) <= tolerance })
            {
                return nil
            }
            last = "the \(samples) samples went \(shares), not \(step.weights)"
            if tolerance == 0 { return last }
        }
        return last
    }
}
