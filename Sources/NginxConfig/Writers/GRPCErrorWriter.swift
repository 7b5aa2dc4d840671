/// gRPC calls answered by nginx itself (no route, no backend, an upstream error) as gRPC clients read them: an
/// HTTP 200 with `grpc-status` and `grpc-message`, as NGF's grpc-error-pages.conf and grpc-error-locations.conf do.
enum GRPCErrorWriter {
    /// A gRPC status nginx answers with: its named location, code and message.
    struct Status {
        var name: String
        var code: Int
        var message: String
        /// The HTTP statuses that become it.
        var httpStatuses: [Int]
    }

    static let statuses: [Status] = [
        Status(
            name: "@grpc_internal", code: 13, message: "internal error",
            httpStatuses: [400, 405, 415, 426, 497, 500, 501]),
        Status(name: "@grpc_unauthenticated", code: 16, message: "unauthenticated", httpStatuses: [401, 495, 496]),
        Status(name: "@grpc_permission_denied", code: 7, message: "permission denied", httpStatuses: [403]),
        Status(name: "@grpc_unimplemented", code: 12, message: "unimplemented", httpStatuses: [404]),
        Status(name: "@grpc_unavailable", code: 14, message: "unavailable", httpStatuses: [429, 502, 503, 504]),
        Status(name: "@grpc_deadline_exceeded", code: 4, message: "deadline exceeded", httpStatuses: [408]),
        Status(name: "@grpc_resource_exhausted", code: 8, message: "resource exhausted", httpStatuses: [413, 414]),
    ]

    /// In a gRPC location: nginx's own error statuses jump to the named locations.
    static func writePages(into w: inout ConfigWriter) {
        for status in statuses {
            w.line("error_page \(status.httpStatuses.map(String.init).joined(separator: " ")) = \(status.name);")
        }
    }

    /// In a server with gRPC locations: the named locations that answer with a gRPC status.
    static func writeLocations(into w: inout ConfigWriter) {
        for status in statuses {
            w.block("location \(status.name)") { w in
                w.line("default_type application/grpc;")
                w.line("add_header content-type application/grpc;")
                w.line("add_header grpc-status \(status.code);")
                w.line("add_header grpc-message \"\(status.message)\";")
                w.line("return 204;")
            }
        }
    }
}
