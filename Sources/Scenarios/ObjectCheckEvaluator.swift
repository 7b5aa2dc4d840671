import Dataplane
import GatewayAPI
import GatewayCore

/// An object check against the store: a field's value, or a condition: the object's own (else its first parent's or
/// ancestor's), or with a reason anywhere in its status (its listeners', parents', ancestors'), as `kubectl describe`
/// shows them. A name matches exactly; a pod's also as its Deployment's name (`coffee` for `coffee-HASH-SUFFIX`).
struct ObjectCheckEvaluator {
    let check: Scenario.ObjectCheck
    let namespace: String

    func evaluate(_ store: Store, extra: [ResourceType]) throws -> ScenarioRunner.CheckOutcome {
        guard let type = ResourceRegistry.resolve(check.kind, extra: extra) else {
            return .init(description: "\(check.kind) \(check.name)", failure: "unknown kind \(check.kind)")
        }
        let scope = type.namespaced ? (check.namespace ?? namespace) : ""
        let all = try store.list(type.groupKind, namespace: scope)
        // Pods go by their Deployment's name; other kinds by their own.
        let found =
            all.first { $0.name == check.name }
            ?? (type.kind == "Pod" ? all.first { $0.name.hasPrefix(check.name + "-") } : nil)
        if let field = check.field {
            let want = check.equals ?? ""
            let description = "\(type.singular) \(check.name): \(field) is \(want)"
            guard let found else {
                return .init(description: description, failure: "\(type.singular) \(check.name) not found")
            }
            let value = found.object.value(at: field.split(separator: ".").map(String.init))
            let text = value?.stringValue ?? value.map(JSONWriter.compact) ?? "<none>"
            let why = found.status?["message"]?.stringValue.map { ": " + $0 } ?? ""
            return .init(
                description: description, failure: text == want ? nil : "expected \(field) \(want), got \(text)\(why)")
        }
        let conditionType = check.condition.map(ConditionType.init(rawValue:)) ?? .accepted
        let want = check.status.map(ConditionStatus.init(text:)) ?? .true
        let reason = check.reason.map(ConditionReason.init(rawValue:))
        var description = "\(type.singular) \(check.name): \(conditionType) is \(want)"
        if let reason { description += " (\(reason.rawValue))" }
        guard let found else {
            return .init(description: description, failure: "\(type.singular) \(check.name) not found")
        }
        // With a reason (what `kubectl describe` showed), anywhere in the status; else the conditions that speak for
        // the object: its own, or its first parent's or ancestor's.
        let conditions = (reason == nil ? found.leadingConditions : found.allConditions).filter {
            $0.type == conditionType
        }
        if conditions.contains(where: { $0.status == want && (reason == nil || $0.reason == reason) }) {
            return .init(description: description, failure: nil)
        }
        guard let condition = conditions.first else {
            return .init(description: description, failure: "no \(conditionType) condition in status yet")
        }
        return .init(
            description: description,
            failure:
                "expected \(conditionType)=\(want)\(reason.map { " (\($0.rawValue))" } ?? ""), got \(condition.status) (\(condition.reason?.rawValue ?? "")): \(condition.message ?? "")"
        )
    }
}
