import Foundation
import GatewayAPI

/// The Kubernetes API as gwconsole uses it: discovery, paged lists, watches, server-side apply and delete.
public final class KubeAPI: @unchecked Sendable {
    public let http: KubeHTTP
    /// Objects per list page.
    public var pageSize = 500

    public init(http: KubeHTTP) { self.http = http }

    // MARK: discovery

    /// Which version of each kind the server serves, and which kinds it lacks ("not installed").
    public struct Discovery: Sendable {
        /// The version to use per kind (the first of the kind's known versions the server serves).
        public var served: [GroupKind: String] = [:]
        /// Kinds the server does not serve, with why ("the group gateway.networking.k8s.io is not installed").
        public var missing: [GroupKind: String] = [:]

        public init(served: [GroupKind: String] = [:], missing: [GroupKind: String] = [:]) {
            self.served = served
            self.missing = missing
        }
    }

    /// Asks /api and /apis which groups and versions exist, then which resources each version serves.
    public func discover(_ types: [ResourceType]) throws -> Discovery {
        var discovery = Discovery()
        let groupList = try json("GET", "/apis")
        var groupVersions: [String: [String]] = ["": ["v1"]]
        for group in groupList["groups"]?.arrayValue ?? [] {
            guard let name = group["name"]?.stringValue else { continue }
            groupVersions[name] = (group["versions"]?.arrayValue ?? []).compactMap { $0["version"]?.stringValue }
        }
        var resourcesByGroupVersion: [String: Set<String>] = [:]
        func resources(_ group: String, _ version: String) throws -> Set<String> {
            let key = group.isEmpty ? version : "\(group)/\(version)"
            if let known = resourcesByGroupVersion[key] { return known }
            let list = try json("GET", group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)")
            let names = Set((list["resources"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
            resourcesByGroupVersion[key] = names
            return names
        }
        for type in types {
            guard let versions = groupVersions[type.group] else {
                discovery.missing[type.groupKind] =
                    "the API group \(type.group) is not installed (its CRDs are missing)"
                continue
            }
            var found: String?
            for version in type.versions where versions.contains(version) {
                if try resources(type.group, version).contains(type.plural) {
                    found = version
                    break
                }
            }
            if let found {
                discovery.served[type.groupKind] = found
            } else {
                discovery.missing[type.groupKind] =
                    "\(type.qualifiedPlural) is not installed (the server serves \(type.group.isEmpty ? "v1" : type.group) \(versions.joined(separator: ", ")) without it; gwconsole reads \(type.versions.joined(separator: ", ")))"
            }
        }
        return discovery
    }

    // MARK: paths

    /// The collection path of a kind in a version (namespace nil: every namespace).
    public static func path(_ type: ResourceType, version: String, namespace: String?, name: String? = nil) -> String {
        let base = type.group.isEmpty ? "/api/\(version)" : "/apis/\(type.group)/\(version)"
        var path = base
        if type.namespaced, let namespace { path += "/namespaces/\(escape(namespace))" }
        path += "/\(type.plural)"
        if let name { path += "/\(escape(name))" }
        return path
    }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? segment
    }

    static func query(_ items: [(String, String)]) -> String {
        items.isEmpty ? "" : "?" + items.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }

    // MARK: reading

    /// Every object of a kind (paged with limit/continue), and the list's resourceVersion to watch from.
    public func list(_ type: ResourceType, version: String, namespace: String?) throws -> (
        items: [JSONValue], resourceVersion: String
    ) {
        var items: [JSONValue] = []
        var token: String?
        var resourceVersion = ""
        repeat {
            var query = [("limit", String(pageSize))]
            if let token { query.append(("continue", token)) }
            let page = try json(
                "GET", KubeAPI.path(type, version: version, namespace: namespace) + KubeAPI.query(query))
            for var item in page["items"]?.arrayValue ?? [] {
                // Typed lists may omit each item's apiVersion and kind.
                if item["apiVersion"] == nil { item["apiVersion"] = .string(type.apiVersion(version)) }
                if item["kind"] == nil { item["kind"] = .string(type.kind) }
                items.append(item)
            }
            resourceVersion = page["metadata"]?["resourceVersion"]?.stringValue ?? resourceVersion
            token = page["metadata"]?["continue"]?.stringValue
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return (items, resourceVersion)
    }

    /// One watch event.
    public enum WatchEvent: Sendable {
        case added(JSONValue)
        case modified(JSONValue)
        case deleted(JSONValue)
        /// A bookmark: nothing changed up to this resourceVersion.
        case bookmark(String)
    }

    /// Watches a kind from `resourceVersion` until the server ends the stream, `handler` returns false, or an ERROR
    /// event arrives (410 Expired is thrown as `KubeError.status(410…)`: relist and watch again).
    public func watch(
        _ type: ResourceType, version: String, namespace: String?, resourceVersion: String, timeoutSeconds: Int = 300,
        handler: @escaping (WatchEvent) -> Bool
    ) throws {
        let query = [
            ("watch", "1"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", String(timeoutSeconds)),
        ]
        var failure: KubeError?
        let response = try http.stream(
            KubeAPI.path(type, version: version, namespace: namespace) + KubeAPI.query(query),
            timeoutSeconds: timeoutSeconds + 15
        ) { line in
            guard let event = try? JSONDecoder().decode(JSONValue.self, from: line),
                let kind = event["type"]?.stringValue
            else {
                failure = .protocolError(
                    "a watch event that is not JSON: \(String(decoding: line.prefix(200), as: UTF8.self))")
                return false
            }
            var object = event["object"] ?? .null
            if object["apiVersion"] == nil { object["apiVersion"] = .string(type.apiVersion(version)) }
            if object["kind"] == nil { object["kind"] = .string(type.kind) }
            switch kind {
            case "ADDED": return handler(.added(object))
            case "MODIFIED": return handler(.modified(object))
            case "DELETED": return handler(.deleted(object))
            case "BOOKMARK":
                return handler(.bookmark(object["metadata"]?["resourceVersion"]?.stringValue ?? resourceVersion))
            case "ERROR":
                failure = .status(
                    code: Int(object["code"]?.intValue ?? 500), reason: object["reason"]?.stringValue ?? "",
                    message: object["message"]?.stringValue ?? "")
                return false
            default:
                failure = .protocolError("unknown watch event type \(kind)")
                return false
            }
        }
        if !(200..<300).contains(response.status) {
            throw KubeError.from(code: response.status, body: String(decoding: response.body, as: UTF8.self))
        }
        if let failure { throw failure }
    }

    /// A pod container's log (`pods/NAME/log`), line by line as it arrives; with `follow`, until `onLine` returns
    /// false or the server ends the stream.
    public func podLog(
        namespace: String, name: String, container: String?, follow: Bool, tailLines: Int? = nil,
        onLine: @escaping (String) -> Bool
    ) throws {
        var query: [(String, String)] = []
        if let container { query.append(("container", container)) }
        if follow { query.append(("follow", "true")) }
        if let tailLines { query.append(("tailLines", String(tailLines))) }
        let path =
            "/api/v1/namespaces/\(KubeAPI.escape(namespace))/pods/\(KubeAPI.escape(name))/log" + KubeAPI.query(query)
        let response = try http.stream(path, timeoutSeconds: follow ? 24 * 3600 : 60) { line in
            var text = String(decoding: line, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return onLine(text)
        }
        if !(200..<300).contains(response.status) {
            throw KubeError.from(code: response.status, body: String(decoding: response.body, as: UTF8.self))
        }
    }

    // MARK: writing

    /// Server-side apply with field manager `gwconsole`; returns the object as stored.
    public func apply(
        _ object: JSONValue, type: ResourceType, version: String, force: Bool = false, dryRun: Bool = false
    ) throws -> JSONValue {
        let namespace = object["metadata"]?["namespace"]?.stringValue
        guard let name = object["metadata"]?["name"]?.stringValue else {
            throw KubeError.protocolError("the object has no metadata.name")
        }
        var query = [("fieldManager", "gwconsole")]
        if force { query.append(("force", "true")) }
        if dryRun { query.append(("dryRun", "All")) }
        return try json(
            "PATCH",
            KubeAPI.path(
                type, version: version, namespace: type.namespaced ? (namespace ?? "default") : nil, name: name)
                + KubeAPI.query(query),
            body: Data(JSONWriter.compact(object).utf8), contentType: "application/apply-patch+yaml")
    }

    /// Deletes one object.
    public func delete(_ type: ResourceType, version: String, namespace: String?, name: String) throws {
        _ = try json(
            "DELETE", KubeAPI.path(type, version: version, namespace: type.namespaced ? namespace : nil, name: name))
    }

    /// A request whose answer is JSON; non-2xx answers become `KubeError`s.
    public func json(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) throws
        -> JSONValue
    {
        let response = try http.request(method, path, body: body, contentType: contentType)
        let text = String(decoding: response.body, as: UTF8.self)
        guard (200..<300).contains(response.status) else { throw KubeError.from(code: response.status, body: text) }
        do {
            return try response.body.withUnsafeBytes { try JSONValue.parse($0) }
        } catch {
            throw KubeError.protocolError(
                "\(method) \(path) answered \(response.status) with a body that is not JSON: \(text.prefix(200))")
        }
    }
}
