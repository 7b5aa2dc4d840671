import Foundation
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

    /// The Service as stored with `port` added (Service port `port` to targetPort `port`; every port then named, as
    /// a Service with several ports must be): everything else of it kept, since apply replaces the object. Without
    /// one, a new Service of that name selecting pods labelled `app: NAME`.
    static func service(_ ref: ObjectRef, adding port: Int32, existing: Service?) -> String {
        var object: JSONValue =
            (try? existing?.toJSON())
            ?? .object([
                "apiVersion": "v1", "kind": "Service",
                "metadata": .object(["name": .string(ref.name), "namespace": .string(ref.namespace)]),
                "spec": .object(["selector": .object(["app": .string(ref.name)])]),
            ])
        object["status"] = nil
        for field in ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink"] {
            object["metadata"]?[field] = nil
        }
        var ports = object["spec"]?["ports"]?.arrayValue ?? []
        if !ports.isEmpty {
            ports = ports.map { entry in
                var entry = entry
                if entry["name"] == nil { entry["name"] = .string("port-\(entry["port"]?.intValue ?? 0)") }
                return entry
            }
        }
        var added: JSONValue = .object(["port": .int(Int64(port)), "targetPort": .int(Int64(port))])
        if !ports.isEmpty { added["name"] = .string("port-\(port)") }
        object["spec"]?["ports"] = .array(ports + [added])
        return yaml(object)
    }

    /// A JSON value as block YAML: `apiVersion`, `kind`, `metadata` and `spec` first, other keys sorted; strings
    /// plain when that reads back the same, else double-quoted with escapes.
    static func yaml(_ value: JSONValue, indent: String = "") -> String {
        yamlLines(value, indent: indent).joined(separator: "\n")
    }

    static let leadingKeys = ["apiVersion", "kind", "metadata", "spec", "name", "port"]

    static func yamlLines(_ value: JSONValue, indent: String) -> [String] {
        switch value {
        case .object(let members):
            if members.isEmpty { return [indent + "{}"] }
            let keys =
                leadingKeys.filter { members[$0] != nil } + members.keys.filter { !leadingKeys.contains($0) }.sorted()
            var lines: [String] = []
            for key in keys {
                let member = members[key]!
                if let scalar = scalar(member) {
                    lines.append("\(indent)\(keyText(key)): \(scalar)")
                } else {
                    lines.append("\(indent)\(keyText(key)):")
                    let nested = member.arrayValue != nil ? indent : indent + "  "
                    lines += yamlLines(member, indent: nested)
                }
            }
            return lines
        case .array(let items):
            if items.isEmpty { return [indent + "[]"] }
            var lines: [String] = []
            for item in items {
                if let scalar = scalar(item) {
                    lines.append("\(indent)- \(scalar)")
                } else {
                    var nested = yamlLines(item, indent: indent + "  ")
                    nested[0] = indent + "- " + nested[0].dropFirst(indent.count + 2)
                    lines += nested
                }
            }
            return lines
        default:
            return [indent + (scalar(value) ?? "null")]
        }
    }

    static func scalar(_ value: JSONValue) -> String? {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return JSONWriter.formatDouble(number)
        case .string(let text): return stringText(text)
        case .array(let items): return items.isEmpty ? "[]" : nil
        case .object(let members): return members.isEmpty ? "{}" : nil
        }
    }

    static func keyText(_ key: String) -> String { stringText(key) }

    /// A string as YAML: plain when it is a simple word that does not read as another type, else double-quoted (a
    /// JSON string literal is a YAML double-quoted scalar).
    static func stringText(_ text: String) -> String {
        if quoted(text) == text { return text }
        var out = ""
        JSONWriter.writeString(text, into: &out)
        return out
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
