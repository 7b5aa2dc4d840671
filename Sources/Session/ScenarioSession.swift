import Dataplane
import GatewayAPI
import Scenarios

extension Session {
    /// A scenario runner on `store`, reconciling through the resident controller as every command does.
    public func scenarioRunner(_ scenario: Scenario, store: Store) -> ScenarioRunner {
        var context = ScenarioRunner.Context(
            store: store, namespace: effectiveNamespace,
            reconcile: { trigger in _ = try reconcileChange(store, trigger: trigger, request: .force) },
            extraTypes: { try ObjectQuery.unstructuredTypes(store) })
        context.doctor = {
            let graph = try Reconciler(store: store, config: controllerConfig).currentGraph()
            return try doctorFindings(store: store, graph: graph, namespace: nil)
        }
        return ScenarioRunner(scenario: scenario, context: context)
    }
}

/// Scenarios as commands and the console load them.
public enum ScenarioLoading {
    /// A built-in scenario by name, a scenario file, a guide or a folder; errors in the CLI's words.
    public static func load(_ nameOrPath: String) throws -> ScenarioLoader.Loaded {
        do {
            return try ScenarioLoader.load(nameOrPath)
        } catch let error as ManifestErrors {
            throw CLIError(error.description)
        } catch let error as ManifestError {
            throw CLIError(error.description)
        }
    }
}
