import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// A folder of manifests whose README has no commands (many of NGF's examples link to their guide instead): one
/// step per file, in the order a guide applies them (namespaces, issuers and certificates; apps; grants; Gateways;
/// routes; policies), each checked by what it creates, then a probe of every route's rules through its listener.
public enum ManifestSteps {
    /// The step order of a kind: what others refer to comes first.
    static func rank(_ type: ResourceType) -> Int {
        switch type.kind {
        case "Namespace": return 0
        case "ClusterIssuer", "Issuer": return 1
        case "Certificate": return 2
        case "Secret", "ConfigMap": return 3
        case "Deployment", "Service", "Pod", "StatefulSet", "DaemonSet": return 4
        case "ReferenceGrant", "SnippetsFilter", "AuthenticationFilter", "NginxProxy": return 5
        case "GatewayClass", "Gateway": return 6
        case "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute": return 7
        default: return 8
        }
    }

    /// The scenario for `files` (name and text, in any order), named after `folder`.
    public static func scenario(folder: String, files: [(name: String, text: String)]) throws -> Scenario {
        var decoded: [(name: String, text: String, objects: [DecodedObject])] = []
        for file in files {
            // Decoded with a namespace no manifest uses, to tell the objects that name theirs from those that take
            // the scenario's namespace when it runs (their checks name none either).
            let objects = try ManifestDecoder(defaultNamespace: unnamedNamespace).decode(
                ManifestReader.documents(from: Data(file.text.utf8), file: file.name))
            if !objects.isEmpty { decoded.append((file.name, file.text, objects)) }
        }
        guard !decoded.isEmpty else { throw ScenarioError.nothingToImport(folder) }
        decoded.sort {
            let left = $0.objects.map { rank($0.type) }.min() ?? 8
            let right = $1.objects.map { rank($0.type) }.min() ?? 8
            return left != right ? left < right : $0.name < $1.name
        }
        let all = decoded.flatMap(\.objects)
        var steps: [Scenario.Step] = decoded.map { file in
            Scenario.Step(
                title: "Apply \(file.name)",
                prose: "Creates " + file.objects.map { "\($0.type.kind) \($0.name)" }.joined(separator: ", ") + ".",
                apply: file.text.trimmingCharacters(in: .newlines) + "\n",
                checks: file.objects.flatMap { ManifestSteps.checks(for: $0, in: all) }.nilIfEmpty)
        }
        let probes =
            all.filter { $0.type == ResourceRegistry.httpRoute }.flatMap { Self.probes(for: $0, in: all) }
            + all.filter { $0.type == ResourceRegistry.tcpRoute }.compactMap { Self.tcpProbe(for: $0, in: all) }
        if !probes.isEmpty {
            steps.append(
                Scenario.Step(
                    title: "Send traffic to every route",
                    prose: "Each rule's first match, through the listener its route attaches to.",
                    checks: probes.map { Scenario.Check(probe: $0) }))
        }
        let name = GuideImporter.slug((folder as NSString).lastPathComponent)
        return Scenario(name: name, title: name, source: "imported from the manifests in \(name)", steps: steps)
    }

    /// What an object must come to: pods Running, Gateways Programmed, routes Accepted with resolved refs,
    /// certificates Ready.
    static let unnamedNamespace = "gwconsole-scenario-namespace"

    static func checks(for object: DecodedObject, in all: [DecodedObject] = []) -> [Scenario.Check] {
        let namespace = object.type.namespaced && object.namespace != unnamedNamespace ? object.namespace : nil
        if ResourceRegistry.ngfPolicies.contains(object.type) {
            // NGF's policies whose targets the folder creates are Accepted (one whose target is elsewhere gets no
            // status, as NGF writes none).
            let spec = object.object["spec"]
            let targets = (spec?["targetRefs"]?.arrayValue ?? []) + [spec?["targetRef"]].compactMap { $0 }
            let present = targets.allSatisfy { target in
                all.contains {
                    $0.type.kind == target["kind"]?.stringValue && $0.name == target["name"]?.stringValue
                        && $0.namespace == object.namespace
                }
            }
            guard present, !targets.isEmpty else { return [] }
            return [
                Scenario.Check(
                    object: .init(
                        kind: object.type.singular, name: object.name, namespace: namespace, condition: "Accepted"))
            ]
        }
        switch object.type.kind {
        case "AuthenticationFilter", "SnippetsFilter":
            return [
                Scenario.Check(
                    object: .init(
                        kind: object.type.singular, name: object.name, namespace: namespace, condition: "Accepted"))
            ]
        case "Deployment":
            return [
                Scenario.Check(
                    object: .init(
                        kind: "pod", name: object.name, namespace: namespace, field: "status.phase", equals: "Running"))
            ]
        case "Gateway":
            return [
                Scenario.Check(
                    object: .init(
                        kind: "gateway", name: object.name, namespace: namespace,
                        condition: ConditionType.programmed.rawValue))
            ]
        case "HTTPRoute", "TLSRoute", "TCPRoute", "UDPRoute":
            return [ConditionType.accepted, .resolvedRefs].map(\.rawValue).map {
                Scenario.Check(
                    object: .init(
                        kind: object.type.kind.lowercased(), name: object.name, namespace: namespace, condition: $0))
            }
        case "Certificate":
            return [
                Scenario.Check(
                    object: .init(
                        kind: "certificate", name: object.name, namespace: namespace,
                        condition: ConditionType.ready.rawValue))
            ]
        default: return []
        }
    }

    /// A probe per rule: its first match with a literal path and exact headers and query (rules with none are not
    /// probed), with its method, on the route's
    /// first hostname (a wildcard's `*` as `test`), through the listener it attaches to; a redirect rule expects
    /// its status, a rule behind an AuthenticationFilter or ExternalAuth 401 (no credentials), any other rule 200.
    static func probes(for object: DecodedObject, in all: [DecodedObject]) -> [Scenario.Probe] {
        guard let route = try? HTTPRoute.decode(object.object) else { return [] }
        let parent = route.spec.parentRefs?.first
        let gateway = all.first {
            $0.type == ResourceRegistry.gateway && $0.name == parent?.name
                && $0.namespace == (parent?.namespace ?? route.namespace)
        }
        let listeners = (gateway.flatMap { try? Gateway.decode($0.object) })?.spec.listeners ?? []
        let listener = listeners.first { parent?.sectionName == nil || $0.name == parent?.sectionName }
        guard let listener, listener.protocol == .http || listener.protocol == .https else { return [] }
        var result: [Scenario.Probe] = []
        let rules = route.spec.rules ?? []
        for (index, rule) in rules.enumerated() {
            // The route's request for the rule (`RouteRequestRecipe`); none for a rule of regular expressions only.
            guard
                let request = RouteRequestRecipe.request(
                    hostnames: route.spec.hostnames ?? [], listenerHostname: listener.hostname, rules: rules,
                    rule: index)
            else { continue }
            var probe = Scenario.Probe(host: request.host, path: request.target)
            probe.gateway = gateway?.name
            if listener.protocol == .https {
                probe.scheme = "https"
                probe.insecure = true
            }
            probe.headers = request.headers.isEmpty ? nil : request.headerLines
            probe.method = request.method == "GET" ? nil : request.method
            let authenticated = (rule.filters ?? []).contains {
                $0.type == .externalAuth
                    || ($0.type == .extensionRef && $0.extensionRef?.kind == "AuthenticationFilter")
            }
            if let redirect = rule.filters?.first(where: { $0.type == .requestRedirect })?.requestRedirect {
                probe.status = redirect.statusCode ?? 302
            } else if authenticated {
                // An AuthenticationFilter or ExternalAuth: a request without credentials is refused.
                probe.status = 401
            } else if let backends = rule.backendRefs, !backends.isEmpty {
                probe.status = 200
                // One backend that says who it is (nginx-hello prints its pod's name): the right pod must answer.
                if backends.count == 1,
                    let pattern = answer(
                        service: backends[0].name, namespace: backends[0].namespace ?? object.namespace, in: all)
                {
                    probe.output = [pattern]
                }
            } else {
                continue
            }
            result.append(probe)
        }
        return result
    }
}

extension ManifestSteps {
    /// A TCPRoute to an HTTP backend that says who it is (nginx-hello): `curl http://$GW_IP:$GW_PORT_<LISTENER>/`
    /// through the listener its first parentRef names, expecting that backend's pod.
    static func tcpProbe(for object: DecodedObject, in all: [DecodedObject]) -> Scenario.Probe? {
        guard let route = try? TCPRoute.decode(object.object), let parent = route.spec.parentRefs?.first,
            let backend = route.spec.rules.first?.backendRefs?.first, route.spec.rules.first?.backendRefs?.count == 1,
            let pattern = answer(service: backend.name, namespace: backend.namespace ?? object.namespace, in: all),
            let gateway = all.first(where: {
                $0.type == ResourceRegistry.gateway && $0.name == parent.name
                    && $0.namespace == (parent.namespace ?? route.namespace)
            }).flatMap({ try? Gateway.decode($0.object) }),
            let listener = gateway.spec.listeners.first(where: {
                $0.protocol == .tcp && (parent.sectionName == nil || $0.name == parent.sectionName)
            })
        else { return nil }
        var probe = Scenario.Probe(host: "", path: "/")
        probe.gateway = gateway.name
        probe.port = "GW_PORT_" + PortVariables.upperName(listener.name)
        probe.status = 200
        probe.output = [pattern]
        return probe
    }

    /// What a Service's pods print about themselves, as a pattern: nginx-hello's `Server name: POD`.
    static func answer(service: String, namespace: String, in all: [DecodedObject]) -> String? {
        guard
            let selector = all.first(where: {
                $0.type == ResourceRegistry.service && $0.name == service && $0.namespace == namespace
            })?.object.value(at: ["spec", "selector"])?.objectValue, !selector.isEmpty
        else { return nil }
        let deployments = all.filter { $0.type == ResourceRegistry.deployment && $0.namespace == namespace }
        guard
            let deployment = deployments.first(where: { deployment in
                let labels =
                    deployment.object.value(at: ["spec", "template", "metadata", "labels"])?.objectValue ?? [:]
                return selector.allSatisfy { labels[$0.key] == $0.value }
            }),
            let image = deployment.object.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?[
                "image"]?.stringValue,
            image.hasPrefix("nginxdemos/nginx-hello") || image.hasPrefix("nginxdemos/hello")
        else { return nil }
        return "Server name: {pod:\(deployment.name)}"
    }
}

extension Array {
    var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
