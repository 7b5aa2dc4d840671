import CCurl
import Foundation

/// One HTTP request with libcurl, as `curl --resolve HOST:PORT:ADDR URL` makes it.
public enum HTTPProbe {
    public struct Result: Sendable, Equatable {
        /// 0 when no response came.
        public var status: Int
        public var body: String
        /// libcurl's error text when the request failed.
        public var error: String?
    }

    final class Sink {
        var data = Data()
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    /// GETs `url`, resolving names as `resolve` entries (`host:port:address`) say.
    public static func get(_ url: String, resolve: [String] = [], headers: [String] = [], timeoutSeconds: Int = 5,
                           caFile: String? = nil, insecure: Bool = false, bodyLimit: Int = 1 << 20) -> Result {
        guard let handle = curl_easy_init() else { return Result(status: 0, body: "", error: "libcurl could not start") }
        defer { curl_easy_cleanup(handle) }
        var resolveList: UnsafeMutablePointer<curl_slist>?
        for entry in resolve { resolveList = curl_slist_append(resolveList, entry) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers { headerList = curl_slist_append(headerList, header) }
        defer {
            curl_slist_free_all(resolveList)
            curl_slist_free_all(headerList)
        }
        let sink = Sink(limit: bodyLimit)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        _ = gw_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = gw_curl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList)
        _ = gw_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = gw_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
        _ = gw_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if let caFile { _ = gw_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if insecure {
            _ = gw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            _ = gw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        _ = gw_curl_setopt_write_function(handle) { pointer, size, count, userdata in
            guard let pointer, let userdata else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = size * count
            if sink.data.count < sink.limit {
                sink.data.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: min(bytes, sink.limit - sink.data.count))
            }
            return bytes
        }
        _ = gw_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        let code = curl_easy_perform(handle)
        var status = 0
        _ = gw_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let body = String(decoding: sink.data, as: UTF8.self)
        if code != CURLE_OK {
            return Result(status: status, body: body, error: String(cString: curl_easy_strerror(code)))
        }
        return Result(status: status, body: body, error: nil)
    }
}
