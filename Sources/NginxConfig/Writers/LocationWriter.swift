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

    /// Locations of one server that proxy with the same body (a PathPrefix match's `= "/p"` and `"/p/"`), by index:
    /// the named location that holds the body once, named after the first of them. nginx gives every `proxy_pass`
    /// its own lookup of the upstream by name (a scan of all upstreams) and every `proxy_pass https://` its own SSL
    /// context with its own copy of the CA bundle; written once, a rule costs one of each instead of two.
    static func sharedBodies(_ locations: [Location]) -> [Int: String] {
        var bySource: [String: [Int]] = [:]
        for (index, location) in locations.enumerated() where location.splitBackends.isEmpty {
            guard case .direct(let source, .backend(.proxy)) = location.body else { continue }
            bySource[source.comment, default: []].append(index)
        }
        var result: [Int: String] = [:]
        for indices in bySource.values where indices.count > 1 {
            let first = indices[0]
            let alike = indices.filter { locations[$0].body == locations[first].body }
            guard alike.count > 1 else { continue }
            for index in alike { result[index] = sharedName(first) }
        }
        return result
    }

    /// The named location of a shared body, after the first location that jumps to it.
    static func sharedName(_ index: Int) -> String { "@gw_rule\(index)" }

    /// The `error_page` code a location jumps to its shared body with (selectors use 560 and up).
    static let sharedCode = 559

    /// A location whose body is shared: the rule's policies (a body limit is checked in the location nginx chose),
    /// then the jump, which keeps the URI, method and body.
    static func writeJump(
        _ location: Location, to name: String, rules: [RuleKey: [DirectiveBlock]], into w: inout ConfigWriter
    ) {
        guard case .direct(let source, _) = location.body else { return }
        w.block("location \(location.spec)") { w in
            w.line("# \(source.comment), served in \(name)")
            w.write(rules[RuleKey(route: source.route, rule: source.rule)] ?? [])
            w.line("error_page \(sharedCode) = \(name);")
            w.line("return \(sharedCode);")
        }
    }

    /// The named location holding a shared body.
    static func writeShared(
        _ location: Location, name: String, rules: [RuleKey: [DirectiveBlock]], into w: inout ConfigWriter
    ) {
        guard case .direct(let source, let action) = location.body else { return }
        w.block("location \(name)") { w in
            w.line("# \(source.comment)")
            writeSource(source, rules: rules, into: &w)
            ActionWriter.write(action, into: &w)
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
