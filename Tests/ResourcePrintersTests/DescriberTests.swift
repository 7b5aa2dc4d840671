import Foundation
import GatewayAPI
import Testing

@testable import ResourcePrinters

@Suite("describe output")
struct DescriberTests {
    /// The guide's BackendTLSPolicy as the API server returns it, status written by NGF.
    let policy: JSONValue = [
        "apiVersion": "gateway.networking.k8s.io/v1alpha3", "kind": "BackendTLSPolicy",
        "metadata": [
            "name": "backend-tls", "namespace": "default", "creationTimestamp": "2024-05-15T12:02:38Z",
            "generation": 1, "resourceVersion": "19380", "uid": "b3983a6e-92f1-4a98-b2af-64b317d74528",
        ],
        "spec": [
            "targetRefs": [["group": "", "kind": "Service", "name": "secure-app"]],
            "validation": [
                "caCertificateRefs": [["group": "", "kind": "ConfigMap", "name": "backend-cert"]],
                "hostname": "secure-app.example.com",
            ],
        ],
        "status": [
            "ancestors": [
                [
                    "ancestorRef": [
                        "group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gateway",
                        "namespace": "default",
                    ],
                    "conditions": [
                        [
                            "lastTransitionTime": "2024-05-15T12:02:38Z",
                            "message": "BackendTLSPolicy is accepted by the Gateway",
                            "reason": "Accepted", "status": "True", "type": "Accepted",
                        ]
                    ],
                    "controllerName": "gateway.nginx.org/nginx-gateway-controller",
                ]
            ]
        ],
    ]

    @Test("the guide's describe of the BackendTLSPolicy, with kubectl's tabwriter alignment")
    func guidePolicy() {
        // As in the guide, except Target Refs: the guide's columns there come from an older version that had a
        // Namespace line; kubectl aligns that block to its widest cell ("    Group:").
        let expected = """
            Name:         backend-tls
            Namespace:    default
            Labels:       <none>
            Annotations:  <none>
            API Version:  gateway.networking.k8s.io/v1alpha3
            Kind:         BackendTLSPolicy
            Metadata:
              Creation Timestamp:  2024-05-15T12:02:38Z
              Generation:          1
              Resource Version:    19380
              UID:                 b3983a6e-92f1-4a98-b2af-64b317d74528
            Spec:
              Target Refs:
                Group:
                Kind:   Service
                Name:   secure-app
              Validation:
                Ca Certificate Refs:
                  Group:
                  Kind:    ConfigMap
                  Name:    backend-cert
                Hostname:  secure-app.example.com
            Status:
              Ancestors:
                Ancestor Ref:
                  Group:      gateway.networking.k8s.io
                  Kind:       Gateway
                  Name:       gateway
                  Namespace:  default
                Conditions:
                  Last Transition Time:  2024-05-15T12:02:38Z
                  Message:               BackendTLSPolicy is accepted by the Gateway
                  Reason:                Accepted
                  Status:                True
                  Type:                  Accepted
                Controller Name:         gateway.nginx.org/nginx-gateway-controller
            Events:                      <none>

            """
        #expect(Describer.describe(ResourceRegistry.backendTLSPolicy, object: policy) == expected)
    }

    @Test("a Secret shows sizes, never values")
    func secret() {
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": ["name": "app-tls-secret", "namespace": "default", "labels": ["app": "secure"]],
            "data": [
                "tls.crt": .string(Base64.encode("0123456789")), "tls.key": .string(Base64.encode("supersecretkey")),
            ],
        ]
        let text = Describer.describe(ResourceRegistry.secret, object: secret)
        #expect(
            text == """
                Name:         app-tls-secret
                Namespace:    default
                Labels:       app=secure
                Annotations:  <none>

                Type:  Opaque

                Data
                ====
                tls.crt:  10 bytes
                tls.key:  14 bytes

                """)
        #expect(!text.contains("supersecretkey") && !text.contains(Base64.encode("supersecretkey")))
    }

    @Test("kubectl's smart labels")
    func smartLabels() {
        #expect(Describer.smartLabel("caCertificateRefs") == "Ca Certificate Refs")
        #expect(Describer.smartLabel("apiVersion") == "API Version")
        #expect(Describer.smartLabel("uid") == "UID")
        #expect(Describer.smartLabel("lastTransitionTime") == "Last Transition Time")
        #expect(Describer.smartLabel("app.conf") == "app.conf")
        #expect(Describer.smartLabel("HTTPRoute") == "HTTP Route")
    }

    @Test("lists of scalars print one per line; labels several lines")
    func listsAndLabels() {
        let object: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "r", "namespace": "default", "labels": ["b": "2", "a": "1"]],
            "spec": ["hostnames": ["a.example.com", "b.example.com"]],
        ]
        let text = Describer.describe(ResourceRegistry.httpRoute, object: object)
        #expect(text.contains("Labels:       a=1\n              b=2\n"))
        #expect(text.contains("Spec:\n  Hostnames:\n    a.example.com\n    b.example.com\n"))
    }
}

@Suite("get tables and formats")
struct TableTests {
    let now = AgeFormatter.parse("2024-05-15T12:02:47Z")!

    @Test("the guide's get svc line, kubectl spacing")
    func serviceTable() {
        let svc: JSONValue = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "secure-app", "namespace": "default", "creationTimestamp": "2024-05-15T12:02:38Z"],
            "spec": [
                "type": "ClusterIP", "clusterIP": "10.96.213.57", "clusterIPs": ["10.96.213.57"],
                "ports": [["port": 8443, "protocol": "TCP", "name": "https", "targetPort": 8443]],
            ],
        ]
        let table = ResourceTable.table(
            ResourceRegistry.service, objects: [svc], options: TableOptions(qualifyNames: true, now: now))
        #expect(
            table.render() == """
                NAME                 TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)    AGE
                service/secure-app   ClusterIP   10.96.213.57   <none>        8443/TCP   9s

                """)
    }

    @Test("columns are at least six wide")
    func minimumWidth() {
        #expect(Table(headers: ["A", "B"], rows: [["x", "y"]]).render() == "A     B\nx     y\n")
    }

    @Test("AGE as kubectl's HumanDuration")
    func ages() {
        #expect(AgeFormatter.humanDuration(9) == "9s")
        #expect(AgeFormatter.humanDuration(119) == "119s")
        #expect(AgeFormatter.humanDuration(121) == "2m1s")
        #expect(AgeFormatter.humanDuration(600) == "10m")
        #expect(AgeFormatter.humanDuration(3 * 3600 + 60) == "3h1m")
        #expect(AgeFormatter.humanDuration(47 * 3600) == "47h")
        #expect(AgeFormatter.humanDuration(49 * 3600) == "2d1h")
        #expect(AgeFormatter.humanDuration(30 * 86400) == "30d")
        #expect(AgeFormatter.humanDuration(731 * 86400) == "2y1d")
    }
}

@Suite("YAML output")
struct YAMLWriterTests {
    @Test("kubectl's YAML style, and it reads back as the same value")
    func roundTrip() throws {
        let value: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "x", "creationTimestamp": "2024-05-15T12:02:38Z", "resourceVersion": "7"],
            "data": [
                "app.conf": "server {\n  listen 8443 ssl;\n}", "ca.crt": "line\n", "empty": "", "yes": "yes",
                "num": "80",
                "colon": "a: b", "hash": "x #y", "lead": " space", "ctl": "bell\u{07}", "star": "*.example.com",
                "trailing": "two\n\n", "spaces": "a \nb",
            ],
            "list": [["name": "a", "port": 1], ["name": "b"]], "scalars": [1, "two", true, nil], "emptyList": [],
            "emptyMap": [:],
            "nested": [[1, 2], []], "float": .double(1.5),
        ]
        let text = YAMLWriter.write(value)
        #expect(text.contains("  app.conf: |-\n    server {\n      listen 8443 ssl;\n    }\n"))
        #expect(text.contains("  ca.crt: |\n    line\n"))
        #expect(text.contains("  creationTimestamp: \"2024-05-15T12:02:38Z\"\n"))
        #expect(text.contains("  resourceVersion: \"7\"\n"))
        #expect(text.contains("list:\n- name: a\n  port: 1\n- name: b\n"))
        let back = try #require(try YAMLReader.parseDocument(text, file: "out.yaml", lineOffset: 0))
        #expect(back.toJSON() == value)
    }
}
