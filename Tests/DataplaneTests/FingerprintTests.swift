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
        return RenderedConfig(gateway: .gateway("default", "gw"), files: [
            RenderedFile(path: "nginx.conf", content: "include \(directory)/conf.d/*.conf;\n", secret: false),
            RenderedFile(path: "conf.d/servers.conf", content: server, secret: false),
        ], bindings: [])
    }

    @Test("the generation's number and directory do not change it")
    func sameContent() {
        let one = DataplaneManager.fingerprint(config(directory: "/s/dp/1/generations/7", generation: 7), configDirectory: "/s/dp/1/generations/7")
        let two = DataplaneManager.fingerprint(config(directory: "/s/dp/1/generations/8", generation: 8), configDirectory: "/s/dp/1/generations/8")
        #expect(one == two)
    }

    @Test("any other difference does, also in a line that carries the generation marker as text")
    func differentContent() {
        let directory = "/s/dp/1/generations/7"
        let base = DataplaneManager.fingerprint(config(directory: directory, generation: 7), configDirectory: directory)
        #expect(base != DataplaneManager.fingerprint(config(directory: directory, generation: 7, header: "b"), configDirectory: directory))
        let marked = DataplaneManager.fingerprint(config(directory: directory, generation: 7, header: "x # gw-generation"), configDirectory: directory)
        let markedToo = DataplaneManager.fingerprint(config(directory: directory, generation: 7, header: "y # gw-generation"), configDirectory: directory)
        #expect(marked != markedToo)
    }
}
