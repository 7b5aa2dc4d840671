import Foundation

/// How far the user got in a scenario (`<state>/scenario.json`): written by each passing step, cleared by reset.
public struct ScenarioProgress: Codable, Equatable {
    public var name: String
    public var completed: Int

    public init(name: String, completed: Int) {
        self.name = name
        self.completed = completed
    }

    public static func path(_ stateDirectory: String) -> String { stateDirectory + "/scenario.json" }

    public static func load(stateDirectory: String) -> ScenarioProgress? {
        guard let data = FileManager.default.contents(atPath: path(stateDirectory)) else { return nil }
        return try? JSONDecoder().decode(ScenarioProgress.self, from: data)
    }

    public func save(stateDirectory: String) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        _ = FileManager.default.createFile(
            atPath: ScenarioProgress.path(stateDirectory), contents: data, attributes: [.posixPermissions: 0o600])
    }

    public static func clear(stateDirectory: String) {
        try? FileManager.default.removeItem(atPath: path(stateDirectory))
    }
}
