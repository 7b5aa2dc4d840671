import GatewayAPI

/// Why a scenario could not be loaded, imported or run; the wording is in `description`.
public enum ScenarioError: Error, Equatable, CustomStringConvertible {
    /// No built-in scenario by that name and no such file or folder.
    case unknown(String, builtins: [String])
    /// A guide line the importer cannot turn into a step (an unknown command, a missing file, a bad option).
    case guide(SourcePosition, String)
    /// A guide with nothing to import.
    case nothingToImport(String)
    case dataplaneNotRunning(hint: String)
    case checkFailed(scenario: String, step: Int, title: String, message: String)
    case stepOutOfRange(Int, count: Int)

    public var description: String {
        switch self {
        case .unknown(let name, let builtins):
            return
                "error: no scenario \"\(name)\" (built in: \(builtins.joined(separator: ", ")); or give a scenario file, a guide or a folder with a README.md)"
        case .guide(let position, let message):
            return "error: \(position): \(message)"
        case .nothingToImport(let file):
            return
                "error: \(file): nothing to import (no kubectl apply/delete commands, curl commands or manifest files)"
        case .dataplaneNotRunning(let hint):
            return "error: the data plane is not running: \(hint)"
        case .checkFailed(let scenario, let step, let title, let message):
            return "error: scenario \(scenario) failed at step \(step) (\(title)): \(message)"
        case .stepOutOfRange(_, let count):
            return "error: --step must be between 1 and \(count)"
        }
    }
}
