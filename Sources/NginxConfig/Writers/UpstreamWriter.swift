/// Writes `upstreams.conf`: one upstream per Service port, its ready endpoints as servers.
enum UpstreamWriter {
    static func write(_ upstreams: [Upstream], policies: PolicyDirectives = PolicyDirectives()) -> String {
        var w = ConfigWriter()
        for upstream in upstreams {
            w.block("upstream \(upstream.name)") { w in
                // Kubernetes names have no "_": the name splits back into namespace, Service and port.
                let parts = upstream.name.split(separator: "_")
                if parts.count == 3 { w.line("# Service \(parts[0])/\(parts[1]):\(parts[2])") }
                w.write(policies.upstreams[upstream.name] ?? [])
                for address in upstream.servers { w.line("server \(address);") }
            }
            w.line()
        }
        return w.text
    }
}
