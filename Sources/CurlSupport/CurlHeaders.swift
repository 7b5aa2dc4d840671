import CCurl
import Foundation

/// The response header lines of one libcurl transfer, collected by a header callback. A new status line (after a
/// `100 Continue` or a followed redirect) starts over, so the lines and status are those of the final response.
public final class CurlHeaders {
    /// `HTTP/1.1 200 OK`, then `Name: value` lines, as received (trimmed).
    public private(set) var lines: [String] = []
    /// The status of the last status line seen; 0 before one arrives.
    public private(set) var status = 0

    public init() {}

    /// Installs the callback on `handle`. The caller keeps this object alive until the transfer ends.
    public func install(on handle: UnsafeMutableRawPointer) {
        _ = gw_curl_setopt_header_function(handle) { pointer, size, count, userdata in
            guard let pointer, let userdata else { return 0 }
            let bytes = size * count
            let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            Unmanaged<CurlHeaders>.fromOpaque(userdata).takeUnretainedValue().received(line)
            return bytes
        }
        _ = gw_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    func received(_ line: String) {
        if line.hasPrefix("HTTP/") {
            lines = []
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        if !line.isEmpty { lines.append(line) }
    }
}
