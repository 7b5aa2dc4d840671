import CCurl
import CurlSupport
import Diagnostics
import Foundation

/// One HTTP(S) request with libcurl, as `curl --resolve HOST:PORT:ADDR URL` makes it, with what a troubleshooter
/// needs: status, headers, body, timings, and for TLS the peer chain and the verification result.
public enum HTTPProbe {
    public typealias Timings = ProbeTimings
    public typealias PeerCertificate = Diagnostics.PeerCertificate
    public typealias Result = ProbeResult

    /// Options of one probe.
    public struct Request: Sendable {
        public var url: String
        public var resolve: [String] = []
        public var headers: [String] = []
        public var timeoutSeconds = 5
        /// PEM CA certificates to verify the peer with (instead of the system store).
        public var caPEM: String?
        public var caFile: String?
        public var insecure = false
        /// The method (GET when nil); HEAD asks for no body.
        public var method: String?
        public var bodyLimit = 64 * 1024
        /// A request body (sent as curl --data sends it, POST unless `method` says otherwise).
        public var body: String?
        /// `user:password` for Basic authentication (curl -u).
        public var user: String?
        /// Connect to this unix socket instead of the URL's host (curl --unix-socket).
        public var unixSocket: String?
        /// Connect (and for https:// shake hands) only, sending no request: whether an endpoint speaks TLS, without
        /// asking it anything.
        public var connectOnly = false
        /// Ask libcurl for the peer's certificate chain (off for many requests that do not look at it).
        public var peerCertificates = true
        /// Send the path as given, dot segments and all (curl --path-as-is): a replayed request as it came.
        public var pathAsIs = false

        public init(url: String, resolve: [String] = [], headers: [String] = []) {
            self.url = url
            self.resolve = resolve
            self.headers = headers
        }
    }

    final class Sink {
        var body = Data()
        var truncated = false
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    /// GETs `url`, resolving names as `resolve` entries (`host:port:address`) say.
    public static func get(_ url: String, resolve: [String] = [], headers: [String] = [], timeoutSeconds: Int = 5)
        -> Result
    {
        var request = Request(url: url, resolve: resolve, headers: headers)
        request.timeoutSeconds = timeoutSeconds
        return perform(request)
    }

    public static func perform(_ request: Request) -> Result {
        guard let handle = curl_easy_init() else { return notStarted }
        defer { curl_easy_cleanup(handle) }
        return perform(request, on: handle)
    }

    static var notStarted: Result {
        Result(
            status: 0, headers: [], body: "", bodyTruncated: false, error: "libcurl could not start",
            timings: Timings(nameLookup: 0, connect: 0, tlsHandshake: 0, firstByte: 0, total: 0), peerChain: [],
            verifyResult: nil)
    }

    /// Requests one after another on one libcurl handle, whose connections are kept and reused (as curl does with
    /// several URLs): for many requests to one place, such as what-if's replay.
    public final class Connection {
        let handle: UnsafeMutableRawPointer?

        public init() { handle = curl_easy_init() }

        deinit { if let handle { curl_easy_cleanup(handle) } }

        public func perform(_ request: Request) -> Result {
            guard let handle else { return HTTPProbe.notStarted }
            curl_easy_reset(handle)
            return HTTPProbe.perform(request, on: handle)
        }
    }

    static func perform(_ request: Request, on handle: UnsafeMutableRawPointer) -> Result {
        var resolveList: UnsafeMutablePointer<curl_slist>?
        for entry in request.resolve { resolveList = curl_slist_append(resolveList, entry) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        defer {
            curl_slist_free_all(resolveList)
            curl_slist_free_all(headerList)
        }
        let sink = Sink(limit: request.bodyLimit)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        _ = gw_curl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = gw_curl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList)
        _ = gw_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = gw_curl_setopt_long(handle, CURLOPT_TIMEOUT, request.timeoutSeconds)
        _ = gw_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if request.peerCertificates { _ = gw_curl_setopt_long(handle, CURLOPT_CERTINFO, 1) }
        if let caPEM = request.caPEM {
            caPEM.utf8CString.withUnsafeBufferPointer { buffer in
                _ = gw_curl_setopt_blob(handle, CURLOPT_CAINFO_BLOB, buffer.baseAddress, buffer.count - 1)
            }
        } else if let caFile = request.caFile {
            _ = gw_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)
        }
        if let body = request.body {
            _ = gw_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.utf8.count)
            _ = gw_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, body)
        }
        if let user = request.user { _ = gw_curl_setopt_string(handle, CURLOPT_USERPWD, user) }
        if let socket = request.unixSocket { _ = gw_curl_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, socket) }
        if request.pathAsIs { _ = gw_curl_setopt_long(handle, CURLOPT_PATH_AS_IS, 1) }
        if request.connectOnly { _ = gw_curl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1) }
        if let method = request.method, method != "GET" || request.body != nil {
            if method == "HEAD" {
                _ = gw_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
            } else {
                _ = gw_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
            }
        }
        if request.insecure {
            _ = gw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            _ = gw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        _ = gw_curl_setopt_write_function(handle) { pointer, size, count, userdata in
            guard let pointer, let userdata else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = size * count
            let room = sink.limit - sink.body.count
            if room > 0 {
                sink.body.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: min(bytes, room))
            }
            if bytes > max(room, 0) { sink.truncated = true }
            return bytes
        }
        _ = gw_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        let headers = CurlHeaders()
        headers.install(on: handle)
        let code = curl_easy_perform(handle)
        var status = 0
        _ = gw_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        func time(_ info: CURLINFO) -> Double {
            var value = 0.0
            _ = gw_curl_getinfo_double(handle, info, &value)
            return (value * 1000 * 100).rounded() / 100
        }
        let timings = Timings(
            nameLookup: time(CURLINFO_NAMELOOKUP_TIME), connect: time(CURLINFO_CONNECT_TIME),
            tlsHandshake: time(CURLINFO_APPCONNECT_TIME), firstByte: time(CURLINFO_STARTTRANSFER_TIME),
            total: time(CURLINFO_TOTAL_TIME))
        let isTLS = request.url.lowercased().hasPrefix("https://")
        var verify: Int?
        if isTLS {
            var value = 0
            _ = gw_curl_getinfo_long(handle, CURLINFO_SSL_VERIFYRESULT, &value)
            verify = value
        }
        let chain = isTLS && request.peerCertificates ? peerChain(handle) : []
        return Result(
            status: status, headers: headers.lines, body: String(decoding: sink.body, as: UTF8.self),
            bodyTruncated: sink.truncated,
            error: code == CURLE_OK ? nil : String(cString: curl_easy_strerror(code)), timings: timings,
            peerChain: chain, verifyResult: verify,
            curlCode: Int(code.rawValue))
    }

    static func peerChain(_ handle: UnsafeMutableRawPointer) -> [PeerCertificate] {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard gw_curl_getinfo_certinfo(handle, &info) == CURLE_OK, let info else { return [] }
        var result: [PeerCertificate] = []
        for index in 0..<Int(info.pointee.num_of_certs) {
            var fields: [String: String] = [:]
            var node = info.pointee.certinfo[index]
            while let current = node {
                let text = String(cString: current.pointee.data)
                if let colon = text.firstIndex(of: ":") {
                    fields[String(text[..<colon])] = String(text[text.index(after: colon)...])
                }
                node = current.pointee.next
            }
            result.append(
                PeerCertificate(
                    subject: fields["Subject"] ?? "", issuer: fields["Issuer"] ?? "",
                    notBefore: fields["Start date"] ?? "", notAfter: fields["Expire date"] ?? "",
                    subjectAltNames: fields["X509v3 Subject Alternative Name"]))
        }
        return result
    }
}
