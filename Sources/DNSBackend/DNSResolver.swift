/// Who sent a query, and over what.
struct DNSClient: Sendable, Equatable {
    enum Transport: String, Sendable {
        case udp, tcp
    }

    var address: String
    var port: Int
    var transport: Transport
}

/// CoreDNS's answer to one query, as its server and plugins make it: the server block on the port whose zone is the
/// longest suffix of the name (`.` last), its plugins in CoreDNS's order, and the log lines they write.
enum DNSResolver {
    /// The bytes to send back (nil when the query is dropped unanswered) and the lines logged.
    struct Answer: Sendable, Equatable {
        var response: [UInt8]?
        var log: [String]
    }

    static func answer(
        _ query: [UInt8], client: DNSClient, corefile: Corefile, serverPort: Int, serverAddress: String = ""
    ) -> Answer {
        // What miekg/dns checks before CoreDNS sees the query: not a response, a QUERY or NOTIFY with one question.
        guard let counts = DNSMessage.counts(query), let header = DNSMessage(header: query), !header.response else {
            return Answer(response: nil, log: [])
        }
        guard header.opcode == 0 || header.opcode == 4 else {
            return Answer(response: rejection(header, rcode: DNSRcode.notImplemented), log: [])
        }
        guard counts.questions == 1, counts.answers <= 1, counts.authority <= 1, counts.additional <= 2,
            let message = try? DNSMessage(parsing: query), let question = message.questions.first
        else {
            return Answer(response: rejection(header, rcode: DNSRcode.formatError), log: [])
        }
        var request = Request(
            message: message, question: question, client: client, size: query.count, serverAddress: serverAddress)
        let servers = corefile.servers.filter { $0.zones.contains { $0.port == serverPort } }

        // CoreDNS's server: other classes than IN only where a block has chaos or forward; EDNS version 0 only.
        let chaos = servers.contains { $0.plugins.contains { ["chaos", "forward"].contains($0.name) } }
        guard question.qclass == DNSClass.internet || chaos else {
            return Answer(response: request.finish(request.failure(DNSRcode.refused)), log: [])
        }
        if let edns = message.edns, edns.version != 0 {
            var reply = DNSMessage(replyTo: message)
            reply.questions = []
            reply.rcode = DNSRcode.badVersion
            reply.edns = EDNS(udpSize: edns.udpSize)
            return Answer(response: reply.encoded(), log: [])
        }

        // The zone: the query name's longest suffix a block serves on this port; a DS query goes to the parent's.
        var zones: [DNSName: Corefile.Server] = [:]
        for server in servers {
            for zone in server.zones where zone.port == serverPort && zones[zone.name] == nil {
                zones[zone.name] = server
            }
        }
        var chosen: Corefile.Server?
        var parent: Corefile.Server?
        for count in stride(from: request.name.labels.count, to: 0, by: -1) {
            guard let server = zones[DNSName(labels: Array(request.name.labels.suffix(count)))] else { continue }
            if question.type != DNSType.ds {
                chosen = server
                break
            }
            parent = server
        }
        guard let server = chosen ?? parent ?? zones[.root] else {
            return Answer(response: request.finish(request.failure(DNSRcode.refused)), log: [])
        }
        var log: [String] = []
        request.loggedByErrors = server.plugins.contains(.errors)
        let outcome = request.run(server.plugins[...], after: "", log: &log)
        // The errors plugin logs an unsupported plugin's failure when the block has it; else it is logged here, last.
        if let plugin = outcome.unsupported, !request.loggedByErrors {
            log.append(
                "[ERROR] plugin/\(plugin): \(outcome.rcode) \(request.name) \(request.typeName): \(Plugin.notSupported)"
            )
        }
        // The plugins answered unless they returned one of the codes that say nothing was written.
        let written =
            [DNSRcode.serverFailure, DNSRcode.refused, DNSRcode.formatError, DNSRcode.notImplemented].contains(
                outcome.rcode) ? nil : outcome.written
        return Answer(response: request.finish(written ?? request.failure(outcome.rcode)), log: log)
    }

    /// miekg/dns's answer to a query it will not unpack: the header back as a response, no sections.
    static func rejection(_ header: DNSMessage, rcode: Int) -> [UInt8] {
        var reply = header
        reply.response = true
        reply.authoritative = false
        reply.zero = false
        if rcode != DNSRcode.notImplemented { reply.opcode = 0 }
        reply.rcode = rcode
        return reply.encoded()
    }

    /// What a plugin chain did with a query: the code it returned, the error it gave and the message it wrote.
    struct Outcome {
        var rcode: Int
        var error: String?
        var written: DNSMessage?
        /// The unsupported plugin that failed the query.
        var unsupported: String?
    }

    /// One query as the plugins see it.
    struct Request {
        var message: DNSMessage
        var question: DNSQuestion
        var client: DNSClient
        /// The query's length in bytes.
        var size: Int
        var serverAddress: String
        /// Whether the block has the errors plugin, which logs the errors the plugins after it return.
        var loggedByErrors = false

        /// The name lowercased, as CoreDNS's `state.Name()`.
        var name: DNSName { question.name.lowercased }
        var typeName: String { DNSType.name(question.type) }

        /// The largest response the client takes: 64 KiB over TCP, else its EDNS size (512 at least, and without one).
        var bufferSize: Int {
            if client.transport == .tcp { return 65535 }
            return max(Int(message.edns?.udpSize ?? 0), 512)
        }

        /// CoreDNS's error reply: the query's reply with that code.
        func failure(_ rcode: Int) -> DNSMessage {
            var reply = DNSMessage(replyTo: message)
            reply.rcode = rcode
            return reply
        }

        /// A reply as CoreDNS's writer sends it: the query's OPT record back (its DO bit and the options CoreDNS keeps:
        /// NSID, EXPIRE, COOKIE, TCP keepalive, padding), cut to the client's size with TC set.
        func finish(_ reply: DNSMessage) -> [UInt8] {
            var reply = reply
            if let edns = message.edns {
                reply.edns = EDNS(
                    udpSize: edns.udpSize, version: 0, dnssecOK: edns.dnssecOK, otherFlags: edns.otherFlags & 0x7f00,
                    options: edns.options.filter { [3, 9, 10, 11, 12].contains($0.code) })
            }
            var bytes = reply.encoded()
            if bytes.count > bufferSize {
                reply.truncated = true
                (reply.answers, reply.authority, reply.additional) = ([], [], [])
                bytes = reply.encoded()
            }
            return bytes
        }

        /// The plugins from the first on; `previous` names the one before, for CoreDNS's "no next plugin found".
        func run(_ plugins: ArraySlice<Plugin>, after previous: String, log: inout [String]) -> Outcome {
            guard let plugin = plugins.first else {
                return Outcome(rcode: DNSRcode.serverFailure, error: "plugin/\(previous): no next plugin found")
            }
            let rest = plugins.dropFirst()
            func next() -> Outcome { run(rest, after: plugin.name, log: &log) }
            switch plugin {
            case .accepted:
                return next()
            case .errors:
                let outcome = next()
                if let error = outcome.error {
                    log.append("[ERROR] plugin/errors: \(outcome.rcode) \(name) \(typeName): \(error)")
                }
                return outcome
            case .log(let rules):
                guard let rule = rules.first(where: { name.isSubdomain(of: $0.scope) }) else { return next() }
                let clock = ContinuousClock()
                let start = clock.now
                let outcome = next()
                let elapsed = start.duration(to: clock.now)
                if rule.classes.isEmpty || rule.classes.contains(responseClass(outcome.written))
                    || rule.minDuration.map({ nanoseconds(elapsed) > $0 }) ?? false
                {
                    log.append("[INFO] " + logLine(rule.format, written: outcome.written, elapsed: elapsed))
                }
                return outcome
            case .unsupported(let plugin):
                return Outcome(
                    rcode: DNSRcode.serverFailure, error: "plugin/\(plugin): \(Plugin.notSupported)",
                    unsupported: plugin)
            case .forward(let forward):
                guard forward.matches(name) else { return next() }
                return Outcome(rcode: DNSRcode.serverFailure, error: forward.failure)
            case .whoami:
                return Outcome(rcode: DNSRcode.noError, written: whoami())
            case .hosts(let hosts):
                return self.hosts(hosts, next: next)
            }
        }

        /// whoami: an authoritative reply with no answer; the additional section holds the client's address (A or
        /// AAAA for the query name) and `_<transport>.<name>` SRV 0 0 <client port> `.`, all with TTL 0.
        func whoami() -> DNSMessage {
            var reply = DNSMessage(replyTo: message)
            reply.authoritative = true
            let qname = question.name
            if var address = IPAddress.parse(client.address) {
                if address.count == 16 && address.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
                    address = Array(address.suffix(4))
                }
                reply.additional.append(
                    address.count == 4
                        ? .a(qname, address, ttl: 0, rclass: question.qclass)
                        : .aaaa(qname, address, ttl: 0, rclass: question.qclass))
            }
            reply.additional.append(
                DNSRecord(
                    name: qname.prepending("_" + client.transport.rawValue), type: DNSType.srv,
                    rclass: question.qclass, ttl: 0,
                    data: .srv(priority: 0, weight: 0, port: UInt16(clamping: client.port), target: .root)))
            return reply
        }

        /// hosts: A, AAAA and PTR from its entries; a name it has no entry for falls through when told to, else gets
        /// SERVFAIL (CoreDNS's choice: without an SOA it cannot say NXDOMAIN); a name with entries of the other family
        /// only gets an empty answer.
        func hosts(_ hosts: Hosts, next: () -> Outcome) -> Outcome {
            let inZone = hosts.origins.contains { name.isSubdomain(of: $0) }
            guard inZone || question.type == DNSType.ptr else { return next() }
            var answers: [DNSRecord] = []
            switch question.type {
            case DNSType.ptr:
                guard hosts.reverse, let address = DNSResolver.reverseAddress(name), let names = hosts.names[address]
                else { return next() }
                answers = names.map {
                    DNSRecord(name: name, type: DNSType.ptr, ttl: hosts.ttl, data: .ptr($0))
                }
            case DNSType.a:
                answers = (hosts.v4[name] ?? []).map { .a(name, $0, ttl: hosts.ttl) }
            case DNSType.aaaa:
                answers = (hosts.v6[name] ?? []).map { .aaaa(name, $0, ttl: hosts.ttl) }
            default:
                break
            }
            if answers.isEmpty && hosts.v4[name] == nil && hosts.v6[name] == nil {
                if let zones = hosts.fallThrough, zones.isEmpty || zones.contains(where: { name.isSubdomain(of: $0) }) {
                    return next()
                }
                return Outcome(rcode: DNSRcode.serverFailure)
            }
            var reply = DNSMessage(replyTo: message)
            reply.authoritative = true
            reply.answers = answers
            return Outcome(rcode: DNSRcode.noError, written: reply)
        }

        /// The log plugin's line: its format's placeholders filled in (`-` for metadata, which there is none of).
        func logLine(_ format: String, written: DNSMessage?, elapsed: Duration) -> String {
            let remote = client.address.contains(":") ? "[\(client.address)]" : client.address
            let local = serverAddress.contains(":") ? "[\(serverAddress)]" : serverAddress
            let values: [String: String] = [
                "{type}": typeName, "{name}": name.description, "{class}": DNSClass.name(question.qclass),
                "{proto}": client.transport.rawValue, "{size}": String(size), "{remote}": remote,
                "{port}": String(client.port), "{local}": local, "{>id}": String(message.id),
                "{>opcode}": String(message.opcode), "{>do}": String(message.edns?.dnssecOK ?? false),
                "{>bufsize}": String(bufferSize), "{rcode}": DNSRcode.name(written?.rcode ?? 0),
                "{rsize}": String(written?.encoded().count ?? 0), "{duration}": DNSResolver.seconds(elapsed),
                "{>rflags}": written?.flagsText ?? "-",
            ]
            var line = ""
            var rest = Substring(format)
            while let open = rest.firstIndex(of: "{") {
                line += rest[..<open]
                rest = rest[open...]
                if let close = rest.firstIndex(of: "}") {
                    let label = String(rest[...close])
                    if let value = values[label] {
                        line += value
                        rest = rest[rest.index(after: close)...]
                        continue
                    }
                    if label.hasPrefix("{/") {
                        line += "-"
                        rest = rest[rest.index(after: close)...]
                        continue
                    }
                }
                line += "{"
                rest = rest.dropFirst()
            }
            return line + rest
        }

        /// The class `log { class ... }` filters on: denial for NXDOMAIN and for an empty NOERROR answer, error for
        /// any other code or nothing written, else success.
        func responseClass(_ written: DNSMessage?) -> LogRule.ResponseClass {
            guard let written else { return .error }
            switch written.rcode {
            case DNSRcode.nameError:
                return .denial
            case DNSRcode.noError:
                let delegation =
                    written.authority.contains { $0.type == 2 } && !written.authority.contains { $0.type == 6 }
                return written.answers.isEmpty && !delegation ? .denial : .success
            default:
                return .error
            }
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Seconds as Go's `strconv.FormatFloat(s, 'f', -1, 64)` writes them, with an `s`: `0.000257103s`.
    static func seconds(_ duration: Duration) -> String {
        let total = max(nanoseconds(duration), 0)
        var text = String(total / 1_000_000_000)
        var fraction = String(total % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { text += "." + fraction }
        return text + "s"
    }

    /// The address a reverse name stands for: `4.3.2.1.in-addr.arpa.` for 1.2.3.4, 32 nibbles under `ip6.arpa.`.
    static func reverseAddress(_ name: DNSName) -> [UInt8]? {
        let labels = name.lowercased.labels.map { String(decoding: $0, as: UTF8.self) }
        if labels.suffix(2) == ["in-addr", "arpa"], labels.count == 6 {
            return IPAddress.parse(labels.prefix(4).reversed().joined(separator: "."))
        }
        guard labels.suffix(2) == ["ip6", "arpa"], labels.count == 34 else { return nil }
        var nibbles: [UInt8] = []
        for label in labels.prefix(32).reversed() {
            guard label.count == 1, let value = UInt8(label, radix: 16) else { return nil }
            nibbles.append(value)
        }
        return stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
    }
}
