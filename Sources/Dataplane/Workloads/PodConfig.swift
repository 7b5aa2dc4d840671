import Foundation

/// Turns a container's nginx configuration into one that runs as a local process: paths under the pod's
/// root, `listen` bound to the pod IP only (IPv6 listens dropped), and a main file like the nginx images'.
enum PodConfig {
    /// Whether an image is one gwconsole can run as a local nginx process.
    static func isNginxImage(_ image: String) -> Bool {
        var name = image
        for registry in ["docker.io/", "index.docker.io/"] where name.hasPrefix(registry) { name.removeFirst(registry.count) }
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = String(name[..<colon]) }
        return ["nginx", "library/nginx", "nginxinc/nginx-unprivileged", "nginxinc/nginx"].contains(name)
    }

    /// Rewrites one conf.d file: absolute paths under any mount point move under `root`; `listen` binds `podIP`.
    static func rewrite(_ text: String, root: String, mounts: [String], podIP: String) -> String {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var l = String(line)
            let trimmed = l.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("listen ") || trimmed.hasPrefix("listen\t") {
                let args = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
                var parts = args.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard !parts.isEmpty else { out.append(l); continue }
                let address = parts[0]
                if address.hasPrefix("[") { continue }  // IPv6: the pod has an IPv4 loopback address only
                let port = address.split(separator: ":").last.map(String.init) ?? address
                parts[0] = "\(podIP):\(port.hasSuffix(";") ? String(port.dropLast()) : port)"
                let indent = l.prefix(while: { $0 == " " || $0 == "\t" })
                var rest = parts.joined(separator: " ")
                if !rest.hasSuffix(";") { rest += ";" }
                l = indent + "listen " + rest
            }
            for mount in mounts.sorted(by: { $0.count > $1.count }) where l.contains(mount) {
                l = l.replacingOccurrences(of: mount, with: root + mount)
            }
            out.append(l)
        }
        return out.joined(separator: "\n")
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
}
