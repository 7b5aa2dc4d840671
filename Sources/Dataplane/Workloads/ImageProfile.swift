import GatewayAPI
import NginxConfig

/// The container images gwconsole runs as local pods, each answering as the real image does. Every pod is a local
/// nginx process on its loopback address; an image other than nginx gets the server block that gives its answer.
enum ImageProfile: Equatable {
    /// nginx itself (`nginx`, `nginxinc/nginx-unprivileged`): its config comes from the pod's volumes.
    case nginx
    /// `nginxdemos/nginx-hello` and `nginxdemos/hello`: the server's address, the pod's name, the date, the URI
    /// and the request ID; as text for the `plain-text` tags, else as an HTML page.
    case nginxHello(plainText: Bool)
    /// `hashicorp/http-echo`: its `-text` on its `-listen` port (default 5678), with `-status-code` (default 200).
    case httpEcho(text: String, port: Int?, status: Int)
    /// `golang`: the container's own command (`go run main.go` on a ConfigMap'd source, say) with this machine's Go,
    /// only ever in a sandbox (docs/workloads.md).
    case golang
    /// A process of its own: the Gateway API conformance echo server (`echo-basic`, this program's `echo-server`),
    /// or a command the user's image map gives the image. `port`: where it listens, when the image decides.
    case command([String], port: Int?)

    /// The conformance suite's echo server images (its registries' names for it).
    static let echoBasicImages: Set<String> = [
        "gcr.io/k8s-staging-gateway-api/echo-basic", "registry.k8s.io/gateway-api/echo-basic",
        "registry.k8s.io/gateway-api/conformance/echo-basic",
        "us-central1-docker.pkg.dev/k8s-staging-images/gateway-api/echo-basic",
    ]

    /// CoreDNS's images: gwconsole's `dns-server` answers from the pod's Corefile.
    static let coreDNSImages: Set<String> = [
        "coredns/coredns", "registry.k8s.io/coredns/coredns", "k8s.gcr.io/coredns/coredns",
    ]

    /// NGF's gRPC example backend: grpc-go's helloworld greeter (`nginx/kic-test-containers`' grpc image).
    static let grpcGreeterImages: Set<String> = [
        "ghcr.io/nginx/kic-test-grpc-server", "ghcr.io/nginxinc/kic-test-grpc-server", "nginx/kic-test-grpc-server",
    ]

    /// The images with a profile, for messages.
    static let supported =
        "nginx, nginxinc/nginx-unprivileged, nginxdemos/nginx-hello, nginxdemos/hello, hashicorp/http-echo, "
        + "the Gateway API conformance echo server (echo-basic), coredns/coredns, ghcr.io/nginx/kic-test-grpc-server, "
        + "golang (with this machine's Go, in a sandbox)"

    /// The profile of a container's image and arguments; nil when no local profile answers as it does. The user's
    /// image map comes first.
    static func of(_ container: Container, images: LocalImages = .none) -> ImageProfile? {
        guard let image = container.image else { return nil }
        if let mapping = images.mappings.first(where: { $0.matches(image) }) {
            return .command(mapping.command, port: mapping.port)
        }
        let (name, tag) = split(image)
        if echoBasicImages.contains(name), let server = images.echoServer {
            // echo-basic's modes: TCP (TCP_PORT, 3000), UDP (UDP_PORT, 8080), else HTTP (HTTP_PORT, 3000).
            let mode = ["TCP_ECHO_SERVER", "UDP_ECHO_SERVER"].first { !(environment($0, container) ?? "").isEmpty }
            let portVariable =
                mode == "TCP_ECHO_SERVER" ? "TCP_PORT" : mode == "UDP_ECHO_SERVER" ? "UDP_PORT" : "HTTP_PORT"
            let port =
                environment(portVariable, container).flatMap { Int($0) } ?? (mode == "UDP_ECHO_SERVER" ? 8080 : 3000)
            return .command(server, port: port)
        }
        if grpcGreeterImages.contains(name), let server = images.grpcServer {
            // grpc-go's helloworld greeter_server: `-port` (default 50051).
            let arguments = (container.command ?? []) + (container.args ?? [])
            let port = (flag("port", in: arguments) ?? flag("-port", in: arguments)).flatMap { Int($0) } ?? 50051
            return .command(server, port: port)
        }
        if coreDNSImages.contains(name), let server = images.dnsServer {
            // CoreDNS's `-conf FILE` (its default: Corefile in its working directory, /); the file is read in the
            // pod's volumes (WorkloadManager maps the path), and the server is told the pod's address.
            let arguments =
                (container.command ?? []).dropFirst(container.command?.first == "/coredns" ? 1 : 0)
                + (container.args ?? [])
            let conf = flag("conf", in: Array(arguments)) ?? "/Corefile"
            return .command(
                server + ["--conf", conf], port: container.ports?.first.map { Int($0.containerPort) } ?? 53)
        }
        switch name {
        case "golang", "library/golang":
            return .golang
        case "nginx", "library/nginx", "nginxinc/nginx-unprivileged", "nginxinc/nginx":
            return .nginx
        case "nginxdemos/nginx-hello", "nginxdemos/hello":
            // The image is nginx with its page in /etc/nginx/conf.d: a pod mounting its own conf.d (NGF's TLS
            // passthrough guide serves HTTPS so) runs nginx with that config instead.
            let ownConfig = (container.volumeMounts ?? []).contains {
                ["/etc/nginx/conf.d", "/etc/nginx/conf.d/", "/etc/nginx", "/etc/nginx/"].contains($0.mountPath)
            }
            if ownConfig { return .nginx }
            return .nginxHello(plainText: tag?.contains("plain-text") ?? false)
        case "hashicorp/http-echo":
            let arguments = (container.command ?? []).filter { $0.hasPrefix("-") } + (container.args ?? [])
            let text = flag("text", in: arguments) ?? environment("ECHO_TEXT", container) ?? ""
            let listen = flag("listen", in: arguments)
            let port = listen.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
            let status = flag("status-code", in: arguments).flatMap { Int($0) } ?? 200
            return .httpEcho(text: text, port: port, status: status)
        default:
            return nil
        }
    }

    /// The image's repository path (without a registry of Docker Hub's) and tag.
    static func split(_ image: String) -> (name: String, tag: String?) {
        var name = image
        for registry in ["docker.io/", "index.docker.io/", "registry.hub.docker.com/"] where name.hasPrefix(registry) {
            name.removeFirst(registry.count)
        }
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        var tag: String?
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tag = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        return (name, tag)
    }

    /// A Go flag's value: `-name=value`, `--name=value`, or `-name value`.
    static func flag(_ name: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            for prefix in ["-\(name)=", "--\(name)="] where argument.hasPrefix(prefix) {
                return String(argument.dropFirst(prefix.count))
            }
            if argument == "-\(name)" || argument == "--\(name)", index + 1 < arguments.count {
                return arguments[index + 1]
            }
        }
        return nil
    }

    static func environment(_ name: String, _ container: Container) -> String? {
        container.env?.first { $0["name"]?.stringValue == name }?["value"]?.stringValue
    }

    /// The port the image listens on when the container names none.
    var defaultPort: Int {
        switch self {
        case .nginx: return 80
        case .nginxHello: return 8080
        case .httpEcho(_, let port, _): return port ?? 5678
        case .command(_, let port): return port ?? 8080
        case .golang: return 8080
        }
    }

    /// The port the pod listens on: the image's own (http-echo's `-listen`), else the container's first port,
    /// else the image's default.
    func port(_ container: Container) -> Int {
        if case .httpEcho(_, let port?, _) = self { return port }
        if case .command(_, let port?) = self { return port }
        return container.ports?.first.map { Int($0.containerPort) } ?? defaultPort
    }

    /// The server block that answers as the image does (nil for nginx, whose config is the pod's own). Every value
    /// from the manifest is escaped for nginx; a text nginx cannot take (control characters) is refused by the caller.
    func server(podIP: String, port: Int, podName: String) -> String? {
        let listen = "listen \(podIP):\(port);"
        switch self {
        case .nginx, .command, .golang:
            return nil
        case .nginxHello(true):
            let body =
                "Server address: $server_addr:$server_port\\nServer name: \(Self.variableFree(podName))\\nDate: $time_local\\nURI: $request_uri\\nRequest ID: $request_id\\n"
            return """
                server {
                    \(listen)
                    location / {
                        default_type text/plain;
                        expires -1;
                        return 200 "\(body)";
                    }
                }
                """
        case .nginxHello(false):
            let name = Self.variableFree(podName)
            let page =
                "<!DOCTYPE html><html><head><title>Hello World</title></head><body><h1>Hello World</h1>"
                + "<p><span>Server&nbsp;address:</span> <span>$server_addr:$server_port</span></p>"
                + "<p><span>Server&nbsp;name:</span> <span>\(name)</span></p>"
                + "<p><span>Date:</span> <span>$time_local</span></p>"
                + "<p><span>URI:</span> <span>$request_uri</span></p>"
                + "<p><span>Request ID:</span> <span>$request_id</span></p></body></html>\\n"
            return """
                server {
                    \(listen)
                    location / {
                        default_type text/html;
                        expires -1;
                        return 200 "\(page)";
                    }
                }
                """
        case .httpEcho(let text, _, let status):
            return """
                geo $gw_dollar { default "$"; }
                server {
                    \(listen)
                    location / {
                        default_type text/plain;
                        return \(status) \(NginxString.quoted(text + "\n"));
                    }
                }
                """
        }
    }

    /// Why the image's arguments cannot be served, or nil.
    func problem() -> String? {
        guard case .httpEcho(let text, let port, let status) = self else { return nil }
        if let problem = NginxString.problem(text) { return "-text \(problem)" }
        if let port, !(1...65535).contains(port) { return "-listen port \(port) is out of range" }
        if !(100...599).contains(status) { return "-status-code \(status) is not an HTTP status" }
        return nil
    }

    /// A pod name as text in an nginx string: names are DNS labels, so nothing but letters, digits, '-' and '.'.
    static func variableFree(_ name: String) -> String {
        String(
            name.unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")
            }.map(Character.init))
    }
}
