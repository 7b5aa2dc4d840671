import Foundation
import GatewayAPI
import Testing

@testable import GatewayCore

/// One rule of the controller: manifests in, the exact conditions out.
struct StatusCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    /// `Kind namespace/name` (with ` listener NAME`, ` parent N` or ` ancestor NS/NAME`) → `Type=Status/Reason` list.
    var expect: [String: [String]]
    var config = ControllerConfig()
    var testDescription: String { name }
}

let programmedDataplane = ControllerConfig(
    dataplane: DataplaneState(address: "127.0.0.1", programmed: true, detail: ""))

let baseAccepted = ["Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs"]
let listenerOK = [
    "Accepted=True/Accepted", "Programmed=False/Pending", "ResolvedRefs=True/ResolvedRefs",
    "Conflicted=False/NoConflicts",
]

let tlsKeyPEM = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCkFBQUEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo="

let tlsSecret = """
    apiVersion: v1
    kind: Secret
    metadata:
      name: gw-cert
    type: kubernetes.io/tls
    data:  # PEM-shaped (the core's structural check; OpenSSL's is tested with real keys in HostileReferenceTests)
      tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBQUEKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
      tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCkFBQUEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=
    ---

    """

let httpsListener = """
      - name: https
        port: 443
        protocol: HTTPS
        tls:
          certificateRefs:
          - name: gw-cert
    """

let statusCases: [StatusCase] = [
    // GatewayClass
    StatusCase(
        name: "our GatewayClass is accepted with supported versions", yaml: "",
        expect: ["GatewayClass nginx": ["Accepted=True/Accepted", "SupportedVersion=True/SupportedVersion"]]),
    StatusCase(
        name: "a second GatewayClass of this controller conflicts",
        yaml: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: other}
            spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
            """,
        expect: [
            "GatewayClass other": ["Accepted=False/GatewayClassConflict", "SupportedVersion=True/SupportedVersion"]
        ]),
    StatusCase(
        name: "a GatewayClass of another controller gets no status from us",
        yaml: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: istio}
            spec: {controllerName: istio.io/gateway-controller}
            """ + "\n---\n" + gateway("foreign", className: "istio"),
        expect: ["GatewayClass istio": [], "Gateway default/foreign": []]),

    // Gateway
    StatusCase(
        name: "the guide's Gateway is accepted, programmed only once the data plane is",
        yaml: gateway(), expect: ["Gateway default/gateway": ["Accepted=True/Accepted", "Programmed=False/Pending"]]),
    StatusCase(
        name: "with a running data plane the Gateway and listener are programmed", yaml: gateway(),
        expect: [
            "Gateway default/gateway": ["Accepted=True/Accepted", "Programmed=True/Programmed"],
            "Gateway default/gateway listener http": [
                "Accepted=True/Accepted", "Programmed=True/Programmed", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=False/NoConflicts",
            ],
        ],
        config: programmedDataplane),
    StatusCase(
        name: "spec.addresses is unsupported", yaml: gateway(extra: "  addresses:\n  - value: 10.0.0.1\n"),
        expect: ["Gateway default/gateway": ["Accepted=False/UnsupportedValue", "Programmed=False/Invalid"]]),
    StatusCase(
        name: "no valid listener: ListenersNotValid",
        yaml: gateway(listeners: "  - name: tcp\n    port: 9000\n    protocol: SCTP"),
        expect: [
            "Gateway default/gateway": ["Accepted=False/ListenersNotValid", "Programmed=False/Invalid"],
            "Gateway default/gateway listener tcp": [
                "Accepted=False/UnsupportedProtocol", "Programmed=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=False/NoConflicts",
            ],
        ]),
    StatusCase(
        name: "some listeners invalid: accepted with ListenersNotValid",
        yaml: gateway(
            listeners:
                "  - name: http\n    port: 80\n    protocol: HTTP\n  - name: udp\n    port: 9000\n    protocol: SCTP"),
        expect: [
            "Gateway default/gateway": ["Accepted=True/ListenersNotValid", "Programmed=False/Pending"],
            "Gateway default/gateway listener http": listenerOK,
        ]),
    StatusCase(
        name: "a TLS listener that terminates is not supported (passthrough is)",
        yaml: tlsSecret
            + gateway(
                listeners:
                    "  - name: http\n    port: 80\n    protocol: HTTP\n  - name: tls\n    port: 8443\n    protocol: TLS\n    tls: {mode: Terminate, certificateRefs: [{name: gw-cert}]}"
            ),
        expect: [
            "Gateway default/gateway listener tls": [
                "Accepted=False/UnsupportedValue", "Programmed=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=False/NoConflicts",
            ]
        ]),

    // Listeners
    StatusCase(
        name: "an HTTP listener resolves and has no conflicts", yaml: gateway(),
        expect: ["Gateway default/gateway listener http": listenerOK]),
    StatusCase(
        name: "only unsupported route kinds: InvalidRouteKinds",
        yaml: gateway(
            listeners:
                "  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes:\n      kinds: [{kind: TLSRoute}]"
        ),
        expect: [
            "Gateway default/gateway listener http": [
                "Accepted=True/Accepted", "Programmed=False/Invalid", "ResolvedRefs=False/InvalidRouteKinds",
                "Conflicted=False/NoConflicts",
            ]
        ]),
    StatusCase(
        name: "some unsupported route kinds: accepted, ResolvedRefs InvalidRouteKinds, HTTPRoutes still attach",
        yaml: gateway(
            listeners:
                "  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes:\n      kinds: [{kind: HTTPRoute}, {kind: TCPRoute}]"
        ) + route() + service(),
        expect: [
            "Gateway default/gateway listener http": [
                "Accepted=True/Accepted", "Programmed=False/Pending", "ResolvedRefs=False/InvalidRouteKinds",
                "Conflicted=False/NoConflicts",
            ],
            "HTTPRoute default/secure-app parent 0": baseAccepted,
        ]),
    StatusCase(
        name: "an HTTPS listener with its TLS Secret resolves", yaml: tlsSecret + gateway(listeners: httpsListener),
        expect: ["Gateway default/gateway listener https": listenerOK]),
    StatusCase(
        name: "an HTTPS listener whose Secret is missing: InvalidCertificateRef",
        yaml: gateway(listeners: httpsListener),
        expect: [
            "Gateway default/gateway listener https": [
                "Accepted=False/InvalidCertificateRef", "Programmed=False/Invalid",
                "ResolvedRefs=False/InvalidCertificateRef", "Conflicted=False/NoConflicts",
            ],
            "Gateway default/gateway": ["Accepted=False/ListenersNotValid", "Programmed=False/Invalid"],
        ]),
    StatusCase(
        name: "a certificate Secret that is not kubernetes.io/tls",
        yaml: tlsSecret.replacingOccurrences(of: "kubernetes.io/tls", with: "Opaque")
            + gateway(listeners: httpsListener),
        expect: [
            "Gateway default/gateway listener https": [
                "Accepted=False/InvalidCertificateRef", "Programmed=False/Invalid",
                "ResolvedRefs=False/InvalidCertificateRef", "Conflicted=False/NoConflicts",
            ]
        ]),
    StatusCase(
        name: "a TLS Secret whose tls.key is not PEM (nginx would refuse the whole config): InvalidCertificateRef",
        yaml: tlsSecret.replacingOccurrences(of: "tls.key: \(tlsKeyPEM)", with: "tls.key: dGxzLmtleQ==")
            + gateway(listeners: httpsListener),
        expect: [
            "Gateway default/gateway listener https": [
                "Accepted=False/InvalidCertificateRef", "Programmed=False/Invalid",
                "ResolvedRefs=False/InvalidCertificateRef", "Conflicted=False/NoConflicts",
            ]
        ]),
    StatusCase(
        name: "a certificate ref that is not a Secret",
        yaml: gateway(
            listeners: httpsListener.replacingOccurrences(
                of: "- name: gw-cert", with: "- {kind: ConfigMap, name: gw-cert}")),
        expect: [
            "Gateway default/gateway listener https": [
                "Accepted=False/InvalidCertificateRef", "Programmed=False/Invalid",
                "ResolvedRefs=False/InvalidCertificateRef", "Conflicted=False/NoConflicts",
            ]
        ]),
    StatusCase(
        name: "a certificate in another namespace without a ReferenceGrant: RefNotPermitted",
        yaml: tlsSecret.replacingOccurrences(of: "name: gw-cert", with: "name: gw-cert\n  namespace: other")
            + gateway(
                listeners: httpsListener.replacingOccurrences(
                    of: "- name: gw-cert", with: "- {name: gw-cert, namespace: other}")),
        expect: [
            "Gateway default/gateway listener https": [
                "Accepted=False/RefNotPermitted", "Programmed=False/Invalid", "ResolvedRefs=False/RefNotPermitted",
                "Conflicted=False/NoConflicts",
            ]
        ]),
    StatusCase(
        name: "a certificate in another namespace with a ReferenceGrant resolves",
        yaml: tlsSecret.replacingOccurrences(of: "name: gw-cert", with: "name: gw-cert\n  namespace: other")
            + "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: certs, namespace: other}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: default}]\n  to: [{group: '', kind: Secret}]\n---\n"
            + gateway(
                listeners: httpsListener.replacingOccurrences(
                    of: "- name: gw-cert", with: "- {name: gw-cert, namespace: other}")),
        expect: ["Gateway default/gateway listener https": listenerOK]),
    StatusCase(
        name: "HTTP and HTTPS on one port: ProtocolConflict",
        yaml: tlsSecret
            + gateway(
                listeners: "  - name: http\n    port: 8080\n    protocol: HTTP\n"
                    + httpsListener.replacingOccurrences(of: "port: 443", with: "port: 8080")),
        expect: [
            "Gateway default/gateway listener http": [
                "Accepted=False/ProtocolConflict", "Programmed=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=True/ProtocolConflict",
            ],
            "Gateway default/gateway listener https": [
                "Accepted=False/ProtocolConflict", "Programmed=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
                "Conflicted=True/ProtocolConflict",
            ],
            "Gateway default/gateway": ["Accepted=False/ListenersNotValid", "Programmed=False/Invalid"],
        ]),

    // HTTPRoute attachment
    StatusCase(
        name: "the guide's route is accepted and resolved on gateway/http", yaml: gateway() + route() + service(),
        expect: ["HTTPRoute default/secure-app parent 0": baseAccepted]),
    StatusCase(
        name: "a parentRef to a missing Gateway still gets an entry: NoMatchingParent",
        yaml: route(parent: "- name: nowhere") + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NoMatchingParent", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a sectionName no listener has: NoMatchingParent",
        yaml: gateway() + route(parent: "- name: gateway\n    sectionName: https") + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NoMatchingParent", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a port no listener has: NoMatchingParent",
        yaml: gateway() + route(parent: "- name: gateway\n    port: 8080") + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NoMatchingParent", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a port a listener has: accepted",
        yaml: gateway() + route(parent: "- name: gateway\n    port: 80") + service(),
        expect: ["HTTPRoute default/secure-app parent 0": baseAccepted]),
    StatusCase(
        name: "a route from another namespace, listener From Same: NotAllowedByListeners",
        yaml: gateway() + route(namespace: "other", parent: "- name: gateway\n    namespace: default")
            + service(namespace: "other"),
        expect: [
            "HTTPRoute other/secure-app parent 0": [
                "Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "listener From All admits other namespaces",
        yaml: gateway(
            listeners: "  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes: {namespaces: {from: All}}")
            + route(namespace: "other", parent: "- name: gateway\n    namespace: default")
            + service(namespace: "other"),
        expect: ["HTTPRoute other/secure-app parent 0": baseAccepted]),
    StatusCase(
        name: "listener From Selector admits namespaces whose labels match",
        yaml: gateway(
            listeners:
                "  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: blue}}}}"
        )
            + route(namespace: "labelled", parent: "- name: gateway\n    namespace: default")
            + service(namespace: "labelled")
            + route("nope", namespace: "other", parent: "- name: gateway\n    namespace: default"),
        expect: [
            "HTTPRoute labelled/secure-app parent 0": baseAccepted,
            "HTTPRoute other/nope parent 0": [
                "Accepted=False/NotAllowedByListeners", "ResolvedRefs=False/BackendNotFound",
            ],
        ]),
    StatusCase(
        name: "listener kinds without HTTPRoute: NotAllowedByListeners",
        yaml: gateway(
            listeners:
                "  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes:\n      kinds: [{kind: HTTPRoute}, {kind: GRPCRoute}]\n  - name: other\n    port: 81\n    protocol: HTTP\n    allowedRoutes:\n      kinds: [{kind: GRPCRoute}]"
        )
            + route(parent: "- name: gateway\n    sectionName: other") + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NotAllowedByListeners", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "hostnames that no listener matches: NoMatchingListenerHostname",
        yaml: gateway(listeners: "  - name: http\n    port: 80\n    protocol: HTTP\n    hostname: other.example.com")
            + route() + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NoMatchingListenerHostname", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a wildcard listener matches a subdomain route",
        yaml: gateway(listeners: "  - name: http\n    port: 80\n    protocol: HTTP\n    hostname: \"*.example.com\"")
            + route() + service(),
        expect: ["HTTPRoute default/secure-app parent 0": baseAccepted]),
    StatusCase(
        name: "a wildcard listener does not match its parent domain",
        yaml: gateway(listeners: "  - name: http\n    port: 80\n    protocol: HTTP\n    hostname: \"*.example.com\"")
            + route(hostnames: "[example.com]") + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NoMatchingListenerHostname", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a wildcard route matches a specific listener",
        yaml: gateway(listeners: "  - name: http\n    port: 80\n    protocol: HTTP\n    hostname: a.example.com")
            + route(hostnames: "[\"*.example.com\"]") + service(),
        expect: ["HTTPRoute default/secure-app parent 0": baseAccepted]),
    StatusCase(
        name: "a route to a Gateway that is not accepted: NoMatchingParent",
        yaml: gateway(listeners: "  - name: http\n    port: 80\n    protocol: SCTP") + route(parent: "- name: gateway")
            + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/NoMatchingParent", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),

    // Backends
    StatusCase(
        name: "a missing Service: accepted, BackendNotFound", yaml: gateway() + route(),
        expect: [
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound"]
        ]),
    StatusCase(
        name: "a Service port that does not exist: BackendNotFound", yaml: gateway() + route(port: 9999) + service(),
        expect: [
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound"]
        ]),
    StatusCase(
        name: "a backend kind other than Service: InvalidKind",
        yaml: gateway() + route(rules: "  - backendRefs:\n    - {group: example.com, kind: Bucket, name: b}"),
        expect: ["HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/InvalidKind"]]),
    StatusCase(
        name: "a Service in another namespace without a ReferenceGrant: RefNotPermitted",
        yaml: gateway() + route(rules: "  - backendRefs:\n    - {name: secure-app, namespace: other, port: 8443}")
            + service(namespace: "other"),
        expect: [
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/RefNotPermitted"]
        ]),
    StatusCase(
        name: "a Service in another namespace with a ReferenceGrant resolves",
        yaml: gateway() + route(rules: "  - backendRefs:\n    - {name: secure-app, namespace: other, port: 8443}")
            + service(namespace: "other")
            + "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: svc, namespace: other}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]\n  to: [{group: '', kind: Service, name: secure-app}]\n",
        expect: ["HTTPRoute default/secure-app parent 0": baseAccepted]),
    StatusCase(
        name: "an ExternalName Service is unsupported",
        yaml: gateway() + route()
            + "apiVersion: v1\nkind: Service\nmetadata: {name: secure-app}\nspec: {type: ExternalName, externalName: example.com, ports: [{port: 8443}]}\n",
        expect: [
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/UnsupportedValue"]
        ]),
    StatusCase(
        name: "one rule with an ExtensionRef of a kind NGF does not have is dropped: PartiallyInvalid",
        yaml: gateway() + service()
            + route(
                rules: """
                      - backendRefs: [{name: secure-app, port: 8443}]
                      - matches: [{path: {value: /mirror}}]
                        filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Foo, name: f}}]
                        backendRefs: [{name: secure-app, port: 8443}]
                    """),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs", "PartiallyInvalid=True/UnsupportedValue",
            ]
        ]),
    StatusCase(
        name: "a RequestMirror to a Service that does not exist: ResolvedRefs False, BackendNotFound",
        yaml: gateway() + service()
            + route(
                rules: """
                      - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: missing, port: 80}}}]
                        backendRefs: [{name: secure-app, port: 8443}]
                    """),
        expect: [
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound"]
        ]),
    StatusCase(
        name: "every rule unsupported: not accepted, UnsupportedValue",
        yaml: gateway() + service()
            + route(
                rules:
                    "  - filters: [{type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: Foo, name: s}}]\n    backendRefs: [{name: secure-app, port: 8443}]"
            ),
        expect: [
            "HTTPRoute default/secure-app parent 0": [
                "Accepted=False/UnsupportedValue", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a SnippetsFilter with snippets disabled is not found: ResolvedRefs False, InvalidFilter (NGF's 500)",
        yaml: gateway() + service()
            + route(
                rules:
                    "  - filters: [{type: ExtensionRef, extensionRef: {group: gateway.nginx.org, kind: SnippetsFilter, name: s}}]\n    backendRefs: [{name: secure-app, port: 8443}]"
            ),
        expect: [
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/InvalidFilter"]
        ]),

    // BackendTLSPolicy
    StatusCase(
        name: "the guide's policy is accepted by default/gateway", yaml: guide,
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ],
            "HTTPRoute default/secure-app parent 0": baseAccepted,
        ]),
    StatusCase(
        name: "a policy whose Service no route uses has no ancestors",
        yaml: gateway() + service() + caConfigMap() + policy(),
        expect: ["BackendTLSPolicy default/backend-tls ancestors": []]),
    StatusCase(
        name: "a missing CA ConfigMap: InvalidCACertificateRef, NoValidCACertificate, and the route is unresolved",
        yaml: gateway() + route() + service() + policy(),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=False/NoValidCACertificate", "ResolvedRefs=False/InvalidCACertificateRef",
            ],
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/UnsupportedValue"],
        ]),
    StatusCase(
        name: "a CA ConfigMap without ca.crt",
        yaml: gateway() + route() + service() + caConfigMap(data: "  other: x\n") + policy(),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=False/NoValidCACertificate", "ResolvedRefs=False/InvalidCACertificateRef",
            ]
        ]),
    StatusCase(
        name: "a ca.crt that is not a PEM certificate",
        yaml: gateway() + route() + service() + caConfigMap(data: "  ca.crt: not a certificate\n") + policy(),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=False/NoValidCACertificate", "ResolvedRefs=False/InvalidCACertificateRef",
            ]
        ]),
    StatusCase(
        name: "a CA ref of another kind: InvalidKind",
        yaml: gateway() + route() + service()
            + policy(
                validation:
                    "    caCertificateRefs: [{group: '', kind: Pod, name: backend-cert}]\n    hostname: secure-app.example.com"
            ),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=False/NoValidCACertificate", "ResolvedRefs=False/InvalidKind",
            ]
        ]),
    StatusCase(
        name: "a CA in a Secret is accepted",
        yaml: gateway() + route() + service()
            + "apiVersion: v1\nkind: Secret\nmetadata: {name: backend-ca}\nstringData:\n  ca.crt: |\n" + guideCA
            + "---\n"
            + policy(
                validation:
                    "    caCertificateRefs: [{group: '', kind: Secret, name: backend-ca}]\n    hostname: secure-app.example.com"
            ),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "more CA certificate references than supported (one) is Invalid",
        yaml: gateway() + route() + service() + caConfigMap() + caConfigMap("second")
            + policy(
                validation:
                    "    caCertificateRefs: [{group: '', kind: ConfigMap, name: backend-cert}, {group: '', kind: ConfigMap, name: second}]\n    hostname: secure-app.example.com"
            ),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "wellKnownCACertificates System is accepted",
        yaml: gateway() + route() + service()
            + policy(validation: "    wellKnownCACertificates: System\n    hostname: secure-app.example.com"),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ]
        ]),
    StatusCase(
        name: "a wellKnownCACertificates other than System is Invalid, and the route says so",
        yaml: gateway() + route() + service()
            + policy(validation: "    wellKnownCACertificates: example.com/roots\n    hostname: secure-app.example.com")
            .replacingOccurrences(of: "v1alpha3", with: "v1"),
        expect: [
            "BackendTLSPolicy default/backend-tls ancestor default/gateway": [
                "Accepted=False/Invalid", "ResolvedRefs=True/ResolvedRefs",
            ],
            "HTTPRoute default/secure-app parent 0": ["Accepted=True/Accepted", "ResolvedRefs=False/UnsupportedValue"],
        ]),
    StatusCase(
        name: "the older of two policies on one Service wins; the other is Conflicted",
        yaml: gateway() + route() + service() + caConfigMap() + policy("newer", created: "2024-05-16T00:00:00Z")
            + policy("older", created: "2024-05-15T00:00:00Z"),
        expect: [
            "BackendTLSPolicy default/older ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ],
            "BackendTLSPolicy default/newer ancestor default/gateway": [
                "Accepted=False/Conflicted", "ResolvedRefs=True/ResolvedRefs",
            ],
        ]),
    StatusCase(
        name: "equal creation times: namespace/name decides",
        yaml: gateway() + route() + service() + caConfigMap() + policy("b-policy", created: "2024-05-15T00:00:00Z")
            + policy("a-policy", created: "2024-05-15T00:00:00Z"),
        expect: [
            "BackendTLSPolicy default/a-policy ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ],
            "BackendTLSPolicy default/b-policy ancestor default/gateway": [
                "Accepted=False/Conflicted", "ResolvedRefs=True/ResolvedRefs",
            ],
        ]),
    StatusCase(
        name: "a policy with a sectionName and one without do not conflict",
        yaml: gateway() + route() + service() + caConfigMap() + policy("whole") + policy("port", section: "https"),
        expect: [
            "BackendTLSPolicy default/whole ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ],
            "BackendTLSPolicy default/port ancestor default/gateway": [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ],
        ]),
    StatusCase(
        name: "a sectionName that is not the backend's port: no ancestor",
        yaml: gateway() + route() + service() + caConfigMap() + policy(section: "metrics"),
        expect: ["BackendTLSPolicy default/backend-tls ancestors": []]),
    StatusCase(
        name: "one ancestor per Gateway whose routes use the Service",
        yaml: gateway() + gateway("second") + route() + route("via-second", parent: "- name: second") + service()
            + caConfigMap() + policy(),
        expect: ["BackendTLSPolicy default/backend-tls ancestors": ["default/gateway", "default/second"]]),
    StatusCase(
        name: "a route that is not accepted makes no ancestor",
        yaml: gateway() + route(parent: "- name: gateway\n    sectionName: nope") + service() + caConfigMap()
            + policy(),
        expect: ["BackendTLSPolicy default/backend-tls ancestors": []]),
]

@Suite("Controller status, rule by rule")
struct StatusCaseTests {
    @Test("conditions", arguments: statusCases)
    func conditions(_ testCase: StatusCase) throws {
        let (_, status) = try statuses(testCase.yaml, config: testCase.config)
        for (subject, expected) in testCase.expect {
            #expect(try actual(subject, status) == expected, "\(subject)")
        }
    }

    /// Reads the conditions (or ancestors) a subject names from the computed statuses.
    func actual(_ subject: String, _ status: [String: JSONValue]) throws -> [String] {
        if let range = subject.range(of: " listener ") {
            let listeners = status[String(subject[..<range.lowerBound])]?["listeners"]?.arrayValue ?? []
            return summary(
                listeners.first { $0["name"]?.stringValue == String(subject[range.upperBound...]) }?["conditions"])
        }
        if let range = subject.range(of: " parent ") {
            let parents = status[String(subject[..<range.lowerBound])]?["parents"]?.arrayValue ?? []
            let index = Int(subject[range.upperBound...])!
            return index < parents.count ? summary(parents[index]["conditions"]) : ["<no entry>"]
        }
        if let range = subject.range(of: " ancestor ") {
            let ancestors = status[String(subject[..<range.lowerBound])]?["ancestors"]?.arrayValue ?? []
            let wanted = String(subject[range.upperBound...])
            return summary(
                ancestors.first {
                    "\($0["ancestorRef"]?["namespace"]?.stringValue ?? "")/\($0["ancestorRef"]?["name"]?.stringValue ?? "")"
                        == wanted
                }?["conditions"])
        }
        if subject.hasSuffix(" ancestors") {
            let ancestors = status[String(subject.dropLast(" ancestors".count))]?["ancestors"]?.arrayValue ?? []
            return ancestors.map {
                "\($0["ancestorRef"]?["namespace"]?.stringValue ?? "")/\($0["ancestorRef"]?["name"]?.stringValue ?? "")"
            }
        }
        return summary(status[subject]?["conditions"])
    }

    @Test("the table covers at least forty rules")
    func coverage() { #expect(statusCases.count >= 40) }
}
