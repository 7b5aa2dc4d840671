import NginxConfig
import Testing

@Suite("Config excerpts")
struct ConfigExcerptTests {
    let config = """
        server {
            # Gateway default/gateway, HTTP port 80, hostname a.example.com
            listen 127.0.100.1:80;
            server_name "a.example.com";
            location "/" {
                # HTTPRoute default/app rule 0 match 0
                # backend Service default/app:8443
                # BackendTLSPolicy default/tls
                proxy_pass https://default_app_8443;
            }
            location "/x{" {
                # HTTPRoute default/app2 rule 0 match 0
                return 200 "# HTTPRoute default/app }";
            }
        }
        upstream default_app_8443 {
            # Service default/app:8443
            server 127.0.100.100:8443;
        }
        """.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    @Test("the blocks naming an object, with their server's listen and server_name for context")
    func route() {
        let blocks = ConfigExcerpt.blocks(in: config, naming: ["HTTPRoute default/app"])
        #expect(blocks.count == 1, "HTTPRoute default/app2 is another route")
        #expect(blocks.first?.lines == 4...9)
        #expect(blocks.first?.context == [0, 1, 2, 3])
    }

    @Test("a Service names its locations and its upstream; braces and # inside quotes do not count")
    func service() {
        let blocks = ConfigExcerpt.blocks(in: config, naming: ["Service default/app:"])
        #expect(blocks.map(\.lines) == [4...9, 15...18])
        #expect(blocks[1].context.isEmpty, "an upstream is top level")
        #expect(ConfigExcerpt.blocks(in: config, naming: ["HTTPRoute default/app2"]).map(\.lines) == [10...13])
    }

    @Test("nothing named, nothing found")
    func none() {
        #expect(ConfigExcerpt.blocks(in: config, naming: ["HTTPRoute other/app"]).isEmpty)
    }
}
