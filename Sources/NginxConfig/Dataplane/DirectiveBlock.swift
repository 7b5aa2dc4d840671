import GatewayCore

/// nginx directives that a policy or filter adds at one level (http, server, location, upstream), with the object
/// they came from: the writers put `# Kind ns/name` before them, which the NGINX tab and `render` show. Lines are
/// built by `PolicyDirectives` from validated values only; a snippet is split into lines, each kept on one line.
public struct DirectiveBlock: Sendable, Equatable {
    public var origin: ObjectRef
    public var lines: [String]

    public init(origin: ObjectRef, lines: [String]) {
        self.origin = origin
        self.lines = lines
    }
}

/// A route rule, the key of the directives its location gets from the route's policies and the rule's filters.
public struct RuleKey: Sendable, Hashable {
    public var route: ObjectRef
    public var rule: Int

    public init(route: ObjectRef, rule: Int) {
        self.route = route
        self.rule = rule
    }
}

/// The policies' and filters' directives of one Gateway's data plane, by level.
public struct PolicyDirectives: Sendable, Equatable {
    /// The main context (outside `http`): SnippetsPolicy and SnippetsFilter `main` snippets.
    public var main: [DirectiveBlock] = []
    /// The `http` context: rate limit zones, `http` snippets.
    public var http: [DirectiveBlock] = []
    /// Every server of the Gateway: its Gateway-targeted policies (inherited by locations unless overridden).
    public var server: [DirectiveBlock] = []
    /// Each rule's locations: its route's policies, then the rule's filters.
    public var rules: [RuleKey: [DirectiveBlock]] = [:]
    /// Internal locations every server of the Gateway has (ExternalAuth's subrequests).
    public var serverLocations: [DirectiveBlock] = []
    /// Each upstream, by name: its Service's UpstreamSettingsPolicy (or the defaults).
    public var upstreams: [String: [DirectiveBlock]] = [:]

    public init() {}

    public var isEmpty: Bool {
        main.isEmpty && http.isEmpty && server.isEmpty && rules.isEmpty && upstreams.isEmpty && serverLocations.isEmpty
    }
}

extension ConfigWriter {
    /// Writes blocks, each after a comment naming its object.
    mutating func write(_ blocks: [DirectiveBlock]) {
        for block in blocks {
            line("# \(block.origin.description)")
            for text in block.lines { line(text) }
        }
    }
}
