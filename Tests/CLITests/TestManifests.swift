/// Manifests several CLI suites build their cases from.
enum TestManifests {
    /// Gateway `gw` with one HTTP listener on port 80.
    static let gateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec: {gatewayClassName: nginx, listeners: [{name: http, port: 80, protocol: HTTP}]}

        """

    /// An HTTPRoute `name` on `gw` that answers every request for `host` with a 302 to `path` (no backend needed).
    static func redirectRoute(_ name: String, host: String, to path: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: \(name)}
        spec:
          parentRefs: [{name: gw}]
          hostnames: [\(host)]
          rules: [{filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: \(path)}, statusCode: 302}}]}]

        """
    }
}
