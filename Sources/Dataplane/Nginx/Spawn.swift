import CProcess
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program and waits for it with posix_spawn and waitpid. Unlike Foundation's Process, it does not wait
/// for descendants: a daemon the program leaves behind (nginx's master) holds none of our descriptors, because
/// every descriptor above stderr is closed in the child.
public enum Spawn {
    /// Runs `executable` with `arguments`, stdin from /dev/null and stdout/stderr to `outputPath`; returns the exit status.
    /// `passing` descriptors become 3, 4, … in the child (everything else above stderr is closed), and
    /// `environment` entries change this process's environment for it: `NAME=value` sets, a bare `NAME` removes.
    /// With `wait: false` it returns at once with 0: for a daemon that stays in the foreground (nginx does not
    /// detach when it inherits sockets); the child then starts a session of its own.
    public static func run(
        _ executable: String, _ arguments: [String], outputPath: String,
        passing: [Int32] = [], environment: [String] = [], wait: Bool = true
    ) throws -> Int32 {
        try spawnAndWait(
            executable, arguments, firstClosed: 3 + Int32(passing.count), environment: environment, wait: wait
        ) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            for (index, fd) in passing.enumerated() { posix_spawn_file_actions_adddup2(&actions, fd, 3 + Int32(index)) }
        }
    }

    /// Starts `executable` in a session of its own (stdin /dev/null, stdout and stderr to `outputPath`) and returns
    /// its pid without waiting: a local pod's own process.
    public static func background(
        _ executable: String, _ arguments: [String], outputPath: String, environment: [String] = []
    ) throws -> pid_t {
        try spawnAndWait(executable, arguments, environment: environment, wait: false, returnPID: true) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
    }

    /// Runs a program on the terminal (stdin, stdout and stderr inherited; nothing else) and waits for it: for an
    /// editor the console hands the terminal to.
    public static func interactive(_ executable: String, _ arguments: [String]) throws -> Int32 {
        try spawnAndWait(executable, arguments) { _ in }
    }

    /// Spawns with the given descriptor set-up, every descriptor from 3 up closed and clean signal state; waits.
    private static func spawnAndWait(
        _ executable: String, _ arguments: [String], firstClosed: Int32 = 3, environment: [String] = [],
        wait: Bool = true, returnPID: Bool = false, descriptors: (inout posix_spawn_file_actions_t) -> Void
    ) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        descriptors(&actions)
        gw_spawn_closefrom(&actions, firstClosed)
        var attributes = posix_spawnattr_t()
        gw_spawnattr_clean_signals(&attributes)
        if !wait { gw_spawnattr_new_session(&attributes) }
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc: Int32
        if environment.isEmpty {
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        } else {
            var inherited: [String] = []
            var index = 0
            while let entry = environ[index] {
                inherited.append(String(cString: entry))
                index += 1
            }
            let names = Set(environment.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 })
            let entries =
                inherited.filter {
                    !names.contains($0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0)
                }
                + environment.filter { $0.contains("=") }
            let envp = entries.map { strdup($0) } + [nil]
            defer { for pointer in envp { free(pointer) } }
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard rc == 0 else { throw DataplaneError("cannot run \(executable): \(String(cString: strerror(rc)))") }
        if !wait { return returnPID ? pid : 0 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
