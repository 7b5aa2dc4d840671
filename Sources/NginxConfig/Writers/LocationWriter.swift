/// Writes a location: a direct action, or a selector's `error_page` jumps to one named location per match; then
/// the named locations of weighted backends.
enum LocationWriter {
    static func write(_ location: Location, rules: [RuleKey: [DirectiveBlock]] = [:], into w: inout ConfigWriter) {
        switch location.body {
        case .direct(let source, let action):
            w.block("location \(location.spec)") { w in
                w.line("# \(source.comment)")
                writeSource(source, rules: rules, into: &w)
                ActionWriter.write(action, into: &w)
            }
        case .selector(let selector, let branches):
            w.block("location \(location.spec)") { w in
                // Branches of one rule only: its policies hold before the jump too (a body limit is checked here).
                let keys = Set(branches.map { RuleKey(route: $0.source.route, rule: $0.source.rule) })
                if keys.count == 1, let key = keys.first { w.write(rules[key] ?? []) }
                for branch in branches {
                    w.line("error_page \(branch.code) = \(branch.name); # \(branch.source.comment)")
                }
                for branch in branches {
                    w.block("if (\(selector) = \(branch.code))") { $0.line("return \(branch.code);") }
                }
                w.line("return 404;")
            }
            for branch in branches {
                w.block("location \(branch.name)") { w in
                    w.line("# \(branch.source.comment)")
                    writeSource(branch.source, rules: rules, into: &w)
                    ActionWriter.write(branch.action, into: &w)
                }
            }
        }
        for backend in location.splitBackends {
            w.block("location \(backend.name)") { w in
                w.line("# \(backend.source.comment), backend \(backend.index) (weight \(backend.weight))")
                writeSource(backend.source, rules: rules, into: &w)
                ActionWriter.write(backend.action, into: &w)
            }
        }
    }

    /// The request log's route and rule for requests this location serves.
    static func writeSource(_ source: RuleSource, rules: [RuleKey: [DirectiveBlock]], into w: inout ConfigWriter) {
        // An HTTPRoute as `ns/name`, another kind as `Kind ns/name` (as the session log names routes).
        let route = source.route.kind == "HTTPRoute" ? source.route.namespacedName : source.route.description
        w.line("set $gw_route \(NginxString.quoted(route));")
        w.line("set $gw_rule \(source.rule);")
        w.write(rules[RuleKey(route: source.route, rule: source.rule)] ?? [])
    }
}
