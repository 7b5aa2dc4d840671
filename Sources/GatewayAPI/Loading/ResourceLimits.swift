import Foundation

/// The limits that keep one input or one store from exhausting the machine. Each has a default sized well above
/// the benchmarks (50,000 routes) and an environment variable to change it; exceeding one is a clear error that
/// changes nothing.
public struct ResourceLimits: Sendable, Equatable {
    /// Bytes of manifests one apply reads, over all files and stdin (`GWCONSOLE_MAX_INPUT_BYTES`).
    public var maxInputBytes: Int
    /// Objects in one apply (`GWCONSOLE_MAX_APPLY_OBJECTS`).
    public var maxObjectsPerApply: Int
    /// Objects the embedded store holds (`GWCONSOLE_MAX_OBJECTS`); a cluster's cache is not limited.
    public var maxStoredObjects: Int
    /// Bytes of one Gateway's rendered nginx configuration (`GWCONSOLE_MAX_CONFIG_BYTES`).
    public var maxConfigBytes: Int

    public static let defaults = ResourceLimits(
        maxInputBytes: 64 << 20, maxObjectsPerApply: 50_000, maxStoredObjects: 200_000,
        maxConfigBytes: 256 << 20)

    public init(maxInputBytes: Int, maxObjectsPerApply: Int, maxStoredObjects: Int, maxConfigBytes: Int) {
        self.maxInputBytes = maxInputBytes
        self.maxObjectsPerApply = maxObjectsPerApply
        self.maxStoredObjects = maxStoredObjects
        self.maxConfigBytes = maxConfigBytes
    }

    /// The defaults with the environment's overrides (positive integers; anything else is ignored).
    public init(environment: [String: String]) {
        func value(_ name: String, _ fallback: Int) -> Int {
            guard let text = environment[name], let number = Int(text), number > 0 else { return fallback }
            return number
        }
        let d = ResourceLimits.defaults
        self.init(
            maxInputBytes: value("GWCONSOLE_MAX_INPUT_BYTES", d.maxInputBytes),
            maxObjectsPerApply: value("GWCONSOLE_MAX_APPLY_OBJECTS", d.maxObjectsPerApply),
            maxStoredObjects: value("GWCONSOLE_MAX_OBJECTS", d.maxStoredObjects),
            maxConfigBytes: value("GWCONSOLE_MAX_CONFIG_BYTES", d.maxConfigBytes))
    }

    /// This process's limits.
    public static let current = ResourceLimits(environment: ProcessInfo.processInfo.environment)

    /// A byte count for messages: "64 MiB", "1.5 KiB", "900 bytes".
    public static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 {
            return bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
        }
        if bytes >= 1 << 10 {
            return bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : String(format: "%.1f KiB", Double(bytes) / 1024)
        }
        return "\(bytes) bytes"
    }
}
