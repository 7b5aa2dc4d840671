/// Gateway API's closed-enough vocabularies as types: match kinds, filter kinds, path modifiers and listener
/// protocols. Each is open (a manifest may carry a value validation then refuses with its own message) but compared
/// through its named values only.
public protocol APIVocabulary: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension APIVocabulary {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// `HTTPPathMatch.type`.
public struct PathMatchType: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let exact: PathMatchType = "Exact"
    public static let pathPrefix: PathMatchType = "PathPrefix"
    public static let regularExpression: PathMatchType = "RegularExpression"
}

/// `HTTPHeaderMatch.type` and `HTTPQueryParamMatch.type`.
public struct ValueMatchType: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let exact: ValueMatchType = "Exact"
    public static let regularExpression: ValueMatchType = "RegularExpression"
}

/// `HTTPRouteFilter.type`.
public struct FilterType: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let requestHeaderModifier: FilterType = "RequestHeaderModifier"
    public static let responseHeaderModifier: FilterType = "ResponseHeaderModifier"
    public static let requestMirror: FilterType = "RequestMirror"
    public static let requestRedirect: FilterType = "RequestRedirect"
    public static let urlRewrite: FilterType = "URLRewrite"
    public static let extensionRef: FilterType = "ExtensionRef"
    public static let cors: FilterType = "CORS"
    public static let externalAuth: FilterType = "ExternalAuth"
}

/// `HTTPPathModifier.type`.
public struct PathModifierType: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let replaceFullPath: PathModifierType = "ReplaceFullPath"
    public static let replacePrefixMatch: PathModifierType = "ReplacePrefixMatch"
}

/// `Listener.protocol`.
public struct ListenerProtocol: APIVocabulary {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let http: ListenerProtocol = "HTTP"
    public static let https: ListenerProtocol = "HTTPS"
    public static let tls: ListenerProtocol = "TLS"
    public static let tcp: ListenerProtocol = "TCP"
    public static let udp: ListenerProtocol = "UDP"
}
