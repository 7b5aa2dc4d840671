import CCurl
import CurlSupport
import Foundation
import GatewayAPI

/// HTTPS to the API server with libcurl: verification on by default, the connection's CA and client certificate,
/// bearer tokens (static, from a file, or from an exec plugin), HTTP/2 when the server offers it, timeouts, and
/// retries with backoff on 429 and 5xx.
public final class KubeHTTP: @unchecked Sendable {
    public let connection: ClusterConnection
    let exec: ExecCredentials?
    /// Seconds for a whole request (watches set their own).
    public var timeoutSeconds = 30
    /// Attempts after the first for 429, 5xx and unreachable servers (GETs only).
    public var retries = 3
    /// The first retry's delay; doubled each time (a Retry-After header wins, up to 5 s).
    public var backoff: TimeInterval = 0.2
    public var userAgent = "gwconsole/1.0 (linux) kubernetes/gwconsole"

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String]
        public var body: Data

        public func header(_ name: String) -> String? {
            let prefix = name.lowercased() + ":"
            return headers.first { $0.lowercased().hasPrefix(prefix) }.map {
                String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    public init(connection: ClusterConnection, execCacheDirectory: String? = nil) {
        self.connection = connection
        if case .exec(let config) = connection.auth {
            exec = ExecCredentials(config: config, server: connection.server, cacheDirectory: execCacheDirectory)
        } else {
            exec = nil
        }
    }

    /// The warning to show when verification is off.
    public var insecureWarning: String? {
        connection.insecureSkipTLSVerify
            ? "Warning: insecure-skip-tls-verify is set for \(connection.server): the server's certificate is not checked"
            : nil
    }

    /// One request; retried on 429/5xx and unreachable servers when `method` is GET. Non-2xx answers are returned,
    /// not thrown (callers turn them into `KubeError.from`).
    public func request(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) throws
        -> Response
    {
        var attempt = 0
        var refreshed = false
        while true {
            let credential = try exec?.credential()
            var response: Response
            do {
                response = try perform(
                    method, path, body: body, contentType: contentType, credential: credential, stream: nil)
            } catch let error as KubeError {
                if case .unreachable = error, method == "GET", attempt < retries {
                    sleep(forAttempt: attempt, retryAfter: nil)
                    attempt += 1
                    continue
                }
                throw error
            }
            if response.status == 401, let exec, !refreshed {
                // The plugin's token may have been revoked before its expiry: ask once more.
                refreshed = true
                _ = try exec.credential(refresh: true)
                continue
            }
            if (response.status == 429 || (500...504).contains(response.status)) && attempt < retries
                && (method == "GET" || response.status == 429)
            {
                sleep(forAttempt: attempt, retryAfter: response.header("Retry-After").flatMap(Double.init))
                attempt += 1
                continue
            }
            return response
        }
    }

    func sleep(forAttempt attempt: Int, retryAfter: Double?) {
        let delay = min(retryAfter ?? backoff * pow(2, Double(attempt)), 5)
        usleep(UInt32(max(0, delay) * 1_000_000))
    }

    /// A streaming GET (a watch): `onLine` gets each newline-terminated chunk of the body as it arrives and returns
    /// false to stop. Returns the response status and, for non-2xx, the body.
    public func stream(_ path: String, timeoutSeconds: Int, onLine: @escaping (Data) -> Bool) throws -> Response {
        let credential = try exec?.credential()
        return try perform(
            "GET", path, body: nil, contentType: nil, credential: credential, stream: onLine, timeout: timeoutSeconds)
    }

    final class Sink {
        var body = Data()
        let headers = CurlHeaders()
        var pending = Data()
        var onLine: ((Data) -> Bool)?
        var stopped = false
    }

    /// One transfer. `timeout` overrides `timeoutSeconds` (watches); the instance is shared by threads, so
    /// nothing here writes to it.
    func perform(
        _ method: String, _ path: String, body: Data?, contentType: String?, credential: ExecCredentials.Credential?,
        stream: ((Data) -> Bool)?, timeout: Int? = nil
    ) throws -> Response {
        guard let handle = curl_easy_init() else { throw KubeError.transport("libcurl could not start") }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        headers = curl_slist_append(headers, "Accept: application/json")
        headers = curl_slist_append(headers, "User-Agent: \(userAgent)")
        if let contentType { headers = curl_slist_append(headers, "Content-Type: \(contentType)") }
        switch connection.auth {
        case .token(let token): headers = curl_slist_append(headers, "Authorization: Bearer \(token)")
        case .tokenFile(let file):
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw KubeError.config("cannot read tokenFile \(file)")
            }
            headers = curl_slist_append(
                headers, "Authorization: Bearer \(token.trimmingCharacters(in: .whitespacesAndNewlines))")
        case .basic(let username, let password):
            headers = curl_slist_append(
                headers, "Authorization: Basic \(Data("\(username):\(password)".utf8).base64EncodedString())")
        case .exec, .none: break
        }
        if let token = credential?.token { headers = curl_slist_append(headers, "Authorization: Bearer \(token)") }
        let url = connection.server + path
        _ = gw_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = gw_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        _ = gw_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        _ = gw_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = gw_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
        _ = gw_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeout ?? timeoutSeconds)
        _ = gw_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        _ = gw_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        if let pem = connection.caPEM { setBlob(handle, CURLOPT_CAINFO_BLOB, pem) }
        let certificate = credential?.clientCertificateData ?? connection.clientCertificatePEM
        let key = credential?.clientKeyData ?? connection.clientKeyPEM
        if let certificate, let key {
            setBlob(handle, CURLOPT_SSLCERT_BLOB, certificate)
            setBlob(handle, CURLOPT_SSLKEY_BLOB, key)
            _ = gw_curl_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM")
            _ = gw_curl_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM")
        }
        if connection.insecureSkipTLSVerify {
            _ = gw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            _ = gw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        var upload = body ?? Data()
        if body != nil {
            upload.withUnsafeMutableBytes { buffer in
                _ = gw_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, buffer.baseAddress)
            }
            _ = gw_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, upload.count)
        }
        let sink = Sink()
        sink.onLine = stream
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        _ = gw_curl_setopt_write_function(handle) { pointer, size, count, userdata in
            guard let pointer, let userdata else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = size * count
            let chunk = Data(bytes: pointer, count: bytes)
            guard let onLine = sink.onLine, (200..<300).contains(sink.headers.status) else {
                sink.body.append(chunk)
                return bytes
            }
            sink.pending.append(chunk)
            while let newline = sink.pending.firstIndex(of: 10) {
                let line = sink.pending[sink.pending.startIndex..<newline]
                sink.pending = Data(sink.pending[(newline + 1)...])
                if !line.isEmpty && !onLine(Data(line)) {
                    sink.stopped = true
                    return 0
                }
            }
            return bytes
        }
        _ = gw_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        sink.headers.install(on: handle)
        let code = curl_easy_perform(handle)
        withExtendedLifetime(upload) {}
        var status = 0
        _ = gw_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if code != CURLE_OK && !(sink.stopped && code == CURLE_WRITE_ERROR) {
            let detail = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT:
                // A watch that runs out its time has done its job.
                if stream != nil && code == CURLE_OPERATION_TIMEDOUT && status != 0 { break }
                throw KubeError.unreachable(server: connection.server, detail: detail)
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
                throw KubeError.untrusted(server: connection.server, detail: detail)
            default:
                if stream != nil && status != 0 && code == CURLE_PARTIAL_FILE { break }  // the server closed the stream
                throw KubeError.transport("\(method) \(url): \(detail)")
            }
        }
        if let onLine = stream, !sink.pending.isEmpty, (200..<300).contains(status) { _ = onLine(sink.pending) }
        return Response(status: status, headers: sink.headers.lines, body: sink.body)
    }

    func setBlob(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            _ = gw_curl_setopt_blob(handle, option, buffer.baseAddress, buffer.count)
        }
    }
}
