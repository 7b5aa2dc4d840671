import Foundation

/// What a sandboxed local pod sees and runs (docs/workloads.md, "Sandbox"): a description, turned into bubblewrap's
/// arguments here and into the pod's network by `gwconsole pod-sandbox` (pod_sandbox.c). The pod gets its own
/// mount, PID, IPC, UTS (its host name is the pod's name) and user namespaces; it runs as an ordinary user with no
/// capabilities; it sees this machine's `/usr` read-only, the files its image brings and its volumes at their
/// mount paths, and nothing else (not the state directory, not other pods, not the home directory).
struct PodSandbox: Equatable {
    /// A directory or file of this machine shown at a path in the pod.
    struct Bind: Equatable {
        var source: String
        var target: String
        var writable = false
    }

    /// A port of the pod's, reached on its address on this machine's loopback.
    struct Forward: Equatable {
        var udp = false
        var port: Int

        /// The helper's argument: `tcp:ADDRESS:PORT:PORT`.
        func argument(address: String) -> String { "\(udp ? "udp" : "tcp"):\(address):\(port):\(port)" }
    }

    /// This machine's top-level system directories, each a symlink (Debian's merged /usr: `/lib` -> `usr/lib`) or
    /// a directory of its own; read once by `SystemLayout.current`.
    struct SystemLayout: Equatable {
        var entries: [(name: String, symlink: String?)]

        static func == (a: SystemLayout, b: SystemLayout) -> Bool {
            a.entries.map(\.name) == b.entries.map(\.name) && a.entries.map(\.symlink) == b.entries.map(\.symlink)
        }

        static let current: SystemLayout = {
            var entries: [(String, String?)] = []
            for name in ["bin", "sbin", "lib", "lib32", "lib64", "libx32"] {
                let path = "/" + name
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                    entries.append((name, target))
                } else if FileManager.default.fileExists(atPath: path) {
                    entries.append((name, nil))
                }
            }
            return SystemLayout(entries: entries)
        }()
    }

    /// The pod's host name (`$hostname` in its nginx, `hostname` in a shell): the pod's name.
    var hostname: String
    /// Files and directories of the pod, in order (a bind inside another comes after it).
    var binds: [Bind]
    /// Writable, empty, private to the pod (an image's runtime directories).
    var scratch: [String] = ["/tmp", "/run", "/var/cache/nginx", "/var/lib/nginx", "/var/log/nginx"]
    /// Symlinks the image has: `(path, target)` (the nginx images send their logs to the container's output).
    var symlinks: [(path: String, target: String)] = [
        ("/var/run", "../run"), ("/var/log/nginx/access.log", "/dev/stdout"),
        ("/var/log/nginx/error.log", "/dev/stderr"),
    ]
    var environment: [String: String]
    var command: [String]
    var workingDirectory = "/"
    /// The pod's user and group inside (the nginx images' `nginx` user).
    var uid = 101
    var gid = 101
    /// Whether bubblewrap itself cuts the network (a config test); a running pod gets its network from the helper.
    var cutNetwork = false

    static func == (a: PodSandbox, b: PodSandbox) -> Bool {
        a.hostname == b.hostname && a.binds == b.binds && a.scratch == b.scratch
            && a.symlinks.map(\.path) == b.symlinks.map(\.path) && a.symlinks.map(\.target) == b.symlinks.map(\.target)
            && a.environment == b.environment && a.command == b.command && a.workingDirectory == b.workingDirectory
            && a.uid == b.uid && a.gid == b.gid && a.cutNetwork == b.cutNetwork
    }

    /// The system files every program needs to start: the dynamic linker's cache and OpenSSL's configuration, read
    /// only (the rest of `/etc` is the pod's own).
    static let systemFiles = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ssl/openssl.cnf", "/etc/localtime"]

    /// bubblewrap's arguments (after the program's path), then the command.
    func bwrapArguments(system: SystemLayout = .current) -> [String] {
        var arguments = [
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        ]
        if cutNetwork { arguments.append("--unshare-net") }
        arguments += [
            "--die-with-parent", "--cap-drop", "ALL", "--uid", String(uid), "--gid", String(gid),
            "--hostname", hostname, "--ro-bind", "/usr", "/usr",
        ]
        for entry in system.entries {
            if let target = entry.symlink {
                arguments += ["--symlink", target, "/" + entry.name]
            } else {
                arguments += ["--ro-bind", "/" + entry.name, "/" + entry.name]
            }
        }
        for file in Self.systemFiles { arguments += ["--ro-bind-try", file, file] }
        arguments += ["--proc", "/proc", "--dev", "/dev"]
        for directory in scratch { arguments += ["--tmpfs", directory] }
        for link in symlinks { arguments += ["--symlink", link.target, link.path] }
        for bind in binds { arguments += [bind.writable ? "--bind" : "--ro-bind", bind.source, bind.target] }
        arguments += ["--remount-ro", "/", "--chdir", workingDirectory, "--clearenv"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--setenv", name, value] }
        return arguments + ["--"] + command
    }
}
