import Dataplane
import Foundation
import GatewayAPI

/// What `get`, `describe` and `delete` were asked for: kinds, and names within them.
public struct ObjectQuery {
    public struct Request {
        public var type: ResourceType
        public var names: [String]
    }

    public var requests: [Request]

    /// Kind groups kubectl knows as categories.
    public static let categories: [String: [ResourceType]] = [
        "all": [ResourceRegistry.pod, ResourceRegistry.service, ResourceRegistry.deployment],
        "gateway-api": [
            ResourceRegistry.gatewayClass, ResourceRegistry.gateway, ResourceRegistry.listenerSet,
            ResourceRegistry.httpRoute,
            ResourceRegistry.grpcRoute, ResourceRegistry.tlsRoute, ResourceRegistry.tcpRoute, ResourceRegistry.udpRoute,
            ResourceRegistry.referenceGrant, ResourceRegistry.backendTLSPolicy,
        ],
        "nginx-gateway-fabric": ResourceRegistry.ngfKinds,
    ]

    /// Parses `KIND[,KIND] [NAME...]` or `KIND/NAME ...`.
    public static func parse(_ arguments: [String], store: Store?) throws -> ObjectQuery {
        guard let first = arguments.first else {
            throw CLIError(
                """
                error: you must specify the type of resource to get. Use "gwconsole api-resources" for a complete list of supported resources.
                Supported: \(ResourceRegistry.all.map(\.plural).joined(separator: ", "))
                """)
        }
        // Kinds outside the registry are looked up in the store only when a name needs them.
        var extraTypes: [ResourceType]?
        func resolve(_ name: String) throws -> [ResourceType] {
            if let category = categories[name.lowercased()] { return category }
            if let type = ResourceRegistry.resolve(name, extra: []) { return [type] }
            if extraTypes == nil { extraTypes = try store.map(unstructuredTypes) ?? [] }
            return try ObjectQuery.resolve(name, extra: extraTypes ?? [])
        }
        if arguments.allSatisfy({ $0.contains("/") }) {
            var requests: [Request] = []
            for argument in arguments {
                let parts = argument.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw CLIError("error: arguments in resource/name form must have a single resource and name")
                }
                let type = try resolve(parts[0])
                requests.append(Request(type: type[0], names: [parts[1]]))
            }
            return ObjectQuery(requests: requests)
        }
        var types: [ResourceType] = []
        for kindName in first.split(separator: ",").map(String.init) { types += try resolve(kindName) }
        let names = Array(arguments.dropFirst())
        if names.contains(where: { $0.contains("/") }) {
            throw CLIError(
                "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form"
            )
        }
        if !names.isEmpty && types.count > 1 {
            throw CLIError("error: you must specify only one resource type when passing names")
        }
        return ObjectQuery(requests: types.map { Request(type: $0, names: names) })
    }

    public static func resolve(_ name: String, extra: [ResourceType]) throws -> [ResourceType] {
        if let category = categories[name.lowercased()] { return category }
        guard let type = ResourceRegistry.resolve(name, extra: extra) else {
            throw CLIError("error: the server doesn't have a resource type \"\(name)\"")
        }
        return [type]
    }

    /// Unsupported kinds present in the store, so they can be listed by name.
    public static func unstructuredTypes(_ store: Store) throws -> [ResourceType] {
        try store.kinds().compactMap { entry in
            if ResourceRegistry.type(for: entry.groupKind) != nil { return nil }
            return ResourceRegistry.unstructured(
                group: entry.groupKind.group, kind: entry.groupKind.kind,
                version: splitAPIVersion(entry.apiVersion).version)
        }
    }

    /// The objects a request names (all of the kind when it names none); missing names are reported in kubectl's words.
    public static func fetch(_ request: Request, namespace: String?, store: Store, notFound: inout [String]) throws
        -> [StoredObject]
    {
        let ns = request.type.namespaced ? namespace : ""
        if request.names.isEmpty { return try store.list(request.type.groupKind, namespace: ns) }
        var result: [StoredObject] = []
        for name in request.names {
            let key = ObjectKey(groupKind: request.type.groupKind, namespace: ns ?? "", name: name)
            if ns != nil, let object = try store.get(key) {
                result.append(object)
            } else if ns == nil, let object = try store.list(request.type.groupKind).first(where: { $0.name == name }) {
                result.append(object)
            } else {
                notFound.append("Error from server (NotFound): \(request.type.qualifiedPlural) \"\(name)\" not found")
            }
        }
        return result
    }
}
