import Foundation
import GatewayAPI
import Testing

@testable import GatewayCore

func l4Route(
    _ kind: String, _ name: String, parent: String = "- name: gateway", hostnames: String? = nil,
    backends: String = "    - name: coffee\n      port: 8081", version: String = "v1"
) -> String {
    """
    apiVersion: gateway.networking.k8s.io/\(version)
    kind: \(kind)
    metadata:
      name: \(name)
    spec:
      parentRefs:
      \(parent)
    \(hostnames.map { "  hostnames: \($0)\n" } ?? "")  rules:
      - backendRefs:
    \(backends)
    ---

    """
}

let coffee = service("coffee", portName: "tcp", port: 8081)
let tcpListeners = """
      - name: coffee
        port: 81
        protocol: TCP
      - name: tea
        port: 82
        protocol: TCP
    """
let tlsListener = """
      - name: tls
        port: 443
        protocol: TLS
        hostname: "*.example.com"
        tls: {mode: Passthrough}
    """

/// NGF's rules for TCP, UDP and TLS passthrough listeners and their routes (internal/controller/state/graph).
let l4StatusCases: [StatusCase] = [
    StatusCase(
        name: "TCP listeners take TCPRoutes: NGF's tcp-routing example",
        yaml: gateway(listeners: tcpListeners)
            + l4Route("TCPRoute", "tcp-coffee", parent: "- name: gateway\n    sectionName: coffee") + coffee,
        expect: [
            "Gateway default/gateway": ["Accepted=True/Accepted", "Programmed=False/Pending"],
            "Gateway default/gateway listener coffee": listenerOK,
            "TCPRoute default/tcp-coffee parent 0": baseAccepted,
        ]),
    StatusCase(
        name: "a UDP listener takes a UDPRoute (v1alpha2 read)",
        yaml: gateway(listeners: "  - name: dns\n    port: 53\n    protocol: UDP")
            + l4Route("UDPRoute", "dns", version: "v1alpha2") + coffee,
        expect: ["UDPRoute default/dns parent 0": baseAccepted]),
    StatusCase(
        name: "an HTTPRoute on a TCP listener is not allowed",
        yaml: gateway(listeners: tcpListeners) + route(parent: "- name: gateway\n    sectionName: coffee") + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a TCPRoute on an HTTP listener is not allowed",
        yaml: gateway() + l4Route("TCPRoute", "tcp-coffee") + coffee,
        expect: [
            "TCPRoute default/tcp-coffee parent 0": [
                "Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "two TCPRoutes on one listener are both accepted (the data plane serves the older)",
        yaml: gateway(listeners: tcpListeners)
            + l4Route("TCPRoute", "first", parent: "- name: gateway\n    sectionName: coffee")
            + l4Route("TCPRoute", "second", parent: "- name: gateway\n    sectionName: coffee") + coffee,
        expect: [
            "TCPRoute default/first parent 0": baseAccepted, "TCPRoute default/second parent 0": baseAccepted,
        ]),
    StatusCase(
        name: "a TCPRoute whose Service does not exist: BackendNotFound",
        yaml: gateway(listeners: tcpListeners)
            + l4Route("TCPRoute", "tcp-coffee", backends: "    - name: missing\n      port: 1"),
        expect: [
            "TCPRoute default/tcp-coffee parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound"]
        ]),
    StatusCase(
        name: "TCP and UDP listeners share a port",
        yaml: gateway(
            listeners: "  - name: t\n    port: 53\n    protocol: TCP\n  - name: u\n    port: 53\n    protocol: UDP"),
        expect: ["Gateway default/gateway listener t": listenerOK, "Gateway default/gateway listener u": listenerOK]),
    StatusCase(
        name: "HTTP and TCP on one port: ProtocolConflict",
        yaml: gateway(
            listeners:
                "  - name: http\n    port: 80\n    protocol: HTTP\n  - name: tcp\n    port: 80\n    protocol: TCP"),
        expect: [
            "Gateway default/gateway listener tcp": [
                "Accepted=False/ProtocolConflict", "Programmed=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=True/ProtocolConflict",
            ]
        ]),
    StatusCase(
        name: "TLS passthrough beside HTTPS on 443 with other hostnames",
        yaml: tlsSecret
            + gateway(
                listeners: tlsListener
                    + "\n  - name: https\n    port: 443\n    protocol: HTTPS\n    hostname: www.other.org\n    tls:\n      certificateRefs:\n      - name: gw-cert"
            ),
        expect: [
            "Gateway default/gateway listener tls": listenerOK, "Gateway default/gateway listener https": listenerOK,
        ]),
    StatusCase(
        name: "TLS passthrough and HTTPS with overlapping hostnames: HostnameConflict",
        yaml: tlsSecret
            + gateway(listeners: tlsListener + "\n" + httpsListener),
        expect: [
            "Gateway default/gateway listener tls": [
                "Accepted=False/HostnameConflict", "Programmed=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=True/HostnameConflict",
            ]
        ]),
    StatusCase(
        name: "a TLSRoute under the listener's wildcard is accepted",
        yaml: gateway(listeners: tlsListener) + l4Route("TLSRoute", "app", hostnames: "[app.example.com]") + coffee,
        expect: ["TLSRoute default/app parent 0": baseAccepted]),
    StatusCase(
        name: "a TLSRoute outside the listener's hostname: NoMatchingListenerHostname",
        yaml: gateway(listeners: tlsListener) + l4Route("TLSRoute", "app", hostnames: "[app.other.org]") + coffee,
        expect: [
            "TLSRoute default/app parent 0": [
                "Accepted=False/NoMatchingListenerHostname", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a second TLSRoute for the same SNI name: HostnameConflict",
        yaml: gateway(listeners: tlsListener) + l4Route("TLSRoute", "first", hostnames: "[app.example.com]")
            + l4Route("TLSRoute", "second", hostnames: "[app.example.com]") + coffee,
        expect: [
            "TLSRoute default/first parent 0": baseAccepted,
            "TLSRoute default/second parent 0": ["Accepted=False/HostnameConflict", "ResolvedRefs=True/ResolvedRefs"],
        ]),
    StatusCase(
        name: "a TLSRoute with two backendRefs: ResolvedRefs UnsupportedValue",
        yaml: gateway(listeners: tlsListener)
            + l4Route(
                "TLSRoute", "app", hostnames: "[app.example.com]",
                backends: "    - name: coffee\n      port: 8081\n    - name: coffee\n      port: 8081") + coffee,
        expect: ["TLSRoute default/app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/UnsupportedValue"]]),
    StatusCase(
        name: "a TLSRoute NGF cannot serve claims no SNI name: a newer route for the name is accepted",
        yaml: gateway(listeners: tlsListener)
            + l4Route(
                "TLSRoute", "broken", hostnames: "[app.example.com]",
                backends: "    - name: coffee\n      port: 8081\n    - name: coffee\n      port: 8081")
            + l4Route("TLSRoute", "good", hostnames: "[app.example.com]") + coffee,
        expect: [
            "TLSRoute default/broken parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/UnsupportedValue"],
            "TLSRoute default/good parent 0": baseAccepted,
        ]),
]

@Suite struct L4StatusCaseTests {
    @Test(
        "the API refuses what NGF's listener rules would otherwise have to answer: two TCP listeners on one port, a TCP hostname"
    )
    func refusedByValidation() {
        #expect(throws: (any Error).self) {
            try snapshot(
                gateway(
                    listeners:
                        "  - name: a\n    port: 81\n    protocol: TCP\n  - name: b\n    port: 81\n    protocol: TCP"))
        }
        #expect(throws: (any Error).self) {
            try snapshot(
                gateway(listeners: "  - name: tcp\n    port: 81\n    protocol: TCP\n    hostname: a.example.com"))
        }
    }

    @Test("conditions", arguments: l4StatusCases)
    func conditions(_ testCase: StatusCase) throws {
        let (_, status) = try statuses(testCase.yaml, config: testCase.config)
        for (subject, expected) in testCase.expect {
            #expect(try StatusCaseTests().actual(subject, status) == expected, "\(subject)")
        }
    }

    @Test("listeners count every route kind they take")
    func attachedRoutes() throws {
        let (graph, status) = try statuses(
            gateway(listeners: tcpListeners)
                + l4Route("TCPRoute", "first", parent: "- name: gateway\n    sectionName: coffee")
                + l4Route("TCPRoute", "second", parent: "- name: gateway\n    sectionName: coffee") + coffee)
        let listeners = status["Gateway default/gateway"]?["listeners"]?.arrayValue ?? []
        #expect(listeners.map { $0["attachedRoutes"]?.intValue } == [2, 0])
        #expect(listeners.first?["supportedKinds"]?.arrayValue?.first?["kind"]?.stringValue == "TCPRoute")
        // The older route is the one the data plane serves.
        let coffee = graph.gateways.first?.listener("coffee")
        #expect(coffee?.attachedRoutes.map(\.name) == ["first", "second"])
    }

    @Test("TCPRoute v1 has one rule; v1alpha2 takes more and NGF ignores the rest")
    func rules() throws {
        let two = """
              rules:
              - backendRefs: [{name: coffee, port: 8081}]
              - backendRefs: [{name: coffee, port: 8081}]
            """
        let manifest = { (version: String) in
            gateway(listeners: tcpListeners)
                + "apiVersion: gateway.networking.k8s.io/\(version)\nkind: TCPRoute\nmetadata: {name: two}\nspec:\n  parentRefs: [{name: gateway, sectionName: coffee}]\n\(two)\n---\n"
                + coffee
        }
        #expect(throws: (any Error).self) { try snapshot(manifest("v1")) }
        let (_, status) = try statuses(manifest("v1alpha2"))
        #expect(
            summary(status["TCPRoute default/two"]?["parents"]?.arrayValue?.first?["conditions"]) == [
                "Accepted=True/UnsupportedField", "ResolvedRefs=True/ResolvedRefs",
            ])
    }
}
