import Foundation
import NginxConfig

#if canImport(Glibc)
    import Glibc
#endif

/// A what-if shadow data plane: one nginx on a shadow config (`ShadowDataplane`) in a directory of its own, never
/// the Gateway's: its config under `c/`, its pid, logs and temp files under `r/`, its listeners' sockets under `s/`.
public struct ShadowNginx: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public var configDirectory: String { directory + "/c" }
    public var runtimeDirectory: String { directory + "/r" }
    public var socketDirectory: String { directory + "/s" }
    public var requestLog: String { runtimeDirectory + "/logs/access.log" }

    /// Where the shadow's config renders (the Gateway's port offset kept, so listener ports are the ones the request
    /// log names).
    public func settings(portOffset: Int) -> RenderSettings {
        RenderSettings(
            address: "127.0.0.1", portOffset: portOffset, configDirectory: configDirectory,
            runtimeDirectory: runtimeDirectory, generation: 1, workersAsRoot: geteuid() == 0)
    }

    var process: NginxProcess { NginxProcess(binary: NginxProcess.locate() ?? "nginx", runtime: runtimeDirectory) }

    /// Writes the config and starts nginx on it; nginx's message when it refuses.
    public func start(_ config: RenderedConfig) throws {
        try FileManager.default.createDirectory(
            atPath: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try DataplaneManager.write(config, to: configDirectory)
        let nginx = process
        try nginx.prepare()
        if let message = try nginx.start(config: configDirectory + "/" + RenderedConfig.mainFile) {
            throw DataplaneError("the what-if shadow's nginx did not start: \(message)")
        }
    }

    /// Stops its nginx at once (SIGTERM): every answered request's line is in the request log by then (a worker
    /// writes it before it turns to the next event).
    public func stop() { process.stop(fast: true) }
}
