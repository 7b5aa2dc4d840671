import Foundation

/// The probe's text report.
public enum ProbeText {
    public static func render(url: String, result: ProbeResult, method: String = "GET") -> String {
        var out = "\(method) \(url)\n"
        if let error = result.error { out += "Error:    \(error)\n" }
        out += "Status:   \(result.status == 0 ? "no response" : String(result.status))\n"
        let t = result.timings
        out +=
            "Timings:  name lookup \(t.nameLookup) ms, connect \(t.connect) ms, TLS handshake \(t.tlsHandshake) ms, first byte \(t.firstByte) ms, total \(t.total) ms\n"
        if result.verifyResult != nil, result.status == 0, result.peerChain.isEmpty {
            // libcurl reports 0 ("verified") for a handshake that never happened.
            out += "TLS:      no handshake\n"
        } else if let verify = result.verifyResult {
            out += "TLS:      \(verify == 0 ? "peer verified" : "peer NOT verified (OpenSSL verify code \(verify))")\n"
            for (index, cert) in result.peerChain.enumerated() {
                out +=
                    "  [\(index)] subject \(cert.subject)\n      issuer  \(cert.issuer)\n      valid   \(cert.notBefore) – \(cert.notAfter)\n"
                out += "      SANs    \(cert.subjectAltNames ?? "none (CN only)")\n"
            }
        }
        if !result.headers.isEmpty { out += "Headers:\n" + result.headers.map { "  \($0)\n" }.joined() }
        out += "Body:\n" + result.body + (result.body.hasSuffix("\n") || result.body.isEmpty ? "" : "\n")
        if result.bodyTruncated { out += "[… body truncated at \(result.body.utf8.count) bytes]\n" }
        return out
    }

    public static func render(_ report: BackendReport) -> String {
        var out =
            "\nBackend of HTTPRoute \(report.route) rule \(report.rule): Service \(report.service), endpoint \(report.endpoint)\n"
        out += "  gateway sends:  \(report.gatewaySends)\n"
        out += "  plain HTTP:     \(summary(report.plain))\n"
        out += "  TLS:            \(summary(report.tls))\n"
        out +=
            "  backend speaks: \(report.backendSpeaks.rawValue) — \(report.agrees ? "agrees with what the gateway sends" : "MISMATCH with what the gateway sends")\n"
        return out
    }

    public static func summary(_ result: ProbeResult) -> String {
        var text: String
        if result.status == 0 {
            text = "no response (\(result.error ?? "?"))"
        } else {
            // The page's title (nginx's error pages) or its first text line; the status is not repeated.
            var first =
                result.body.split(whereSeparator: \.isNewline).first(where: {
                    $0.contains("<title>") || !$0.hasPrefix("<")
                })
                .map {
                    String($0).replacingOccurrences(of: "<head><title>", with: "").replacingOccurrences(
                        of: "</title></head>", with: "")
                } ?? ""
            if first.hasPrefix("\(result.status) ") { first.removeFirst("\(result.status) ".count) }
            text = "\(result.status) \(first)"
        }
        if let verify = result.verifyResult, !result.peerChain.isEmpty || verify != 0 {
            text += verify == 0 ? " (certificate verified)" : " (certificate not verified: code \(verify))"
        }
        return text
    }
}
