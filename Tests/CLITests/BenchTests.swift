import Foundation
import Testing

/// The benchmark's smoke run: it completes and reports every metric in the documented shape (never its times).
@Suite("Bench smoke", .serialized)
struct BenchTests {
    @Test("bench --quick -o json reports each metric for 100 routes and the guide, with the machine")
    func quick() throws {
        let result = try CLI().run(["bench", "--quick", "-o", "json"], withState: false)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let machine = json?["machine"] as? [String: String]
        #expect(machine?["cores"] != nil && machine?["nginx"]?.contains("nginx") == true)
        let results = json?["results"] as? [[String: Any]] ?? []
        let metrics = Set(results.compactMap { $0["metric"] as? String })
        for metric in [
            "decode", "store write", "snapshot read", "graph + status", "render", "nginx -t", "nginx -t per route (µs)",
            "core / nginx -t (ratio)",
            "console first frame", "console frame", "apply to serving (one route)", "peak RSS (MB)",
            "guide: BackendTLSPolicy apply to first 200", "guide: console first frame",
            "guide: pod start after a kill (reconcile to ready)",
            "request through the Gateway p50 (µs)", "request through the Gateway p99 (µs)",
        ] {
            #expect(metrics.contains(metric), "missing \(metric)")
        }
        for entry in results {
            #expect(
                entry["routes"] is Int && entry["median_ms"] is Double && entry["min_ms"] is Double
                    && entry["max_ms"] is Double)
        }
    }
}
