import Foundation
import Testing

@testable import Dataplane

/// What a sandboxed pod's bubblewrap is told (the sandbox itself is exercised end to end in SandboxTests).
@Suite("Pod sandbox description")
struct PodSandboxTests {
    let sandbox = PodSandbox(
        hostname: "web-1", binds: [.init(source: "/state/pods/default_web-1/etc/nginx", target: "/etc/nginx")],
        environment: ["GREETING": "hi", "PATH": "/usr/bin"], command: ["/usr/sbin/nginx", "-g", "daemon off;"])
    let layout = PodSandbox.SystemLayout(entries: [("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", nil)])

    /// The value after each occurrence of `flag` (bubblewrap's two-argument options give the first argument).
    func values(_ arguments: [String], _ flag: String) -> [String] {
        arguments.indices.filter { arguments[$0] == flag && $0 + 1 < arguments.count }.map { arguments[$0 + 1] }
    }

    @Test("its own namespaces, no capabilities, an ordinary user, its host name, dies with its parent")
    func isolation() {
        let arguments = sandbox.bwrapArguments(system: layout)
        for flag in ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"] {
            #expect(arguments.contains(flag), "\(flag)")
        }
        #expect(values(arguments, "--cap-drop") == ["ALL"])
        #expect(values(arguments, "--uid") == ["101"] && values(arguments, "--gid") == ["101"])
        #expect(values(arguments, "--hostname") == ["web-1"])
        // A running pod gets its network from the helper; a config test cuts it.
        #expect(!arguments.contains("--unshare-net"))
        var test = sandbox
        test.cutNetwork = true
        #expect(test.bwrapArguments(system: layout).contains("--unshare-net"))
    }

    @Test("the system read-only, the pod's files at their paths, scratch directories, the root made read-only last")
    func filesystem() throws {
        let arguments = sandbox.bwrapArguments(system: layout)
        #expect(values(arguments, "--ro-bind").contains("/usr"))
        #expect(values(arguments, "--symlink").contains("usr/bin"))
        #expect(values(arguments, "--ro-bind").contains("/lib64"), "a real directory is bound, a symlink made")
        // Only these sources from this machine: the system, a few /etc files, the pod's own directory.
        let sources = values(arguments, "--ro-bind") + values(arguments, "--bind") + values(arguments, "--ro-bind-try")
        for source in sources {
            #expect(
                ["/usr", "/lib64"].contains(source) || PodSandbox.systemFiles.contains(source)
                    || source.hasPrefix("/state/pods/default_web-1/"), "\(source)")
        }
        #expect(
            values(arguments, "--tmpfs").contains("/tmp") && values(arguments, "--tmpfs").contains("/var/cache/nginx"))
        let remount = try #require(arguments.firstIndex(of: "--remount-ro"))
        let lastBind = try #require(arguments.lastIndex(of: "--ro-bind"))
        #expect(remount > lastBind && arguments[remount + 1] == "/")
    }

    @Test("the environment is the container's only; the command comes last, after --")
    func environmentAndCommand() throws {
        let arguments = sandbox.bwrapArguments(system: layout)
        #expect(arguments.contains("--clearenv"))
        let setenv = arguments.indices.filter { arguments[$0] == "--setenv" }.map {
            arguments[$0 + 1] + "=" + arguments[$0 + 2]
        }
        #expect(setenv == ["GREETING=hi", "PATH=/usr/bin"])
        let separator = try #require(arguments.lastIndex(of: "--"))
        #expect(Array(arguments[(separator + 1)...]) == ["/usr/sbin/nginx", "-g", "daemon off;"])
    }

    @Test("a forwarded port is the helper's tcp|udp:ADDRESS:PORT:POD_PORT")
    func forwards() {
        #expect(PodSandbox.Forward(port: 8080).argument(address: "127.0.100.101") == "tcp:127.0.100.101:8080:8080")
        #expect(PodSandbox.Forward(udp: true, port: 53).argument(address: "127.0.100.9") == "udp:127.0.100.9:53:53")
    }

    @Test("the nginx images' files: the official image on 80 as user nginx, the unprivileged one on 8080 with /tmp")
    func imageFiles() {
        let official = NginxImageFiles(image: "nginx:1.27")
        #expect(official.defaultPort == 80 && official.mainConfig.contains("user  nginx;"))
        #expect(official.defaultServer.contains("listen       80;"))
        let unprivileged = NginxImageFiles(image: "nginxinc/nginx-unprivileged:latest")
        #expect(unprivileged.defaultPort == 8080 && !unprivileged.mainConfig.contains("user  nginx"))
        #expect(unprivileged.mainConfig.contains("pid        /tmp/nginx.pid;"))
        #expect(unprivileged.mainConfig.contains("include /etc/nginx/conf.d/*.conf;"))
    }
}
