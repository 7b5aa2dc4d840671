/// DNS messages (RFC 1035) as the local CoreDNS stand-in reads and writes them: a header, questions, resource records
/// (A, AAAA, SRV and PTR data decoded, any other type kept as bytes) and EDNS's OPT record (RFC 6891) on its own.
/// Names are decoded with compression pointers and encoded without compression.
struct DNSMessage: Sendable, Equatable {
    var id: UInt16 = 0
    var response = false
    var opcode: UInt8 = 0
    var authoritative = false
    var truncated = false
    var recursionDesired = false
    var recursionAvailable = false
    var zero = false
    var authenticData = false
    var checkingDisabled = false
    /// The whole response code: the header's four bits, with the OPT record's eight above them.
    var rcode = 0
    var questions: [DNSQuestion] = []
    var answers: [DNSRecord] = []
    var authority: [DNSRecord] = []
    /// The additional section without the OPT record, which is `edns`.
    var additional: [DNSRecord] = []
    var edns: EDNS?

    init() {}

    /// The reply's start as miekg/dns's SetReply makes it (CoreDNS's plugins start from it): the query's ID, opcode and
    /// first question; for a QUERY also its RD and CD bits.
    init(replyTo query: DNSMessage) {
        id = query.id
        response = true
        opcode = query.opcode
        if opcode == 0 {
            recursionDesired = query.recursionDesired
            checkingDisabled = query.checkingDisabled
        }
        questions = Array(query.questions.prefix(1))
    }

    /// The header flags set, in the order and spelling of CoreDNS's `{>rflags}` (`qr,aa,rd`); `-` when none is.
    var flagsText: String {
        let flags: [(Bool, String)] = [
            (response, "qr"), (authoritative, "aa"), (truncated, "tc"), (recursionDesired, "rd"),
            (recursionAvailable, "ra"), (zero, "z"), (authenticData, "ad"), (checkingDisabled, "cd"),
        ]
        let set = flags.filter(\.0).map(\.1)
        return set.isEmpty ? "-" : set.joined(separator: ",")
    }
}

/// A question: name, type, class.
struct DNSQuestion: Sendable, Equatable {
    var name: DNSName
    var type: UInt16
    var qclass: UInt16 = DNSClass.internet
}

/// A resource record.
struct DNSRecord: Sendable, Equatable {
    enum Data: Sendable, Equatable {
        case a([UInt8])
        case aaaa([UInt8])
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
        case ptr(DNSName)
        /// Any other type's RDATA as sent.
        case raw([UInt8])
    }

    var name: DNSName
    var type: UInt16
    var rclass: UInt16 = DNSClass.internet
    var ttl: UInt32
    var data: Data

    static func a(_ name: DNSName, _ address: [UInt8], ttl: UInt32, rclass: UInt16 = DNSClass.internet) -> DNSRecord {
        DNSRecord(name: name, type: DNSType.a, rclass: rclass, ttl: ttl, data: .a(address))
    }

    static func aaaa(_ name: DNSName, _ address: [UInt8], ttl: UInt32, rclass: UInt16 = DNSClass.internet)
        -> DNSRecord
    {
        DNSRecord(name: name, type: DNSType.aaaa, rclass: rclass, ttl: ttl, data: .aaaa(address))
    }
}

/// EDNS: the OPT pseudo-record's fields.
struct EDNS: Sendable, Equatable {
    struct Option: Sendable, Equatable {
        var code: UInt16
        var data: [UInt8]
    }

    /// The requester's UDP payload size (the OPT record's class).
    var udpSize: UInt16
    var version: UInt8 = 0
    /// The DO bit (DNSSEC OK).
    var dnssecOK = false
    /// The flag bits after DO, kept as sent.
    var otherFlags: UInt16 = 0
    var options: [Option] = []

    /// EDNS option codes.
    static let cookie: UInt16 = 10
}

/// Record types by number, and their names as CoreDNS's log writes them (`TYPE<n>` for one without a name).
enum DNSType {
    static let a: UInt16 = 1
    static let ptr: UInt16 = 12
    static let aaaa: UInt16 = 28
    static let srv: UInt16 = 33
    static let opt: UInt16 = 41
    static let ds: UInt16 = 43

    static let names: [UInt16: String] = [
        1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 10: "NULL", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 28: "AAAA",
        29: "LOC", 33: "SRV", 35: "NAPTR", 39: "DNAME", 41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY",
        50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 59: "CDS", 60: "CDNSKEY", 64: "SVCB", 65: "HTTPS", 99: "SPF",
        251: "IXFR", 252: "AXFR", 255: "ANY", 256: "URI", 257: "CAA",
    ]

    static func name(_ type: UInt16) -> String { names[type] ?? "TYPE\(type)" }
}

/// Classes by number and name.
enum DNSClass {
    static let internet: UInt16 = 1
    static let chaos: UInt16 = 3

    static func name(_ rclass: UInt16) -> String {
        [1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY"][rclass] ?? "CLASS\(rclass)"
    }
}

/// Response codes by number and name.
enum DNSRcode {
    static let noError = 0
    static let formatError = 1
    static let serverFailure = 2
    static let nameError = 3
    static let notImplemented = 4
    static let refused = 5
    static let badVersion = 16

    static func name(_ rcode: Int) -> String {
        let names = [
            0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN",
            7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 16: "BADVERS",
        ]
        return names[rcode] ?? String(rcode)
    }
}

/// A domain name as its labels, bytes as sent (DNS compares them ASCII case-insensitively).
struct DNSName: Sendable, Hashable, CustomStringConvertible {
    var labels: [[UInt8]]

    static let root = DNSName(labels: [])

    init(labels: [[UInt8]]) { self.labels = labels }

    /// From presentation text, absolute or not (`example.org` and `example.org.` are one name); `\.` and `\DDD`
    /// escapes are read. Nil when a label is empty or longer than 63 bytes, or the name longer than 255.
    init?(_ text: String) {
        var labels: [[UInt8]] = []
        var label: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        if bytes.elementsEqual([UInt8(ascii: ".")]) { bytes = [] }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "\\"):
                guard let next = bytes.popFirst() else { return nil }
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next), bytes.count >= 2 {
                    let digits = [next, bytes.removeFirst(), bytes.removeFirst()]
                    guard let value = UInt8(String(decoding: digits, as: UTF8.self)) else { return nil }
                    label.append(value)
                } else {
                    label.append(next)
                }
            case UInt8(ascii: "."):
                guard !label.isEmpty else { return nil }
                labels.append(label)
                label = []
            default:
                label.append(byte)
            }
        }
        if !label.isEmpty { labels.append(label) }
        self.init(labels: labels)
        guard labels.allSatisfy({ $0.count <= 63 }), wireLength <= 255 else { return nil }
    }

    /// Presentation form with the trailing dot, escaped as miekg/dns escapes (`\.`, `\DDD`).
    var description: String {
        guard !labels.isEmpty else { return "." }
        var text = ""
        for label in labels {
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "@"), UInt8(ascii: ";"),
                    UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7e:
                    text.append(Character(UnicodeScalar(byte)))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            text += "."
        }
        return text
    }

    /// ASCII letters lowered, as CoreDNS normalizes names for lookups and logs.
    var lowercased: DNSName {
        DNSName(labels: labels.map { $0.map { (0x41...0x5a).contains($0) ? $0 | 0x20 : $0 } })
    }

    /// Whether this name is `zone` or below it (case-insensitively); every name is below the root.
    func isSubdomain(of zone: DNSName) -> Bool {
        guard zone.labels.count <= labels.count else { return false }
        return zone.lowercased.labels == Array(lowercased.labels.suffix(zone.labels.count))
    }

    /// This name under one more label (`_udp` before `example.org.`).
    func prepending(_ label: String) -> DNSName { DNSName(labels: [Array(label.utf8)] + labels) }

    /// Bytes on the wire without compression.
    var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.count } }

    func encode(into bytes: inout [UInt8]) {
        for label in labels {
            bytes.append(UInt8(label.count))
            bytes += label
        }
        bytes.append(0)
    }
}

/// Why bytes are not a DNS message.
struct DNSMessageError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Reading

extension DNSMessage {
    /// The header's section counts, read before the rest (what miekg/dns checks before unpacking a query).
    struct Counts: Equatable {
        var questions: Int
        var answers: Int
        var authority: Int
        var additional: Int
    }

    /// The section counts of bytes with a whole header; nil when shorter than one.
    static func counts(_ bytes: [UInt8]) -> Counts? {
        guard bytes.count >= 12 else { return nil }
        func count(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        return Counts(questions: count(4), answers: count(6), authority: count(8), additional: count(10))
    }

    /// Only the header of bytes with a whole one (the rest is left empty); nil when shorter.
    init?(header bytes: [UInt8]) {
        guard bytes.count >= 12 else { return nil }
        self.init()
        readHeader(bytes)
    }

    /// A whole message.
    init(parsing bytes: [UInt8]) throws(DNSMessageError) {
        guard let counts = DNSMessage.counts(bytes) else { throw DNSMessageError("shorter than a DNS header") }
        self.init()
        readHeader(bytes)
        var reader = Reader(bytes: bytes, offset: 12)
        for _ in 0..<counts.questions {
            let name = try reader.name()
            questions.append(DNSQuestion(name: name, type: try reader.uint16(), qclass: try reader.uint16()))
        }
        for _ in 0..<counts.answers { answers.append(try reader.record()) }
        for _ in 0..<counts.authority { authority.append(try reader.record()) }
        for _ in 0..<counts.additional {
            let record = try reader.record()
            guard record.type == DNSType.opt else {
                additional.append(record)
                continue
            }
            guard edns == nil else { throw DNSMessageError("more than one OPT record") }
            guard case .raw(let data) = record.data else { continue }
            var options: [EDNS.Option] = []
            var optionReader = Reader(bytes: data, offset: 0)
            while optionReader.offset < data.count {
                let code = try optionReader.uint16()
                let length = Int(try optionReader.uint16())
                options.append(EDNS.Option(code: code, data: try optionReader.bytes(length)))
            }
            let flags = UInt16(truncatingIfNeeded: record.ttl)
            edns = EDNS(
                udpSize: record.rclass, version: UInt8(truncatingIfNeeded: record.ttl >> 16),
                dnssecOK: flags & 0x8000 != 0, otherFlags: flags & 0x7fff, options: options)
            rcode |= Int(record.ttl >> 24) << 4
        }
    }

    private mutating func readHeader(_ bytes: [UInt8]) {
        id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let flags = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        response = flags & 0x8000 != 0
        opcode = UInt8((flags >> 11) & 0xf)
        authoritative = flags & 0x0400 != 0
        truncated = flags & 0x0200 != 0
        recursionDesired = flags & 0x0100 != 0
        recursionAvailable = flags & 0x0080 != 0
        zero = flags & 0x0040 != 0
        authenticData = flags & 0x0020 != 0
        checkingDisabled = flags & 0x0010 != 0
        rcode = Int(flags & 0xf)
    }

    /// A cursor over a message's bytes.
    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func uint16() throws(DNSMessageError) -> UInt16 {
            guard offset + 2 <= bytes.count else { throw DNSMessageError("message ends inside a field") }
            defer { offset += 2 }
            return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        }

        mutating func uint32() throws(DNSMessageError) -> UInt32 {
            let high = UInt32(try uint16())
            return high << 16 | UInt32(try uint16())
        }

        mutating func bytes(_ count: Int) throws(DNSMessageError) -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count else { throw DNSMessageError("message ends inside data") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        /// A name, following compression pointers (each must point backwards, so a loop cannot form).
        mutating func name() throws(DNSMessageError) -> DNSName {
            var labels: [[UInt8]] = []
            var position = offset
            var jumped = false
            var length = 1
            while true {
                guard position < bytes.count else { throw DNSMessageError("message ends inside a name") }
                let byte = bytes[position]
                switch byte & 0xc0 {
                case 0x00:
                    if byte == 0 {
                        if !jumped { offset = position + 1 }
                        return DNSName(labels: labels)
                    }
                    let count = Int(byte)
                    guard position + 1 + count <= bytes.count else {
                        throw DNSMessageError("message ends inside a name")
                    }
                    labels.append(Array(bytes[position + 1..<position + 1 + count]))
                    length += 1 + count
                    guard length <= 255 else { throw DNSMessageError("a name longer than 255 bytes") }
                    position += 1 + count
                case 0xc0:
                    guard position + 1 < bytes.count else { throw DNSMessageError("message ends inside a name") }
                    let target = Int(byte & 0x3f) << 8 | Int(bytes[position + 1])
                    guard target < position else { throw DNSMessageError("a compression pointer that points ahead") }
                    if !jumped { offset = position + 2 }
                    jumped = true
                    position = target
                default:
                    throw DNSMessageError("an unknown label type")
                }
            }
        }

        mutating func record() throws(DNSMessageError) -> DNSRecord {
            let name = try name()
            let type = try uint16()
            let rclass = try uint16()
            let ttl = try uint32()
            let length = Int(try uint16())
            let end = offset + length
            guard end <= bytes.count else { throw DNSMessageError("message ends inside a record's data") }
            let data: DNSRecord.Data
            switch type {
            case DNSType.a where length == 4:
                data = .a(try self.bytes(4))
            case DNSType.aaaa where length == 16:
                data = .aaaa(try self.bytes(16))
            case DNSType.srv where length >= 7:
                data = .srv(priority: try uint16(), weight: try uint16(), port: try uint16(), target: try self.name())
            case DNSType.ptr where length >= 1:
                data = .ptr(try self.name())
            default:
                data = .raw(try self.bytes(length))
            }
            guard offset == end else { throw DNSMessageError("a record's data is not its stated length") }
            return DNSRecord(name: name, type: type, rclass: rclass, ttl: ttl, data: data)
        }
    }
}

// MARK: - Writing

extension DNSMessage {
    /// The message on the wire, names uncompressed; the OPT record, when there is one, last in the additional section.
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        func put(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xff)] }
        func put(_ value: UInt32) {
            put(UInt16(value >> 16))
            put(UInt16(value & 0xffff))
        }
        put(id)
        var flags = UInt16(opcode & 0xf) << 11 | UInt16(rcode & 0xf)
        for (set, bit) in [
            (response, 0x8000), (authoritative, 0x0400), (truncated, 0x0200), (recursionDesired, 0x0100),
            (recursionAvailable, 0x0080), (zero, 0x0040), (authenticData, 0x0020), (checkingDisabled, 0x0010),
        ] as [(Bool, UInt16)] where set {
            flags |= bit
        }
        put(flags)
        put(UInt16(questions.count))
        put(UInt16(answers.count))
        put(UInt16(authority.count))
        put(UInt16(additional.count + (edns == nil ? 0 : 1)))
        for question in questions {
            question.name.encode(into: &bytes)
            put(question.type)
            put(question.qclass)
        }
        for record in answers + authority + additional {
            record.name.encode(into: &bytes)
            put(record.type)
            put(record.rclass)
            put(record.ttl)
            var data: [UInt8] = []
            switch record.data {
            case .a(let address), .aaaa(let address), .raw(let address):
                data = address
            case .srv(let priority, let weight, let port, let target):
                data = [
                    UInt8(priority >> 8), UInt8(priority & 0xff), UInt8(weight >> 8), UInt8(weight & 0xff),
                    UInt8(port >> 8), UInt8(port & 0xff),
                ]
                target.encode(into: &data)
            case .ptr(let target):
                target.encode(into: &data)
            }
            put(UInt16(data.count))
            bytes += data
        }
        if let edns {
            bytes.append(0)  // the root name
            put(DNSType.opt)
            put(edns.udpSize)
            let flags = (edns.dnssecOK ? 0x8000 : 0) | edns.otherFlags
            put(UInt32(rcode >> 4 & 0xff) << 24 | UInt32(edns.version) << 16 | UInt32(flags))
            var data: [UInt8] = []
            for option in edns.options {
                data += [UInt8(option.code >> 8), UInt8(option.code & 0xff)]
                data += [UInt8(option.data.count >> 8), UInt8(option.data.count & 0xff)]
                data += option.data
            }
            put(UInt16(data.count))
            bytes += data
        }
        return bytes
    }
}

// MARK: - Addresses

/// IPv4 and IPv6 addresses as A and AAAA record data: read from text and written back.
enum IPAddress {
    /// Four bytes for dotted IPv4 text, sixteen for IPv6 text (`::` and a trailing dotted quad allowed, a `%zone`
    /// dropped); nil for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        if !text.contains(":") { return parseV4(text) }
        return parseV6(text)
    }

    private static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let value = UInt8(part),
                part == "0" || !part.hasPrefix("0")
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseV6(_ text: Substring) -> [UInt8]? {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// Dotted text for four bytes; for sixteen, RFC 5952's (lowercase, the longest run of zero groups as `::`).
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return bytes.map(String.init).joined(separator: ".") }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > best.length && end - index >= 2 { best = (index, end - index) }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard best.start >= 0 else { return hex(0..<8) }
        return hex(0..<best.start) + "::" + hex(best.start + best.length..<8)
    }
}
