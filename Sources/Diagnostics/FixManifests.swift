import GatewayAPI
import GatewayCore

/// The manifests doctor's fixes give, ready to apply as printed (`gwconsole apply -f -`). Names come from objects
/// the API validated (DNS names), so they are written as plain YAML scalars; anything else is quoted.
enum FixManifests {
    /// A ReferenceGrant in `to`'s namespace letting `from` (a Gateway, ListenerSet or route kind in a namespace)
    /// refer to `to`.
    static func referenceGrant(from kind: String, namespace: String, to: ObjectRef) -> String {
        let group = kind == ListenerSet.kind ? ListenerSet.group : Gateway.group
        let toGroup = to.group.isEmpty ? "''" : to.group
        return """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata:
              name: allow-\(kind.lowercased())-\(namespace)-\(to.name)
              namespace: \(to.namespace)
            spec:
              from:
              - group: \(group)
                kind: \(kind)
                namespace: \(namespace)
              to:
              - group: \(toGroup)
                kind: \(to.kind)
                name: \(to.name)
            """
    }

    /// A Gateway of `className` with one HTTP listener on port 80.
    static func gateway(_ ref: ObjectRef, className: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: \(ref.name)
          namespace: \(ref.namespace)
        spec:
          gatewayClassName: \(className)
          listeners:
          - name: http
            port: 80
            protocol: HTTP
        """
    }

    /// `service` as stored with `port` added (a Service port `port` to targetPort `port`), or a new Service of that
    /// name selecting pods labelled `app: NAME` when there is none.
    static func service(_ ref: ObjectRef, adding port: Int32, existing: Service?) -> String {
        var lines = [
            "apiVersion: v1", "kind: Service", "metadata:", "  name: \(ref.name)", "  namespace: \(ref.namespace)",
            "spec:",
        ]
        if let type = existing?.spec?.type { lines.append("  type: \(quoted(type))") }
        let selector = existing == nil ? ["app": ref.name] : existing?.spec?.selector ?? [:]
        if !selector.isEmpty {
            lines.append("  selector:")
            for key in selector.keys.sorted() { lines.append("    \(quoted(key)): \(quoted(selector[key]!))") }
        }
        lines.append("  ports:")
        let ports = existing?.spec?.ports ?? []
        for entry in ports {
            lines.append("  - port: \(entry.port)")
            lines.append("    name: \(quoted(entry.name ?? "port-\(entry.port)"))")
            if let proto = entry.protocol { lines.append("    protocol: \(quoted(proto))") }
            switch entry.targetPort {
            case .int(let value)?: lines.append("    targetPort: \(value)")
            case .string(let value)?: lines.append("    targetPort: \(quoted(value))")
            case nil: break
            }
            if let appProtocol = entry.appProtocol { lines.append("    appProtocol: \(quoted(appProtocol))") }
        }
        // A Service with several ports names them all.
        lines.append("  - port: \(port)")
        if !ports.isEmpty { lines.append("    name: port-\(port)") }
        lines.append("    targetPort: \(port)")
        return lines.joined(separator: "\n")
    }

    /// A self-signed Issuer (or ClusterIssuer) of that name.
    static func selfSignedIssuer(kind: String, name: String, namespace: String) -> String {
        """
        apiVersion: cert-manager.io/v1
        kind: \(kind)
        metadata:
          name: \(name)\(kind == "ClusterIssuer" ? "" : "\n  namespace: \(namespace)")
        spec:
          selfSigned: {}
        """
    }

    /// A YAML scalar: plain when it is a simple word, else single-quoted.
    static func quoted(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
            && !["true", "false", "null", "yes", "no", "on", "off"].contains(text.lowercased())
            && !(text.first?.isNumber ?? false)
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
