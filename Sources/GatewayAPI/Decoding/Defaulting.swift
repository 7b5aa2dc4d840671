import Foundation

/// Defaults the API server fills in on write: the Gateway API CRDs' `default:` values and the core kinds' defaulters.
enum Defaulting {
    static func apply(_ gateway: inout Gateway) {
        apply(&gateway.spec.listeners)
        // The CRD defaults allowedListeners.namespaces (not allowedListeners itself) to `from: None`.
        if var allowed = gateway.spec.allowedListeners, allowed.namespaces?.from == nil {
            allowed.namespaces = RouteNamespaces(from: "None", selector: allowed.namespaces?.selector)
            gateway.spec.allowedListeners = allowed
        }
    }

    /// A ListenerSet's defaults: its parentRef's group and kind, its listeners' as a Gateway's.
    static func apply(_ set: inout ListenerSet) {
        if set.spec.parentRef.group == nil { set.spec.parentRef.group = "gateway.networking.k8s.io" }
        if set.spec.parentRef.kind == nil { set.spec.parentRef.kind = "Gateway" }
        apply(&set.spec.listeners)
    }

    /// Listeners' allowedRoutes (namespaces from Same) and TLS mode (Terminate).
    static func apply(_ listeners: inout [Listener]) {
        for index in listeners.indices {
            var listener = listeners[index]
            if listener.allowedRoutes == nil {
                listener.allowedRoutes = AllowedRoutes(
                    namespaces: RouteNamespaces(from: "Same", selector: nil), kinds: nil)
            } else if listener.allowedRoutes?.namespaces == nil {
                listener.allowedRoutes?.namespaces = RouteNamespaces(from: "Same", selector: nil)
            } else if listener.allowedRoutes?.namespaces?.from == nil {
                listener.allowedRoutes?.namespaces?.from = "Same"
            }
            if listener.tls != nil && listener.tls?.mode == nil { listener.tls?.mode = "Terminate" }
            listeners[index] = listener
        }
    }

    static let defaultMatch = HTTPRouteMatch(
        path: HTTPPathMatch(type: .pathPrefix, value: "/"), headers: nil, queryParams: nil, method: nil)

    static func apply(_ route: inout HTTPRoute) {
        if var parents = route.spec.parentRefs {
            for index in parents.indices {
                if parents[index].group == nil { parents[index].group = "gateway.networking.k8s.io" }
                if parents[index].kind == nil { parents[index].kind = "Gateway" }
            }
            route.spec.parentRefs = parents
        }
        var rules = route.spec.rules ?? [HTTPRouteRule(matches: nil)]
        for r in rules.indices {
            var matches = rules[r].matches ?? [defaultMatch]
            for m in matches.indices {
                if matches[m].path == nil && matches[m].headers == nil && matches[m].queryParams == nil
                    && matches[m].method == nil
                {
                    matches[m].path = defaultMatch.path
                }
                if matches[m].path != nil {
                    if matches[m].path?.type == nil { matches[m].path?.type = .pathPrefix }
                    if matches[m].path?.value == nil { matches[m].path?.value = "/" }
                }
                if var headers = matches[m].headers {
                    for h in headers.indices where headers[h].type == nil { headers[h].type = .exact }
                    matches[m].headers = headers
                }
                if var params = matches[m].queryParams {
                    for q in params.indices where params[q].type == nil { params[q].type = .exact }
                    matches[m].queryParams = params
                }
            }
            rules[r].matches = matches
            if var backends = rules[r].backendRefs {
                for b in backends.indices {
                    if backends[b].group == nil { backends[b].group = "" }
                    if backends[b].kind == nil { backends[b].kind = "Service" }
                    if backends[b].weight == nil { backends[b].weight = 1 }
                }
                rules[r].backendRefs = backends
            }
        }
        route.spec.rules = rules
    }

    /// A GRPCRoute's defaults: parentRefs' group and kind, method and header match types `Exact`, backendRefs' group,
    /// kind and weight.
    static func apply(_ route: inout GRPCRoute) {
        if var parents = route.spec.parentRefs {
            for index in parents.indices {
                if parents[index].group == nil { parents[index].group = "gateway.networking.k8s.io" }
                if parents[index].kind == nil { parents[index].kind = "Gateway" }
            }
            route.spec.parentRefs = parents
        }
        guard var rules = route.spec.rules else { return }
        for r in rules.indices {
            if var matches = rules[r].matches {
                for m in matches.indices {
                    if matches[m].method != nil && matches[m].method?.type == nil { matches[m].method?.type = .exact }
                    if var headers = matches[m].headers {
                        for h in headers.indices where headers[h].type == nil { headers[h].type = .exact }
                        matches[m].headers = headers
                    }
                }
                rules[r].matches = matches
            }
            if var backends = rules[r].backendRefs {
                for b in backends.indices {
                    if backends[b].group == nil { backends[b].group = "" }
                    if backends[b].kind == nil { backends[b].kind = "Service" }
                    if backends[b].weight == nil { backends[b].weight = 1 }
                }
                rules[r].backendRefs = backends
            }
        }
        route.spec.rules = rules
    }

    /// A layer-4 route's defaults: parentRefs' group and kind, backendRefs' group, kind and weight.
    static func apply(_ parentRefs: inout [ParentReference]?, _ rules: inout [L4RouteRule]) {
        if var parents = parentRefs {
            for index in parents.indices {
                if parents[index].group == nil { parents[index].group = "gateway.networking.k8s.io" }
                if parents[index].kind == nil { parents[index].kind = "Gateway" }
            }
            parentRefs = parents
        }
        for r in rules.indices {
            guard var backends = rules[r].backendRefs else { continue }
            for b in backends.indices {
                if backends[b].group == nil { backends[b].group = "" }
                if backends[b].kind == nil { backends[b].kind = "Service" }
                if backends[b].weight == nil { backends[b].weight = 1 }
            }
            rules[r].backendRefs = backends
        }
    }

    /// The API server labels every Namespace with its name (`kubernetes.io/metadata.name`, since Kubernetes 1.22),
    /// whatever the manifest says: selectors on that label (a listener's `allowedRoutes.namespaces.from: Selector`)
    /// can rely on it.
    static func apply(_ namespace: inout Namespace) {
        var labels = namespace.metadata.labels ?? [:]
        labels["kubernetes.io/metadata.name"] = namespace.metadata.name
        namespace.metadata.labels = labels
    }

    static func apply(_ service: inout Service) {
        var spec = service.spec ?? ServiceSpec()
        if spec.type == nil { spec.type = "ClusterIP" }
        if spec.sessionAffinity == nil && spec.type != "ExternalName" { spec.sessionAffinity = "None" }
        if var ports = spec.ports {
            for index in ports.indices {
                if ports[index].protocol == nil { ports[index].protocol = "TCP" }
                if ports[index].targetPort == nil { ports[index].targetPort = .int(ports[index].port) }
            }
            spec.ports = ports
        }
        service.spec = spec
    }

    /// `stringData` is merged into `data` (base64) and dropped, as the API server does; type defaults to Opaque.
    static func apply(_ secret: inout Secret) {
        if secret.type == nil { secret.type = "Opaque" }
        if let stringData = secret.stringData {
            var data = secret.data ?? [:]
            for (key, value) in stringData { data[key] = Base64.encode(value) }
            secret.data = data
            secret.stringData = nil
        }
    }

    static func apply(_ deployment: inout Deployment) {
        if deployment.spec.replicas == nil { deployment.spec.replicas = 1 }
    }
}
