import GatewayAPI
import GatewayCore

/// Local pods that wait or crash: the pod, its image, the reason and kubelet-style message, the Services and routes
/// that lose their endpoints, and the fix by reason (an `images:` entry for an image with no local profile).
enum PodRules {
    /// Reasons that are not faults: a pod still starting, a local pod stopped with the data plane (DataplaneDown
    /// says so), a pod whose work is done.
    static let notFaults: Set<String> = ["ContainerCreating", "PodInitializing", "DataPlaneStopped", "Completed"]

    static func findings(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        let routed = routedServices(input)
        for pod in input.pods where input.inScope(ref(pod)) {
            guard let problem = problem(pod) else { continue }
            // A cluster's pods: only those behind a route's Service are doctor's concern.
            if input.dataplane.managedElsewhere && !selecting(pod, input).contains(where: routed.keys.contains) {
                continue
            }
            let namespace = pod.namespace ?? "default"
            let container = pod.spec.containers.first { $0.name == problem.container } ?? pod.spec.containers.first
            let image = container?.image ?? problem.image
            let services = selecting(pod, input)
            var evidence = ["\(problem.reason): \(problem.message)", "image: \(image)"]
            if problem.restarts > 0 { evidence.append("restarts: \(problem.restarts)") }
            for service in services {
                let routes = routed[service] ?? []
                evidence.append(
                    "Service \(service.namespacedName) selects it"
                        + (routes.isEmpty
                            ? ""
                            : "; \(routes.joined(separator: ", ")) send\(routes.count == 1 ? "s" : "") to it: requests get 503")
                )
            }
            findings.append(
                Finding(
                    .podNotReady, .error, objects: ["Pod \(namespace)/\(pod.name)"],
                    summary:
                        "\(owner(pod).map { "a pod of \($0)" } ?? "the pod") is not ready: \(problem.reason) (image \(image))",
                    evidence: evidence,
                    fix: fix(problem.reason, image: image, container: container, pod: pod, input)))
        }
        return findings
    }

    /// The routes (as "Kind ns/name") that send to each Service.
    static func routedServices(_ input: DoctorInput) -> [ObjectRef: [String]] {
        var routes: [ObjectRef: [String]] = [:]
        for route in input.graph.routes {
            let services = Set(route.rules.flatMap { $0.backends.compactMap(\.service) })
            for service in services { routes[service, default: []].append(route.ref.description) }
        }
        return routes
    }

    /// Whether a Service's missing endpoints are the pods' doing: it selects a pod in doctor's scope that has a
    /// finding of its own.
    static func explainsNoEndpoints(_ service: ObjectRef, _ input: DoctorInput) -> Bool {
        input.inScope(service)
            && input.pods.contains { pod in
                (pod.metadata.namespace ?? "default") == service.namespace && problem(pod) != nil
                    && selecting(pod, input).contains(service)
            }
    }

    struct Problem {
        var container: String
        var image: String
        var reason: String
        var message: String
        var restarts: Int32
    }

    /// Why a pod is not ready, from its containers' states; nil when it is ready or still starting.
    static func problem(_ pod: Pod) -> Problem? {
        guard pod.metadata.deletionTimestamp == nil, pod.status?.phase != "Succeeded" else { return nil }
        for status in pod.status?.containerStatuses ?? [] where !status.ready {
            let waiting = status.state?["waiting"]
            let terminated = status.state?["terminated"]
            let reason = waiting?["reason"]?.stringValue ?? terminated?["reason"]?.stringValue ?? ""
            let message = waiting?["message"]?.stringValue ?? terminated?["message"]?.stringValue ?? ""
            // Still creating is no fault, unless a volume it needs is missing (it waits until someone makes it).
            guard !reason.isEmpty, !notFaults.contains(reason) || message.hasPrefix(missingVolume) else { continue }
            return Problem(
                container: status.name, image: status.image, reason: reason, message: message,
                restarts: status.restartCount)
        }
        return nil
    }

    /// How kubelet, and a local pod, say that a volume's ConfigMap or Secret is missing.
    static let missingVolume = "MountVolume.SetUp failed for volume"

    static func ref(_ pod: Pod) -> ObjectRef {
        ObjectRef(group: "", kind: "Pod", namespace: pod.namespace ?? "default", name: pod.name)
    }

    /// What a pod belongs to: "Deployment ns/web" for a ReplicaSet's pod (its name less the template hash), else
    /// its owner's kind and name.
    static func owner(_ pod: Pod) -> String? {
        guard let reference = pod.metadata.ownerReferences?.first else { return nil }
        let namespace = pod.metadata.namespace ?? "default"
        if reference.kind == "ReplicaSet", let hash = pod.metadata.labels?["pod-template-hash"],
            reference.name.hasSuffix("-" + hash)
        {
            return "Deployment \(namespace)/\(reference.name.dropLast(hash.count + 1))"
        }
        return "\(reference.kind) \(namespace)/\(reference.name)"
    }

    /// The Services of the pod's namespace whose selector matches its labels.
    static func selecting(_ pod: Pod, _ input: DoctorInput) -> [ObjectRef] {
        let namespace = pod.namespace ?? "default"
        let labels = pod.metadata.labels ?? [:]
        return input.snapshot.services.filter { service in
            (service.metadata.namespace ?? "default") == namespace
                && !(service.spec?.selector ?? [:]).isEmpty
                && (service.spec?.selector ?? [:]).allSatisfy { labels[$0.key] == $0.value }
        }.map { ObjectRef(group: "", kind: "Service", namespace: namespace, name: $0.name) }
    }

    static func fix(_ reason: String, image: String, container: Container?, pod: Pod, _ input: DoctorInput) -> String {
        let namespace = pod.namespace ?? "default"
        switch reason {
        case "ImageNotLocal":
            let port = container?.ports?.first.map { Int($0.containerPort) } ?? 8080
            let command = (input.echoServerCommand + ["--listen", "${POD_IP}:${POD_PORT}"]).map(doubleQuoted)
            return """
                map the image to a local command: add this entry to \(input.imageMapFile) (gwconsole's echo server \
                stands in for the image here; put your program's command instead), then gwconsole status restarts the pods:
                images:
                  - image: \(doubleQuoted(image))
                    command: [\(command.joined(separator: ", "))]
                    port: \(port)
                """
        case "ContainerCreating":
            return
                "create the ConfigMap or Secret the message names in namespace \(namespace) (or mark the volume optional: true); the pod starts once it exists"
        case "CreateContainerConfigError":
            return
                "the pod's configuration cannot be given to it (the message says which); correct the Deployment's volumes or mounts, or map the image to a command of yours under images: in \(input.imageMapFile)"
        case "CrashLoopBackOff":
            return
                "its process keeps exiting: gwconsole logs \(pod.name) -n \(namespace) shows why; correct the configuration the message names"
        default:
            return "gwconsole describe pod \(pod.name) -n \(namespace) shows its state; the message says what to change"
        }
    }

    /// A YAML double-quoted scalar (a JSON string literal is one).
    static func doubleQuoted(_ text: String) -> String {
        var out = ""
        JSONWriter.writeString(text, into: &out)
        return out
    }
}
