import Dataplane
import Foundation
import GatewayAPI
import GatewayCore

/// Starting and stopping the resident controller, and handing it the reconciles commands would do themselves.
public enum ControllerProcess {
    /// This gwconsole binary, to start another process of it (the controller; the bench's commands).
    public static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The executable file's inode and modification time: a rebuilt or upgraded gwconsole has others.
    public static func executableIdentity() -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: executable)
        let inode = (attributes?[.systemFileNumber] as? NSNumber)?.stringValue ?? "?"
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(inode) \(modified)"
    }

    /// Set to 0 (GWCONSOLE_CONTROLLER=0), commands never start or use a resident controller: they reconcile
    /// in-process, as before one existed.
    public static var enabled: Bool { ProcessInfo.processInfo.environment["GWCONSOLE_CONTROLLER"] != "0" }

    /// What a controller acts with besides the store: --controller-name and the GWCONSOLE_ variables (limits,
    /// addresses, nginx binary). A command whose settings differ from the running controller's reconciles itself,
    /// so that a setting given to one command applies to that command, as without a controller.
    public static func settings(_ global: Session, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        let ignored: Set<String> = [
            "GWCONSOLE_THEME", "GWCONSOLE_STATE", "GWCONSOLE_CONTROLLER", "GWCONSOLE_PORT_OFFSET",
        ]
        let variables = environment.filter {
            $0.key.hasPrefix("GWCONSOLE_") && !ignored.contains($0.key) && !$0.key.hasPrefix("GWCONSOLE_FUZZ")
        }
        // The image map (the user's configuration file) decides which pods run: another map, another controller.
        let images = global.localImages.mappings.map {
            "\($0.image)=\($0.command.joined(separator: " "))@\($0.port ?? 0)"
        }
        return
            (["controller-name=\(global.controllerName ?? "")"] + images.map { "image " + $0 }
            + variables.keys.sorted().map { "\($0)=\(variables[$0]!)" })
            .joined(separator: "\n") + "\n"
    }

    /// Starts the controller unless one runs with these settings (one with others is replaced); waits until it
    /// holds its lock. False when it could not start.
    @discardableResult
    public static func start(_ global: Session, store: Store) -> Bool {
        let paths = ControllerPaths(stateDirectory: store.directory)
        guard enabled, store.readOnlyReason == nil, paths.socketPathFits else { return false }
        if paths.isRunning {
            if paths.runningSettings == settings(global) { return true }
            stop(stateDirectory: store.directory)
        }
        unlink(paths.settings)  // a killed controller's; the new one writes its own once it listens
        var arguments = ["--state", store.directory]
        if let name = global.controllerName { arguments += ["--controller-name", name] }
        arguments.append("controller")
        guard (try? Spawn.run(executable, arguments, outputPath: paths.log, wait: false)) != nil else { return false }
        // Ready once it holds its lock and has written the settings it acts with (it listens before that).
        let wanted = settings(global)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if paths.runningSettings == wanted, paths.isRunning { return true }
            usleep(5_000)
        }
        return false
    }

    /// Stops the controller (SIGTERM, then SIGKILL after a while); returns once it no longer holds its lock. Only a
    /// process that is this state directory's controller is signalled (a pid file can outlive its process).
    /// `commandLineNames`: the state directory its command line names (a cluster's keeper names the base one).
    public static func stop(stateDirectory: String, commandLineNames: String? = nil) {
        let paths = ControllerPaths(stateDirectory: stateDirectory)
        let named = commandLineNames ?? stateDirectory
        guard paths.isRunning, let pid = paths.pid, isController(pid, stateDirectory: named) else { return }
        kill(pid, SIGTERM)
        var deadline = Date().addingTimeInterval(15)
        while paths.isRunning && Date() < deadline { usleep(10_000) }
        guard paths.isRunning, isController(pid, stateDirectory: named) else { return }
        kill(pid, SIGKILL)
        deadline = Date().addingTimeInterval(5)
        while paths.isRunning && Date() < deadline { usleep(10_000) }
    }

    /// Whether `pid` runs `gwconsole --state DIR … controller` for this state directory.
    public static func isController(_ pid: pid_t, stateDirectory: String) -> Bool {
        guard let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return false }
        let arguments = cmdline.split(separator: "\0").map(String.init)
        return arguments.last == "controller" && arguments.contains(stateDirectory)
    }

    /// Has the running controller reconcile through the store's revision; false when none answered (the caller
    /// reconciles in-process). A data plane that is up gets its controller back first when it died.
    public static func reconcile(_ global: Session, store: Store, request: ControllerRequest) throws -> Bool {
        guard enabled else { return false }
        let paths = ControllerPaths(stateDirectory: store.directory)
        if !paths.isRunning {
            guard DataplaneManager(stateDirectory: store.directory).isRunning, start(global, store: store) else {
                return false
            }
        }
        // Other settings than the controller's (a limit set for this command): this command reconciles itself.
        guard paths.runningSettings == settings(global) else { return false }
        switch ControllerClient.sync(paths, revision: try store.revision(), request: request) {
        case .reconciled?: return true
        case .failed(let why)?:
            Output.error("Warning: the resident controller could not reconcile (\(why)); reconciling here")
            return false
        case nil: return false
        }
    }
}
