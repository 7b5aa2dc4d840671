import Testing

@testable import DNSBackend

@Suite("DNS resolver")
struct DNSResolverTests {
    static let client = DNSClient(address: "10.0.0.7", port: 40212, transport: .udp)

    /// A query as dig sends it: RD set, and an OPT record with a 1232-byte buffer unless `edns` is false.
    static func query(
        _ name: String, type: UInt16 = DNSType.a, id: UInt16 = 4242, edns: Bool = true, qclass: UInt16 = 1
    ) -> [UInt8] {
        var message = DNSMessage()
        message.id = id
        message.recursionDesired = true
        message.questions = [DNSQuestion(name: DNSName(name)!, type: type, qclass: qclass)]
        if edns {
            message.edns = EDNS(
                udpSize: 1232, options: [EDNS.Option(code: EDNS.cookie, data: [1, 2, 3, 4, 5, 6, 7, 8])])
        }
        return message.encoded()
    }

    func resolve(
        _ corefile: String, _ query: [UInt8], client: DNSClient = client, port: Int = 53
    ) throws -> (response: DNSMessage, log: [String]) {
        let answer = DNSResolver.answer(
            query, client: client, corefile: try Corefile(parsing: corefile), serverPort: port)
        let bytes = try #require(answer.response)
        return (try DNSMessage(parsing: bytes), answer.log)
    }

    @Test("whoami: authoritative, no answer, the client's A and _udp SRV (its port) in additional, TTL 0, RD copied")
    func whoami() throws {
        let (response, log) = try resolve(CorefileTests.ngfExample, Self.query("cafe.example.com"))
        #expect(response.id == 4242 && response.rcode == DNSRcode.noError && response.flagsText == "qr,aa,rd")
        #expect(response.questions.map(\.name) == [DNSName("cafe.example.com")!])
        #expect(response.answers.isEmpty && response.authority.isEmpty)
        #expect(
            response.additional == [
                .a(DNSName("cafe.example.com")!, [10, 0, 0, 7], ttl: 0),
                DNSRecord(
                    name: DNSName("_udp.cafe.example.com")!, type: DNSType.srv, ttl: 0,
                    data: .srv(priority: 0, weight: 0, port: 40212, target: .root)),
            ])
        #expect(response.edns?.udpSize == 1232 && response.edns?.options.map(\.code) == [EDNS.cookie])
        #expect(log.isEmpty, "the cafe block has no log plugin")
    }

    @Test("whoami over TCP from an IPv6 client: AAAA and _tcp; the query name's case is kept")
    func whoamiTCP() throws {
        let client = DNSClient(address: "fd00::5", port: 5353, transport: .tcp)
        let (response, _) = try resolve(
            ". {\n    whoami\n}", Self.query("Host.Example.org", edns: false), client: client)
        #expect(response.edns == nil)
        #expect(response.additional.first == .aaaa(DNSName("Host.Example.org")!, IPAddress.parse("fd00::5")!, ttl: 0))
        #expect(response.additional.last?.name.description == "_tcp.Host.Example.org.")
    }

    @Test("forward answers SERVFAIL; log writes CoreDNS's line (nothing written: NOERROR - 0), errors says why")
    func forward() throws {
        let (response, log) = try resolve(CorefileTests.ngfExample, Self.query("example.com"))
        #expect(response.rcode == DNSRcode.serverFailure && response.flagsText == "qr,rd")
        #expect(response.edns?.udpSize == 1232, "the OPT record comes back")
        #expect(log.count == 2)
        let size = Self.query("example.com").count
        let pattern =
            #/\[INFO\] 10\.0\.0\.7:40212 - 4242 "A IN example\.com\. udp (\d+) false 1232" NOERROR - 0 [0-9.]+s/#
        let match = try #require(log.first.flatMap { try? pattern.wholeMatch(in: $0) }, "\(log)")
        #expect(Int(match.1) == size)
        #expect(
            log.last
                == "[ERROR] plugin/errors: 2 example.com. A: forward to 8.8.8.8, 9.9.9.9 is not reachable: "
                + "gwconsole's local pods forward to no address outside this machine")
    }

    @Test("log's line for an answer: rcode, flags and size of what was written; TCP's buffer is 65535")
    func logLine() throws {
        let corefile = ". {\n    log\n    whoami\n}"
        let client = DNSClient(address: "127.0.0.1", port: 1000, transport: .tcp)
        let query = Self.query("a.example", edns: false)
        let (response, log) = try resolve(corefile, query, client: client)
        let size = response.encoded().count
        let prefix = "[INFO] 127.0.0.1:1000 - 4242 \"A IN a.example. tcp \(query.count) false 65535\" NOERROR qr,aa,rd "
        #expect(log.count == 1 && log[0].hasPrefix(prefix + "\(size) "), "\(log)")
        // Only errors: whoami's empty answer is a denial, so it is not logged.
        let (_, quiet) = try resolve(". {\n    log {\n        class error\n    }\n    whoami\n}", query)
        #expect(quiet.isEmpty)
    }

    @Test("zone choice: the longest suffix served on the port, . last; no zone at all is REFUSED, with no log")
    func zones() throws {
        let corefile = """
            example.org {
                hosts {
                    10.1.1.1 a.example.org
                }
            }
            sub.example.org {
                whoami
            }
            .:1053 {
                log
                whoami
            }
            """
        let (sub, _) = try resolve(corefile, Self.query("x.sub.example.org"))
        #expect(sub.additional.first?.type == DNSType.a && sub.answers.isEmpty)
        let (hosts, _) = try resolve(corefile, Self.query("A.example.org"))
        #expect(hosts.answers == [.a(DNSName("a.example.org")!, [10, 1, 1, 1], ttl: 3600)])
        let (refused, log) = try resolve(corefile, Self.query("example.com"))
        #expect(refused.rcode == DNSRcode.refused && refused.flagsText == "qr,rd" && log.isEmpty)
        let (other, otherLog) = try resolve(corefile, Self.query("example.com"), port: 1053)
        #expect(other.rcode == DNSRcode.noError && otherLog.count == 1)
    }

    @Test("hosts: A with TTL 3600, empty NOERROR for the other family, SERVFAIL for a name it lacks, PTR")
    func hosts() throws {
        let corefile = "example.org 10.in-addr.arpa {\n    hosts {\n        10.0.0.1 web.example.org\n    }\n}"
        let (aaaa, _) = try resolve(corefile, Self.query("web.example.org", type: DNSType.aaaa))
        #expect(aaaa.rcode == DNSRcode.noError && aaaa.answers.isEmpty && aaaa.flagsText == "qr,aa,rd")
        let (missing, _) = try resolve(corefile, Self.query("db.example.org"))
        #expect(missing.rcode == DNSRcode.serverFailure)
        let (ptr, _) = try resolve(corefile, Self.query("1.0.0.10.in-addr.arpa", type: DNSType.ptr))
        #expect(ptr.answers.map(\.data) == [.ptr(DNSName("web.example.org")!)])
    }

    @Test("hosts with fallthrough: a name it lacks goes on to whoami")
    func fallThrough() throws {
        let corefile =
            "example.org {\n    whoami\n    hosts {\n        10.0.0.1 web.example.org\n        fallthrough\n    }\n}"
        let (web, _) = try resolve(corefile, Self.query("web.example.org"))
        #expect(web.answers.count == 1)
        let (other, _) = try resolve(corefile, Self.query("db.example.org"))
        #expect(other.rcode == DNSRcode.noError && other.answers.isEmpty && other.additional.count == 2)
    }

    @Test("an unsupported plugin: SERVFAIL and a line naming it; with errors, errors' line")
    func unsupported() throws {
        let (response, log) = try resolve(". {\n    kubernetes cluster.local\n    whoami\n}", Self.query("a.example"))
        #expect(response.rcode == DNSRcode.serverFailure)
        #expect(
            log == [
                "[ERROR] plugin/kubernetes: 2 a.example. A: not supported by gwconsole's local stand-in for CoreDNS"
            ])
        let (_, errors) = try resolve(". {\n    errors\n    template IN A example\n}", Self.query("a.example"))
        #expect(
            errors == [
                "[ERROR] plugin/errors: 2 a.example. A: plugin/template: "
                    + "not supported by gwconsole's local stand-in for CoreDNS"
            ])
    }

    @Test("the end of the chain: SERVFAIL, no next plugin found")
    func noNextPlugin() throws {
        let (response, log) = try resolve(
            ". {\n    errors\n    forward example.net 1.1.1.1\n}", Self.query("a.example"))
        #expect(response.rcode == DNSRcode.serverFailure)
        #expect(log == ["[ERROR] plugin/errors: 2 a.example. A: plugin/forward: no next plugin found"])
    }

    @Test("what the server does first: FORMERR for a broken query, NOTIMP for an UPDATE, nothing for a response")
    func rejections() throws {
        let corefile = try Corefile(parsing: ". {\n    whoami\n}")
        func answer(_ bytes: [UInt8]) -> DNSResolver.Answer {
            DNSResolver.answer(bytes, client: Self.client, corefile: corefile, serverPort: 53)
        }
        var broken = Self.query("a.example")
        broken.removeLast(8)
        let formerr = try DNSMessage(parsing: try #require(answer(broken).response))
        #expect(formerr.rcode == DNSRcode.formatError && formerr.id == 4242 && formerr.questions.isEmpty)
        var update = Self.query("a.example")
        update[2] |= 5 << 3
        let notimp = try DNSMessage(parsing: try #require(answer(update).response))
        #expect(notimp.rcode == DNSRcode.notImplemented && notimp.opcode == 5)
        var response = Self.query("a.example")
        response[2] |= 0x80
        #expect(answer(response).response == nil && answer([1, 2, 3]).response == nil)
        let chaos = try DNSMessage(
            parsing: try #require(answer(Self.query("version.bind", qclass: DNSClass.chaos)).response))
        #expect(chaos.rcode == DNSRcode.refused)
    }

    @Test("seconds as Go writes them")
    func seconds() {
        #expect(DNSResolver.seconds(.nanoseconds(256_103)) == "0.000256103s")
        #expect(DNSResolver.seconds(.milliseconds(1500)) == "1.5s")
        #expect(DNSResolver.seconds(.zero) == "0s")
    }
}

@Suite("DNS messages")
struct DNSMessageTests {
    @Test("a compressed name is read; a pointer ahead is refused")
    func compression() throws {
        // Header, question example.org A IN, answer with its name a pointer to offset 12.
        var bytes: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
        bytes += [7] + Array("example".utf8) + [3] + Array("org".utf8) + [0, 0, 1, 0, 1]
        bytes += [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]
        let message = try DNSMessage(parsing: bytes)
        #expect(message.answers == [.a(DNSName("example.org")!, [192, 0, 2, 1], ttl: 60)])
        #expect(message.flagsText == "qr,rd,ra")
        var loop = bytes
        loop[30] = 200
        #expect(throws: DNSMessageError.self) { try DNSMessage(parsing: loop) }
    }

    @Test("names: escapes both ways, the root, case-insensitive suffixes")
    func names() {
        #expect(DNSName("a\\.b.example.")?.labels.count == 2)
        #expect(DNSName("a\\.b.example")?.description == "a\\.b.example.")
        #expect(DNSName(".") == .root && DNSName.root.description == ".")
        #expect(DNSName("WWW.Example.org")!.isSubdomain(of: DNSName("example.ORG")!))
        #expect(!DNSName("example.org")!.isSubdomain(of: DNSName("www.example.org")!))
        #expect(DNSName("a..b") == nil && DNSName(String(repeating: "a", count: 64)) == nil)
    }

    @Test("addresses: IPv4, IPv6 with :: and a dotted tail, RFC 5952 text")
    func addresses() {
        #expect(IPAddress.parse("192.0.2.1") == [192, 0, 2, 1])
        #expect(IPAddress.parse("::ffff:192.0.2.1")?.suffix(6) == [0xff, 0xff, 192, 0, 2, 1])
        #expect(
            IPAddress.parse("1.2.3") == nil && IPAddress.parse("1::2::3") == nil && IPAddress.parse("01.2.3.4") == nil)
        #expect(IPAddress.text(IPAddress.parse("2001:db8:0:0:0:0:2:1")!) == "2001:db8::2:1")
        #expect(IPAddress.text(IPAddress.parse("::1")!) == "::1")
        #expect(IPAddress.text([10, 0, 0, 1]) == "10.0.0.1")
    }

    @Test("reverse names to addresses")
    func reverse() {
        #expect(DNSResolver.reverseAddress(DNSName("4.3.2.1.in-addr.arpa")!) == [1, 2, 3, 4])
        let v6 = "1." + String(repeating: "0.", count: 31) + "ip6.arpa"
        #expect(DNSResolver.reverseAddress(DNSName(v6)!) == IPAddress.parse("::1"))
        #expect(DNSResolver.reverseAddress(DNSName("example.org")!) == nil)
    }
}
