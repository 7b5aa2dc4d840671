/// What a scenario run reports as it goes: the CLI prints each event's `text`, the console styles them.
public enum ScenarioEvent: Sendable, Equatable {
    case started(name: String, title: String)
    case step(number: Int, count: Int, title: String)
    /// `deployment.apps/coffee`, `created`.
    case applied(object: String, action: String)
    case deleted(object: String)
    /// A step the user does by hand.
    case manual(command: String)
    case checkPassed(String)
    case checkFailed(String, reason: String)
    /// `completed` of `count` steps ran; `all` when the run covered every step.
    case finished(name: String, completed: Int, count: Int)

    /// The event as `scenario run` prints it.
    public var text: String {
        switch self {
        case .started(let name, let title): return "Scenario \(name): \(title)\n"
        case .step(let number, let count, let title): return "\nStep \(number)/\(count): \(title)\n"
        case .applied(let object, let action): return "  \(object) \(action)\n"
        case .deleted(let object): return "  \(object) deleted\n"
        case .manual(let command): return "  ↳ by hand: \(command) (not run: a scenario does not edit for you)\n"
        case .checkPassed(let description): return "  ✓ \(description)\n"
        case .checkFailed(let description, let reason): return "  ✗ \(description)\n    \(reason)\n"
        case .finished(let name, let completed, let count):
            let summary = completed == count ? "all \(completed) steps passed" : "applied steps 1-\(completed)"
            return "\nScenario \(name): \(summary)\n"
        }
    }
}
