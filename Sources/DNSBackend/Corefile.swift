/// A CoreDNS Corefile as the local stand-in for `coredns/coredns` serves it: server blocks (`ZONE[:PORT]...
/// { plugins }`), each zone on a port (53 when none is written), and each block's plugins in the order CoreDNS runs
/// them. `whoami`, `hosts`, `forward` (which reaches nothing from here), `log` and `errors` act; plugins that do not
/// change answers are accepted; any other is kept, and the block answers SERVFAIL saying so.
struct Corefile: Sendable, Equatable {
    /// A zone a server block serves, on a port.
    struct Zone: Sendable, Equatable {
        var name: DNSName
        var port: Int

        /// As CoreDNS lists it at startup: `cafe.example.com.:53`.
        var description: String { "\(name):\(port)" }
    }

    /// One server block: its zones and its plugins, in CoreDNS's order.
    struct Server: Sendable, Equatable {
        var zones: [Zone]
        var plugins: [Plugin]
        var line: Int
    }

    var servers: [Server]
    /// What CoreDNS would warn about at startup, and what this stand-in cannot do, as log lines.
    var warnings: [String] = []

    /// The ports the blocks use, in order of first use.
    var ports: [Int] {
        var ports: [Int] = []
        for zone in servers.flatMap(\.zones) where !ports.contains(zone.port) { ports.append(zone.port) }
        return ports
    }

    /// Parses `text`. `file` names it in errors; `readFile` gives a `hosts` FILE's contents (nil when there is none).
    init(parsing text: String, file: String = "Corefile", readFile: (String) -> String? = { _ in nil })
        throws(CorefileError)
    {
        var parser = Parser(tokens: Corefile.tokens(text), file: file)
        let blocks = try parser.serverBlocks()
        servers = []
        var served: [String: Int] = [:]
        for block in blocks {
            var zones: [Zone] = []
            for key in block.keys {
                let zone = try Corefile.zone(key, file: file, line: block.line)
                if let previous = served[zone.description] {
                    throw CorefileError(
                        file: file, line: block.line,
                        message: "cannot serve dns://\(zone.description) - it is already defined on line \(previous)")
                }
                served[zone.description] = block.line
                zones.append(zone)
            }
            var plugins: [Plugin] = []
            for directive in block.directives {
                plugins.append(
                    try Plugin(directive, zones: zones.map(\.name), file: file, readFile: readFile, warnings: &warnings)
                )
            }
            let scope = zones.map(\.description).joined(separator: " ")
            for plugin in plugins {
                switch plugin {
                case .forward(let forward):
                    warnings.append(
                        "[WARNING] plugin/forward: \(forward.failure); queries to \(scope) that it takes (names under "
                            + "\(forward.from)) get SERVFAIL")
                case .unsupported(let name):
                    warnings.append(
                        "[WARNING] plugin/\(name): \(Plugin.notSupported); every query to \(scope) gets SERVFAIL")
                default:
                    break
                }
            }
            // Several log lines in a block are one plugin with their rules in order, as CoreDNS sets them up.
            let rules = plugins.flatMap { plugin -> [LogRule] in
                guard case .log(let rules) = plugin else { return [] }
                return rules
            }
            plugins.removeAll { $0.name == "log" }
            if !rules.isEmpty { plugins.append(.log(rules)) }
            servers.append(Server(zones: zones, plugins: Plugin.ordered(plugins), line: block.line))
        }
        guard !servers.isEmpty else {
            throw CorefileError(
                file: file, line: 1, message: "no server block: a Corefile needs one, as `. { whoami }`")
        }
    }

    /// A server block key: `[dns://]ZONE[:PORT]`.
    static func zone(_ key: String, file: String, line: Int) throws(CorefileError) -> Zone {
        var text = Substring(key)
        if let scheme = text.firstRange(of: "://") {
            guard text[..<scheme.lowerBound].lowercased() == "dns" else {
                throw CorefileError(
                    file: file, line: line,
                    message: "\(key): only plain DNS (dns://) is served by gwconsole's local stand-in for CoreDNS")
            }
            text = text[scheme.upperBound...]
        }
        var port = 53
        if let colon = text.lastIndex(of: ":") {
            guard let number = Int(text[text.index(after: colon)...]), (1...65535).contains(number) else {
                throw CorefileError(
                    file: file, line: line, message: "\(key): the port must be a number from 1 to 65535")
            }
            port = number
            text = text[..<colon]
        }
        guard !text.contains("/") else {
            throw CorefileError(
                file: file, line: line,
                message: "\(key): a reverse zone written as a CIDR is not supported here; write its in-addr.arpa name")
        }
        guard let name = DNSName(text.isEmpty ? "." : String(text)) else {
            throw CorefileError(file: file, line: line, message: "\(key) is not a zone name")
        }
        return Zone(name: name.lowercased, port: port)
    }
}

/// A Corefile that cannot be served, and where: CoreDNS's wording (`Corefile:3 - Error during parsing: ...`).
struct CorefileError: Error, Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String

    var description: String { "\(file):\(line) - Error during parsing: \(message)" }
}

// MARK: - Plugins

/// A plugin of a server block, as the stand-in runs it.
enum Plugin: Sendable, Equatable {
    case whoami
    case hosts(Hosts)
    case forward(Forward)
    case log([LogRule])
    case errors
    /// Accepted with no effect on answers here (`health`, `ready`, `reload`, `cache`, `loop`, `loadbalance`, ...).
    case accepted(String)
    /// Not supported here: every query to its block gets SERVFAIL.
    case unsupported(String)

    var name: String {
        switch self {
        case .whoami: "whoami"
        case .hosts: "hosts"
        case .forward: "forward"
        case .log: "log"
        case .errors: "errors"
        case .accepted(let name), .unsupported(let name): name
        }
    }

    static let notSupported = "not supported by gwconsole's local stand-in for CoreDNS"

    /// Plugins that change no answer here: health and readiness endpoints, reloading, caching an upstream's answers
    /// (there is none), loop detection, shuffling, metrics, profiling, socket options.
    static let acceptedNames: Set<String> = [
        "health", "ready", "reload", "cache", "loop", "loadbalance", "prometheus", "pprof", "debug", "bind", "cancel",
        "timeouts", "reuseport",
    ]

    /// CoreDNS's plugin order (plugin.cfg): a request meets the plugins in this order, whatever the Corefile's.
    static let order = [
        "root", "metadata", "geoip", "cancel", "tls", "timeouts", "reuseport", "reload", "nsid", "bufsize", "bind",
        "debug", "trace", "ready", "health", "pprof", "prometheus", "errors", "log", "dnstap", "local", "dns64", "acl",
        "any", "chaos", "loadbalance", "tsig", "cache", "rewrite", "header", "dnssec", "autopath", "minimal",
        "template", "transfer", "hosts", "route53", "azure", "clouddns", "k8s_external", "kubernetes", "file", "auto",
        "secondary", "etcd", "loop", "forward", "grpc", "erratic", "whoami", "on", "sign", "view",
    ]

    /// The plugins in CoreDNS's order. An unsupported plugin goes right after `log`, so every query meets it, and
    /// `errors` and `log` see its failure.
    static func ordered(_ plugins: [Plugin]) -> [Plugin] {
        let log = Double(order.firstIndex(of: "log")!)
        func rank(_ plugin: Plugin) -> Double {
            if case .unsupported = plugin { return log + 0.5 }
            return Double(order.firstIndex(of: plugin.name) ?? order.count)
        }
        return plugins.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }

    init(
        _ directive: Directive, zones: [DNSName], file: String, readFile: (String) -> String?,
        warnings: inout [String]
    ) throws(CorefileError) {
        func failure(_ message: String, line: Int = directive.line) -> CorefileError {
            CorefileError(file: file, line: line, message: "plugin/\(directive.name): \(message)")
        }
        switch directive.name {
        case "whoami":
            guard directive.arguments.isEmpty, directive.block == nil else { throw failure("takes no arguments") }
            self = .whoami
        case "errors":
            self = .errors
        case "log":
            self = .log(try LogRule.parse(directive, failure: failure))
        case "forward":
            self = .forward(try Forward(directive, failure: failure))
        case "hosts":
            self = .hosts(try Hosts(directive, zones: zones, readFile: readFile, warnings: &warnings, failure: failure))
        case let name where Plugin.acceptedNames.contains(name):
            self = .accepted(name)
        default:
            self = .unsupported(directive.name)
        }
    }
}

/// `forward FROM TO... { except NAMES... }`: queries for names under FROM (and not under an excepted name) go to the
/// TO addresses, which a local pod cannot reach, so they are answered SERVFAIL.
struct Forward: Sendable, Equatable {
    var from: DNSName
    var to: [String]
    var except: [DNSName] = []

    /// Why a forwarded query fails, as the `errors` plugin logs it.
    var failure: String {
        "forward to \(to.joined(separator: ", ")) is not reachable: "
            + "gwconsole's local pods forward to no address outside this machine"
    }

    init(_ directive: Directive, failure: (String, Int) -> CorefileError) throws(CorefileError) {
        guard directive.arguments.count >= 2, let from = DNSName(directive.arguments[0]) else {
            throw failure("takes FROM and one or more TO addresses", directive.line)
        }
        self.from = from.lowercased
        to = Array(directive.arguments.dropFirst())
        for option in directive.block ?? [] where option.name == "except" {
            for name in option.arguments {
                guard let parsed = DNSName(name) else { throw failure("\(name) is not a domain name", option.line) }
                except.append(parsed.lowercased)
            }
        }
    }

    /// Whether the plugin takes a query for `name` (else the next plugin does).
    func matches(_ name: DNSName) -> Bool {
        guard name.isSubdomain(of: from) else { return false }
        return name.lowercased == from || !except.contains { name.isSubdomain(of: $0) }
    }
}

/// `log [NAMES...] [FORMAT] { class CLASSES...; minDuration D }`: one rule per name; the first whose name the query
/// is under logs it.
struct LogRule: Sendable, Equatable {
    enum ResponseClass: String, Sendable {
        case success, denial, error, all
    }

    var scope: DNSName
    var format: String
    /// Empty: every class.
    var classes: Set<ResponseClass> = []
    /// With classes: a query of another class is logged still when it took longer (nanoseconds).
    var minDuration: Int64?

    static let commonFormat =
        #"{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" "#
        + "{rcode} {>rflags} {rsize} {duration}"
    static let combinedFormat = commonFormat + #" "{>opcode}""#

    static func parse(_ directive: Directive, failure: (String, Int) -> CorefileError) throws(CorefileError)
        -> [LogRule]
    {
        var names = directive.arguments
        var format = commonFormat
        if names.count >= 2, let last = names.last, last.contains("{") {
            format = last == "{common}" ? commonFormat : last == "{combined}" ? combinedFormat : last
            names.removeLast()
        }
        if names.isEmpty { names = ["."] }
        var classes: Set<ResponseClass> = []
        var minDuration: Int64?
        for option in directive.block ?? [] {
            switch option.name {
            case "class":
                guard !option.arguments.isEmpty else { throw failure("class needs one or more classes", option.line) }
                for name in option.arguments {
                    guard let value = ResponseClass(rawValue: name) else {
                        throw failure("\(name) is not a class (success, denial, error, all)", option.line)
                    }
                    classes.insert(value)
                }
            case "minDuration":
                guard option.arguments.count <= 1 else { throw failure("minDuration takes one duration", option.line) }
                let text = option.arguments.first ?? "100ms"
                guard let nanoseconds = goDuration(text) else {
                    throw failure("Illegal duration found: '\(text)'", option.line)
                }
                minDuration = nanoseconds
            default:
                throw failure("unknown property '\(option.name)'", option.line)
            }
        }
        if classes.contains(.all) { classes = [] }
        var rules: [LogRule] = []
        for name in names {
            guard let scope = DNSName(name) else { throw failure("\(name) is not a domain name", directive.line) }
            rules.append(
                LogRule(
                    scope: scope.lowercased, format: format, classes: classes,
                    minDuration: classes.isEmpty ? nil : minDuration))
        }
        return rules
    }

    /// A Go duration (`100ms`, `1.5s`, `2m`) in nanoseconds.
    static func goDuration(_ text: String) -> Int64? {
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !rest.dropFirst($0.0.count).hasPrefix("s") })
            else { return nil }
            total += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return Int64(total)
    }
}

/// `hosts [FILE [ZONES...]] { IP NAME...; ttl N; no_reverse; reload D; fallthrough [ZONES...] }`: answers A and AAAA
/// from its entries (inline ones before the file's), PTR for their addresses.
struct Hosts: Sendable, Equatable {
    /// The zones it answers for: its own, else the server block's.
    var origins: [DNSName]
    var v4: [DNSName: [[UInt8]]] = [:]
    var v6: [DNSName: [[UInt8]]] = [:]
    var names: [[UInt8]: [DNSName]] = [:]
    var ttl: UInt32 = 3600
    var reverse = true
    /// Nil: no fall through; empty: for every name; else for names under these.
    var fallThrough: [DNSName]?

    init(origins: [DNSName]) { self.origins = origins }

    init(
        _ directive: Directive, zones: [DNSName], readFile: (String) -> String?, warnings: inout [String],
        failure: (String, Int) -> CorefileError
    ) throws(CorefileError) {
        var origins: [DNSName] = []
        for zone in directive.arguments.dropFirst() {
            guard let name = DNSName(zone) else { throw failure("\(zone) is not a zone name", directive.line) }
            origins.append(name.lowercased)
        }
        self.init(origins: origins.isEmpty ? zones : origins)
        var inline: [(line: Int, text: String)] = []
        for option in directive.block ?? [] {
            switch option.name {
            case "fallthrough":
                var zones: [DNSName] = []
                for zone in option.arguments {
                    guard let name = DNSName(zone) else { throw failure("\(zone) is not a zone name", option.line) }
                    zones.append(name.lowercased)
                }
                fallThrough = zones
            case "ttl":
                guard option.arguments.count == 1, let value = UInt32(option.arguments[0]), (1...65535).contains(value)
                else { throw failure("ttl takes a number of seconds from 1 to 65535", option.line) }
                ttl = value
            case "no_reverse":
                reverse = false
            case "reload":
                break  // The file is read once, at startup.
            default:
                inline.append((option.line, ([option.name] + option.arguments).joined(separator: " ")))
            }
        }
        for entry in inline {
            guard add(entry.text) else {
                throw failure("'\(entry.text)' is not a hosts entry (IP NAME...)", entry.line)
            }
        }
        // Without FILE CoreDNS reads the container's /etc/hosts; a local pod has none of its own, so there is none.
        if let path = directive.arguments.first {
            guard let contents = readFile(path) else {
                warnings.append("[WARNING] plugin/hosts: File does not exist: \(path)")
                return
            }
            // The inline entries win over the file's for a name they give (CoreDNS's order); a bad line is skipped.
            let inlineNames = Set(v4.keys).union(v6.keys)
            for line in contents.split(whereSeparator: \.isNewline) {
                _ = add(String(line.prefix { $0 != "#" }), skipping: inlineNames)
            }
        }
    }

    /// Adds one `IP NAME...` line, but for names in `skipping`; false when it is not one (a blank line is, with
    /// nothing added).
    mutating func add(_ line: String, skipping: Set<DNSName> = []) -> Bool {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first else { return true }
        guard fields.count >= 2, let address = IPAddress.parse(first) else { return false }
        for field in fields.dropFirst() {
            guard let name = DNSName(field)?.lowercased else { return false }
            if skipping.contains(name) { continue }
            if address.count == 4 {
                if !(v4[name]?.contains(address) ?? false) { v4[name, default: []].append(address) }
            } else if !(v6[name]?.contains(address) ?? false) {
                v6[name, default: []].append(address)
            }
            if !(names[address]?.contains(name) ?? false) { names[address, default: []].append(name) }
        }
        return true
    }
}

// MARK: - Syntax

/// A line of a block: a name, its arguments, and the block it opens, if it does.
struct Directive: Sendable, Equatable {
    var name: String
    var arguments: [String]
    var line: Int
    var block: [Directive]?
}

extension Corefile {
    struct Token: Equatable {
        var text: String
        var line: Int
        var quoted = false

        /// `{` or `}` written as a token of its own.
        func isBrace(_ brace: String) -> Bool { !quoted && text == brace }
    }

    /// The Caddyfile's tokens: split on white space, `"quoted"` strings kept whole (with `\"`), `#` to the line's
    /// end a comment.
    static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current: Token?
        var line = 1
        var quoted = false
        var escaped = false
        var comment = false
        for character in text {
            if quoted {
                if character == "\n" { line += 1 }
                if escaped {
                    current?.text.append(character == "\"" ? "\"" : "\\\(character)")
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted = false
                } else {
                    current?.text.append(character)
                }
                continue
            }
            if character.isNewline {
                line += 1
                comment = false
            }
            if comment { continue }
            if character.isWhitespace {
                if let token = current { tokens.append(token) }
                current = nil
                continue
            }
            if character == "#" {
                comment = true
                if let token = current { tokens.append(token) }
                current = nil
                continue
            }
            if character == "\"" && current == nil {
                current = Token(text: "", line: line, quoted: true)
                quoted = true
                continue
            }
            if current == nil { current = Token(text: "", line: line) }
            current?.text.append(character)
        }
        if let token = current { tokens.append(token) }
        return tokens
    }

    /// A server block before its keys and directives are read.
    struct Block {
        var keys: [String]
        var line: Int
        var directives: [Directive]
    }

    struct Parser {
        let tokens: [Token]
        let file: String
        var index = 0

        init(tokens: [Token], file: String) {
            self.tokens = tokens
            self.file = file
        }

        func error(_ line: Int, _ message: String) -> CorefileError {
            CorefileError(file: file, line: line, message: message)
        }

        func refuseUnsupported(_ token: Token) throws(CorefileError) {
            guard !token.quoted else { return }
            if token.text == "import" {
                throw error(
                    token.line,
                    "import is not supported by gwconsole's local stand-in for CoreDNS; "
                        + "write the lines it imports in place"
                )
            }
            if token.text.hasPrefix("(") && token.text.hasSuffix(")") {
                throw error(
                    token.line,
                    "snippets such as \(token.text) are not supported by gwconsole's local stand-in for CoreDNS; "
                        + "write their lines in place")
            }
        }

        mutating func serverBlocks() throws(CorefileError) -> [Block] {
            var blocks: [Block] = []
            while index < tokens.count {
                let first = tokens[index]
                try refuseUnsupported(first)
                if first.isBrace("{") || first.isBrace("}") {
                    throw error(first.line, "unexpected '\(first.text)': a server block starts with its zones")
                }
                // The keys: on the block's first line, or on the next when a line ends with a comma.
                var keys: [String] = []
                var line = first.line
                while index < tokens.count, !tokens[index].isBrace("{"), tokens[index].line == line {
                    let token = tokens[index]
                    keys += token.text.split(separator: ",").map(String.init)
                    index += 1
                    if token.text.hasSuffix(","), index < tokens.count { line = tokens[index].line }
                }
                guard index < tokens.count, tokens[index].isBrace("{"), tokens[index].line == line else {
                    throw error(
                        line, "expected '{' after \(keys.joined(separator: " ")) on the same line, to open its block")
                }
                let open = tokens[index].line
                index += 1
                blocks.append(Block(keys: keys, line: first.line, directives: try body(openedOn: open)))
            }
            return blocks
        }

        /// A block's directives, up to and past its `}`.
        mutating func body(openedOn open: Int) throws(CorefileError) -> [Directive] {
            var directives: [Directive] = []
            while true {
                guard index < tokens.count else {
                    throw error(
                        tokens.last?.line ?? open, "unexpected end of file: the block opened on line \(open) has no '}'"
                    )
                }
                let name = tokens[index]
                if name.isBrace("}") {
                    index += 1
                    return directives
                }
                try refuseUnsupported(name)
                guard !name.isBrace("{") else { throw error(name.line, "unexpected '{'") }
                index += 1
                var directive = Directive(name: name.text, arguments: [], line: name.line)
                while index < tokens.count, tokens[index].line == name.line, !tokens[index].isBrace("}") {
                    let token = tokens[index]
                    index += 1
                    if token.isBrace("{") {
                        directive.block = try body(openedOn: token.line)
                        break
                    }
                    directive.arguments.append(token.text)
                }
                directives.append(directive)
            }
        }
    }
}
