import Foundation
import GatewayAPI
import GatewayCore

/// Renders one Gateway of the graph into nginx configuration (pure): the graph becomes a `DataplaneConfiguration`
/// (`DataplaneBuilder`), which the writers turn into files.
///
/// Layout per generation directory: `nginx.conf` (main, events, http), `conf.d/maps.conf`, `conf.d/upstreams.conf`,
/// `conf.d/servers.conf`, and `secrets/` (listener certificates and CA bundles, mode 0600).
public enum Renderer {
    /// Marks the one line that carries the generation number (ignored when comparing configs).
    public static let generationMarker = "# gw-generation"

    public static func render(gateway: GatewayNode, graph: Graph, snapshot: ResourceSnapshot, settings: RenderSettings)
        -> RenderedConfig
    {
        write(
            DataplaneBuilder.build(gateway: gateway, graph: graph, snapshot: snapshot, settings: settings),
            settings: settings)
    }

    /// The files of a data plane configuration.
    public static func write(_ configuration: DataplaneConfiguration, settings: RenderSettings) -> RenderedConfig {
        var files = [
            RenderedFile(
                path: RenderedConfig.mainFile,
                content: MainConfigWriter.write(
                    gateway: configuration.gateway, settings: settings, stream: !configuration.stream.isEmpty,
                    njs: configuration.stream.splitsProtocols, policies: configuration.policies),
                secret: false),
            RenderedFile(path: "conf.d/maps.conf", content: MapWriter.write(configuration.maps), secret: false),
            RenderedFile(
                path: "conf.d/upstreams.conf",
                content: UpstreamWriter.write(configuration.upstreams, policies: configuration.policies), secret: false),
            RenderedFile(
                path: "conf.d/servers.conf",
                content: ServerWriter.write(configuration.servers, policies: configuration.policies), secret: false),
        ]
        if !configuration.stream.isEmpty {
            files.append(
                RenderedFile(
                    path: "conf.d/stream.conf",
                    content: StreamWriter.write(configuration.stream),
                    secret: false))
        }
        if configuration.stream.splitsProtocols {
            files.append(
                RenderedFile(path: ProtocolSplitScript.file, content: ProtocolSplitScript.source, secret: false))
        }
        files += configuration.files.map { RenderedFile(path: $0.path, content: $0.content, secret: true) }
        return RenderedConfig(gateway: configuration.gateway, files: files, bindings: configuration.bindings)
    }
}
