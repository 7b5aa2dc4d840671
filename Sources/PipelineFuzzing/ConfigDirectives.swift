/// The directives of a rendered nginx configuration, read the way nginx reads them (quotes, escapes, comments),
/// to check that no user string became a directive.
public enum ConfigDirectives {
    /// Every directive the renderer writes. Anything else in a rendered config came from user input.
    public static let allowed: Set<String> = [
        "access_log", "add_header", "client_body_temp_path", "default_type", "error_log", "error_page", "events",
        "fastcgi_temp_path",
        "geo", "http", "if", "include", "listen", "location", "log_format", "uninitialized_variable_warn", "map",
        "map_hash_bucket_size", "pid",
        "proxy_hide_header",
        "proxy_http_version", "proxy_pass", "proxy_set_header", "proxy_ssl_name", "proxy_ssl_server_name",
        "proxy_ssl_trusted_certificate",
        "proxy_ssl_verify", "proxy_ssl_verify_depth", "proxy_temp_path", "recursive_error_pages", "return", "rewrite",
        "scgi_temp_path",
        "server", "server_name", "server_names_hash_bucket_size", "set", "split_clients", "ssl_certificate",
        "ssl_certificate_key",
        "ssl_reject_handshake", "upstream", "user", "uwsgi_temp_path", "variables_hash_bucket_size",
        "worker_connections",
        "worker_processes", "internal", "server_tokens",
        // NGF's policies and filters (docs/policies.md); snippets are off unless enabled.
        "client_max_body_size", "client_body_buffer_size", "client_body_timeout", "keepalive_requests",
        "keepalive_time", "keepalive_timeout", "proxy_buffering", "proxy_buffer_size", "proxy_buffers",
        "proxy_busy_buffers_size", "proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout", "hash",
        "ip_hash", "least_conn", "random", "zone", "keepalive", "limit_req_zone", "limit_req", "limit_req_log_level",
        "limit_req_status", "limit_req_dry_run", "auth_basic", "auth_basic_user_file", "auth_request",
        "auth_request_set", "proxy_pass_request_headers", "proxy_pass_request_body",
    ]

    /// The directives of a config: the first word of each statement, outside map/geo/split_clients data blocks.
    public static func names(in text: String) -> [String] {
        var result: [String] = []
        var blocks: [String] = []
        var statement = ""
        var quote: Character?
        var escaped = false
        var comment = false
        func firstWord() -> String {
            String(statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).first ?? "")
        }
        for c in text {
            if comment {
                if c == "\n" { comment = false }
                continue
            }
            if let q = quote {
                statement.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
                statement.append(c)
            case "#": comment = true
            case ";", "{":
                let word = firstWord()
                if !["map", "geo", "split_clients"].contains(blocks.last ?? "") { result.append(word) }
                if c == "{" { blocks.append(word) }
                statement = ""
            case "}":
                _ = blocks.popLast()
                statement = ""
            default: statement.append(c)
            }
        }
        return result
    }

    /// Directives in `text` the renderer never writes.
    public static func unexpected(in text: String) -> [String] { names(in: text).filter { !allowed.contains($0) } }
}
