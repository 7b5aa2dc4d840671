import GatewayAPI

extension StoredObject {
    /// The conditions that speak for the object: its own, else its first parent's (routes) or ancestor's (policies).
    public var leadingConditions: [Condition] {
        let status = self.status ?? [:]
        if status["conditions"] != nil { return status.conditionList }
        return
            (status["parents"]?.arrayValue?.first ?? status["ancestors"]?.arrayValue?.first
            ?? status["controllers"]?.arrayValue?.first)?.conditionList ?? []
    }

    /// Every condition in the object's status: its own, then its listeners', parents' and ancestors'.
    public var allConditions: [Condition] {
        let status = self.status ?? [:]
        var conditions = status.conditionList
        for list in ["listeners", "parents", "ancestors", "controllers"] {
            for entry in status[list]?.arrayValue ?? [] { conditions += entry.conditionList }
        }
        return conditions
    }
}
