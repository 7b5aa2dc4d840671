/// Writes `maps.conf`: condition flags, selectors, traffic splits and header appends, in the order they were made.
enum MapWriter {
    static func write(_ maps: [MapDefinition]) -> String {
        var m = ConfigWriter()
        for map in maps {
            switch map {
            case .condition(let variable, let source, let pattern):
                m.block("map \(source) \(variable)") { m in
                    m.line("default 0;")
                    m.line("\(NginxString.literal("~" + pattern)) 1;")
                }
            case .selector(let variable, let flags, let entries):
                m.block("map \"\(flags.joined())\" \(variable)") { m in
                    m.line("default 0;")
                    for entry in entries {
                        m.line("\(NginxString.literal("~" + entry.regex)) \(entry.code); # \(entry.comment)")
                    }
                }
            case .split(let variable, let shares):
                m.block("split_clients \"$request_id\" \(variable)") { m in
                    for (index, share) in shares.enumerated() {
                        m.line(share.map { "\($0)% \(index);" } ?? "* \(index);")
                    }
                }
            case .sample(let variable, let percent):
                m.block("split_clients \"$request_id\" \(variable)") { m in
                    m.line("\(percent)% 1;")
                    m.line("* \"\";")
                }
            case .sniListener(let variable, let defaultValue, let hostnames):
                m.block("map $ssl_server_name \(variable)") { m in
                    m.line("hostnames;")
                    m.line("default \(NginxString.quoted(defaultValue));")
                    for host in hostnames { m.line("\(NginxString.literal(host)) \(NginxString.quoted(host));") }
                }
            case .appendHeader(let variable, let source, let value):
                m.block("map \(source) \(variable)") { m in
                    m.line("\"\" \(NginxString.quoted(value));")
                    m.line("default \"\(source),\(NginxString.quoted(value).dropFirst().dropLast())\";")
                }
            }
            m.line()
        }
        return m.text
    }
}
