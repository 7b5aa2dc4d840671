import GatewayAPI
import GatewayCore

/// BackendTLSPolicies: a CA that does not resolve, a conflict, a target that does not exist, no route to it.
enum PolicyRules {
    static func findings(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        for policy in input.graph.policies where input.inScope(policy.ref) {
            let name = "BackendTLSPolicy \(policy.ref.namespacedName)"
            if let resolved = policy.conditions.first(where: { $0.type == .resolvedRefs }), resolved.status == .false {
                let missing = (resolved.message ?? "").contains("does not exist")
                findings.append(
                    Finding(
                        missing ? .caCertificateRefNotFound : .caCertificateInvalid, .error, objects: [name],
                        summary: resolved.message ?? "",
                        evidence: ["ResolvedRefs=False \(resolved.reason?.rawValue ?? ""): \(resolved.message ?? "")"],
                        fix:
                            "create a ConfigMap with a ca.crt key holding the PEM CA certificate that signed the backend's certificate"
                    ))
            }
            if policy.conflicted {
                findings.append(
                    Finding(
                        .policyConflicted, .warning, objects: [name],
                        summary: policy.conditions.first?.message ?? "conflicts with an older policy",
                        evidence: ["Accepted=False Conflicted"],
                        fix: "delete one of the policies, or give them different sectionNames"))
            }
            let missing = policy.targets.filter { input.snapshot.service($0.namespace, $0.name) == nil }
            if !missing.isEmpty {
                findings.append(
                    Finding(
                        .policyTargetNotFound, .error, objects: [name],
                        summary:
                            "the policy targets \(missing.map { "Service \($0.namespacedName)" }.joined(separator: ", ")), which does not exist",
                        evidence: missing.map { "no Service \($0.namespacedName)" },
                        fix: targetNotFoundFix(policy, input)))
            } else if policy.ancestors.isEmpty {
                findings.append(
                    Finding(
                        .policyNotAttached, .info, objects: [name],
                        summary: "no accepted route sends traffic to the Service it targets",
                        evidence: ["status.ancestors is empty"],
                        fix: "check the targetRefs name (and sectionName = the Service port's name)"))
            }
        }
        return findings
    }

    /// Which Services the policy could mean, and how to drop it when none.
    static func targetNotFoundFix(_ policy: PolicyNode, _ input: DoctorInput) -> String {
        let namespace = policy.ref.namespace
        let services = input.snapshot.services.filter { $0.namespace == namespace }.map(\.name).sorted()
        let named =
            services.isEmpty
            ? "there is none"
            : services.prefix(10).joined(separator: ", ") + (services.count > 10 ? ", … (\(services.count))" : "")
        return
            "Decide: correct spec.targetRefs to name the backend Service in \(namespace) (\(named)), create the Service, or delete the policy: gwconsole delete backendtlspolicy \(policy.ref.name) -n \(namespace)"
    }
}
