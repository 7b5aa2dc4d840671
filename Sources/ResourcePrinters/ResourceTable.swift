import Foundation
import GatewayAPI

/// Options for `get` tables.
public struct TableOptions: Sendable {
    public var wide = false
    public var allNamespaces = false
    /// Prefix names with `kind.group/` (several kinds in one `get`).
    public var qualifyNames = false
    public var now = Date()

    public init(wide: Bool = false, allNamespaces: Bool = false, qualifyNames: Bool = false, now: Date = Date()) {
        self.wide = wide
        self.allNamespaces = allNamespaces
        self.qualifyNames = qualifyNames
        self.now = now
    }
}

/// Builds kubectl's table for objects of one kind (full objects: metadata, spec and status).
public enum ResourceTable {
    public static func table(_ type: ResourceType, objects: [JSONValue], options: TableOptions) -> Table {
        let columns = ResourceColumns.columns(for: type, wide: options.wide)
        var headers = ["NAME"] + columns.map(\.header)
        if options.allNamespaces && type.namespaced { headers.insert("NAMESPACE", at: 0) }
        var table = Table(headers: headers)
        for object in objects {
            let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
            var row = [options.qualifyNames ? "\(type.qualifiedSingular)/\(name)" : name]
            row += columns.map { $0.value(object, options.now) }
            if options.allNamespaces && type.namespaced {
                row.insert(object.value(at: ["metadata", "namespace"])?.stringValue ?? "", at: 0)
            }
            table.rows.append(row)
        }
        return table
    }
}

/// One column of a kind's table.
public struct ResourceColumn: Sendable {
    public var header: String
    public var value: @Sendable (JSONValue, Date) -> String
}

enum ResourceColumns {
    static func age(_ object: JSONValue, _ now: Date) -> String {
        AgeFormatter.age(since: object.value(at: ["metadata", "creationTimestamp"])?.stringValue ?? "", now: now)
    }

    static let ageColumn = ResourceColumn(header: "AGE") { age($0, $1) }

    static func column(_ header: String, _ value: @escaping @Sendable (JSONValue) -> String) -> ResourceColumn {
        ResourceColumn(header: header) { object, _ in value(object) }
    }

    static func readyMessage(_ object: JSONValue) -> String {
        (object["status"] ?? [:]).conditionList.condition(.ready)?.message ?? ""
    }

    static func conditionStatus(_ object: JSONValue, _ type: ConditionType) -> String {
        (object["status"] ?? [:]).conditionList.condition(type)?.status.rawValue ?? ""
    }

    static func columns(for type: ResourceType, wide: Bool) -> [ResourceColumn] {
        switch type.groupKind {
        case ResourceRegistry.gatewayClass.groupKind:
            var cols = [
                column("CONTROLLER") { $0.value(at: ["spec", "controllerName"])?.stringValue ?? "" },
                column("ACCEPTED") { conditionStatus($0, .accepted) }, ageColumn,
            ]
            if wide { cols.append(column("DESCRIPTION") { $0.value(at: ["spec", "description"])?.stringValue ?? "" }) }
            return cols
        case ResourceRegistry.gateway.groupKind:
            return [
                column("CLASS") { $0.value(at: ["spec", "gatewayClassName"])?.stringValue ?? "" },
                column("ADDRESS") {
                    ($0.value(at: ["status", "addresses"])?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
                        .joined(separator: ",")
                },
                column("PROGRAMMED") { conditionStatus($0, .programmed) }, ageColumn,
            ]
        case ResourceRegistry.listenerSet.groupKind:
            // The CRD's printer columns.
            return [
                column("ACCEPTED") { conditionStatus($0, .accepted) },
                column("PROGRAMMED") { conditionStatus($0, .programmed) }, ageColumn,
            ]
        case ResourceRegistry.httpRoute.groupKind, ResourceRegistry.grpcRoute.groupKind:
            return [
                column("HOSTNAMES") { object in
                    guard let hostnames = object.value(at: ["spec", "hostnames"]) else { return "" }
                    return JSONWriter.compact(hostnames)
                },
                column("PARENTS") { routeParents($0) },
                column("ACCEPTED") { entryConditions($0["status"]?["parents"], .accepted) },
                column("RESOLVED") { entryConditions($0["status"]?["parents"], .resolvedRefs) },
                ageColumn,
            ]
        case ResourceRegistry.tlsRoute.groupKind, ResourceRegistry.tcpRoute.groupKind,
            ResourceRegistry.udpRoute.groupKind:
            var cols: [ResourceColumn] = []
            if type.groupKind == ResourceRegistry.tlsRoute.groupKind {
                cols.append(
                    column("HOSTNAMES") { object in
                        object.value(at: ["spec", "hostnames"]).map { JSONWriter.compact($0) } ?? ""
                    })
            }
            return cols + [
                column("PARENTS") { routeParents($0) },
                column("ACCEPTED") { entryConditions($0["status"]?["parents"], .accepted) },
                column("RESOLVED") { entryConditions($0["status"]?["parents"], .resolvedRefs) },
                ageColumn,
            ]
        case ResourceRegistry.backendTLSPolicy.groupKind:
            var cols = [
                column("TARGETS") { policyTargets($0) },
                column("HOSTNAME") { $0.value(at: ["spec", "validation", "hostname"])?.stringValue ?? "" },
                column("ACCEPTED") { entryConditions($0["status"]?["ancestors"], .accepted) },
                ageColumn,
            ]
            if wide { cols.append(column("ANCESTORS") { policyAncestors($0) }) }
            return cols
        case _ where ResourceRegistry.ngfPolicies.contains { $0.groupKind == type.groupKind }:
            // NGF's policies: each ancestor's Accepted, as for BackendTLSPolicy.
            var cols = [
                column("TARGETS") { policyTargets($0) },
                column("ACCEPTED") { entryConditions($0["status"]?["ancestors"], .accepted) },
                ageColumn,
            ]
            if wide { cols.append(column("ANCESTORS") { policyAncestors($0) }) }
            return cols
        case ResourceRegistry.snippetsFilter.groupKind:
            return [column("ACCEPTED") { entryConditions($0["status"]?["controllers"], .accepted) }, ageColumn]
        case ResourceRegistry.authenticationFilter.groupKind:
            return [
                column("TYPE") { $0.value(at: ["spec", "type"])?.stringValue ?? "" },
                column("ACCEPTED") { entryConditions($0["status"]?["controllers"], .accepted) }, ageColumn,
            ]
        case ResourceRegistry.namespace.groupKind:
            return [column("STATUS") { $0.value(at: ["status", "phase"])?.stringValue ?? "Active" }, ageColumn]
        // cert-manager's printer columns.
        case ResourceRegistry.certificate.groupKind:
            var cols = [
                column("READY") { conditionStatus($0, .ready) },
                column("SECRET") { $0.value(at: ["spec", "secretName"])?.stringValue ?? "" },
            ]
            if wide {
                cols.append(column("ISSUER") { $0.value(at: ["spec", "issuerRef", "name"])?.stringValue ?? "" })
                cols.append(column("STATUS") { readyMessage($0) })
            }
            return cols + [ageColumn]
        case ResourceRegistry.issuer.groupKind, ResourceRegistry.clusterIssuer.groupKind:
            var cols = [column("READY") { conditionStatus($0, .ready) }]
            if wide { cols.append(column("STATUS") { readyMessage($0) }) }
            return cols + [ageColumn]
        case ResourceRegistry.service.groupKind:
            var cols = [
                column("TYPE") { $0.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP" },
                column("CLUSTER-IP") {
                    ($0.value(at: ["spec", "clusterIPs"])?.arrayValue?.first ?? $0.value(at: ["spec", "clusterIP"]))?
                        .stringValue ?? "<none>"
                },
                column("EXTERNAL-IP") { externalIP($0) },
                column("PORT(S)") { servicePorts($0) }, ageColumn,
            ]
            if wide { cols.append(column("SELECTOR") { selector($0.value(at: ["spec", "selector"])) }) }
            return cols
        case ResourceRegistry.endpointSlice.groupKind:
            return [
                column("ADDRESSTYPE") { $0["addressType"]?.stringValue ?? "" },
                column("PORTS") { slicePorts($0) },
                column("ENDPOINTS") { sliceEndpoints($0) }, ageColumn,
            ]
        case ResourceRegistry.configMap.groupKind:
            return [
                column("DATA") {
                    String(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0))
                }, ageColumn,
            ]
        case ResourceRegistry.secret.groupKind:
            return [
                column("TYPE") { $0["type"]?.stringValue ?? "Opaque" },
                column("DATA") { String($0["data"]?.objectValue?.count ?? 0) }, ageColumn,
            ]
        case ResourceRegistry.deployment.groupKind:
            var cols = [
                column("READY") { object in
                    let ready = object.value(at: ["status", "readyReplicas"])?.intValue ?? 0
                    let desired = object.value(at: ["spec", "replicas"])?.intValue ?? 1
                    return "\(ready)/\(desired)"
                },
                column("UP-TO-DATE") { String($0.value(at: ["status", "updatedReplicas"])?.intValue ?? 0) },
                column("AVAILABLE") { String($0.value(at: ["status", "availableReplicas"])?.intValue ?? 0) }, ageColumn,
            ]
            if wide {
                cols += [
                    column("CONTAINERS") { containers($0, "name") }, column("IMAGES") { containers($0, "image") },
                    column("SELECTOR") { selector($0.value(at: ["spec", "selector", "matchLabels"])) },
                ]
            }
            return cols
        case ResourceRegistry.pod.groupKind:
            var cols = [
                column("READY") { podReady($0) }, column("STATUS") { podStatus($0) },
                column("RESTARTS") { podRestarts($0) }, ageColumn,
            ]
            if wide {
                cols += [
                    column("IP") {
                        ($0.value(at: ["status", "podIPs"])?.arrayValue?.first?["ip"]
                            ?? $0.value(at: ["status", "podIP"]))?.stringValue ?? "<none>"
                    },
                    column("NODE") { $0.value(at: ["spec", "nodeName"])?.stringValue ?? "<none>" },
                    column("NOMINATED NODE") { _ in "<none>" }, column("READINESS GATES") { _ in "<none>" },
                ]
            }
            return cols
        default:
            return [ageColumn]
        }
    }

    /// `gateway/http`, `other/gw`: each parentRef as name (namespace-qualified when elsewhere) and section.
    static func routeParents(_ object: JSONValue) -> String {
        let namespace = object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        let refs = object.value(at: ["spec", "parentRefs"])?.arrayValue ?? []
        if refs.isEmpty { return "<none>" }
        return refs.map { ref in
            let ns = ref["namespace"]?.stringValue
            let name = (ns != nil && ns != namespace ? "\(ns!)/" : "") + (ref["name"]?.stringValue ?? "")
            return name + (ref["sectionName"]?.stringValue.map { "/\($0)" } ?? "")
        }.joined(separator: ",")
    }

    /// The status of one condition type across status entries (route parents, policy ancestors): `True`,
    /// `False (Reason)`, joined with commas; `<none>` when there is no entry.
    static func entryConditions(_ entries: JSONValue?, _ type: ConditionType) -> String {
        let list = entries?.arrayValue ?? []
        if list.isEmpty { return "<none>" }
        return list.map { entry in
            guard let condition = entry.conditionList.condition(type) else { return "Unknown" }
            return condition.status == .true
                ? condition.status.rawValue : "\(condition.status) (\(condition.reason?.rawValue ?? ""))"
        }.joined(separator: ",")
    }

    /// `Kind/name[:section]` per target: `spec.targetRefs`, or the single `spec.targetRef` (ClientSettingsPolicy,
    /// WAFPolicy).
    static func policyTargets(_ object: JSONValue) -> String {
        let refs =
            object.value(at: ["spec", "targetRefs"])?.arrayValue ?? object.value(at: ["spec", "targetRef"]).map { [$0] }
            ?? []
        return refs.map { ref in
            "\(ref["kind"]?.stringValue ?? "")/\(ref["name"]?.stringValue ?? "")"
                + (ref["sectionName"]?.stringValue.map { ":\($0)" } ?? "")
        }.joined(separator: ",")
    }

    /// `default/gateway=Accepted` per ancestor (`HTTPRoute default/route=Accepted` for a route).
    static func policyAncestors(_ object: JSONValue) -> String {
        let list = object.value(at: ["status", "ancestors"])?.arrayValue ?? []
        if list.isEmpty { return "<none>" }
        return list.map { entry in
            let ref = entry["ancestorRef"] ?? [:]
            let reason = entry.conditionList.accepted?.reason?.rawValue ?? "Unknown"
            // NGF's route-targeted policies have the route as ancestor: its kind is said.
            let kind = ref["kind"]?.stringValue.flatMap { $0 == "Gateway" ? nil : "\($0) " } ?? ""
            return "\(kind)\(ref["namespace"]?.stringValue ?? "")/\(ref["name"]?.stringValue ?? "")=\(reason)"
        }.joined(separator: ",")
    }

    static func externalIP(_ object: JSONValue) -> String {
        if let ips = object.value(at: ["spec", "externalIPs"])?.arrayValue, !ips.isEmpty {
            return ips.compactMap(\.stringValue).joined(separator: ",")
        }
        switch object.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP" {
        case "LoadBalancer":
            let ingress = object.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue ?? []
            let values = ingress.compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
            return values.isEmpty ? "<pending>" : values.joined(separator: ",")
        case "ExternalName": return object.value(at: ["spec", "externalName"])?.stringValue ?? "<none>"
        default: return "<none>"
        }
    }

    static func servicePorts(_ object: JSONValue) -> String {
        let ports = object.value(at: ["spec", "ports"])?.arrayValue ?? []
        if ports.isEmpty { return "<none>" }
        return ports.map { port in
            let number = port["port"]?.intValue ?? 0
            let proto = port["protocol"]?.stringValue ?? "TCP"
            if let node = port["nodePort"]?.intValue { return "\(number):\(node)/\(proto)" }
            return "\(number)/\(proto)"
        }.joined(separator: ",")
    }

    static func selector(_ value: JSONValue?) -> String {
        guard let members = value?.objectValue, !members.isEmpty else { return "<none>" }
        return members.keys.sorted().map { "\($0)=\(members[$0]?.stringValue ?? "")" }.joined(separator: ",")
    }

    static func slicePorts(_ object: JSONValue) -> String {
        let ports = object["ports"]?.arrayValue ?? []
        if ports.isEmpty { return "<unset>" }
        return ports.map { $0["port"]?.intValue.map(String.init) ?? "<unset>" }.joined(separator: ",")
    }

    static func sliceEndpoints(_ object: JSONValue) -> String {
        let addresses = (object["endpoints"]?.arrayValue ?? []).flatMap {
            ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        if addresses.isEmpty { return "<unset>" }
        let shown = addresses.prefix(3).joined(separator: ",")
        return addresses.count > 3 ? "\(shown) + \(addresses.count - 3) more..." : shown
    }

    static func containers(_ object: JSONValue, _ field: String) -> String {
        let list = object.value(at: ["spec", "template", "spec", "containers"])?.arrayValue ?? []
        return list.map { $0[field]?.stringValue ?? "" }.joined(separator: ",")
    }

    static func podReady(_ object: JSONValue) -> String {
        let total = object.value(at: ["spec", "containers"])?.arrayValue?.count ?? 0
        let ready = (object.value(at: ["status", "containerStatuses"])?.arrayValue ?? []).filter {
            $0["ready"]?.boolValue == true
        }.count
        return "\(ready)/\(total)"
    }

    static func podStatus(_ object: JSONValue) -> String {
        if object.value(at: ["metadata", "deletionTimestamp"]) != nil { return "Terminating" }
        for status in object.value(at: ["status", "containerStatuses"])?.arrayValue ?? [] {
            if let reason = status.value(at: ["state", "waiting", "reason"])?.stringValue, !reason.isEmpty {
                return reason
            }
            if let reason = status.value(at: ["state", "terminated", "reason"])?.stringValue, !reason.isEmpty {
                return reason
            }
        }
        if let reason = object.value(at: ["status", "reason"])?.stringValue, !reason.isEmpty { return reason }
        return object.value(at: ["status", "phase"])?.stringValue ?? "Pending"
    }

    static func podRestarts(_ object: JSONValue) -> String {
        let total = (object.value(at: ["status", "containerStatuses"])?.arrayValue ?? []).reduce(Int64(0)) {
            $0 + ($1["restartCount"]?.intValue ?? 0)
        }
        return String(total)
    }
}
