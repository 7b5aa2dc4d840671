import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Probing

/// Replays a scenario against the embedded state: apply, reconcile, check; stops at the first unmet check.
struct ScenarioRunner {
    let global: GlobalOptions
    let scenario: Scenario

    struct Failure: Error { var message: String }

    func objects(_ text: String, step: Int) throws -> [DecodedObject] {
        let documents = try ManifestReader.documents(from: Data(text.utf8), file: "\(scenario.name) step \(step)")
        return try ManifestDecoder(defaultNamespace: global.effectiveNamespace).decode(documents)
    }

    /// Runs steps 1...`upTo` (all when nil); checks run unless `checks` is false.
    func run(upTo: Int?, checks: Bool) throws {
        let store = try global.openWritableStore(for: "scenario run")
        guard DataplaneManager(stateDirectory: store.directory).isRunning else {
            throw CLIError("error: the data plane is not running: start it with gwconsole up, then run the scenario")
        }
        let last = min(upTo ?? scenario.steps.count, scenario.steps.count)
        Output.out("Scenario \(scenario.name): \(scenario.title)\n")
        for number in 1...max(1, last) where number <= last {
            Output.out("\nStep \(number)/\(scenario.steps.count): \(scenario.steps[number - 1].title)\n")
            try runStep(number, store: store, checks: checks)
        }
        Output.out(
            "\nScenario \(scenario.name): \(last == scenario.steps.count ? "all \(last) steps passed" : "applied steps 1-\(last)")\n"
        )
    }

    /// Runs one step (1-based): its applies and deletes, a reconcile, then its checks. Records progress when it
    /// passes, so the console (and `scenario run --step`) know where the user is.
    func runStep(_ number: Int, store: Store, checks: Bool) throws {
        let step = scenario.steps[number - 1]
        if let text = step.apply {
            let decoded = try objects(text, step: number)
            let outcomes = try store.apply(decoded)
            for (object, outcome) in zip(decoded, outcomes) {
                Output.out("  \(object.type.qualifiedSingular)/\(object.name) \(outcome.action.rawValue)\n")
            }
        }
        if let text = step.delete {
            let decoded = try objects(text, step: number)
            let keys = decoded.map {
                ObjectKey(
                    groupKind: $0.type.groupKind, namespace: $0.type.namespaced ? $0.namespace : "", name: $0.name)
            }
            for (object, result) in zip(decoded, try store.delete(keys)) where result != nil {
                Output.out("  \(object.type.qualifiedSingular) \"\(object.name)\" deleted\n")
            }
        }
        try global.reconcileChange(store, trigger: "scenario \(scenario.name) step \(number)", request: .force)
        if checks {
            for check in step.checks ?? [] {
                let (description, outcome) = try evaluate(check, store: store)
                switch outcome {
                case .success: Output.out("  ✓ \(description)\n")
                case .failure(let failure):
                    Output.out("  ✗ \(description)\n    \(failure.message)\n")
                    throw CLIError(
                        "error: scenario \(scenario.name) failed at step \(number) (\(step.title)): \(failure.message)")
                }
            }
        }
        ScenarioProgress(name: scenario.name, completed: number).save(stateDirectory: store.directory)
    }

    /// Evaluates a check, retrying for up to 20 s (pods start, reloads settle; a busy machine is slow at both).
    func evaluate(_ check: Scenario.Check, store: Store) throws -> (String, Result<Void, Failure>) {
        let deadline = Date().addingTimeInterval(20)
        while true {
            let (description, outcome) = try once(check, store: store)
            if case .success = outcome { return (description, outcome) }
            if Date() > deadline { return (description, outcome) }
            usleep(250_000)
            _ = try? global.reconcileChange(store, trigger: "scenario check", request: .force)
        }
    }

    func once(_ check: Scenario.Check, store: Store) throws -> (String, Result<Void, Failure>) {
        if let probe = check.probe {
            let state = DataplaneManager(stateDirectory: store.directory).load()
            let key =
                probe.gateway.map { "\(global.effectiveNamespace)/\($0)" }
                ?? state.gateways.keys.sorted().first { $0.hasPrefix(global.effectiveNamespace + "/") }
            let binding = key.flatMap { state.gateways[$0]?.bindings.first { $0.protocol == .http } }
            let path = probe.path ?? "/"
            var description = "GET http://\(probe.host)\(path)"
            if let status = probe.status { description += " answers \(status)" }
            if let body = probe.body { description += " with \"\(body)\"" }
            guard let binding else {
                return (description, .failure(Failure(message: "no programmed Gateway listener serves HTTP yet")))
            }
            let url = "http://\(probe.host):\(binding.port)\(path)"
            let result = HTTPProbe.get(url, resolve: ["\(probe.host):\(binding.port):\(binding.address)"])
            description =
                "curl --resolve \(probe.host):\(binding.port):\(binding.address) \(url)"
                + description.dropFirst(("GET http://\(probe.host)\(path)").count)
            if let error = result.error, result.status == 0 {
                return (description, .failure(Failure(message: "no response: \(error)")))
            }
            if let status = probe.status, status != result.status {
                return (
                    description,
                    .failure(
                        Failure(message: "expected status \(status), got \(result.status): \(result.body.prefix(300))"))
                )
            }
            if let body = probe.body, !result.body.contains(body) {
                return (
                    description,
                    .failure(
                        Failure(message: "expected the body to contain \"\(body)\", got: \(result.body.prefix(300))"))
                )
            }
            return (description, .success(()))
        }
        guard let object = check.object else {
            return ("(empty check)", .failure(Failure(message: "a check needs probe or object")))
        }
        let extra = try ObjectQuery.unstructuredTypes(store)
        guard let type = ResourceRegistry.resolve(object.kind, extra: extra) else {
            return ("\(object.kind) \(object.name)", .failure(Failure(message: "unknown kind \(object.kind)")))
        }
        let namespace = type.namespaced ? (object.namespace ?? global.effectiveNamespace) : ""
        let all = try store.list(type.groupKind, namespace: namespace)
        let found = all.first { $0.name == object.name } ?? all.first { $0.name.hasPrefix(object.name) }
        if let field = object.field {
            let want = object.equals ?? ""
            let description = "\(type.singular) \(object.name): \(field) is \(want)"
            guard let found else {
                return (description, .failure(Failure(message: "\(type.singular) \(object.name) not found")))
            }
            let value = found.object.value(at: field.split(separator: ".").map(String.init))
            let text = value?.stringValue ?? value.map(JSONWriter.compact) ?? "<none>"
            return (
                description,
                text == want ? .success(()) : .failure(Failure(message: "expected \(field) \(want), got \(text)"))
            )
        }
        let conditionType = object.condition.map(ConditionType.init(rawValue:)) ?? .accepted
        let want = object.status.map(ConditionStatus.init(text:)) ?? .true
        let description = "\(type.singular) \(object.name): \(conditionType) is \(want)"
        guard let found else {
            return (description, .failure(Failure(message: "\(type.singular) \(object.name) not found")))
        }
        let conditions = found.leadingConditions
        guard let condition = conditions.condition(conditionType) else {
            return (description, .failure(Failure(message: "no \(conditionType) condition in status yet")))
        }
        if condition.status == want { return (description, .success(())) }
        return (
            description,
            .failure(
                Failure(
                    message:
                        "expected \(conditionType)=\(want), got \(condition.status) (\(condition.reason?.rawValue ?? "")): \(condition.message ?? "")"
                ))
        )
    }
}

extension StoredObject {
    /// The conditions that speak for the object: its own, else its first parent's (routes) or ancestor's (policies).
    var leadingConditions: [Condition] {
        let status = self.status ?? [:]
        let entry =
            status["conditions"] != nil
            ? status : status["parents"]?.arrayValue?.first ?? status["ancestors"]?.arrayValue?.first
        return entry?.conditionList ?? []
    }
}
