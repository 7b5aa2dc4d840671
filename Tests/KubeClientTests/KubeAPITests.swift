import Foundation
import GatewayAPI
import KubeClient
import TestSupport
import Testing

/// The client against the API server double: real HTTPS with a test CA on loopback, the API's wire format.
@Suite("Kubernetes API client", .serialized)
struct KubeAPITests {
    func api(_ cluster: FakeCluster, context: String = "admin") throws -> KubeAPI {
        let config = try Kubeconfig.load(paths: [try cluster.kubeconfig()], explicit: true)
        let api = KubeAPI(http: KubeHTTP(connection: try ClusterConnection.resolve(config, context: context)))
        api.http.backoff = 0.05
        return api
    }

    func requests(_ cluster: FakeCluster) throws -> [JSONValue] {
        try JSONDecoder().decode(JSONValue.self, from: Data(cluster.control("GET", "/_test/requests").utf8)).arrayValue
            ?? []
    }

    @Test(
        "discovery finds the served version of each kind; BackendTLSPolicy as v1 or v1alpha3; a missing group is 'not installed'"
    )
    func discovery() throws {
        let v1 = try FakeCluster()
        let served = try api(v1).discover(ResourceRegistry.all)
        #expect(served.served[ResourceRegistry.httpRoute.groupKind] == "v1")
        #expect(served.served[ResourceRegistry.backendTLSPolicy.groupKind] == "v1")
        #expect(served.served[ResourceRegistry.service.groupKind] == "v1")
        let alpha = try FakeCluster(arguments: ["--btls-version", "v1alpha3"])
        #expect(
            try api(alpha).discover([ResourceRegistry.backendTLSPolicy]).served[
                ResourceRegistry.backendTLSPolicy.groupKind] == "v1alpha3")
        let bare = try FakeCluster(arguments: ["--no-gateway-api"])
        let none = try api(bare).discover([ResourceRegistry.gateway, ResourceRegistry.service])
        #expect(
            none.served[ResourceRegistry.gateway.groupKind] == nil
                && none.served[ResourceRegistry.service.groupKind] == "v1")
        #expect(
            none.missing[ResourceRegistry.gateway.groupKind]?.contains("gateway.networking.k8s.io is not installed")
                == true)
    }

    @Test("lists page with limit and continue until done, and give the resourceVersion to watch from")
    func pagination() throws {
        let routes = (1...5).map {
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r\#($0)","namespace":"default"},"spec":{}}"#
        }
        let cluster = try FakeCluster(objects: routes)
        let client = try api(cluster)
        client.pageSize = 2
        let (items, version) = try client.list(ResourceRegistry.httpRoute, version: "v1", namespace: nil)
        #expect(items.compactMap { $0["metadata"]?["name"]?.stringValue } == ["r1", "r2", "r3", "r4", "r5"])
        #expect(items.allSatisfy { $0["kind"]?.stringValue == "HTTPRoute" })
        #expect(!version.isEmpty)
        let lists = try requests(cluster).filter {
            $0["path"]?.stringValue == "/apis/gateway.networking.k8s.io/v1/httproutes"
        }
        #expect(lists.count == 3, "three pages of two")
        #expect(lists.dropFirst().allSatisfy { ($0["query"]?.stringValue ?? "").contains("continue=") })
        #expect(lists.allSatisfy { ($0["user_agent"]?.stringValue ?? "").hasPrefix("gwconsole/") })
    }

    @Test("a watch delivers events and bookmarks; an expired resourceVersion is 410, to relist")
    func watch() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let client = try api(cluster)
        let (_, version) = try client.list(ResourceRegistry.httpRoute, version: "v1", namespace: nil)
        var events: [String] = []
        let injector = Thread {
            usleep(300_000)
            _ = try? cluster.control(
                "POST", "/_test/objects",
                json:
                    #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"shop","namespace":"default"},"spec":{}}"#
            )
        }
        injector.start()
        try client.watch(
            ResourceRegistry.httpRoute, version: "v1", namespace: nil, resourceVersion: version, timeoutSeconds: 10
        ) { event in
            switch event {
            case .added(let object): events.append("ADDED " + (object["metadata"]?["name"]?.stringValue ?? ""))
            case .modified(let object): events.append("MODIFIED " + (object["metadata"]?["name"]?.stringValue ?? ""))
            case .deleted(let object): events.append("DELETED " + (object["metadata"]?["name"]?.stringValue ?? ""))
            case .bookmark: events.append("BOOKMARK")
            }
            return !(events.contains("ADDED shop") && events.contains("BOOKMARK"))
        }
        #expect(events.contains("ADDED shop") && events.contains("BOOKMARK"), "\(events)")
        try cluster.control("POST", "/_test/compact")
        #expect(throws: KubeError.self) {
            try client.watch(
                ResourceRegistry.httpRoute, version: "v1", namespace: nil, resourceVersion: version, timeoutSeconds: 5
            ) { _ in true }
        }
        do {
            try client.watch(
                ResourceRegistry.httpRoute, version: "v1", namespace: nil, resourceVersion: version, timeoutSeconds: 5
            ) { _ in true }
        } catch let error as KubeError {
            #expect(error.code == 410, "\(error)")
        }
    }

    @Test(
        "bearer tokens and client certificates authenticate; a wrong token is 401; RBAC denials name the verb and resource"
    )
    func auth() throws {
        let cluster = try FakeCluster(
            objects: FakeCluster.guideObjects(), tokens: ["admin-token=admin"],
            arguments: ["--forbid", "alice:list:secrets"])
        _ = try api(cluster).list(ResourceRegistry.gateway, version: "v1", namespace: "default")
        let viaCertificate = try api(cluster, context: "cert")
        _ = try viaCertificate.list(ResourceRegistry.gateway, version: "v1", namespace: "default")
        #expect(
            try requests(cluster).contains { $0["user"]?.stringValue == "alice" },
            "the client certificate's CN is the user")
        do {
            _ = try viaCertificate.list(ResourceRegistry.secret, version: "v1", namespace: "default")
            Issue.record("a forbidden list succeeded")
        } catch let error as KubeError {
            #expect(error.code == 403)
            #expect(error.description.contains("User \"alice\" cannot list resource \"secrets\""), "\(error)")
        }
        do {
            _ = try api(cluster, context: "nobody").list(ResourceRegistry.gateway, version: "v1", namespace: "default")
            Issue.record("a wrong token was accepted")
        } catch let error as KubeError {
            #expect(error.code == 401 && error.description.contains("Unauthorized"), "\(error)")
        }
    }

    @Test(
        "verification is on: an unknown CA fails clearly; insecure-skip-tls-verify works with a warning; a closed port is unreachable"
    )
    func tls() throws {
        let cluster = try FakeCluster()
        do {
            _ = try api(cluster, context: "untrusted").discover([ResourceRegistry.gateway])
            Issue.record("an untrusted server was accepted")
        } catch let error as KubeError {
            guard case .untrusted = error else {
                Issue.record("\(error)")
                return
            }
            #expect(error.description.contains("certificate-authority"))
        }
        let insecure = try api(cluster, context: "insecure")
        #expect(insecure.http.insecureWarning?.contains("insecure-skip-tls-verify") == true)
        _ = try insecure.discover([ResourceRegistry.gateway])
        var connection = ClusterConnection(contextName: "gone", server: "https://127.0.0.1:1", namespace: "default")
        connection.auth = .token("x")
        let gone = KubeHTTP(connection: connection)
        gone.retries = 1
        gone.backoff = 0.01
        #expect(throws: KubeError.self) { _ = try KubeAPI(http: gone).json("GET", "/api") }
        do { _ = try KubeAPI(http: gone).json("GET", "/api") } catch let error as KubeError {
            guard case .unreachable = error else {
                Issue.record("\(error)")
                return
            }
        }
    }

    @Test("429 and 5xx are retried with backoff (Retry-After honoured); a lasting 503 is reported")
    func retries() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let client = try api(cluster)
        try cluster.control(
            "POST", "/_test/fail",
            json: #"{"status": 503, "count": 2, "path_prefix": "/apis/gateway.networking.k8s.io/v1/gateways"}"#)
        let (items, _) = try client.list(ResourceRegistry.gateway, version: "v1", namespace: nil)
        #expect(items.count == 1)
        try cluster.control(
            "POST", "/_test/fail",
            json:
                #"{"status": 429, "count": 1, "retry_after": 1, "path_prefix": "/apis/gateway.networking.k8s.io/v1/gateways"}"#
        )
        let start = Date()
        _ = try client.list(ResourceRegistry.gateway, version: "v1", namespace: nil)
        #expect(Date().timeIntervalSince(start) >= 0.9, "Retry-After: 1 was waited for")
        try cluster.control(
            "POST", "/_test/fail",
            json: #"{"status": 503, "count": 10, "path_prefix": "/apis/gateway.networking.k8s.io/v1/gateways"}"#)
        do {
            _ = try client.list(ResourceRegistry.gateway, version: "v1", namespace: nil)
            Issue.record("a lasting 503 succeeded")
        } catch let error as KubeError {
            #expect(error.code == 503)
        }
    }

    @Test("server-side apply creates then updates with field manager gwconsole; a missing object is 404 NotFound")
    func serverSideApply() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let client = try api(cluster)
        let route: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "shop", "namespace": "default"], "spec": ["hostnames": ["shop.example.com"]],
        ]
        let created = try client.apply(route, type: ResourceRegistry.httpRoute, version: "v1")
        #expect(created["metadata"]?["uid"]?.stringValue?.isEmpty == false)
        var changed = route
        changed.set(["other.example.com"], at: ["spec", "hostnames"])
        let updated = try client.apply(changed, type: ResourceRegistry.httpRoute, version: "v1")
        #expect(updated.value(at: ["spec", "hostnames"]) == ["other.example.com"])
        let patches = try requests(cluster).filter { $0["method"]?.stringValue == "PATCH" }
        #expect(
            patches.count == 2
                && patches.allSatisfy {
                    $0["content_type"]?.stringValue == "application/apply-patch+yaml"
                        && ($0["query"]?.stringValue ?? "").contains("fieldManager=gwconsole")
                })
        do {
            _ = try client.json(
                "GET", KubeAPI.path(ResourceRegistry.httpRoute, version: "v1", namespace: "default", name: "nope"))
            Issue.record("a missing object was found")
        } catch let error as KubeError {
            #expect(error.code == 404 && error.description.contains("NotFound"), "\(error)")
        }
    }

    @Test(
        "exec credential plugins: the token is used and cached until it expires, also across processes (disk cache, 0600)"
    )
    func exec() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let counter = cluster.directory + "/plugin-runs"
        let plugin = cluster.directory + "/plugin.sh"
        let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try """
        #!/bin/sh
        echo run >> \(counter)
        case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "no exec info" >&2; exit 1 ;; esac
        echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"admin-token","expirationTimestamp":"\(expiry)"}}'
        """.write(toFile: plugin, atomically: true, encoding: .utf8)
        chmod(plugin, 0o755)
        let kubeconfig = try cluster.kubeconfig(
            current: "sso",
            extraUsers: """
                - name: sso
                  user:
                    exec: {apiVersion: client.authentication.k8s.io/v1, command: \(plugin)}
                """,
            extraContexts: """
                - name: sso
                  context: {cluster: fake, user: sso}
                """)
        let connection = try ClusterConnection.resolve(
            try Kubeconfig.load(paths: [kubeconfig], explicit: true), context: nil)
        let cache = cluster.directory + "/exec-cache"
        let first = KubeAPI(http: KubeHTTP(connection: connection, execCacheDirectory: cache))
        _ = try first.discover([ResourceRegistry.gateway])
        _ = try first.list(ResourceRegistry.gateway, version: "v1", namespace: nil)
        let second = KubeAPI(http: KubeHTTP(connection: connection, execCacheDirectory: cache))
        _ = try second.list(ResourceRegistry.gateway, version: "v1", namespace: nil)
        let runs = try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count
        #expect(runs == 1, "the plugin ran \(runs) times")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        let mode = try FileManager.default.attributesOfItem(atPath: cache + "/" + files[0])[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A failing plugin says so.
        try "#!/bin/sh\necho 'login required' >&2\nexit 3\n".write(toFile: plugin, atomically: true, encoding: .utf8)
        chmod(plugin, 0o755)
        let fresh = KubeAPI(http: KubeHTTP(connection: connection, execCacheDirectory: nil))
        do {
            _ = try fresh.discover([ResourceRegistry.gateway])
            Issue.record("a failing plugin gave credentials")
        } catch let error as KubeError {
            #expect(error.description.contains("exited with status 3: login required"), "\(error)")
        }
    }
}
