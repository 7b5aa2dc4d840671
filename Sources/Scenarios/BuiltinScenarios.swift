/// Scenarios built into the binary: the files in `Sources/Scenarios/Builtin`, embedded at build time.
public enum BuiltinScenarios {
    public static let files: [(name: String, text: String)] = [
        ("secure-backend", String(decoding: PackageResources.secure_backend_yaml, as: UTF8.self))
    ]

    public static var names: [String] { files.map(\.name) }
}
