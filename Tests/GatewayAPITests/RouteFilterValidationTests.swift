import Testing

/// The CRD's rules for HTTPRoute's CORS and ExternalAuth filters: bad values are refused on apply with the field's
/// position, as the API server refuses them.
@Suite("CORS and ExternalAuth filter validation")
struct RouteFilterValidationTests {
    static func route(_ filter: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r}
        spec:
          parentRefs: [{name: gateway}]
          rules:
          - filters:
            - \(filter)
            backendRefs: [{name: svc, port: 80}]
        """
    }

    @Test("NGF's cors-filter example decodes; an origin, method, header or max age the CRD refuses is named")
    func cors() {
        #expect(
            decodeErrors(
                Self.route(
                    #"{type: CORS, cors: {allowOrigins: ["https://www.foo.com", "https://*.bar.com"], allowMethods: [GET, POST], allowHeaders: [Keep-Alive, Content-Type], exposeHeaders: [Content-Security-Policy], allowCredentials: true, maxAge: 10}}"#
                )
            ).isEmpty)
        let bad = decodeErrors(
            Self.route(
                #"{type: CORS, cors: {allowOrigins: ["ftp://example.com", "*"], allowMethods: [GET, FETCH], allowHeaders: ["bad header"], maxAge: 0}}"#
            ), file: "r.yaml")
        #expect(
            bad.contains {
                $0.hasPrefix(
                    #"r.yaml:8:42: spec.rules[0].filters[0].cors.allowOrigins[0]: Invalid value: "ftp://example.com""#)
            },
            "\(bad)")
        #expect(
            bad.contains {
                $0.hasSuffix(
                    #"spec.rules[0].filters[0].cors.allowOrigins: Invalid value: "array": AllowOrigins cannot contain '*' alongside other origins"#
                )
            }, "\(bad)")
        #expect(bad.contains { $0.contains(#"cors.allowMethods[1]: Unsupported value: "FETCH""#) }, "\(bad)")
        #expect(bad.contains { $0.contains(#"cors.allowHeaders[0]: Invalid value: "bad header""#) }, "\(bad)")
        #expect(bad.contains { $0.contains("cors.maxAge: Invalid value: \"0\"") }, "\(bad)")
    }

    @Test("ExternalAuth: NGF's example decodes; protocol and config must agree, path and header names as the CRD says")
    func externalAuth() {
        #expect(
            decodeErrors(
                Self.route(
                    "{type: ExternalAuth, externalAuth: {protocol: HTTP, backendRef: {name: ext-auth-server, port: 80}, http: {path: /, allowedHeaders: [X-Api-Key], allowedResponseHeaders: [X-User-Id]}, forwardBody: {maxSize: 1024}}}"
                )
            ).isEmpty)
        let bad = decodeErrors(
            Self.route(
                "{type: ExternalAuth, externalAuth: {protocol: HTTP, backendRef: {name: a, port: 80}, grpc: {}, forwardBody: {maxSize: 70000}}}"
            ))
        for message in [
            #"spec.rules[0].filters[0].externalAuth: Invalid value: "object": protocol must be 'GRPC' when grpc is set"#,
            #"spec.rules[0].filters[0].externalAuth: Invalid value: "object": http must be specified when protocol is set to 'HTTP'"#,
            #"spec.rules[0].filters[0].externalAuth.forwardBody.maxSize: Invalid value: "70000": must be between 0 and 65535"#,
        ] {
            #expect(bad.contains { $0.hasSuffix(message) }, "\(message) in \(bad)")
        }
        let path = decodeErrors(
            Self.route(
                "{type: ExternalAuth, externalAuth: {protocol: HTTP, backendRef: {name: a, port: 80}, http: {path: \"/check me\", allowedHeaders: [\"X Api\"]}}}"
            ))
        #expect(path.contains { $0.contains(#"externalAuth.http.path: Invalid value: "/check me""#) }, "\(path)")
        #expect(
            path.contains { $0.contains(#"externalAuth.http.allowedHeaders[0]: Invalid value: "X Api""#) }, "\(path)")
    }
}
