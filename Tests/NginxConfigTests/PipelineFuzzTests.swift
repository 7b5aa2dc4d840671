import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import PipelineFuzzing
import Probing
import Testing

/// Seeded fuzzing of decode → graph → status → render with hostile strings in every field a route, Gateway or
/// policy carries. Properties: nothing crashes; every rendered directive is one the renderer writes (no user string
/// becomes config); every rendered config passes `nginx -t`. GWCONSOLE_FUZZ_CASES and GWCONSOLE_FUZZ_SEED run longer or other
/// sequences (docs/reliability.md).
@Suite("Pipeline fuzzing", .serialized)
struct PipelineFuzzTests {
    /// SplitMix64: small, seedable, the same sequence everywhere.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
    }

    static let hostile = [
        "\"", "'", ";", "{", "}", "$host", "${gw_dollar}", "$http_x", "\n", "\r\n", "\u{0}", "#", "\\", "\\\"",
        "x; gwinjected on; #", "\"; gwinjected 1; \"", "}\nserver { gwinjected; }\n", "' gwinjected '",
        "a\nreturn 200 gwinjected;",
        String(repeating: "A", count: 5_000), "(a+)+$", "../../etc/passwd", "é中文😀", " ", "", "*", "%00", "\u{202E}",
    ]
    static let normal = ["/", "/api", "/a/b", "x", "app", "v1", "text/plain", "example.com", "secure-app.example.com"]

    static func jsonString(_ text: String) -> String { JSONWriter.compact(.string(text)) }

    /// A real certificate and key (base64 of PEM) for HTTPS listeners, so the configs load in `nginx -t`.
    static let certificate: (crt: String, key: String) = {
        let pair = CertificateInspector.issue(commonName: "fuzz.example.com", dnsName: "fuzz.example.com")!
        return (Data(pair.cert.utf8).base64EncodedString(), Data(pair.key.utf8).base64EncodedString())
    }()

    /// One case: a Gateway, a route with random matches and filters, a Service with endpoints, maybe a policy.
    static func manifests(_ g: inout Generator) -> String {
        // Free-text fields (header and query values, paths) get hostile strings often; fields the API validates
        // strictly (hostnames, header names, methods) now and then, so enough cases reach the renderer.
        func value() -> String { g.chance(60) ? g.pick(hostile) : g.pick(normal) }
        func strict() -> String { g.chance(8) ? g.pick(hostile) : g.pick(normal) }
        func path() -> String { g.chance(70) ? "/" + value() : value() }
        let listenerHost = g.chance(30) ? ",\"hostname\":\(jsonString(strict()))" : ""
        var match =
            "{\"path\":{\"type\":\(jsonString(g.pick(["Exact", "PathPrefix", "RegularExpression"]))),\"value\":\(jsonString(path()))}"
        if g.chance(50) {
            match +=
                ",\"headers\":[{\"name\":\(jsonString(g.chance(50) ? "X-Test" : strict())),\"value\":\(jsonString(value()))}]"
        }
        if g.chance(40) {
            match +=
                ",\"queryParams\":[{\"name\":\(jsonString(g.chance(50) ? "q" : strict())),\"value\":\(jsonString(value()))}]"
        }
        if g.chance(30) { match += ",\"method\":\(jsonString(g.pick(["GET", "POST", strict()])))" }
        match += "}"
        var filters: [String] = []
        if g.chance(40) {
            filters.append(
                "{\"type\":\"RequestHeaderModifier\",\"requestHeaderModifier\":{\"set\":[{\"name\":\(jsonString(g.chance(50) ? "X-Set" : strict())),\"value\":\(jsonString(value()))}],\"remove\":[\(jsonString(g.chance(50) ? "X-Old" : strict()))]}}"
            )
        }
        if g.chance(30) {
            filters.append(
                "{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"hostname\":\(jsonString(strict())),\"path\":{\"type\":\"ReplaceFullPath\",\"replaceFullPath\":\(jsonString(path()))}}}"
            )
        } else if g.chance(30) {
            filters.append(
                "{\"type\":\"URLRewrite\",\"urlRewrite\":{\"path\":{\"type\":\"ReplacePrefixMatch\",\"replacePrefixMatch\":\(jsonString(path()))}}}"
            )
        }
        // Reference names are ObjectNames (1-253 characters, no pattern): the API server takes hostile ones, and
        // they reach status messages and config comments as written.
        let otherBackend = g.chance(40) ? ",{\"name\":\(jsonString(value())),\"port\":443}" : ""
        let backend =
            filters.contains { $0.contains("RequestRedirect") }
            ? "" : ",\"backendRefs\":[{\"name\":\"svc\",\"port\":443}\(otherBackend)]"
        let parent = g.chance(10) ? value() : "gw"
        let hostnames =
            g.chance(50) ? "\"hostnames\":[\(jsonString(g.chance(50) ? strict() : "app.example.com"))]," : ""
        // Sometimes an HTTPS listener with a real certificate (and a hostile hostname now and then), sometimes the
        // route in another namespace reaching the Service through a ReferenceGrant.
        let https = g.chance(25)
        let crossNamespace = g.chance(20)
        let httpsListener =
            https
            ? ",{\"name\":\"https\",\"port\":443,\"protocol\":\"HTTPS\"\(g.chance(30) ? ",\"hostname\":\(jsonString(strict()))" : ""),\"tls\":{\"certificateRefs\":[{\"name\":\"cert\"}]}}"
            : ""
        let allowed = crossNamespace ? ",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}" : ""
        let routeNamespace = crossNamespace ? ",\"namespace\":\"other\"" : ""
        let backendsFrom =
            crossNamespace
            ? backend.replacingOccurrences(of: "\"name\":\"svc\",", with: "\"name\":\"svc\",\"namespace\":\"default\",")
            : backend
        let parentNamespace = crossNamespace ? ",\"namespace\":\"default\"" : ""
        var docs = [
            "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\"},\"spec\":{\"gatewayClassName\":\"nginx\",\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\"\(listenerHost)\(allowed)}\(httpsListener)]}}",
            "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r\"\(routeNamespace)},\"spec\":{\(hostnames)\"parentRefs\":[{\"name\":\(jsonString(parent))\(parentNamespace)}],\"rules\":[{\"matches\":[\(match)],\"filters\":[\(filters.joined(separator: ","))]\(backendsFrom)}]}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc\"},\"spec\":{\"ports\":[{\"name\":\"https\",\"port\":443}]}}",
            "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"svc-1\",\"labels\":{\"kubernetes.io/service-name\":\"svc\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"https\",\"port\":8443}],\"endpoints\":[{\"addresses\":[\"127.0.0.9\"]}]}",
        ]
        if https {
            docs.append(
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"cert\"},\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"\(certificate.crt)\",\"tls.key\":\"\(certificate.key)\"}}"
            )
        }
        if crossNamespace {
            let from = g.chance(10) ? value() : "other"
            docs.append(
                "{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\",\"metadata\":{\"name\":\"g\"},\"spec\":{\"from\":[{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"HTTPRoute\",\"namespace\":\(jsonString(from))}],\"to\":[{\"group\":\"\",\"kind\":\"Service\"}]}}"
            )
        }
        if g.chance(40) {
            docs.append(
                "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"BackendTLSPolicy\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"targetRefs\":[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"svc\"}\(g.chance(30) ? ",{\"group\":\"\",\"kind\":\"Service\",\"name\":\(jsonString(value()))}" : "")],\"validation\":{\"hostname\":\(jsonString(g.chance(50) ? "svc.example.com" : strict())),\"wellKnownCACertificates\":\"System\"}}}"
            )
        }
        return "# fuzz case (JSON documents are YAML flow mappings)\n" + docs.joined(separator: "\n---\n")
    }

    @Test("hostile strings in every field: no crash, no injected directive, every rendered config passes nginx -t")
    func fuzz() throws {
        let environment = ProcessInfo.processInfo.environment
        let cases = Int(environment["GWCONSOLE_FUZZ_CASES"] ?? "") ?? 1_000
        var generator = Generator(state: UInt64(environment["GWCONSOLE_FUZZ_SEED"] ?? "") ?? 20_261_127)
        let nginxEvery = max(1, Int(environment["GWCONSOLE_FUZZ_NGINX_EVERY"] ?? "") ?? 1)
        var rejected = 0
        var rendered = 0
        var tested = 0
        var tls = 0
        var crossNamespace = 0
        var config = ControllerConfig(certificateCheck: CertificateInspector.caBundleCheck)
        config.keyPairCheck = CertificateInspector.tlsKeyPairCheck
        config.ruleCheck = RuleCheck.check
        for index in 0..<cases {
            let yaml = PipelineFuzzTests.manifests(&generator)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "gwconsole-fuzz-\(UUID().uuidString)"
            ).path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let settings = RenderSettings(
                address: "127.0.0.1", portOffset: 31_000, configDirectory: dir + "/gen", runtimeDirectory: dir + "/run",
                generation: 1, workersAsRoot: geteuid() == 0)
            let output: RenderedConfig
            let unknown: [String]
            switch FuzzPipeline.run(Data(yaml.utf8), file: "case-\(index).yaml", config: config, settings: settings) {
            case .rejected:
                rejected += 1
                continue
            case .noGateway: continue
            case .rendered(let unexpected, let files): (unknown, output) = (unexpected, files)
            }
            rendered += 1
            let text = FuzzPipeline.text(of: output)
            if text.contains("ssl_certificate ") { tls += 1 }
            if text.contains("HTTPRoute other/r") { crossNamespace += 1 }
            #expect(unknown.isEmpty, "case \(index): directives \(unknown) from\n\(yaml)")
            // Payloads may appear inside quoted strings (escaped); as a directive they would be in `unknown` above.
            // Every rendered config goes through `nginx -t`; GWCONSOLE_FUZZ_NGINX_EVERY=N samples every Nth (long runs).
            guard (rendered - 1) % nginxEvery == 0 else { continue }
            for file in output.files {
                let path = dir + "/gen/" + file.path
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try file.content.write(toFile: path, atomically: false, encoding: .utf8)
            }
            for sub in ["logs", "temp"] {
                try FileManager.default.createDirectory(atPath: dir + "/run/" + sub, withIntermediateDirectories: true)
            }
            let status = try Spawn.run(
                "/usr/sbin/nginx",
                ["-t", "-q", "-p", dir + "/run/", "-e", dir + "/run/logs/error.log", "-c", dir + "/gen/nginx.conf"],
                outputPath: dir + "/run/logs/t.log")
            tested += 1
            #expect(
                status == 0,
                "case \(index): nginx -t refused: \((try? String(contentsOfFile: dir + "/run/logs/t.log", encoding: .utf8)) ?? "")\n\(yaml)"
            )
        }
        #expect(
            rendered > cases / 10, "enough cases get through validation to reach the renderer (\(rendered) of \(cases))"
        )
        #expect(tls > 0 && crossNamespace > 0, "HTTPS listeners and cross-namespace routes reach the renderer")
        print(
            "fuzz: \(cases) cases, \(rejected) rejected by validation, \(rendered) rendered (\(tls) with an HTTPS server, "
                + "\(crossNamespace) with a cross-namespace route), \(tested) checked with nginx -t")
    }
}

/// What the fuzzer found, kept as regression tests.
@Suite("Fuzz findings")
struct FuzzFindingTests {
    /// The render tests' Gateway, Service and EndpointSlice with a route of `rules` (RenderTests.swift).
    func route(_ rules: String) -> String { routeObjects(rules) }

    @Test(
        "a header named '#' (a legal HTTP token) is quoted, not the start of a comment that broke the whole config (seed 7, case 2787)"
    )
    func hashHeaderName() throws {
        let (config, problem) = try renderAndTest(
            route(
                """
                  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: {remove: ["#"], set: [{name: "it's", value: x}]}}]
                    backendRefs: [{name: svc, port: 80}]
                """))
        #expect(problem == nil, "\(problem ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(
            servers.contains("proxy_set_header \"#\" \"\";") && servers.contains("proxy_set_header \"it's\" \"x\";"))
    }

    @Test(
        "a value longer than nginx reads in one parameter drops its rule instead of failing the config (seed 7, case 2667)"
    )
    func longValue() throws {
        let long = String(repeating: "A", count: 4_090)  // within the API's 4096 for a header value
        let (config, problem) = try renderAndTest(
            route(
                """
                  - matches: [{path: {type: PathPrefix, value: /ok}}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /long}}]
                    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Long, value: "\(long)"}]}}]
                    backendRefs: [{name: svc, port: 80}]
                """))
        #expect(problem == nil, "\(problem ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(
            servers.contains("location \"/ok/\"") && !servers.contains(long) && !servers.contains("/long"), "\(servers)"
        )
    }

    @Test(
        "a backendRef name with a newline (an ObjectName has no pattern) stays inside its comment (seed 20261127, reference-name fuzzing)"
    )
    func newlineInReferenceName() throws {
        let (config, problem) = try renderAndTest(
            route(
                """
                  - matches: [{path: {type: PathPrefix, value: /ok}}]
                    backendRefs: [{name: svc, port: 80}]
                  - matches: [{path: {type: PathPrefix, value: /missing}}]
                    backendRefs: [{name: "x\\nreturn 200 gwinjected;\\n}\\nserver { gwinjected; } #", port: 80}]
                """))
        #expect(problem == nil, "\(problem ?? "")")
        let servers = try #require(config.file("conf.d/servers.conf")).content
        #expect(!ConfigDirectives.names(in: servers).contains("gwinjected"), "\(servers)")
        #expect(servers.contains("# backend Service default/x\\x0Areturn 200 gwinjected;"), "\(servers)")
        #expect(
            !servers.split(separator: "\n").contains {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix("return 200 gwinjected")
            })
    }
}

/// The function libFuzzer drives (scripts/fuzz.sh), on its seed corpus, and the property check it relies on.
@Suite("libFuzzer entry")
struct FuzzEntryTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus").path

    @Test("the seeds: manifests that should render do, with no unexpected directive; hostile ones are rejected")
    func seeds() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted()
        #expect(files.count >= 10)
        var rendered = 0
        for file in files {
            let outcome = FuzzPipeline.run(
                try Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/" + file)), file: file)
            switch outcome {
            case .rendered(let unexpected, let config):
                rendered += 1
                #expect(unexpected.isEmpty, "\(file): \(unexpected)")
                #expect(FuzzPipeline.text(of: config).contains("server {"), "\(file)")
            case .rejected, .noGateway:
                #expect(!["guide.yaml", "routes.yaml"].contains(file), "\(file): \(outcome)")
            }
        }
        #expect(rendered >= 2)
    }

    @Test("the property check sees a directive hidden anywhere outside quotes and comments")
    func detects() {
        #expect(
            ConfigDirectives.unexpected(in: "server {\n    # x; gwinjected;\n    return 200 \"a; gwinjected b\";\n}\n")
                .isEmpty)
        #expect(ConfigDirectives.unexpected(in: "server {\n    # comment\ngwinjected on;\n}\n") == ["gwinjected"])
        #expect(
            ConfigDirectives.unexpected(in: "map $a $b { \"x\" y; }\nserver { return 200; }\nlocation / { evil; }") == [
                "evil"
            ])
    }
}
