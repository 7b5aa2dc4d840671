import COpenSSL
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One accepted connection of the echo server, plain or TLS.
protocol EchoConnection {
    /// Bytes read (empty when the peer closed or the read failed or timed out).
    func read(max: Int) -> [UInt8]
    /// Whether every byte was sent.
    func write(_ bytes: [UInt8]) -> Bool
    func close()
    /// What the TLS handshake settled; nil on a plain connection.
    var tls: TLSFacts? { get }
}

/// What a TLS handshake settled, as echo-basic reports it.
public struct TLSFacts: Sendable, Equatable {
    public var version: String
    public var serverName: String
    public var cipherSuite: String
    public var negotiatedProtocol: String
    /// PEM, the client's leaf first.
    public var peerCertificates: [String]

    public init(
        version: String, serverName: String, cipherSuite: String, negotiatedProtocol: String,
        peerCertificates: [String]
    ) {
        self.version = version
        self.serverName = serverName
        self.cipherSuite = cipherSuite
        self.negotiatedProtocol = negotiatedProtocol
        self.peerCertificates = peerCertificates
    }

    /// gw_tls_facts' text: four lines, then PEM certificates. OpenSSL's version names (`TLSv1.3`) are Go's.
    init(facts text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func line(_ index: Int) -> String { index < lines.count ? lines[index] : "" }
        let pem = lines.dropFirst(4).joined(separator: "\n")
        var certificates: [String] = []
        var current = ""
        for row in pem.split(separator: "\n") {
            current += row + "\n"
            if row.hasPrefix("-----END CERTIFICATE-----") {
                certificates.append(current)
                current = ""
            }
        }
        self.init(
            version: line(0), serverName: line(1), cipherSuite: line(2), negotiatedProtocol: line(3),
            peerCertificates: certificates)
    }
}

struct PlainConnection: EchoConnection {
    let fd: Int32
    var tls: TLSFacts? { nil }

    func read(max: Int) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: max)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(chunk[0..<n]) : []
    }

    func write(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    func close() { Glibc.close(fd) }
}

/// A TLS connection over an accepted socket (OpenSSL, through the COpenSSL shim).
final class TLSConnection: EchoConnection {
    let fd: Int32
    let session: UnsafeMutableRawPointer
    let tls: TLSFacts?

    init?(fd: Int32, context: UnsafeMutableRawPointer) {
        guard let session = gw_tls_accept(context, fd) else { return nil }
        self.fd = fd
        self.session = session
        let facts = gw_tls_facts(session)
        tls = TLSFacts(facts: facts.map { String(cString: $0) } ?? "")
        free(facts)
    }

    func read(max: Int) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: max)
        let n = chunk.withUnsafeMutableBytes { gw_tls_read(session, $0.baseAddress, $0.count) }
        return n > 0 ? Array(chunk[0..<Int(n)]) : []
    }

    func write(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { gw_tls_write(session, $0.baseAddress, $0.count) }
            if n <= 0 { return false }
            sent += Int(n)
        }
        return true
    }

    func close() {
        gw_tls_close(session)
        Glibc.close(fd)
    }
}
