/// Writes what a location does: a redirect, a 500 for no backend, a proxied backend, or a weighted split.
enum ActionWriter {
    static func write(_ action: RuleAction, into w: inout ConfigWriter) {
        switch action {
        case .redirect(let redirect): RedirectWriter.write(redirect, into: &w)
        case .invalidFilter(let problem):
            w.line("# a filter did not resolve: \(problem)")
            w.line("return 500;")
        case .noBackend:
            w.line("# no backend can take traffic (none, or all with weight 0)")
            w.line("return 500;")
        case .backend(let backend): write(backend, into: &w)
        case .split(let variable, let choices):
            for choice in choices { w.line("error_page \(choice.code) = \(choice.name);") }
            for choice in choices {
                w.block("if (\(variable) = \(choice.index))") { $0.line("return \(choice.code);") }
            }
            w.line("return 500;")
        }
    }

    static func write(_ backend: BackendAction, into w: inout ConfigWriter) {
        switch backend {
        case .unusable(let target, let reason):
            w.line("# backend \(target) is not usable: \(reason)")
            w.line("return 500;")
        case .unresolved:
            w.line("return 500;")
        case .invalidPolicy(let policy):
            w.line("# BackendTLSPolicy \(policy.namespacedName) is invalid: no plain-text fallback")
            w.line("return 500;")
        case .noEndpoints(let target):
            w.line("# \(target) has no ready endpoints")
            w.line("return 503;")
        case .proxy(let proxy): ProxyWriter.write(proxy, into: &w)
        }
    }
}
