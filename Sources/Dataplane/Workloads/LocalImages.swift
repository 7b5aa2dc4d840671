import Foundation
import GatewayAPI

/// What runs an image locally besides nginx's own profiles: this program's conformance echo server, and the user's
/// image map (`images:` in `~/.config/gwconsole/config.yaml`).
public struct LocalImages: Sendable, Equatable {
    /// The echo server's command: this program and `echo-server`.
    public var echoServer: [String]?
    /// The stand-in for `coredns/coredns`: this program and `dns-server`.
    public var dnsServer: [String]?
    /// grpc-go's helloworld greeter (`kic-test-grpc-server`): this program and `grpc-server`.
    public var grpcServer: [String]?
    /// The pods' sandbox helper (network namespace and forwarding): this program and `pod-sandbox`; nil runs nginx
    /// pods as host processes, as before sandboxes.
    public var podSandbox: [String]?
    public var mappings: [ImageMapping]

    public init(
        echoServer: [String]?, dnsServer: [String]? = nil, grpcServer: [String]? = nil, podSandbox: [String]? = nil,
        mappings: [ImageMapping]
    ) {
        self.echoServer = echoServer
        self.dnsServer = dnsServer
        self.grpcServer = grpcServer
        self.podSandbox = podSandbox
        self.mappings = mappings
    }

    public static let none = LocalImages(echoServer: nil, mappings: [])
}

/// One entry of the user's image map: images matching `image` (`*` matches any characters) run `command`, with the
/// pod's `${POD_IP}`, `${POD_PORT}`, `${POD_PORTS}`, `${POD_NAME}`, `${POD_NAMESPACE}` and its container's env
/// variables (`${NAME}`) put in; it listens on `port`, else on the container's first port.
public struct ImageMapping: Sendable, Equatable {
    public var image: String
    public var command: [String]
    public var port: Int?

    public init(image: String, command: [String], port: Int?) {
        self.image = image
        self.command = command
        self.port = port
    }

    /// Whether `image` matches the pattern (a `*` matches any run of characters, `/` and `:` included).
    public func matches(_ image: String) -> Bool {
        let parts = self.image.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return image == self.image }
        guard image.hasPrefix(parts[0]), image.hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = Substring(image.dropFirst(parts[0].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= parts[parts.count - 1].count
    }

    /// `${NAME}` replaced from `variables`; an unknown name stays as written.
    public static func expand(_ text: String, _ variables: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<end])
            out += variables[name] ?? "${\(name)}"
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// The `images:` list of the configuration file (a missing file or key: none). Errors name the file, line and
    /// field; other keys are the console's.
    public static func load(file: String) throws -> [ImageMapping] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            let root = try YAMLReader.parseDocument(text, file: file, lineOffset: 0),
            case .mapping(let members) = root.content,
            let images = members.first(where: { $0.key == "images" })
        else { return [] }
        guard case .sequence(let items) = images.value.content else {
            throw ManifestError(
                position: images.value.position, path: FieldPath("images"),
                message: "must be a list of {image, command, port}")
        }
        var mappings: [ImageMapping] = []
        for (index, item) in items.enumerated() {
            let path = FieldPath("images").appending(index: index)
            let json = item.toJSON()
            guard let image = json["image"]?.stringValue, !image.isEmpty else {
                throw ManifestError(
                    position: item.position, path: path.appending("image"),
                    message: "Required value: an image name or pattern")
            }
            guard let command = json["command"]?.arrayValue?.compactMap(\.stringValue), !command.isEmpty,
                command.count == json["command"]?.arrayValue?.count, command[0].hasPrefix("/")
            else {
                throw ManifestError(
                    position: item["command"]?.position ?? item.position, path: path.appending("command"),
                    message: "must be a list of strings starting with an absolute path to the program")
            }
            for key in json.objectValue?.keys.sorted() ?? [] where !["image", "command", "port"].contains(key) {
                throw ManifestError(
                    position: item[key]?.position ?? item.position, path: path.appending(key),
                    message: "unknown field \"\(key)\"")
            }
            var port: Int?
            if let value = json["port"] {
                guard let number = value.intValue, (1...65535).contains(number) else {
                    throw ManifestError(
                        position: item["port"]?.position, path: path.appending("port"),
                        message: "must be a port from 1 to 65535")
                }
                port = Int(number)
            }
            mappings.append(ImageMapping(image: image, command: command, port: port))
        }
        return mappings
    }
}
