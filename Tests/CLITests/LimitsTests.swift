import Foundation
import Testing

/// Each resource limit, lowered through its environment variable, refuses with a message naming the limit and
/// changes nothing.
@Suite("Resource limits", .serialized)
struct LimitsTests {
    func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { $1 }
    }

    func configMaps(_ names: [String], data: String = "a") -> String {
        names.map { "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \($0)}\ndata: {k: \(data)}\n" }.joined(
            separator: "---\n")
    }

    @Test("objects per apply: over the limit nothing is applied")
    func objectsPerApply() throws {
        let cli = CLI()
        let env = environment(["GWCONSOLE_MAX_APPLY_OBJECTS": "3"])
        let over = try cli.run(["apply", "-f", "-"], stdin: configMaps(["a", "b", "c", "d"]), environment: env)
        #expect(over.status == 1)
        #expect(
            over.stderr.contains(
                "error: 4 objects in one apply, over the limit of 3 (GWCONSOLE_MAX_APPLY_OBJECTS); split them into several applies"
            ), "\(over.stderr)")
        #expect(over.stderr.contains("nothing was applied"))
        #expect(try cli.run(["get", "configmap", "-o", "name"], environment: env).stdout.isEmpty)
        // A List counts its items.
        let list =
            "apiVersion: v1\nkind: List\nitems:\n"
            + ["a", "b", "c", "d"].map { "- {apiVersion: v1, kind: ConfigMap, metadata: {name: \($0)}}\n" }.joined()
        let overList = try cli.run(["apply", "-f", "-"], stdin: list, environment: env)
        #expect(overList.status == 1 && overList.stderr.contains("4 objects in one apply"), "\(overList.stderr)")
        #expect(try cli.run(["apply", "-f", "-"], stdin: configMaps(["a", "b", "c"]), environment: env).status == 0)
    }

    @Test("objects in the store: a create past the limit is refused whole; updates still work")
    func storedObjects() throws {
        let cli = CLI()
        // A new store holds its 5 namespaces (the 4 built-in ones and cert-manager); the first apply's reconcile adds
        // the GatewayClass.
        let env = environment(["GWCONSOLE_MAX_OBJECTS": "9"])
        #expect(try cli.run(["apply", "-f", "-"], stdin: configMaps(["a", "b", "c"]), environment: env).status == 0)
        let over = try cli.run(["apply", "-f", "-"], stdin: configMaps(["d", "e"]), environment: env)
        #expect(over.status == 1)
        #expect(
            over.stderr.contains(
                "the store would hold 11 objects after this apply (2 new), over the limit of 9 (GWCONSOLE_MAX_OBJECTS)"),
            "\(over.stderr)")
        #expect(over.stderr.contains("nothing was applied"))
        #expect(try cli.run(["get", "configmap", "-o", "name"]).stdout.split(separator: "\n").count == 3)
        let update = try cli.run(["apply", "-f", "-"], stdin: configMaps(["a"], data: "changed"), environment: env)
        #expect(update.status == 0 && update.stdout.contains("configmap/a configured"), "\(update.stderr)")
    }

    @Test("manifest bytes per apply: stdin and files past the limit are an error naming them")
    func inputBytes() throws {
        let cli = CLI()
        let env = environment(["GWCONSOLE_MAX_INPUT_BYTES": "100"])
        let over = try cli.run(["apply", "-f", "-"], stdin: configMaps(["a", "b"]), environment: env)
        #expect(over.status == 1)
        #expect(
            over.stderr.contains(
                "stdin: more than 100 bytes of manifests in one apply (the limit, GWCONSOLE_MAX_INPUT_BYTES)"),
            "\(over.stderr)")
        // An endless device at the default limit: an error after 64 MiB, not a hang.
        let zero = try cli.run(["apply", "-f", "/dev/zero"])
        #expect(zero.status == 1 && zero.stderr.contains("/dev/zero: more than 64 MiB of manifests"), "\(zero.stderr)")
    }

    @Test(
        "config bytes per Gateway: a larger config is not written; the last good one keeps serving and status says why")
    func configBytes() throws {
        let rig = try FaultRig()
        let current = rig.live.cli.state + "/dp/1/current"
        let files =
            [current + "/nginx.conf"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: current + "/conf.d")) ?? []).map {
                current + "/conf.d/" + $0
            }
        let size = files.compactMap { try? Data(contentsOf: URL(fileURLWithPath: $0)).count }.reduce(0, +)
        #expect(size > 1000)
        var rules = ""
        for i in 0..<16 {
            rules +=
                "  - matches: [{path: {type: PathPrefix, value: /big-\(i)}}]\n    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /to-\(i)}, statusCode: 302}}]\n"
        }
        let big =
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: big}\nspec:\n  parentRefs: [{name: gw}]\n  hostnames: [big.example.com]\n  rules:\n"
            + rules
        var env = rig.live.environment
        env["GWCONSOLE_MAX_CONFIG_BYTES"] = String(size + 500)
        let applied = try rig.live.cli.run(["apply", "-f", "-"], stdin: big, environment: env)
        #expect(applied.status == 0, "the route is valid and stored: \(applied.stderr)")
        let status = try rig.run(["status"]).stdout
        #expect(
            status.contains("not programmed") && status.contains("over the limit of")
                && status.contains("(GWCONSOLE_MAX_CONFIG_BYTES)")
                && status.contains("keeps serving"), "\(status)")
        #expect(try rig.steady() == 200)
        #expect(try rig.request("big.example.com", path: "/big-1").status == 404, "the refused config is not serving")
        // At the default limit, `up` retries and the route serves.
        #expect(try rig.run(["up"]).stdout.contains("default/gw: programmed"))
        #expect(try rig.request("big.example.com", path: "/big-1").status == 302)
    }
}
