import GatewayCore
import Testing

@testable import Dataplane
@testable import NginxConfig

/// A generation's fingerprint decides whether nginx is reloaded: the same content in another generation's
/// directory is the same config; any other difference is a change.
@Suite struct FingerprintTests {
    func config(directory: String, generation: Int, header: String = "a") -> RenderedConfig {
        let server = """
            server {
                listen 127.0.0.1:80;
                location = /generation {
                    return 200 "\(generation)\\n"; # gw-generation
                }
                location / {
                    proxy_set_header X-Note "\(header)";
                    include \(directory)/conf.d/extra.conf;
                }
            }

            """
        return RenderedConfig(
            gateway: .gateway("default", "gw"),
            files: [
                RenderedFile(path: "nginx.conf", content: "include \(directory)/conf.d/*.conf;\n", secret: false),
                RenderedFile(path: "conf.d/servers.conf", content: server, secret: false),
            ], bindings: [])
    }

    @Test("the generation's number and directory do not change it")
    func sameContent() {
        let one = DataplaneManager.fingerprint(
            config(directory: "/s/dp/1/generations/7", generation: 7), configDirectory: "/s/dp/1/generations/7")
        let two = DataplaneManager.fingerprint(
            config(directory: "/s/dp/1/generations/8", generation: 8), configDirectory: "/s/dp/1/generations/8")
        #expect(one == two)
    }

    @Test("any other difference does, also in a line that carries the generation marker as text")
    func differentContent() {
        let directory = "/s/dp/1/generations/7"
        let base = DataplaneManager.fingerprint(config(directory: directory, generation: 7), configDirectory: directory)
        #expect(
            base
                != DataplaneManager.fingerprint(
                    config(directory: directory, generation: 7, header: "b"), configDirectory: directory))
        let marked = DataplaneManager.fingerprint(
            config(directory: directory, generation: 7, header: "x # gw-generation"), configDirectory: directory)
        let markedToo = DataplaneManager.fingerprint(
            config(directory: directory, generation: 7, header: "y # gw-generation"), configDirectory: directory)
        #expect(marked != markedToo)
    }
}

/// nginx's verdict on a reload, read from its error log: only the signalled master's own lines count.
@Suite struct ReloadVerdictTests {
    let accepted = """
        2026/12/01 19:16:37 [notice] 100#100: signal 1 (SIGHUP) received from 7, reconfiguring
        2026/12/01 19:16:37 [notice] 100#100: reconfiguring
        2026/12/01 19:16:37 [notice] 100#100: start worker processes
        2026/12/01 19:16:37 [notice] 100#100: start worker process 205
        """

    @Test("the master's start of new workers after its reconfiguring is the acceptance; its [emerg] the refusal")
    func master() {
        #expect(NginxProcess.reloadVerdict(accepted, master: 100) == .serving)
        let refused =
            "2026/12/01 19:16:37 [notice] 100#100: reconfiguring\n2026/12/01 19:16:37 [emerg] 100#100: unknown directive \"bogus\"\n"
        #expect(NginxProcess.reloadVerdict(refused, master: 100) == .refused)
        #expect(
            NginxProcess.reloadVerdict("2026/12/01 19:16:37 [notice] 100#100: reconfiguring\n", master: 100)
                == .noAnswer, "still parsing")
        // The signal arrives while the master still retries an earlier reload's bind(): that reload's last [emerg]
        // comes after the signal and before this reload's own "reconfiguring"; it is not this one's verdict.
        let earlier = """
            2026/12/01 19:16:37 [notice] 100#100: signal 1 (SIGHUP) received from 7, reconfiguring
            2026/12/01 19:16:38 [emerg] 100#100: still could not bind()
            2026/12/01 19:16:38 [notice] 100#100: reconfiguring
            """
        #expect(NginxProcess.reloadVerdict(earlier, master: 100) == .noAnswer)
        #expect(
            NginxProcess.reloadVerdict(
                earlier + "\n2026/12/01 19:16:38 [notice] 100#100: start worker processes\n", master: 100)
                == .serving)
    }

    @Test("a worker's error, a respawned worker, or another master's lines are no verdict")
    func others() {
        #expect(
            NginxProcess.reloadVerdict("2026/12/01 19:16:37 [emerg] 204#204: open() failed\n", master: 100) == .noAnswer
        )
        #expect(
            NginxProcess.reloadVerdict("2026/12/01 19:16:37 [notice] 100#100: start worker process 206\n", master: 100)
                == .noAnswer)
        #expect(NginxProcess.reloadVerdict(accepted, master: 1000) == .noAnswer)
        #expect(
            NginxProcess.reloadVerdict("2026/12/01 19:16:37 [notice] 300#300: start worker processes\n", master: nil)
                == .serving, "a fresh start")
    }
}
