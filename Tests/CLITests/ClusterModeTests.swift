import Foundation
import GatewayAPI
import TestSupport
import Testing

/// Cluster mode end to end: the real binary against the API server double, through a kubeconfig.
@Suite("Cluster mode", .serialized)
struct ClusterModeTests {
    @Test(
        "get -A lists the cluster's Gateways, routes and policies; describe shows both status views; the cache is private"
    )
    func read() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let kubeconfig = try cluster.kubeconfig()
        let cli = CLI()
        let get = try cli.run([
            "--kubeconfig", kubeconfig, "--context", "admin", "get", "gateways,httproutes,backendtlspolicies", "-A",
        ])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(
            get.stdout.contains("gateway.gateway.networking.k8s.io/gateway")
                || get.stdout.contains("default     gateway"), "\(get.stdout)")
        #expect(get.stdout.contains("secure-app") && get.stdout.contains("backend-tls"), "\(get.stdout)")
        let describe = try cli.run(["--kubeconfig", kubeconfig, "describe", "httproute", "secure-app"])
        #expect(
            describe.stdout.contains("Status Views:") && describe.stdout.contains("agrees"),
            "the two views agree on the guide:\n\(describe.stdout)")
        #expect(describe.stdout.contains("gateway.nginx.org/nginx-gateway-controller"))
        // The cache lives under the state directory, per context, readable by the owner only.
        let cache = cli.state + "/clusters/admin"
        #expect(FileManager.default.fileExists(atPath: cache + "/state.db"))
        #expect((try FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? Int) == 0o700)
    }

    @Test(
        "TCPRoutes on a cluster: listed with their status, described with the core's view, under their listener in the tree"
    )
    func layer4Routes() throws {
        let gateway =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gateway","namespace":"default","generation":1},"spec":{"gatewayClassName":"nginx","listeners":[{"name":"coffee","port":81,"protocol":"TCP","allowedRoutes":{"namespaces":{"from":"Same"},"kinds":[{"kind":"TCPRoute"}]}}]},"status":{"conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}"#
        let route =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"TCPRoute","metadata":{"name":"tcp-coffee","namespace":"default","generation":1},"spec":{"parentRefs":[{"name":"gateway","sectionName":"coffee"}],"rules":[{"backendRefs":[{"name":"coffee","port":8081}]}]},"status":{"parents":[{"parentRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gateway","sectionName":"coffee"},"controllerName":"gateway.nginx.org/nginx-gateway-controller","conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"The Route is accepted","lastTransitionTime":"2026-01-01T00:00:00Z"},{"type":"ResolvedRefs","status":"True","reason":"ResolvedRefs","message":"All references are resolved","lastTransitionTime":"2026-01-01T00:00:00Z"}]}]}}"#
        let service =
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"coffee","namespace":"default"},"spec":{"selector":{"app":"coffee"},"ports":[{"name":"http","port":8081,"targetPort":8080,"protocol":"TCP"}],"type":"ClusterIP","clusterIP":"10.96.0.81"}}"#
        let objects =
            FakeCluster.guideObjects().filter { $0.contains("\"kind\":\"GatewayClass\"") } + [gateway, route, service]
        let cluster = try FakeCluster(objects: objects)
        let kubeconfig = try cluster.kubeconfig()
        let cli = CLI()
        let get = try cli.run(["--kubeconfig", kubeconfig, "get", "tcproutes"])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(get.stdout.contains("tcp-coffee   gateway/coffee   True       True"), "\(get.stdout)")
        let described = try cli.run(["--kubeconfig", kubeconfig, "describe", "tcproute", "tcp-coffee"])
        #expect(described.stdout.contains("Service default/coffee:8081  1       True"), "\(described.stdout)")
        let term = try TmuxTerminal("\(CLI.binary) --state \(cli.state) --kubeconfig \(kubeconfig)")
        let tree = term.waitForAll(["listener coffee TCP/81 (1 routes)", "TCPRoute default/tcp-coffee"], seconds: 20)
        #expect(tree.contains("TCPRoute default/tcp-coffee"), "\(tree)")
        try term.send("q")
    }

    @Test(
        "GRPCRoutes and ListenerSets on a cluster: listed, watched, and in the tree (a ListenerSet under its Gateway with its listener's route)"
    )
    func grpcRoutesAndListenerSets() throws {
        let gateway =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gateway","namespace":"default","generation":1},"spec":{"gatewayClassName":"nginx","allowedListeners":{"namespaces":{"from":"Same"}},"listeners":[{"name":"http","port":80,"protocol":"HTTP","hostname":"gateway.example.com"}]}}"#
        let set =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"ListenerSet","metadata":{"name":"extra","namespace":"default","generation":1},"spec":{"parentRef":{"name":"gateway"},"listeners":[{"name":"grpc","port":80,"protocol":"HTTP","hostname":"grpc.example.com"}]}}"#
        let route =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"greeter","namespace":"default","generation":1},"spec":{"parentRefs":[{"kind":"ListenerSet","name":"extra","sectionName":"grpc"}],"rules":[{"matches":[{"method":{"service":"helloworld.Greeter","method":"SayHello"}}],"backendRefs":[{"name":"greeter","port":8080}]}]}}"#
        let service =
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"greeter","namespace":"default"},"spec":{"selector":{"app":"greeter"},"ports":[{"name":"grpc","port":8080,"targetPort":50051,"protocol":"TCP"}],"type":"ClusterIP","clusterIP":"10.96.0.82"}}"#
        let objects =
            FakeCluster.guideObjects().filter { $0.contains("\"kind\":\"GatewayClass\"") } + [
                gateway, set, route, service,
            ]
        let cluster = try FakeCluster(objects: objects)
        let kubeconfig = try cluster.kubeconfig()
        let cli = CLI()
        let get = try cli.run(["--kubeconfig", kubeconfig, "get", "grpcroutes,lset"])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(get.stdout.contains("greeter") && get.stdout.contains("extra/grpc"), "\(get.stdout)")
        #expect(get.stdout.contains("listenerset.gateway.networking.k8s.io/extra"), "\(get.stdout)")
        let described = try cli.run(["--kubeconfig", kubeconfig, "describe", "grpcroute", "greeter"])
        #expect(described.stdout.contains("Service default/greeter:8080"), "\(described.stdout)")
        // The cache keeper watches both kinds.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? cluster.control("GET", "/_test/watches"))?.contains("listenersets") != true {
            usleep(20_000)
        }
        let watches = try cluster.control("GET", "/_test/watches")
        #expect(watches.contains("grpcroutes") && watches.contains("listenersets"), "\(watches)")
        let term = try TmuxTerminal("\(CLI.binary) --state \(cli.state) --kubeconfig \(kubeconfig)")
        let tree = term.waitForAll(
            [
                "ListenerSet default/extra", "listener grpc HTTP/80 grpc.example.com (1 routes)",
                "GRPCRoute default/greeter",
            ],
            seconds: 20)
        #expect(tree.contains("helloworld.Greeter/SayHello"), "\(tree)")
        try term.send("q")
    }

    @Test(
        "NGF's policies and filters on a cluster: listed with their targets and status, watched, and in the tree under what they target"
    )
    func ngfPolicies() throws {
        let gateway =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gateway","namespace":"default","generation":1},"spec":{"gatewayClassName":"nginx","listeners":[{"name":"http","port":80,"protocol":"HTTP","hostname":"*.example.com"}]}}"#
        let route =
            #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"tea","namespace":"default","generation":1},"spec":{"parentRefs":[{"name":"gateway"}],"hostnames":["cafe.example.com"],"rules":[{"matches":[{"path":{"type":"Exact","value":"/tea"}}],"backendRefs":[{"name":"tea","port":80}]}]}}"#
        let service =
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"tea","namespace":"default"},"spec":{"selector":{"app":"tea"},"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}],"type":"ClusterIP","clusterIP":"10.96.0.83"}}"#
        let gatewayPolicy =
            #"{"apiVersion":"gateway.nginx.org/v1alpha1","kind":"ClientSettingsPolicy","metadata":{"name":"gateway-client-settings","namespace":"default","generation":1},"spec":{"targetRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gateway"},"body":{"maxSize":"50"}},"status":{"ancestors":[{"ancestorRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gateway","namespace":"default"},"controllerName":"gateway.nginx.org/nginx-gateway-controller","conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"The Policy is accepted","lastTransitionTime":"2026-01-01T00:00:00Z"}]}]}}"#
        let routePolicy =
            #"{"apiVersion":"gateway.nginx.org/v1alpha1","kind":"ClientSettingsPolicy","metadata":{"name":"tea-client-settings","namespace":"default","generation":1},"spec":{"targetRef":{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"tea"},"body":{"maxSize":"75"}}}"#
        let limit =
            #"{"apiVersion":"gateway.nginx.org/v1alpha1","kind":"RateLimitPolicy","metadata":{"name":"gateway-rate-limit","namespace":"default","generation":1},"spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gateway"}],"rateLimit":{"local":{"rules":[{"key":"$binary_remote_addr","rate":"10r/s","zoneSize":"10m"}]}}}}"#
        let objects =
            FakeCluster.guideObjects().filter { $0.contains("\"kind\":\"GatewayClass\"") } + [
                gateway, route, service, gatewayPolicy, routePolicy, limit,
            ]
        let cluster = try FakeCluster(objects: objects)
        let kubeconfig = try cluster.kubeconfig()
        let cli = CLI()
        let get = try cli.run(["--kubeconfig", kubeconfig, "get", "cspolicy,rlpolicy"])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(
            get.stdout.contains("gateway-client-settings") && get.stdout.contains("Gateway/gateway"), "\(get.stdout)")
        #expect(get.stdout.contains("tea-client-settings") && get.stdout.contains("HTTPRoute/tea"), "\(get.stdout)")
        #expect(get.stdout.contains("ratelimitpolicy.gateway.nginx.org/gateway-rate-limit"), "\(get.stdout)")
        let described = try cli.run(["--kubeconfig", kubeconfig, "describe", "httproute", "tea"])
        #expect(described.stdout.contains("ClientSettingsPolicy default/tea-client-settings"), "\(described.stdout)")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline,
            (try? cluster.control("GET", "/_test/watches"))?.contains("clientsettingspolicies") != true
        {
            usleep(20_000)
        }
        let watches = try cluster.control("GET", "/_test/watches")
        #expect(watches.contains("clientsettingspolicies") && watches.contains("ratelimitpolicies"), "\(watches)")
        let term = try TmuxTerminal("\(CLI.binary) --state \(cli.state) --kubeconfig \(kubeconfig)")
        let tree = term.waitForAll(
            [
                "ClientSettingsPolicy default/gateway-client-settings",
                "ClientSettingsPolicy default/tea-client-settings",
            ],
            seconds: 20)
        #expect(tree.contains("RateLimitPolicy default/gateway-rate-limit"), "\(tree)")
        try term.send("q")
    }

    @Test(
        "describe starts the context's cache keeper; later describes and doctor list nothing, show a change at once, and down stops it"
    )
    func cacheKeeper() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let kubeconfig = try cluster.kubeconfig()
        let cli = CLI()
        let first = try cli.run(["--kubeconfig", kubeconfig, "describe", "httproute", "secure-app"])
        #expect(first.status == 0 && first.stdout.contains("backend-tls"), "\(first.stdout)\(first.stderr)")
        // The keeper watches every kind it reads, from where the first describe's lists left off.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? cluster.control("GET", "/_test/watches"))?.contains("endpointslices") != true {
            usleep(20_000)
        }
        #expect(try cluster.control("GET", "/_test/watches").contains("httproutes"), "the keeper watches")
        _ = try cluster.control("DELETE", "/_test/requests")
        // A change to the described object shows in the very next describe (it is fetched and awaited in the cache).
        let changed = FakeCluster.guideObjects()[2].replacingOccurrences(
            of: "\"hostnames\":[\"secure-app.example.com\"]",
            with: "\"hostnames\":[\"secure-app.example.com\",\"changed.example.com\"]")
        try cluster.control("POST", "/_test/objects", json: changed)
        let second = try cli.run(["--kubeconfig", kubeconfig, "describe", "httproute", "secure-app"])
        #expect(second.status == 0 && second.stdout.contains("changed.example.com"), "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("Status Views:") && second.stdout.contains("agrees"), "\(second.stdout)")
        #expect(second.stdout.contains("BackendTLSPolicy default/backend-tls"), "the keeper's views: \(second.stdout)")
        let requests = try cluster.control("GET", "/_test/requests")
        #expect(requests.contains("/namespaces/default/httproutes/secure-app"), "\(requests)")
        #expect(
            !requests.contains("/services") && !requests.contains("/secrets") && !requests.contains("/configmaps"),
            "describe lists nothing with a keeper: \(requests)")
        // A change elsewhere reaches the views through the keeper's watch.
        try cluster.control("DELETE", "/_test/objects/gateway.networking.k8s.io/backendtlspolicies/default/backend-tls")
        var third = ""
        let until = Date().addingTimeInterval(10)
        repeat {
            third = try cli.run(["--kubeconfig", kubeconfig, "describe", "httproute", "secure-app"]).stdout
        } while third.contains("BackendTLSPolicy default/backend-tls") && Date() < until
        #expect(!third.contains("BackendTLSPolicy default/backend-tls"), "the deleted policy left the views: \(third)")
        _ = try cluster.control("DELETE", "/_test/requests")
        let doctor = try cli.run(["--kubeconfig", kubeconfig, "doctor", "-A"])
        #expect(!doctor.stdout.isEmpty, "\(doctor.stderr)")
        let doctorRequests = try cluster.control("GET", "/_test/requests")
        #expect(
            !doctorRequests.contains("/httproutes") && !doctorRequests.contains("/services"),
            "doctor read the keeper's cache: \(doctorRequests)")
        let down = try cli.run(["--kubeconfig", kubeconfig, "down"])
        #expect(
            down.status == 0 && down.stdout.contains("cache keeper of context admin stopped"),
            "\(down.stdout)\(down.stderr)")
        let gone = Date().addingTimeInterval(10)
        while Date() < gone, (try? cluster.control("GET", "/_test/watches"))?.contains("httproutes") == true {
            usleep(20_000)
        }
        #expect(try !cluster.control("GET", "/_test/watches").contains("httproutes"), "the keeper's watches closed")
    }

    @Test(
        "get reads what it prints, as kubectl: one GET for one object, one list for a kind, discovery reused; the cluster's status shown"
    )
    func getFetchesWhatItPrints() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects(routeAccepted: false))
        let kubeconfig = try cluster.kubeconfig()
        let cli = CLI()
        _ = try cluster.control("DELETE", "/_test/requests")
        let one = try cli.run(["--kubeconfig", kubeconfig, "get", "httproute", "secure-app", "-o", "yaml"])
        #expect(one.status == 0, "\(one.stderr)")
        // The status the cluster's controller wrote, not one gwconsole computed.
        #expect(one.stdout.contains("name: secure-app") && one.stdout.contains("status: \"False\""), "\(one.stdout)")
        let first = try cluster.control("GET", "/_test/requests")
        #expect(first.contains("/namespaces/default/httproutes/secure-app"), "\(first)")
        #expect(
            !first.contains("/services") && !first.contains("/secrets") && !first.contains("/endpointslices"),
            "nothing else is read: \(first)")
        _ = try cluster.control("DELETE", "/_test/requests")
        let list = try cli.run(["--kubeconfig", kubeconfig, "get", "httproutes", "-A"])
        #expect(list.status == 0 && list.stdout.contains("secure-app"), "\(list.stdout)\(list.stderr)")
        let second = try cluster.control("GET", "/_test/requests")
        #expect(
            second.contains("/apis/gateway.networking.k8s.io/v1/httproutes") && !second.contains("\"/apis\""),
            "one list; discovery came from the cache: \(second)")
        let missing = try cli.run(["--kubeconfig", kubeconfig, "get", "httproute", "nothing-here"])
        #expect(
            missing.status == 1
                && missing.stderr.contains(
                    "Error from server (NotFound): httproutes.gateway.networking.k8s.io \"nothing-here\" not found"),
            "\(missing.stderr)")
        #expect(
            (try FileManager.default.attributesOfItem(atPath: cli.state + "/clusters/admin/discovery.json")[
                .posixPermissions] as? Int) == 0o600)
    }

    @Test(
        "kubeconfig credentials (tokens, client keys, exec tokens) and Secret data never appear in output or the state directory"
    )
    func credentialsHidden() throws {
        let (cert, key) = try LiveDataplane.guideCertificateAndKey()
        let secret =
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"app-tls\",\"namespace\":\"default\"},\"type\":\"kubernetes.io/tls\","
            + "\"data\":{\"tls.crt\":\"\(Data(cert.utf8).base64EncodedString())\",\"tls.key\":\"\(Data(key.utf8).base64EncodedString())\"}}"
        let cluster = try FakeCluster(
            objects: FakeCluster.guideObjects() + [secret], tokens: ["admin-token=admin", "exec-issued-token=admin"])
        let cli = CLI()
        let plugin = cli.state + "-plugin.sh"
        try
            "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"exec-issued-token\",\"expirationTimestamp\":\"2999-01-01T00:00:00Z\"}}'\n"
            .write(toFile: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: plugin)
        defer { try? FileManager.default.removeItem(atPath: plugin) }
        let kubeconfig = try cluster.kubeconfig(
            extraUsers:
                "- name: exec-user\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: \(plugin), interactiveMode: Never}",
            extraContexts: "- name: exec\n  context: {cluster: fake, user: exec-user}")
        var output = ""
        let commands = [
            ["get", "secrets", "-A"], ["get", "secret", "app-tls", "-o", "wide"], ["describe", "secret", "app-tls"],
            ["get", "gateways,httproutes", "-A", "-o", "yaml"], ["describe", "gateway", "gateway"], ["doctor", "-A"],
            ["render"], ["apply", "-f", CLI.guide], ["--write", "delete", "secret", "nothing-here"],
        ]
        // Every command with each way to authenticate; the failing contexts (401, untrusted CA) with two.
        for context in ["admin", "cert", "exec", "insecure", "nobody", "untrusted"] {
            for command in ["admin", "cert", "exec"].contains(context) ? commands : [commands[0], commands[5]] {
                let result = try cli.run(["--kubeconfig", kubeconfig, "--context", context] + command)
                output += result.stdout + result.stderr
            }
        }
        #expect(output.contains("app-tls"), "the commands ran and listed the Secret")
        #expect(output.contains("Unauthorized"), "the wrong token was refused")
        // Everything under the state directory: the per-context caches, the exec credential cache.
        var stored = ""
        for file in FileManager.default.enumerator(atPath: cli.state)?.allObjects as? [String] ?? [] {
            let path = cli.state + "/" + file
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            let text = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
            if text.contains("exec-issued-token") || text.contains(Data(key.utf8).base64EncodedString().prefix(40)) {
                #expect(
                    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600,
                    "\(file) holds a credential")
            }
            stored += text
        }
        let keyBody = key.split(separator: "\n")[1]
        for secretText in [
            "admin-token", "wrong-token", "exec-issued-token", String(keyBody),
            Data(key.utf8).base64EncodedString().prefix(40).description,
        ] {
            #expect(!output.contains(secretText), "\(secretText.prefix(12))… appeared in output")
        }
        #expect(!stored.contains("admin-token") && !stored.contains("wrong-token"), "static tokens are never written")
        // Asked for explicitly, as kubectl: the Secret's data.
        let explicit = try cli.run(["--kubeconfig", kubeconfig, "get", "secret", "app-tls", "-o", "yaml"])
        #expect(explicit.stdout.contains(Data(key.utf8).base64EncodedString().prefix(40)), "\(explicit.stderr)")
    }

    @Test("doctor reports StatusDrift where the cluster's controller and gwconsole disagree")
    func drift() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects(routeAccepted: false))
        let cli = CLI()
        let doctor = try cli.run(["--kubeconfig", try cluster.kubeconfig(), "doctor", "-A"])
        #expect(doctor.stdout.contains("WARNING StatusDrift"), "\(doctor.stdout)\(doctor.stderr)")
        #expect(
            doctor.stdout.contains(
                "parent default/gateway/http Accepted: cluster False (NotAllowedByListeners), gwconsole True (Accepted)"
            ), "\(doctor.stdout)")
        #expect(!doctor.stdout.contains("DataplaneDown"), "the cluster's data plane is not ours to start")
        let describe = try cli.run(["--kubeconfig", try cluster.kubeconfig(), "describe", "httproute", "secure-app"])
        #expect(describe.stdout.contains("Status Views (differ)"), "\(describe.stdout)")
    }

    @Test(
        "cluster mode is read-only; a missing CRD group is 'not installed', not an error; auth and TLS errors say what to do"
    )
    func errors() throws {
        let bare = try FakeCluster(arguments: ["--no-gateway-api"])
        let cli = CLI()
        let kubeconfig = try bare.kubeconfig()
        let get = try cli.run(["--kubeconfig", kubeconfig, "get", "gateways", "-A"])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(
            get.stderr.contains("gateways.gateway.networking.k8s.io: not installed in cluster admin"), "\(get.stderr)")
        let apply = try cli.run(["--kubeconfig", kubeconfig, "apply", "-f", CLI.guide])
        #expect(
            apply.status == 1 && apply.stderr.contains("in cluster mode gwconsole only reads the cluster"),
            "\(apply.stderr)")
        let unauthorized = try cli.run(["--kubeconfig", kubeconfig, "--context", "nobody", "get", "svc"])
        #expect(
            unauthorized.status == 1
                && unauthorized.stderr.contains("You must be logged in to the server (Unauthorized)"),
            "\(unauthorized.stderr)")
        let untrusted = try cli.run(["--kubeconfig", kubeconfig, "--context", "untrusted", "get", "svc"])
        #expect(untrusted.status == 1 && untrusted.stderr.contains("is not trusted"), "\(untrusted.stderr)")
        let insecure = try cli.run(["--kubeconfig", kubeconfig, "--context", "insecure", "get", "svc", "-A"])
        #expect(
            insecure.status == 0 && insecure.stderr.contains("Warning: insecure-skip-tls-verify"), "\(insecure.stderr)")
        let missing = try cli.run(["--kubeconfig", kubeconfig, "--context", "prod", "get", "svc"])
        #expect(missing.status == 1 && missing.stderr.contains("context \"prod\" does not exist"), "\(missing.stderr)")
    }

    @Test(
        "--write: apply shows the plan, dry-runs on the server, then server-side applies as gwconsole; delete deletes; without --write nothing changes"
    )
    func write() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let cli = CLI()
        let kubeconfig = try cluster.kubeconfig()
        let manifest = cli.state + "-shop.yaml"
        try """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop}
        spec:
          parentRefs: [{name: gateway}]
          hostnames: [shop.example.com]
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: manifest) }
        let refused = try cli.run(["--kubeconfig", kubeconfig, "apply", "-f", manifest])
        #expect(refused.status == 1 && refused.stderr.contains("--write"), "\(refused.stderr)")
        let dry = try cli.run(["--kubeconfig", kubeconfig, "--write", "apply", "-f", manifest, "--dry-run"])
        #expect(
            dry.stdout.contains("httproute.gateway.networking.k8s.io/shop will be created")
                && dry.stdout.contains("dry run: nothing changed"), "\(dry.stdout)\(dry.stderr)")
        #expect(!(try cluster.control("GET", "/_test/objects")).contains("\"shop\""))
        let applied = try cli.run(["--kubeconfig", kubeconfig, "--write", "apply", "-f", manifest])
        #expect(
            applied.status == 0 && applied.stdout.contains("httproute.gateway.networking.k8s.io/shop created"),
            "\(applied.stdout)\(applied.stderr)")
        let patches = try cluster.control("GET", "/_test/requests")
        #expect(patches.contains("fieldManager=gwconsole") && patches.contains("dryRun=All"))
        #expect(try cli.run(["--kubeconfig", kubeconfig, "get", "httproutes"]).stdout.contains("shop"))
        let deleted = try cli.run(["--kubeconfig", kubeconfig, "--write", "delete", "httproute", "shop"])
        #expect(
            deleted.stdout.contains("httproute.gateway.networking.k8s.io \"shop\" deleted"),
            "\(deleted.stdout)\(deleted.stderr)")
        #expect(!(try cluster.control("GET", "/_test/objects")).contains("\"shop\""))
    }

    @Test(
        "scenario run --write on a cluster: each step's plan (server dry run, diff, Secrets hidden) is applied only after y; without --write it says how"
    )
    func scenarioWrite() throws {
        let cluster = try FakeCluster()
        let cli = CLI()
        let kubeconfig = try cluster.kubeconfig()
        let run = ["--kubeconfig", kubeconfig, "scenario", "run", "secure-backend", "--step", "1"]
        let refused = try cli.run(run)
        #expect(refused.status == 1 && refused.stderr.contains("add --write"), "\(refused.stderr)")
        let write = ["--kubeconfig", kubeconfig, "--write", "scenario", "run", "secure-backend", "--step", "1"]
        let declined = try cli.run(write, stdin: "n\n")
        #expect(declined.status == 1 && declined.stderr.contains("not confirmed: nothing was applied"))
        #expect(declined.stdout.contains("deployment.apps/secure-app will be created"), "\(declined.stdout)")
        #expect(declined.stdout.contains("+ kind: Deployment") && declined.stdout.contains("[y/N]"))
        #expect(!(try cluster.control("GET", "/_test/objects")).contains("secure-app"), "nothing applied")
        let key = try #require(LiveDataplane.guideCertificateAndKey().key.split(separator: "\n").dropFirst().first)
        #expect(!declined.stdout.contains(key) && declined.stdout.contains("(hidden: "), "Secret data stays hidden")
        let applied = try cli.run(write, stdin: "y\n")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(
            applied.stdout.contains("  deployment.apps/secure-app serverside-applied")
                || applied.stdout.contains("  deployment.apps/secure-app created"), "\(applied.stdout)")
        #expect((try cluster.control("GET", "/_test/objects")).contains("secure-app"))
        #expect((try cluster.control("GET", "/_test/requests")).contains("fieldManager=gwconsole"))
        // Again: nothing to change, and --yes does not ask.
        let again = try cli.run(write + ["--yes"])
        #expect(
            again.status == 0 && again.stdout.contains("deployment.apps/secure-app is unchanged"), "\(again.stdout)")
        #expect(!again.stdout.contains("[y/N]"))
    }

    @Test(
        "probe --route finds the Gateway at its NGINX Service's LoadBalancer address (or --gateway-address) and sends the request"
    )
    func probe() throws {
        let live = LiveDataplane()
        let address = live.backendAddress(1)
        try live.startBackend(
            name: "cluster-nginx", address: address, port: 18080,
            body: "location / { return 200 'hello from the cluster for $host'; }")
        let service =
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"gateway-nginx","namespace":"default","labels":{"gateway.networking.k8s.io/gateway-name":"gateway"}},"spec":{"type":"LoadBalancer","ports":[{"name":"http","port":18080,"targetPort":80,"protocol":"TCP"}]},"status":{"loadBalancer":{"ingress":[{"ip":"\#(address)"}]}}}"#
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects() + [service])
        let cli = CLI()
        let probe = try cli.run(["--kubeconfig", try cluster.kubeconfig(), "probe", "--route", "secure-app"])
        #expect(probe.status == 0, "\(probe.stderr)")
        #expect(
            probe.stdout.contains(
                "Gateway default/gateway at \(address):18080 (LoadBalancer ingress of Service default/gateway-nginx)"),
            "\(probe.stdout)")
        #expect(probe.stdout.contains("hello from the cluster for secure-app.example.com"), "\(probe.stdout)")
        let override = try cli.run([
            "--kubeconfig", try cluster.kubeconfig(), "probe", "--route", "secure-app", "--gateway-address",
            "\(address):18080",
        ])
        #expect(
            override.stdout.contains("(--gateway-address)") && override.stdout.contains("Status:   200"),
            "\(override.stdout)")
        let bare = try FakeCluster(objects: FakeCluster.guideObjects())
        let none = try cli.run(["--kubeconfig", try bare.kubeconfig(), "probe", "--route", "secure-app"])
        #expect(none.status == 1 && none.stderr.contains("give --gateway-address IP:PORT"), "\(none.stderr)")
    }

    @Test("the console opens on the cluster and shows a watch event within a second")
    func console() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let cli = CLI()
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(cli.state) --kubeconfig \(try cluster.kubeconfig())", columns: 160, rows: 40)
        let first = term.waitForAll(
            ["HTTPRoute default/secure-app", "cluster admin", "BackendTLSPolicy default/backend-tls"], seconds: 15)
        #expect(first.contains("cluster admin https://localhost:\(cluster.port)"), "\(first)")
        #expect(first.contains("BackendTLSPolicy default/backend-tls"))
        term.waitUntil(5) { _ in (try? cluster.control("GET", "/_test/watches").contains("httproutes")) ?? false }
        try cluster.control(
            "POST", "/_test/objects",
            json:
                #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"shop","namespace":"default"},"spec":{"parentRefs":[{"name":"gateway"}],"hostnames":["shop.example.com"]}}"#
        )
        let start = Date()
        let live = term.waitFor("HTTPRoute default/shop", seconds: 5)
        #expect(live.contains("HTTPRoute default/shop"), "\(live)")
        #expect(
            Date().timeIntervalSince(start) < 1.5, "the watch event showed after \(Date().timeIntervalSince(start)) s")
        // Changes are refused: the cluster is read-only here.
        try term.send("j", "j", "j", "C-d")
        term.waitFor("(y/N)")
        try term.send("y")
        #expect(term.waitFor("only reads the cluster").contains("only reads the cluster"))
        try term.send("q")
    }

    @Test(
        "the live requests of a cluster Gateway: its NGF pod's log streamed through the API, each request mapped to its route by path; the console's Requests tab follows it"
    )
    func liveRequests() throws {
        let pod =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"gateway-nginx-7d9f","namespace":"default","labels":{"gateway.networking.k8s.io/gateway-name":"gateway"}},"spec":{"containers":[{"name":"nginx","image":"ghcr.io/nginx/nginx-gateway-fabric/nginx"}]},"status":{"phase":"Running"}}"#
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects() + [pod])
        let lines = { (status: Int, time: String) in
            #"{"lines":["2026/12/01 10:00:00 [notice] 1#1: start worker processes","10.0.0.1 - - [01/Dec/2026:\#(time) +0000] \"GET / HTTP/1.1\" \#(status) 150 \"-\" \"curl/8.5.0\""]}"#
        }
        let posted = try cluster.control("POST", "/_test/logs/default/gateway-nginx-7d9f", json: lines(400, "10:00:00"))
        #expect(posted.contains("\"lines\""), "\(posted)")
        let cli = CLI()
        let kubeconfig = try cluster.kubeconfig()
        let logs = try cli.run(["--kubeconfig", kubeconfig, "logs", "--gateway", "gateway"])
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(
            logs.stdout == "10:00:00  GET /  400  0 ms  HTTPRoute default/secure-app rule 0\n",
            "\(logs.stdout)\(logs.stderr)")
        let requests = try cluster.control("GET", "/_test/requests")
        #expect(requests.contains("/pods/gateway-nginx-7d9f/log") && requests.contains("container=nginx"))
        let json = try cli.run(["--kubeconfig", kubeconfig, "logs", "--gateway", "gateway", "-o", "json"]).stdout
        #expect(json.contains("\"time\":\"2026-12-01T10:00:00+00:00\"") && json.contains("\"status\":400"))
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(cli.state) --kubeconfig \(kubeconfig)", columns: 160, rows: 40)
        term.waitFor("HTTPRoute default/secure-app", seconds: 15)
        try term.send("r")
        let first = term.waitFor("400  GET /", seconds: 15)
        #expect(first.contains("HTTPRoute default/secure-app rule 0"), "\(first)")
        // A new request while the console follows the stream.
        try cluster.control("POST", "/_test/logs/default/gateway-nginx-7d9f", json: lines(200, "10:00:05"))
        let next = term.waitFor("200  GET /", seconds: 15)
        #expect(next.contains("10:00:05  200  GET /"), "\(next)")
        try term.send("q")
    }

    @Test(
        "with --write the console's edit shows the plan (server dry run, diff) and asks; y server-side applies it, and the watch shows the change"
    )
    func consoleWrite() throws {
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects())
        let cli = CLI()
        let editor = cli.state + "-editor.sh"
        try "#!/bin/sh\nsed -i 's/secure-app.example.com/changed.example.com/' \"$1\"\n".write(
            toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        let term = try TmuxTerminal(
            "\(CLI.binary) --state \(cli.state) --kubeconfig \(try cluster.kubeconfig()) --write",
            environment: ["EDITOR": editor], columns: 160, rows: 48)
        let first = term.waitFor("HTTPRoute default/secure-app", seconds: 15)
        #expect(first.contains("(--write)"), "\(first)")
        try term.send("j", "j", "j", "e")
        let plan = term.waitForAll(["will be updated", "Apply this plan to the cluster?"], seconds: 20)
        #expect(plan.contains("-   - secure-app.example.com") && plan.contains("+   - changed.example.com"), "\(plan)")
        #expect(!(try cluster.control("GET", "/_test/objects")).contains("changed.example.com"), "nothing yet")
        try term.send("y")
        let applied = term.waitFor("serverside-applied", seconds: 20)
        #expect(applied.contains("httproute.gateway.networking.k8s.io/secure-app serverside-applied"), "\(applied)")
        #expect((try cluster.control("GET", "/_test/objects")).contains("changed.example.com"))
        try term.send("q")
    }

    @Test(
        "what-if on a cluster: the NGF pod's recent requests replayed through local shadows of the config as it is and as it would be; nothing reaches the cluster's backends"
    )
    func whatIf() throws {
        let pod =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"gateway-nginx-7d9f","namespace":"default","labels":{"gateway.networking.k8s.io/gateway-name":"gateway"}},"spec":{"containers":[{"name":"nginx","image":"ghcr.io/nginx/nginx-gateway-fabric/nginx"}]},"status":{"phase":"Running"}}"#
        let slice =
            #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"secure-app-1","namespace":"default","labels":{"kubernetes.io/service-name":"secure-app"}},"addressType":"IPv4","ports":[{"name":"https","port":8443}],"endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":true}}]}"#
        let cluster = try FakeCluster(objects: FakeCluster.guideObjects() + [pod, slice])
        // Three requests a minute ago, in NGINX's default format (no host, no port).
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss"
        let time = formatter.string(from: Date().addingTimeInterval(-60))
        let line = #"10.0.0.1 - - [\#(time) +0000] \"GET / HTTP/1.1\" 200 26 \"-\" \"curl/8.5.0\""#
        let posted = try cluster.control(
            "POST", "/_test/logs/default/gateway-nginx-7d9f", json: #"{"lines":["\#(line)","\#(line)","\#(line)"]}"#)
        #expect(posted.contains("\"lines\""), "\(posted)")
        let cli = CLI()
        let kubeconfig = try cluster.kubeconfig()
        let result = try cli.run([
            "--kubeconfig", kubeconfig, "delete", "--what-if", "backendtlspolicy", "backend-tls", "-o", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONReader.parse(result.stdout, file: "what-if.json").toJSON()
        #expect(report["replayed"] == .int(3), "\(result.stdout)\(result.stderr)")
        let changed = report["changed"]?.arrayValue ?? []
        #expect(changed.count == 1, "\(result.stdout)")
        #expect(changed.first?["host"] == "secure-app.example.com", "the route's host, the log having none")
        #expect(changed.first?["before"]?["status"] == .int(200) && changed.first?["after"]?["status"] == .int(400))
        #expect(changed.first?["count"] == .int(3))
        // Nothing was written to the cluster.
        #expect(!(try cluster.control("GET", "/_test/requests")).contains("DELETE"))
    }
}
