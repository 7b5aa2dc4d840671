/// Writes TLS to a backend as its BackendTLSPolicy says: `proxy_pass https://`, SNI (`proxy_ssl_server_name`,
/// `proxy_ssl_name`), and verification (`proxy_ssl_verify`, depth, `proxy_ssl_trusted_certificate`).
enum BackendTLSWriter {
    static func write(_ tls: BackendTLS, upstream: String, into w: inout ConfigWriter) {
        w.line("# BackendTLSPolicy \(tls.policy.namespacedName)")
        w.line("proxy_pass https://\(upstream);")
        w.line("proxy_ssl_server_name on;")
        w.line("proxy_ssl_name \(NginxString.quoted(tls.hostname));")
        w.line("proxy_ssl_verify on;")
        w.line("proxy_ssl_verify_depth 4;")
        w.line("proxy_ssl_trusted_certificate \(NginxString.literal(tls.trustedCertificate));")
    }
}
