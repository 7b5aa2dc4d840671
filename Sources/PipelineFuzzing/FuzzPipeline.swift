import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig

/// One fuzz input through the whole pure pipeline: read and decode (with validation), snapshot, graph, status,
/// render. Used by the seeded tests and by the coverage-guided libFuzzer build (scripts/fuzz.sh).
public enum FuzzPipeline {
    /// What became of one input.
    public enum Outcome: Equatable, Sendable {
        /// Refused by reading or validation (the error a user would see).
        case rejected
        /// Decoded, but no Gateway of ours to render.
        case noGateway
        /// Rendered; the directives no renderer writes (empty when the property holds) and the files.
        case rendered(unexpected: [String], config: RenderedConfig)
    }

    /// The GatewayClass every case gets, so Gateways are ours.
    static let gatewayClass: JSONValue = [
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
        "metadata": ["name": "nginx"], "spec": ["controllerName": .string(ControllerConfig.defaultControllerName)],
    ]

    /// The core's configuration for fuzzing: structural certificate checks (the pure defaults) and the renderer's
    /// rule check. The seeded tests pass OpenSSL's checks, as the product wires them.
    public static var defaultConfig: ControllerConfig {
        var config = ControllerConfig()
        config.ruleCheck = RuleCheck.check
        return config
    }

    /// Paths for the rendered files that nothing writes to.
    public static let defaultSettings = RenderSettings(
        address: "127.0.0.1", portOffset: 31_000, configDirectory: "/fuzz/gen",
        runtimeDirectory: "/fuzz/run", generation: 1, workersAsRoot: false)

    /// Runs `data` (YAML or JSON manifests) through the pipeline.
    public static func run(
        _ data: Data, file: String = "fuzz.yaml", config: ControllerConfig = defaultConfig,
        settings: RenderSettings = defaultSettings
    ) -> Outcome {
        let objects: [DecodedObject]
        do {
            objects = try ManifestDecoder().decode(ManifestReader.documents(from: data, file: file))
        } catch {
            return .rejected
        }
        var snapshot = ResourceSnapshot()
        guard let gatewayClass = try? GatewayClass.decode(gatewayClass) else { return .rejected }
        snapshot.gatewayClasses = [gatewayClass]
        for object in objects { try? snapshot.insert(kind: object.type.kind, object: object.object) }
        let graph = GraphBuilder.build(snapshot, config: config)
        _ = StatusBuilder.updates(graph, now: "2026-01-01T00:00:00Z")
        guard let gateway = graph.gateways.first else { return .noGateway }
        let rendered = Renderer.render(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings)
        return .rendered(unexpected: ConfigDirectives.unexpected(in: text(of: rendered)), config: rendered)
    }

    /// The configuration's text without secret files (key material is not config).
    public static func text(of config: RenderedConfig) -> String {
        config.files.filter { !$0.secret }.map(\.content).joined(separator: "\n")
    }
}

/// libFuzzer's entry point: a crash, a hang, or a user string that became a directive is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func gwconsoleFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    if case .rendered(let unexpected, let config) = FuzzPipeline.run(Data(bytes: data, count: size)),
        !unexpected.isEmpty
    {
        fatalError("user input became nginx directives \(unexpected):\n\(FuzzPipeline.text(of: config))")
    }
    return 0
}
