/// Writes TLS to a backend as its BackendTLSPolicy says: `proxy_pass https://`, SNI (`proxy_ssl_server_name`,
/// `proxy_ssl_name`), verification (`proxy_ssl_verify`, depth, `proxy_ssl_trusted_certificate`), and the Gateway's
/// client certificate (`proxy_ssl_certificate`, `proxy_ssl_certificate_key`) when it has one.
enum BackendTLSWriter {
    static func write(_ tls: BackendTLS, upstream: String, module: UpstreamModule = .proxy, into w: inout ConfigWriter)
    {
        let d = module.rawValue
        w.line("# BackendTLSPolicy \(tls.policy.namespacedName)")
        w.line("\(d)_pass \(module == .grpc ? "grpcs" : "https")://\(upstream);")
        w.line("\(d)_ssl_server_name on;")
        w.line("\(d)_ssl_name \(NginxString.quoted(tls.hostname));")
        w.line("\(d)_ssl_verify on;")
        w.line("\(d)_ssl_verify_depth 4;")
        w.line("\(d)_ssl_trusted_certificate \(NginxString.literal(tls.trustedCertificate));")
        if let client = tls.clientCertificate {
            w.line("# Gateway spec.tls.backend.clientCertificateRef")
            w.line("\(d)_ssl_certificate \(NginxString.literal(client));")
            w.line("\(d)_ssl_certificate_key \(NginxString.literal(client));")
        }
    }
}
