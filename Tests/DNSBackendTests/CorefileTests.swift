import Testing

@testable import DNSBackend

@Suite("Corefile")
struct CorefileTests {
    /// NGF's UDPRoute example: a CoreDNS pod answering from this Corefile.
    static let ngfExample = """
        .:53 {
            forward . 8.8.8.8 9.9.9.9
            log
            errors
        }
        cafe.example.com:53 {
          whoami
        }
        """

    func parse(_ text: String, readFile: (String) -> String? = { _ in nil }) throws(CorefileError) -> Corefile {
        try Corefile(parsing: text, readFile: readFile)
    }

    func error(_ text: String) -> CorefileError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("NGF's example: two blocks on port 53, plugins in CoreDNS's order (errors, log, forward), forward warned of")
    func ngfExample() throws {
        let corefile = try parse(Self.ngfExample)
        #expect(corefile.servers.map { $0.zones.map(\.description) } == [[".:53"], ["cafe.example.com.:53"]])
        #expect(corefile.servers.map(\.line) == [1, 6])
        #expect(corefile.servers[0].plugins.map(\.name) == ["errors", "log", "forward"])
        #expect(corefile.servers[1].plugins == [.whoami])
        #expect(corefile.ports == [53])
        guard case .forward(let forward) = corefile.servers[0].plugins[2] else {
            Issue.record("forward expected")
            return
        }
        #expect(forward.from == .root && forward.to == ["8.8.8.8", "9.9.9.9"])
        #expect(corefile.warnings.count == 1 && corefile.warnings[0].hasPrefix("[WARNING] plugin/forward: forward to"))
    }

    @Test("zones: default port 53, dns:// and commas, several per block, names lowercased")
    func zones() throws {
        let corefile = try parse(
            """
            # a comment line
            dns://Example.ORG:1053, example.net {  # trailing comment
                whoami
            }
            .:5353 {
                whoami
            }
            """)
        #expect(corefile.servers[0].zones.map(\.description) == ["example.org.:1053", "example.net.:53"])
        #expect(corefile.servers[1].zones.map(\.description) == [".:5353"])
        #expect(corefile.ports == [1053, 53, 5353])
    }

    @Test("nested blocks: hosts entries, ttl and fallthrough; forward's options; log's classes and format")
    func nestedBlocks() throws {
        let corefile = try parse(
            """
            example.org {
                hosts {
                    10.0.0.1 a.example.org b.example.org
                    fd00::1 a.example.org
                    ttl 60
                    fallthrough
                }
                forward . 1.2.3.4 {
                    except internal.example.org
                    max_fails 3
                }
                log . "{remote} {type} {name}" {
                    class denial error
                }
                cache 30
            }
            """)
        let plugins = corefile.servers[0].plugins
        #expect(plugins.map(\.name) == ["log", "cache", "hosts", "forward"])
        guard case .hosts(let hosts) = plugins[2], case .forward(let forward) = plugins[3],
            case .log(let rules) = plugins[0]
        else {
            Issue.record("hosts, forward and log expected: \(plugins)")
            return
        }
        let a = DNSName("a.example.org")!
        #expect(hosts.v4[a] == [[10, 0, 0, 1]] && hosts.v4[DNSName("b.example.org")!] == [[10, 0, 0, 1]])
        #expect(hosts.v6[a] == [[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]])
        #expect(hosts.ttl == 60 && hosts.fallThrough == [] && hosts.origins == [DNSName("example.org")!])
        #expect(forward.except == [DNSName("internal.example.org")!])
        #expect(
            rules.count == 1 && rules[0].format == "{remote} {type} {name}" && rules[0].classes == [.denial, .error])
    }

    @Test("several log lines in a block are one plugin, their rules in order")
    func logLines() throws {
        let corefile = try parse(". {\n    whoami\n    log a.example\n    log b.example c.example {combined}\n}")
        guard case .log(let rules) = corefile.servers[0].plugins.first else {
            Issue.record("log expected first")
            return
        }
        #expect(rules.map(\.scope.description) == ["a.example.", "b.example.", "c.example."])
        #expect(rules.map(\.format) == [LogRule.commonFormat, LogRule.combinedFormat, LogRule.combinedFormat])
        #expect(corefile.servers[0].plugins.count == 2)
    }

    @Test("a hosts FILE is read through the reader; one that is missing is warned of")
    func hostsFile() throws {
        let text = "example.org {\n    hosts extra.hosts {\n        10.0.0.9 inline.example.org\n    }\n}"
        let corefile = try parse(text) { path in
            path == "extra.hosts"
                ? "# comment\n10.0.0.2 file.example.org\n10.0.0.3 inline.example.org\n\nbad line\n" : nil
        }
        guard case .hosts(let hosts) = corefile.servers[0].plugins[0] else {
            Issue.record("hosts expected")
            return
        }
        #expect(hosts.v4[DNSName("file.example.org")!] == [[10, 0, 0, 2]])
        #expect(hosts.v4[DNSName("inline.example.org")!] == [[10, 0, 0, 9]], "inline entries win")
        let missing = try parse("example.org {\n    hosts /etc/coredns/custom.hosts\n}")
        #expect(missing.warnings == ["[WARNING] plugin/hosts: File does not exist: /etc/coredns/custom.hosts"])
    }

    @Test("an unknown plugin is kept, right after log, and warned of")
    func unsupported() throws {
        let corefile = try parse(
            ". {\n    whoami\n    kubernetes cluster.local {\n        pods insecure\n    }\n    log\n}")
        #expect(
            corefile.servers[0].plugins == [
                .log([LogRule(scope: .root, format: LogRule.commonFormat)]),
                .unsupported("kubernetes"), .whoami,
            ])
        #expect(corefile.warnings.contains { $0.hasPrefix("[WARNING] plugin/kubernetes: not supported") })
    }

    @Test("errors name the line: a missing brace, import, snippets, a duplicate zone, bad arguments, an open block")
    func errors() {
        #expect(error("example.org\n    whoami\n")?.line == 1)
        #expect(error(". {\n    import common\n}")?.line == 2)
        #expect(error(". {\n    import common\n}")?.message.contains("import is not supported") == true)
        #expect(error("(common) {\n    log\n}\n. {\n    whoami\n}")?.line == 1)
        #expect(error(". {\n    whoami\n}\n\n.:53 {\n    whoami\n}")?.line == 5)
        #expect(error(". {\n    whoami\n}\n\n.:53 {\n    whoami\n}")?.message.contains("already defined") == true)
        #expect(error(". {\n    whoami extra\n}")?.line == 2)
        #expect(error(". {\n    log {\n        class sometimes\n    }\n}")?.line == 3)
        #expect(error(". {\n    hosts {\n        not-an-ip a.example.org\n    }\n}")?.line == 3)
        #expect(error(". {\n    forward .\n}")?.line == 2)
        #expect(error(".:99999 {\n    whoami\n}")?.line == 1)
        #expect(error("tls://. {\n    whoami\n}")?.line == 1)
        #expect(error(". {\n    whoami\n\n")?.message.contains("opened on line 1") == true)
        #expect(error("}\n")?.line == 1)
        #expect(error("")?.message.contains("no server block") == true)
        let described = error(". {\n    whoami extra\n}").map { "\($0)" }
        #expect(described == "Corefile:2 - Error during parsing: plugin/whoami: takes no arguments")
    }

    @Test("tokens: quotes keep spaces, # starts a comment outside them")
    func tokens() {
        let tokens = Corefile.tokens("log \"a # b\" c#d\n  e")
        #expect(tokens.map(\.text) == ["log", "a # b", "c", "e"])
        #expect(tokens.map(\.line) == [1, 1, 1, 2])
    }

    @Test("Go durations for log's minDuration")
    func durations() {
        #expect(LogRule.goDuration("100ms") == 100_000_000)
        #expect(LogRule.goDuration("1.5s") == 1_500_000_000)
        #expect(LogRule.goDuration("1m30s") == 90_000_000_000)
        #expect(LogRule.goDuration("fast") == nil && LogRule.goDuration("") == nil)
    }
}
