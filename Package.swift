// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gwconsole",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gwconsole", targets: ["gwconsole"]),
        // A sandboxed pod's process, installed beside gwconsole (docs/workloads.md).
        .executable(name: "gwconsole-pod-sandbox", targets: ["gwconsole-pod-sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // gRPC: local gRPC backends and the gRPC probe (grpc-swift 2 over SwiftNIO's HTTP/2).
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // System-library shims: thin C helpers where macros or variadic C functions cannot be called from Swift.
        .target(name: "CSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "CProcess"),
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
        // Protocol buffers without generated code: .proto files parsed into descriptors, messages to and from JSON as
        // grpcurl reads and prints them.
        .target(name: "ProtoSchema"),
        // The pipeline as one function of bytes, for the seeded fuzz tests and the libFuzzer build (scripts/fuzz.sh).
        .target(name: "PipelineFuzzing", dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig"]),

        // Shell modules.
        .target(
            name: "Dataplane",
            dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig", "Diagnostics", "CSQLite", "CProcess"]),
        .target(name: "CurlSupport", dependencies: ["CCurl"]),
        .target(name: "KubeClient", dependencies: ["GatewayAPI", "CCurl", "CurlSupport"]),
        // Probing: requests with libcurl, certificates with OpenSSL, and the observations doctor's rules read.
        .target(
            name: "Probing",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "Diagnostics", "CCurl", "CurlSupport", "COpenSSL",
                "ProtoSchema",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            // The services of the local gRPC backends, for calls made without a .proto file.
            resources: [.embedInCode("Protos/helloworld.proto"), .embedInCode("Protos/grpcecho.proto")]),
        .target(name: "ConsoleUI", dependencies: ["GatewayAPI", "GatewayCore", "CNCurses"]),
        // The conformance suite's echo server (echo-basic), run by local pods: HTTP, TLS and WebSocket echo.
        .target(name: "EchoBackend", dependencies: ["GatewayAPI", "COpenSSL"]),
        // The gRPC servers local pods run: kic-test-grpc-server's greeter and echo-basic's gRPC mode. Their code is
        // generated from Sources/Probing/Protos by scripts/generate-protos.sh and committed.
        .target(
            name: "GRPCBackend",
            dependencies: [
                "EchoBackend",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        // The local stand-in for coredns/coredns, run by local pods: a Corefile's whoami, hosts, log and errors.
        .target(name: "DNSBackend", dependencies: []),
        // Scenarios: guides as steps and checks, imported from Markdown or example folders, replayed on the store.
        .target(
            name: "Scenarios",
            dependencies: ["GatewayAPI", "GatewayCore", "NginxConfig", "Dataplane", "Diagnostics", "Probing"],
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
                "GatewayAPI", "GatewayCore", "NginxConfig", "Dataplane", "Diagnostics", "Probing", "ConsoleUI",
                "Scenarios",
                "Session", "ConsoleShell",
            ]),

        .executableTarget(name: "gwconsole-pod-sandbox", dependencies: ["CProcess"], path: "Sources/PodSandboxHelper"),
        .executableTarget(
            name: "gwconsole",
            dependencies: [
                "GatewayAPI", "GatewayCore", "NginxConfig", "ResourcePrinters", "Dataplane",
                "KubeClient", "Diagnostics", "Probing", "ConsoleUI", "Scenarios", "EchoBackend", "DNSBackend",
                "GRPCBackend",
                "Session", "ConsoleShell", "Benchmarks", "CProcess",
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
        .testTarget(name: "ProtoSchemaTests", dependencies: ["ProtoSchema"]),
        .target(name: "TestSupport", dependencies: ["Dataplane", "Probing"], path: "Tests/TestSupport"),
        .testTarget(
            name: "KubeClientTests", dependencies: ["KubeClient", "GatewayAPI", "Probing", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "gwconsole", "GatewayAPI", "GatewayCore", "Dataplane", "Diagnostics", "Probing", "TestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
