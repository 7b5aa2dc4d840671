// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gwconsole",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gwconsole", targets: ["gwconsole"])
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // System-library shims: thin C helpers where macros or variadic C functions cannot be called from Swift.
        .target(name: "CSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "CSystem"),
        .target(name: "CNCurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "COpenSSL", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),

        // Pure modules.
        .target(name: "GatewayAPI", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "GatewayCore", dependencies: ["GatewayAPI"]),
        .target(name: "NginxConfig", dependencies: ["GatewayAPI", "GatewayCore"]),
        .target(name: "ResourcePrinters", dependencies: ["GatewayAPI", "GatewayCore"]),
        // Diagnosis: findings from the graph, the data plane's record and what probes observed.
        .target(name: "Diagnostics", dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig"]),
        // The pipeline as one function of bytes, for the seeded fuzz tests and the libFuzzer build (scripts/fuzz.sh).
        .target(name: "PipelineFuzzing", dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig"]),

        // Shell modules.
        .target(
            name: "Dataplane",
            dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig", "Diagnostics", "CSQLite", "CSystem"]),
        .target(name: "CurlSupport", dependencies: ["CCurl"]),
        .target(name: "KubeClient", dependencies: ["GatewayAPI", "CCurl", "CurlSupport"]),
        // Probing: requests with libcurl, certificates with OpenSSL, and the observations doctor's rules read.
        .target(
            name: "Probing",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "Diagnostics", "CCurl", "CurlSupport", "COpenSSL",
            ]),
        .target(name: "ConsoleUI", dependencies: ["GatewayAPI", "GatewayCore", "CNCurses"]),
        // The conformance suite's echo server (echo-basic), run by local pods: HTTP, TLS and WebSocket echo.
        .target(name: "EchoBackend", dependencies: ["GatewayAPI", "COpenSSL"]),
        // The local stand-in for coredns/coredns, run by local pods: a Corefile's whoami, hosts, log and errors.
        .target(name: "DNSBackend", dependencies: []),
        // Scenarios: guides as steps and checks, imported from Markdown or example folders, replayed on the store.
        .target(
            name: "Scenarios", dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig", "Dataplane", "Probing"],
            resources: [.embedInCode("Builtin/secure-backend.yaml")]),

        // The session commands, the console and the bench act in: the embedded state or a cluster, stores opened
        // and reconciled, the resident controller and the cluster cache keeper, object queries, output.
        .target(
            name: "Session",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "ResourcePrinters", "Dataplane", "KubeClient",
                "Diagnostics", "Probing", "ConsoleUI", "Scenarios",
            ]),

        // The console's shell: the curses terminal, the store and graph it shows, the actions its keys take.
        .target(
            name: "ConsoleShell",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "ResourcePrinters", "Dataplane", "Diagnostics", "Probing",
                "ConsoleUI", "Scenarios", "Session", "KubeClient",
            ]),

        // gwconsole bench: synthetic clusters measured through the core, the store, nginx and the commands.
        .target(
            name: "Benchmarks",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "Dataplane", "Probing", "ConsoleUI", "Scenarios", "Session",
                "ConsoleShell",
            ]),

        .executableTarget(
            name: "gwconsole",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "ResourcePrinters", "Dataplane",
                "KubeClient", "Diagnostics", "Probing", "ConsoleUI", "Scenarios", "EchoBackend", "DNSBackend",
                "Session", "ConsoleShell", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "GatewayAPITests", dependencies: ["GatewayAPI"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "DataplaneTests",
            dependencies: ["Dataplane", "Diagnostics", "GatewayAPI", "GatewayCore", "NginxConfig", "EchoBackend"]),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore", "GatewayAPI"]),
        .testTarget(
            name: "NginxConfigTests",
            dependencies: ["NginxConfig", "GatewayCore", "GatewayAPI", "Dataplane", "Probing", "PipelineFuzzing"]),
        .testTarget(name: "ResourcePrintersTests", dependencies: ["ResourcePrinters", "GatewayAPI", "GatewayCore"]),
        .testTarget(
            name: "ConsoleUITests", dependencies: ["ConsoleUI", "GatewayCore", "GatewayAPI", "ResourcePrinters"],
            exclude: ["Snapshots"]),
        .testTarget(name: "ShimTests", dependencies: ["CNCurses", "CCurl", "COpenSSL", "CSQLite"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "GatewayAPI", "GatewayCore"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "GatewayAPI"]),
        .testTarget(name: "DNSBackendTests", dependencies: ["DNSBackend"]),
        .target(name: "TestSupport", dependencies: ["Dataplane", "Probing"], path: "Tests/TestSupport"),
        .testTarget(
            name: "KubeClientTests", dependencies: ["KubeClient", "GatewayAPI", "Probing", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "gwconsole", "GatewayAPI", "GatewayCore", "Dataplane", "Probing", "TestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
