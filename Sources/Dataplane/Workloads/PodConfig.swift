import Foundation

/// Turns a container's nginx configuration into one that runs as a local process: paths under the pod's
/// root, `listen` bound to the pod IP only (IPv6 listens dropped), and a main file like the nginx images'.
enum PodConfig {
    /// Rewrites one conf.d file: absolute paths under any mount point move under `root`; `listen` binds `podIP`;
    /// `$hostname` is the pod's name, as a container's host name is on Kubernetes (a pod name is a DNS name: letters,
    /// digits, `-` and `.`, safe as a literal wherever the variable stood).
    static func rewrite(_ text: String, root: String, mounts: [String], podIP: String, podName: String = "")
        -> String
    {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var l = String(line)
            let trimmed = l.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("listen ") || trimmed.hasPrefix("listen\t") {
                let args = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
                var parts = args.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard !parts.isEmpty else {
                    out.append(l)
                    continue
                }
                let address = parts[0]
                if address.hasPrefix("[") { continue }  // IPv6: the pod has an IPv4 loopback address only
                let port = address.split(separator: ":").last.map(String.init) ?? address
                parts[0] = "\(podIP):\(port.hasSuffix(";") ? String(port.dropLast()) : port)"
                let indent = l.prefix(while: { $0 == " " || $0 == "\t" })
                var rest = parts.joined(separator: " ")
                if !rest.hasSuffix(";") { rest += ";" }
                l = indent + "listen " + rest
            }
            if !podName.isEmpty, l.contains("hostname") {
                l = hostnameReplaced(l, podName)
            }
            for mount in mounts.sorted(by: { $0.count > $1.count }) where l.contains(mount) {
                l = l.replacingOccurrences(of: mount, with: root + mount)
            }
            out.append(l)
        }
        return out.joined(separator: "\n")
    }

    /// `$hostname` and `${hostname}` (not `$hostname_x`) as the pod's name.
    static func hostnameReplaced(_ line: String, _ podName: String) -> String {
        let safe = String(podName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
        guard
            let expression = try? NSRegularExpression(pattern: #"\$(\{hostname\}|hostname(?![A-Za-z0-9_]))"#)
        else { return line }
        return expression.stringByReplacingMatches(
            in: line, range: NSRange(line.startIndex..., in: line),
            withTemplate: NSRegularExpression.escapedTemplate(for: safe))
    }

    /// The main nginx.conf of a pod, as the nginx images ship it, with every runtime path under the pod's root.
    static func main(root: String, includeConfD: Bool, defaultPort: Int?, podIP: String, asRoot: Bool) -> String {
        var server = ""
        if !includeConfD, let defaultPort {
            server = """
                    server {
                        listen \(podIP):\(defaultPort);
                        location / { return 200 "Welcome to nginx!\\n"; }
                    }
                """
        }
        return """
            \(asRoot ? "user root;" : "")
            worker_processes 1;
            pid "\(root)/run/nginx.pid";
            error_log "\(root)/run/logs/error.log" notice;
            events { worker_connections 256; }
            http {
                access_log "\(root)/run/logs/access.log";
                default_type application/octet-stream;
                client_body_temp_path "\(root)/run/temp/client_body";
                proxy_temp_path "\(root)/run/temp/proxy";
                fastcgi_temp_path "\(root)/run/temp/fastcgi";
                uwsgi_temp_path "\(root)/run/temp/uwsgi";
                scgi_temp_path "\(root)/run/temp/scgi";
                \(includeConfD ? "include \"\(root)/etc/nginx/conf.d/*.conf\";" : "")
            \(server)
            }

            """
    }

    /// Directives whose arguments name files nginx opens (as root, for the master).
    static let fileDirectives: Set<String> = [
        "access_log", "error_log", "root", "alias", "include", "ssl_certificate", "ssl_certificate_key",
        "ssl_trusted_certificate",
        "ssl_client_certificate", "ssl_dhparam", "ssl_password_file", "ssl_crl", "ssl_stapling_file",
        "ssl_session_ticket_key",
        "auth_basic_user_file", "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path",
        "scgi_temp_path",
        "pid", "proxy_ssl_certificate", "proxy_ssl_certificate_key", "proxy_ssl_trusted_certificate", "proxy_ssl_crl",
        "proxy_ssl_password_file", "proxy_store", "geoip_country", "geoip_city", "lock_file", "working_directory",
    ]
    static let forbiddenDirectives: Set<String> = [
        "load_module", "env", "user", "daemon", "master_process", "perl_modules", "perl_require", "js_import",
        "js_path",
    ]

    /// Why a rewritten pod config may not run, or nil: every file it names must be under the pod's directory
    /// (nginx.conf's mime.types excepted), so a pasted ConfigMap cannot read or write the host's files.
    static func pathProblem(_ text: String, root: String) -> String? {
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
            for statement in line.split(separator: ";") {
                let words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "}" }).map(
                    String.init)
                guard let directive = words.first else { continue }
                if forbiddenDirectives.contains(directive) {
                    return "directive \(directive) is not allowed in a local pod"
                }
                guard fileDirectives.contains(directive) else { continue }
                for argument in words.dropFirst() {
                    let path = argument.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    guard path.hasPrefix("/") else { continue }
                    if path == "/etc/nginx/mime.types" || path == "/dev/stderr" || path == "/dev/stdout" { continue }
                    let normalized = (path as NSString).standardizingPath
                    if !(normalized == root || normalized.hasPrefix(root + "/")) {
                        return
                            "\(directive) \(path) is outside the pod's volumes: a local pod may only use files it mounts"
                    }
                }
                if directive == "access_log" || directive == "error_log", let target = words.dropFirst().first,
                    !target.hasPrefix("/"), target != "off", !target.hasPrefix("syslog:")
                {
                    return "\(directive) \(target): use an absolute path under a mounted volume"
                }
            }
        }
        return nil
    }
}
