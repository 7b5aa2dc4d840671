import GatewayAPI

/// Writes a scenario as the YAML `scenario import` saves: fields in reading order, manifests and expected output
/// as `|` blocks, checks as one-line mappings where they fit.
public enum ScenarioWriter {
    public static func write(_ scenario: Scenario) -> String {
        var out = "name: \(scalar(scenario.name))\ntitle: \(scalar(scenario.title))\n"
        if let source = scenario.source { out += "source: \(scalar(source))\n" }
        out += "steps:\n"
        for step in scenario.steps {
            out += "  - title: \(scalar(step.title))\n"
            if let prose = step.prose { out += "    prose: \(scalar(prose))\n" }
            if let apply = step.apply { out += "    apply: " + block(apply, indent: 6) }
            if let delete = step.delete { out += "    delete: " + block(delete, indent: 6) }
            if let manual = step.manual {
                var fields = [("command", scalar(manual.command))]
                if let edit = manual.edit { fields.append(("edit", flow(objectName(edit)))) }
                out += "    manual: \(flow(fields))\n"
            }
            guard let checks = step.checks, !checks.isEmpty else { continue }
            out += "    checks:\n"
            for check in checks {
                if let object = check.object { out += "      - object: \(flow(objectFields(object)))\n" }
                if let probe = check.probe { out += probeText(probe) }
                if let stream = check.stream {
                    var fields = [("port", scalar(stream.port))]
                    if let gateway = stream.gateway { fields.append(("gateway", scalar(gateway))) }
                    if let host = stream.host { fields.append(("host", scalar(host))) }
                    if stream.tls == true { fields.append(("tls", "true")) }
                    if let send = stream.send { fields.append(("send", scalar(send))) }
                    if stream.connectOnly == true { fields.append(("connectOnly", "true")) }
                    if let output = stream.output {
                        out += "      - stream:\n"
                        for (key, value) in fields { out += "          \(key): \(value)\n" }
                        out += "          output: " + block(output, indent: 12)
                    } else {
                        out += "      - stream: \(flow(fields))\n"
                    }
                }
                if let grpc = check.grpc { out += grpcText(grpc) }
                if let dns = check.dns {
                    var fields = [("name", scalar(dns.name))]
                    if let port = dns.port { fields.append(("port", scalar(port))) }
                    if let gateway = dns.gateway { fields.append(("gateway", scalar(gateway))) }
                    if let status = dns.status { fields.append(("status", scalar(status))) }
                    out += "      - dns: \(flow(fields))\n"
                }
            }
        }
        return out
    }

    static func grpcText(_ grpc: Scenario.GRPCProbe) -> String {
        var fields = [("port", scalar(grpc.port)), ("method", scalar(grpc.method))]
        if let gateway = grpc.gateway { fields.append(("gateway", scalar(gateway))) }
        if let authority = grpc.authority { fields.append(("authority", scalar(authority))) }
        if let metadata = grpc.metadata {
            fields.append(("metadata", "[" + metadata.map(scalar).joined(separator: ", ") + "]"))
        }
        if let data = grpc.data { fields.append(("data", scalar(data))) }
        if grpc.tls == true { fields.append(("tls", "true")) }
        if grpc.insecure == true { fields.append(("insecure", "true")) }
        if let code = grpc.code { fields.append(("code", scalar(code))) }
        var out = "      - grpc:\n"
        for (key, value) in fields { out += "          \(key): \(value)\n" }
        if let output = grpc.output { out += "          output: " + block(output, indent: 12) }
        if let protos = grpc.protos, !protos.isEmpty {
            out += "          protos:\n"
            for proto in protos {
                out += "            - name: \(scalar(proto.name))\n"
                out += "              text: " + block(proto.text, indent: 16)
            }
        }
        return out
    }

    static func probeText(_ probe: Scenario.Probe) -> String {
        var fields = [("host", scalar(probe.host))]
        if let path = probe.path { fields.append(("path", scalar(path))) }
        if let gateway = probe.gateway { fields.append(("gateway", scalar(gateway))) }
        if let scheme = probe.scheme { fields.append(("scheme", scalar(scheme))) }
        if let port = probe.port { fields.append(("port", scalar(port))) }
        if let method = probe.method { fields.append(("method", scalar(method))) }
        if let headers = probe.headers {
            fields.append(("headers", "[" + headers.map(scalar).joined(separator: ", ") + "]"))
        }
        if probe.insecure == true { fields.append(("insecure", "true")) }
        if probe.include == true { fields.append(("include", "true")) }
        if let status = probe.status { fields.append(("status", String(status))) }
        if let body = probe.body { fields.append(("body", scalar(body))) }
        if let code = probe.curlError { fields.append(("curlError", String(code))) }
        guard let output = probe.output, !output.isEmpty else { return "      - probe: \(flow(fields))\n" }
        var out = "      - probe:\n"
        for (key, value) in fields { out += "          \(key): \(value)\n" }
        out += "          output:\n"
        for pattern in output { out += "            - " + block(pattern, indent: 14) }
        return out
    }

    static func objectName(_ name: Scenario.ObjectName) -> [(String, String)] {
        var fields = [("kind", scalar(name.kind)), ("name", scalar(name.name))]
        if let namespace = name.namespace { fields.append(("namespace", scalar(namespace))) }
        return fields
    }

    static func objectFields(_ check: Scenario.ObjectCheck) -> [(String, String)] {
        var fields = objectName(.init(kind: check.kind, name: check.name, namespace: check.namespace))
        for (key, value) in [
            ("condition", check.condition), ("status", check.status), ("reason", check.reason),
            ("field", check.field), ("equals", check.equals),
        ] {
            if let value { fields.append((key, scalar(value))) }
        }
        return fields
    }

    static func flow(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A plain scalar where YAML reads it back as the same string, else a double-quoted one.
    static func scalar(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "._/-".contains($0) }
            && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased())
            && Double(text) == nil && text.first != "-"
        if plain { return text }
        var out = ""
        JSONWriter.writeString(text, into: &out)
        return out
    }

    /// A `|` block (keeping one final newline, or none with `|-`) whose lines start at `indent`.
    static func block(_ text: String, indent: Int) -> String {
        var body = Substring(text)
        while body.hasSuffix("\n\n") { body = body.dropLast() }
        let chomp = body.hasSuffix("\n") ? "" : "-"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        let content = body.hasSuffix("\n") ? lines.dropLast() : lines[...]
        let indicator = content.first.map { $0.hasPrefix(" ") } == true ? "2" : ""
        let pad = String(repeating: " ", count: indent)
        return "|\(indicator)\(chomp)\n" + content.map { $0.isEmpty ? "\n" : pad + $0 + "\n" }.joined()
    }
}
