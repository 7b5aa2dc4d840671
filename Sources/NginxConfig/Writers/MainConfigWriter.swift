import GatewayCore

/// Writes `nginx.conf`: the process settings, the http block with gwconsole's variables and includes, and the
/// control endpoint that reports the generation nginx runs.
enum MainConfigWriter {
    static func write(
        gateway: ObjectRef, settings: RenderSettings, stream: Bool = false, njs: Bool = false,
        policies: PolicyDirectives = PolicyDirectives()
    ) -> String {
        let rt = settings.runtimeDirectory
        let dir = settings.configDirectory
        var w = ConfigWriter()
        w.line("# gwconsole data plane for Gateway \(gateway.namespacedName)")
        if stream { w.line("load_module \(NginxString.literal(settings.streamModule));") }
        if njs { w.line("load_module \(NginxString.literal(settings.streamJSModule));") }
        if settings.workersAsRoot { w.line("user root;") }
        w.line("worker_processes 1;")
        w.write(policies.main)
        w.line("pid \(NginxString.literal(rt + "/nginx.pid"));")
        w.line("error_log \(NginxString.literal(rt + "/logs/error.log")) notice;")
        // Stream listeners hold two connections per TCP connection or UDP session.
        w.block("events") { $0.line("worker_connections \(stream ? 4096 : 1024);") }
        if stream {
            // TCP, UDP and TLS passthrough listeners: one JSON object per session, beside the request log.
            w.block("stream") { w in
                w.line("log_format gw_sessions escape=json \(NginxString.literal(StreamWriter.logTemplate));")
                w.line("access_log \(NginxString.literal(rt + "/logs/stream.log")) gw_sessions;")
                w.line("include \(NginxString.literal(dir + "/conf.d/stream.conf"));")
            }
        }
        w.block("http") { w in
            // One JSON object per request (nginx escapes the values), with the route, rule and backend that served it:
            // `gwconsole logs --gateway` and the console's Requests tab read it.
            w.line("log_format gw_requests escape=json \(NginxString.literal(RequestLogFormat.template));")
            w.line("access_log \(NginxString.literal(rt + "/logs/access.log")) gw_requests;")
            // Locations that answer themselves (404, redirects, 500/503) leave the backend variables unset: no
            // warning per request in the error log the probe reads.
            w.line("uninitialized_variable_warn off;")
            // As NGF: error pages and the Server header say `nginx`, without the version.
            w.line("server_tokens off;")
            for (directive, name) in [
                ("client_body_temp_path", "client_body"), ("proxy_temp_path", "proxy"),
                ("fastcgi_temp_path", "fastcgi"),
                ("uwsgi_temp_path", "uwsgi"), ("scgi_temp_path", "scgi"),
            ] {
                w.line("\(directive) \(NginxString.literal(rt + "/temp/" + name));")
            }
            w.line("default_type text/plain;")
            w.line("server_names_hash_bucket_size 256;")
            w.line("map_hash_bucket_size 256;")
            w.line("variables_hash_bucket_size 256;")
            w.line("recursive_error_pages on;")
            w.line("# \"$\" for literal dollars in user values (nginx strings have no escape for it)")
            w.block("geo $gw_dollar") { $0.line("default \"$\";") }
            w.block("map $http_host $gw_host") { w in
                w.line("\"\" $host;")
                w.line("default $http_host;")
            }
            // Only a WebSocket upgrade passes to backends (any other, such as h2c, would let a backend take the
            // connection past nginx's routing); other requests keep the upstream connection reusable.
            w.block("map $http_upgrade $gw_upgrade") { w in
                w.line("default \"\";")
                w.line("\"~*^websocket$\" websocket;")
            }
            w.block("map $gw_upgrade $gw_connection_upgrade") { w in
                w.line("default \"\";")
                w.line("websocket upgrade;")
            }
            w.write(policies.http)
            for file in ["maps.conf", "upstreams.conf", "servers.conf"] {
                w.line("include \(NginxString.literal(dir + "/conf.d/" + file));")
            }
            w.block("server") { w in
                w.line("# control endpoint: reports the generation nginx runs")
                w.line("# (and declares the request log's variables, which locations set)")
                for variable in RequestLogFormat.variables { w.line("set \(variable) \"\";") }
                w.line("access_log off;")
                w.line("listen \(NginxString.literal("unix:" + rt + "/control.sock"));")
                w.block("location = /generation") {
                    $0.line("return 200 \"\(settings.generation)\\n\"; \(Renderer.generationMarker)")
                }
                w.block("location /") { $0.line("return 404;") }
            }
        }
        return w.text
    }
}
