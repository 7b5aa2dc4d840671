import Foundation
import Testing

/// What the Gateway API conformance suite relies on from the API server: every Namespace labelled with its name.
@Suite("Namespace selectors")
struct NamespaceSelectorTests {
    @Test(
        "a listener that allows routes from namespaces selected by kubernetes.io/metadata.name accepts the route there and refuses others"
    )
    func metadataNameSelector() throws {
        let cli = CLI()
        let applied = try cli.run(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: nginx
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                    allowedRoutes:
                      namespaces:
                        from: Selector
                        selector:
                          matchLabels: {kubernetes.io/metadata.name: shop}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: in-shop, namespace: shop}
                spec:
                  parentRefs: [{name: gw, namespace: default}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: in-default}
                spec:
                  parentRefs: [{name: gw}]
                """)
        #expect(applied.status == 0, "\(applied.stderr)")
        let shop = try cli.run(["get", "httproute", "in-shop", "-n", "shop", "-o", "json"]).stdout
        #expect(shop.contains("\"reason\": \"Accepted\""), "\(shop)")
        let other = try cli.run(["get", "httproute", "in-default", "-o", "json"]).stdout
        #expect(other.contains("\"reason\": \"NotAllowedByListeners\""), "\(other)")
    }
}
