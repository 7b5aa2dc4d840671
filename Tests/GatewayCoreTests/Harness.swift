import Foundation
import GatewayAPI

@testable import GatewayCore

/// Builds a snapshot from manifests as `apply` would decode them; objects get generation 1 and creation times
/// one second apart in document order (so "older" follows the order written), unless a manifest sets them.
func snapshot(_ yaml: String) throws -> ResourceSnapshot {
    let objects = try ManifestDecoder().decode(ManifestReader.documents(from: Data(yaml.utf8), file: "case.yaml"))
    var snapshot = ResourceSnapshot()
    snapshot.gatewayClasses.append(
        try GatewayClass.decode([
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
            "metadata": ["name": "nginx", "generation": 1, "creationTimestamp": "2024-01-01T00:00:00Z"],
            "spec": ["controllerName": .string(ControllerConfig.defaultControllerName)],
        ]))
    snapshot.namespaces = try ["default", "other", "labelled"].map { name in
        try Namespace.decode([
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": .string(name),
                "labels": .object(
                    ["kubernetes.io/metadata.name": .string(name)]
                        .merging(name == "labelled" ? ["team": "blue"] : [:]) { a, _ in a }),
            ],
        ])
    }
    for (index, decoded) in objects.enumerated() {
        var object = decoded.object
        object.set(.int(1), at: ["metadata", "generation"])
        if let explicit = decoded.object.value(at: ["metadata", "annotations", "test/created"])?.stringValue {
            object.set(.string(explicit), at: ["metadata", "creationTimestamp"])
        } else {
            object.set(
                .string(String(format: "2024-05-15T12:%02d:%02dZ", index / 60, index % 60)),
                at: ["metadata", "creationTimestamp"])
        }
        try snapshot.insert(kind: decoded.type.kind, object: object)
    }
    return snapshot
}

/// The statuses the controller would write for `yaml`, by `Kind namespace/name`.
func statuses(_ yaml: String, config: ControllerConfig = ControllerConfig()) throws -> (Graph, [String: JSONValue]) {
    let graph = GraphBuilder.build(try snapshot(yaml), config: config)
    var result: [String: JSONValue] = [:]
    for update in StatusBuilder.updates(graph, now: "2024-06-01T00:00:00Z") {
        result["\(update.ref.kind) \(update.ref.namespacedName)"] = update.status
    }
    return (graph, result)
}

/// `type=status/reason` for each condition, the form the case table states.
func summary(_ conditions: JSONValue?) -> [String] {
    (conditions?.arrayValue ?? []).map { c in
        "\(c["type"]?.stringValue ?? "")=\(c["status"]?.stringValue ?? "")/\(c["reason"]?.stringValue ?? "")"
    }
}

// MARK: Manifest building blocks

let guideCA = try! String(
    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios/securing-backend-traffic.md"), encoding: .utf8
)
.components(separatedBy: "  ca.crt: |\n")[1].components(separatedBy: "EOF")[0]

func gateway(
    _ name: String = "gateway", namespace: String = "default",
    listeners: String = """
      - name: http
        port: 80
        protocol: HTTP
    """, className: String = "nginx", extra: String = ""
) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata:
      name: \(name)
      namespace: \(namespace)
    spec:
      gatewayClassName: \(className)
    \(extra)  listeners:
    \(listeners)
    ---

    """
}

func route(
    _ name: String = "secure-app", namespace: String = "default",
    parent: String = "- name: gateway\n    sectionName: http",
    hostnames: String = "[\"secure-app.example.com\"]", rules: String? = nil, backend: String = "secure-app",
    port: Int = 8443
) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata:
      name: \(name)
      namespace: \(namespace)
    spec:
      parentRefs:
      \(parent)
      hostnames: \(hostnames)
      rules:
    \(rules ?? "  - backendRefs:\n    - name: \(backend)\n      port: \(port)")
    ---

    """
}

func service(_ name: String = "secure-app", namespace: String = "default", portName: String = "https", port: Int = 8443)
    -> String
{
    """
    apiVersion: v1
    kind: Service
    metadata:
      name: \(name)
      namespace: \(namespace)
    spec:
      selector: {app: \(name)}
      ports:
      - name: \(portName)
        port: \(port)
    ---

    """
}

func caConfigMap(_ name: String = "backend-cert", data: String? = nil) -> String {
    let body = data ?? ("  ca.crt: |\n" + guideCA)
    return """
        kind: ConfigMap
        apiVersion: v1
        metadata:
          name: \(name)
        data:
        \(body)
        ---

        """
}

func policy(
    _ name: String = "backend-tls", target: String = "secure-app", section: String? = nil, validation: String? = nil,
    created: String? = nil
) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1alpha3
    kind: BackendTLSPolicy
    metadata:
      name: \(name)
    \(created.map { "  annotations: {test/created: \"\($0)\"}\n" } ?? "")spec:
      targetRefs:
      - group: ''
        kind: Service
        name: \(target)
    \(section.map { "    sectionName: \($0)\n" } ?? "")  validation:
    \(validation ?? "    caCertificateRefs:\n    - name: backend-cert\n      group: ''\n      kind: ConfigMap\n    hostname: secure-app.example.com")
    ---

    """
}

/// The guide's objects that the controller reads.
let guide = gateway() + route() + service() + caConfigMap() + policy()
