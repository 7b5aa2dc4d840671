import Foundation
import GatewayAPI
import Testing

@testable import ResourcePrinters

/// `get` tables of NGF's kinds: policies with their targets and each ancestor's Accepted, filters with their
/// controllers' Accepted.
@Suite("get tables of NGF's kinds")
struct NGFTableTests {
    let now = AgeFormatter.parse("2024-05-15T12:02:47Z")!
    let metadata: JSONValue = ["name": "limits", "namespace": "default", "creationTimestamp": "2024-05-15T12:02:38Z"]

    func ancestor(_ kind: String, _ name: String, _ status: String, _ reason: String) -> JSONValue {
        [
            "ancestorRef": [
                "group": "gateway.networking.k8s.io", "kind": .string(kind), "name": .string(name),
                "namespace": "default",
            ],
            "controllerName": "gateway.nginx.org/nginx-gateway-controller",
            "conditions": [["type": "Accepted", "status": .string(status), "reason": .string(reason)]],
        ]
    }

    @Test("a ClientSettingsPolicy: its single targetRef, Accepted per ancestor; -o wide names the ancestors")
    func clientSettingsPolicy() {
        let policy: JSONValue = [
            "apiVersion": "gateway.nginx.org/v1alpha1", "kind": "ClientSettingsPolicy", "metadata": metadata,
            "spec": [
                "targetRef": ["group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gateway"],
                "body": ["maxSize": "50"],
            ],
            "status": ["ancestors": [ancestor("Gateway", "gateway", "True", "Accepted")]],
        ]
        let table = ResourceTable.table(
            ResourceRegistry.clientSettingsPolicy, objects: [policy], options: TableOptions(now: now))
        #expect(
            table.render() == """
                NAME     TARGETS           ACCEPTED   AGE
                limits   Gateway/gateway   True       9s

                """)
        let wide = ResourceTable.table(
            ResourceRegistry.clientSettingsPolicy, objects: [policy], options: TableOptions(wide: true, now: now))
        #expect(wide.headers == ["NAME", "TARGETS", "ACCEPTED", "AGE", "ANCESTORS"])
        #expect(wide.rows == [["limits", "Gateway/gateway", "True", "9s", "default/gateway=Accepted"]])
    }

    @Test("a RateLimitPolicy on two routes, one conflicted; a policy without status has no ancestors")
    func rateLimitPolicy() {
        let policy: JSONValue = [
            "apiVersion": "gateway.nginx.org/v1alpha1", "kind": "RateLimitPolicy", "metadata": metadata,
            "spec": [
                "targetRefs": [
                    ["group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "a"],
                    ["group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "b"],
                ]
            ],
            "status": [
                "ancestors": [
                    ancestor("HTTPRoute", "a", "True", "Accepted"), ancestor("HTTPRoute", "b", "False", "Conflicted"),
                ]
            ],
        ]
        var unprocessed = policy
        unprocessed["status"] = nil
        let wide = ResourceTable.table(
            ResourceRegistry.rateLimitPolicy, objects: [policy, unprocessed],
            options: TableOptions(wide: true, now: now))
        #expect(
            wide.rows == [
                [
                    "limits", "HTTPRoute/a,HTTPRoute/b", "True,False (Conflicted)", "9s",
                    "HTTPRoute default/a=Accepted,HTTPRoute default/b=Conflicted",
                ],
                ["limits", "HTTPRoute/a,HTTPRoute/b", "<none>", "9s", "<none>"],
            ])
    }

    @Test("every NGF policy kind has the policy columns")
    func everyPolicyKind() {
        for type in ResourceRegistry.ngfPolicies {
            let table = ResourceTable.table(type, objects: [], options: TableOptions(wide: true, now: now))
            #expect(table.headers == ["NAME", "TARGETS", "ACCEPTED", "AGE", "ANCESTORS"], "\(type.kind)")
        }
    }

    @Test("filters: Accepted from status.controllers; an AuthenticationFilter's TYPE; NginxProxy: AGE")
    func filters() {
        let status: JSONValue = [
            "controllers": [
                [
                    "controllerName": "gateway.nginx.org/nginx-gateway-controller",
                    "conditions": [["type": "Accepted", "status": "False", "reason": "Invalid"]],
                ]
            ]
        ]
        let auth: JSONValue = [
            "apiVersion": "gateway.nginx.org/v1alpha1", "kind": "AuthenticationFilter", "metadata": metadata,
            "spec": ["type": "Basic", "basic": ["secretRef": ["name": "users"], "realm": "Restricted"]],
            "status": status,
        ]
        #expect(
            ResourceTable.table(ResourceRegistry.authenticationFilter, objects: [auth], options: TableOptions(now: now))
                .render() == """
                    NAME     TYPE    ACCEPTED          AGE
                    limits   Basic   False (Invalid)   9s

                    """)
        let snippets: JSONValue = [
            "apiVersion": "gateway.nginx.org/v1alpha1", "kind": "SnippetsFilter", "metadata": metadata,
            "spec": ["snippets": [["context": "http", "value": "# x"]]],
        ]
        let snippetsTable = ResourceTable.table(
            ResourceRegistry.snippetsFilter, objects: [snippets], options: TableOptions(now: now))
        #expect(snippetsTable.headers == ["NAME", "ACCEPTED", "AGE"])
        #expect(snippetsTable.rows == [["limits", "<none>", "9s"]])
        let proxy: JSONValue = [
            "apiVersion": "gateway.nginx.org/v1alpha2", "kind": "NginxProxy", "metadata": metadata, "spec": [:],
        ]
        let proxyTable = ResourceTable.table(
            ResourceRegistry.nginxProxy, objects: [proxy], options: TableOptions(wide: true, now: now))
        #expect(proxyTable.headers == ["NAME", "AGE"])
        #expect(proxyTable.rows == [["limits", "9s"]])
    }
}
