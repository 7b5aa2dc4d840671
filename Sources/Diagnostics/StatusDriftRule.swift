import GatewayAPI
import GatewayCore

/// Cluster mode: where the status the cluster's controller wrote differs from the one gwconsole's core computes
/// for the same objects.
public enum StatusDriftRule {
    /// `written`: the status the cluster holds for each object the core computed a status for (nil: none written).
    public static func findings(
        computed: [ObjectRef: JSONValue], written: [ObjectRef: JSONValue?], controllerName: String,
        namespace: String?
    ) -> [Finding] {
        var findings: [Finding] = []
        for (ref, status) in computed.sorted(by: { $0.key.namespacedName < $1.key.namespacedName }) {
            guard namespace == nil || ref.namespace.isEmpty || ref.namespace == namespace, let stored = written[ref]
            else { continue }
            let differences = StatusDrift.differences(cluster: stored, computed: status, controllerName: controllerName)
            guard !differences.isEmpty else { continue }
            let name = ref.namespace.isEmpty ? ref.name : ref.namespacedName
            findings.append(
                Finding(
                    .statusDrift, .warning, objects: ["\(ref.kind) \(name)"],
                    summary:
                        "the status the cluster's controller wrote differs from what gwconsole computes for the same objects",
                    evidence: differences.map(\.summary),
                    fix:
                        "if the cluster lags, wait and look again; if its controller ignores or rejects the object, check its logs and the GatewayClass's controllerName (\(controllerName))"
                ))
        }
        return findings
    }
}
