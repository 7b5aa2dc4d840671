import Foundation
import GatewayAPI
import Testing

@testable import GatewayCore

/// A ListenerSet `name` in `namespace` whose parent is `default/gateway`; `listeners` is the YAML under `listeners:`.
func listenerSet(_ name: String, namespace: String = "default", listeners: String) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: ListenerSet
    metadata:
      name: \(name)
      namespace: \(namespace)
    spec:
      parentRef:
        name: gateway
        namespace: default
      listeners:
    \(listeners)
    ---

    """
}

/// One HTTP listener on port 80 for `host`, allowing routes from the namespaces `from` says.
func httpListener(_ name: String, host: String, from: String = "Same") -> String {
    """
      - name: \(name)
        port: 80
        protocol: HTTP
        hostname: \(host)
        allowedRoutes: {namespaces: {from: \(from)}}
    """
}

/// ListenerSets as the spec (GEP-1713) and the conformance suite's ListenerSet tests say: admitted by the Gateway's
/// allowedListeners, merged after the Gateway's own listeners in precedence order, a conflicting newcomer losing,
/// routes reaching a ListenerSet's listeners only through a ListenerSet parentRef.
@Suite("ListenerSet in the graph")
struct ListenerSetGraphTests {
    func gatewayAllowing(_ from: String?, selector: String = "") -> String {
        let allowed = from.map { "  allowedListeners: {namespaces: {from: \($0)\(selector)}}\n" } ?? ""
        return gateway(
            listeners: """
                  - name: http
                    port: 80
                    protocol: HTTP
                    hostname: gateway.example.com
                """, extra: allowed)
    }

    func conditions(_ status: [String: JSONValue], _ key: String) -> [String] {
        summary(status[key]?["conditions"])
    }

    func listener(_ status: [String: JSONValue], _ key: String, _ name: String) -> JSONValue? {
        status[key]?["listeners"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    @Test("Without allowedListeners a Gateway takes no ListenerSet: NotAllowed, and the Gateway stays accepted")
    func defaultNotAllowed() throws {
        let (graph, status) = try statuses(
            gatewayAllowing(nil) + listenerSet("extra", listeners: httpListener("more", host: "more.example.com")))
        #expect(
            conditions(status, "ListenerSet default/extra") == [
                "Accepted=False/NotAllowed", "Programmed=False/NotAllowed",
            ])
        #expect(status["ListenerSet default/extra"]?["listeners"] == nil)
        #expect(conditions(status, "Gateway default/gateway").first == "Accepted=True/Accepted")
        #expect(graph.gateways[0].listeners.map(\.name) == ["http"])
    }

    @Test("from Same takes a ListenerSet of the Gateway's namespace and refuses one elsewhere; All takes both")
    func sameAndAll() throws {
        let sets =
            listenerSet("here", listeners: httpListener("a", host: "a.example.com"))
            + listenerSet("there", namespace: "other", listeners: httpListener("b", host: "b.example.com"))
        let (_, same) = try statuses(gatewayAllowing("Same") + sets)
        #expect(conditions(same, "ListenerSet default/here").first == "Accepted=True/Accepted")
        #expect(conditions(same, "ListenerSet other/there").first == "Accepted=False/NotAllowed")
        #expect(same["Gateway default/gateway"]?["attachedListenerSets"]?.intValue == 1)
        let (_, all) = try statuses(gatewayAllowing("All") + sets)
        #expect(conditions(all, "ListenerSet other/there").first == "Accepted=True/Accepted")
        #expect(all["Gateway default/gateway"]?["attachedListenerSets"]?.intValue == 2)
    }

    @Test("A Selector takes the ListenerSets of namespaces whose labels match")
    func selector() throws {
        let (_, status) = try statuses(
            gatewayAllowing("Selector", selector: ", selector: {matchLabels: {team: blue}}")
                + listenerSet("blue", namespace: "labelled", listeners: httpListener("a", host: "a.example.com"))
                + listenerSet("plain", namespace: "other", listeners: httpListener("b", host: "b.example.com")))
        #expect(conditions(status, "ListenerSet labelled/blue").first == "Accepted=True/Accepted")
        #expect(conditions(status, "ListenerSet other/plain").first == "Accepted=False/NotAllowed")
    }

    @Test("The Gateway's listeners come first, then older ListenerSets: a newcomer with a taken hostname loses")
    func hostnameConflict() throws {
        let (graph, status) = try statuses(
            gatewayAllowing("Same")
                + listenerSet(
                    "first",
                    listeners: httpListener("own", host: "first.example.com") + "\n"
                        + httpListener("clash-gateway", host: "gateway.example.com") + "\n"
                        + httpListener("shared", host: "shared.example.com"))
                + listenerSet("second", listeners: httpListener("shared", host: "shared.example.com")))
        let lost = listener(status, "ListenerSet default/first", "clash-gateway")
        #expect(
            summary(lost?["conditions"]) == [
                "Accepted=False/HostnameConflict", "Programmed=False/HostnameConflict",
                "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=True/HostnameConflict",
            ])
        #expect(
            summary(listener(status, "ListenerSet default/first", "shared")?["conditions"]).first
                == "Accepted=True/Accepted")
        #expect(conditions(status, "ListenerSet default/first").first == "Accepted=True/Accepted")
        // The second ListenerSet's only listener conflicts with the first's: nothing of it is valid.
        #expect(
            conditions(status, "ListenerSet default/second") == [
                "Accepted=False/ListenersNotValid", "Programmed=False/ListenersNotValid",
            ])
        #expect(status["Gateway default/gateway"]?["attachedListenerSets"]?.intValue == 1)
        // The Gateway's own listener is untouched, and its status lists only its own.
        #expect(status["Gateway default/gateway"]?["listeners"]?.arrayValue?.count == 1)
        #expect(
            summary(listener(status, "Gateway default/gateway", "http")?["conditions"]).first
                == "Accepted=True/Accepted")
        let served = graph.gateways[0].listeners.filter(\.valid).map(\.name)
        #expect(served == ["http", "default/first/own", "default/first/shared"])
    }

    @Test("A TCP listener on a port the Gateway serves HTTP on is a ProtocolConflict")
    func protocolConflict() throws {
        let (_, status) = try statuses(
            gatewayAllowing("Same")
                + listenerSet(
                    "tcp",
                    listeners: """
                          - name: raw
                            port: 80
                            protocol: TCP
                        """))
        #expect(
            summary(listener(status, "ListenerSet default/tcp", "raw")?["conditions"]).first
                == "Accepted=False/ProtocolConflict")
        #expect(conditions(status, "ListenerSet default/tcp").first == "Accepted=False/ListenersNotValid")
    }

    @Test("Inside a ListenerSet precedence holds too: a TCP listener after HTTP ones on its port loses alone")
    func protocolConflictInsideASet() throws {
        let (graph, status) = try statuses(
            gatewayAllowing("Same")
                + listenerSet(
                    "mixed",
                    listeners: httpListener("first", host: "first.example.com") + "\n"
                        + """
                          - name: raw
                            port: 80
                            protocol: TCP
                        """ + "\n" + httpListener("last", host: "last.example.com")))
        #expect(
            summary(listener(status, "ListenerSet default/mixed", "raw")?["conditions"]) == [
                "Accepted=False/ProtocolConflict", "Programmed=False/ProtocolConflict",
                "ResolvedRefs=True/ResolvedRefs", "Conflicted=True/ProtocolConflict",
            ])
        for name in ["first", "last"] {
            #expect(
                summary(listener(status, "ListenerSet default/mixed", name)?["conditions"]).first
                    == "Accepted=True/Accepted")
        }
        #expect(conditions(status, "ListenerSet default/mixed").first == "Accepted=True/Accepted")
        #expect(status["Gateway default/gateway"]?["attachedListenerSets"]?.intValue == 1)
        let served = graph.gateways[0].listeners.filter(\.valid).map(\.name)
        #expect(served == ["http", "default/mixed/first", "default/mixed/last"])
    }

    @Test("Routes reach a ListenerSet's listeners through a ListenerSet parentRef only")
    func routeAttachment() throws {
        let (_, status) = try statuses(
            gatewayAllowing("Same")
                + listenerSet("extra", listeners: httpListener("more", host: "more.example.com"))
                + route(
                    "via-set", parent: "- kind: ListenerSet\n    name: extra\n    sectionName: more", hostnames: "[]")
                + route("via-gateway", parent: "- name: gateway\n    sectionName: more", hostnames: "[]")
                + route("whole-set", parent: "- kind: ListenerSet\n    name: extra", hostnames: "[]") + service())
        let viaSet = status["HTTPRoute default/via-set"]?["parents"]?.arrayValue?.first
        #expect(summary(viaSet?["conditions"]).first == "Accepted=True/Accepted")
        #expect(viaSet?["parentRef"]?["kind"]?.stringValue == "ListenerSet")
        #expect(
            summary(status["HTTPRoute default/via-gateway"]?["parents"]?.arrayValue?.first?["conditions"]).first
                == "Accepted=False/NoMatchingParent")
        #expect(listener(status, "ListenerSet default/extra", "more")?["attachedRoutes"]?.intValue == 2)
        #expect(listener(status, "Gateway default/gateway", "http")?["attachedRoutes"]?.intValue == 0)
    }

    @Test("allowedRoutes from Same on a ListenerSet's listener means the ListenerSet's namespace")
    func sameMeansTheSetsNamespace() throws {
        let (_, status) = try statuses(
            gatewayAllowing("All")
                + listenerSet("elsewhere", namespace: "other", listeners: httpListener("only", host: "x.example.com"))
                + route(
                    "in-set-namespace", namespace: "other",
                    parent: "- kind: ListenerSet\n    name: elsewhere", hostnames: "[]")
                + route(
                    "in-gateway-namespace", parent: "- kind: ListenerSet\n    name: elsewhere\n    namespace: other",
                    hostnames: "[]") + service() + service(namespace: "other"))
        #expect(
            summary(status["HTTPRoute other/in-set-namespace"]?["parents"]?.arrayValue?.first?["conditions"]).first
                == "Accepted=True/Accepted")
        #expect(
            summary(status["HTTPRoute default/in-gateway-namespace"]?["parents"]?.arrayValue?.first?["conditions"])
                .first == "Accepted=False/NotAllowedByListeners")
    }

    @Test("A route to a ListenerSet the Gateway does not take is not accepted (InvalidListenerSet)")
    func routeToRefusedSet() throws {
        let (_, status) = try statuses(
            gatewayAllowing(nil) + listenerSet("extra", listeners: httpListener("more", host: "more.example.com"))
                + route("via-set", parent: "- kind: ListenerSet\n    name: extra", hostnames: "[]") + service())
        #expect(
            summary(status["HTTPRoute default/via-set"]?["parents"]?.arrayValue?.first?["conditions"]).first
                == "Accepted=False/InvalidListenerSet")
    }
}
