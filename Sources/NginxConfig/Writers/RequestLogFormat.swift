/// The Gateway's request log: one JSON object per request, written by nginx (`escape=json`). Locations set the
/// route, rule and backend variables before they act, so a request names what served it.
public enum RequestLogFormat {
    /// Variables the locations set: the route (`ns/name`), the rule index, the backend (`Service ns/name:port`) and
    /// how NGINX speaks to it (`plain`, or `TLS SNI host, verified`).
    public static let variables = ["$gw_route", "$gw_rule", "$gw_backend", "$gw_backend_tls", "$gw_socket_port"]

    /// The log_format: keys as `RequestRecord` decodes them.
    public static let template =
        #"{"time":"$time_iso8601","method":"$request_method","host":"$host","uri":"$request_uri","#
        + #""status":"$status","upstream":"$upstream_addr","upstreamStatus":"$upstream_status","#
        + #""duration":"$request_time","route":"$gw_route","rule":"$gw_rule","backend":"$gw_backend","#
        + #""backendTLS":"$gw_backend_tls","server":"$server_port$gw_socket_port","requestID":"$request_id","#
        + #""grpcStatus":"$sent_http_grpc_status$sent_trailer_grpc_status"}"#
}
