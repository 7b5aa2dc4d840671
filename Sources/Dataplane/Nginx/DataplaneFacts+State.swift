import Diagnostics

extension DataplaneManager.State {
    /// What doctor's rules know of this data plane: whether it runs, and per Gateway its last change and listeners.
    public func facts(stateDirectory: String) -> DataplaneFacts {
        var facts = DataplaneFacts(running: running)
        for (name, record) in gateways {
            let last = record.history.last.map {
                DataplaneFacts.Change(
                    generation: $0.generation, time: $0.time, trigger: $0.trigger, result: $0.result,
                    wasRestart: $0.trigger.hasPrefix("restart"))
            }
            facts.gateways[name] = DataplaneFacts.GatewayFacts(
                programmed: record.programmed, message: record.message, lastChange: last,
                bindings: record.bindings,
                errorLog: stateDirectory + "/dp/\(record.index)/run/logs/error.log")
        }
        return facts
    }
}
