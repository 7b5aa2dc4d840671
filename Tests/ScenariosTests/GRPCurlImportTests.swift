import Foundation
import GatewayAPI
import Testing

@testable import Scenarios

/// A guide's grpcurl lines as gRPC checks: what the options say, the .proto files read beside the guide and kept in
/// the scenario, the output block after the call as the answer it must give; bad input named with the guide's line.
@Suite("Importing grpcurl")
struct GRPCurlImportTests {
    static let proto = """
        syntax = "proto3";
        package helloworld;
        service Greeter {
          rpc SayHello (HelloRequest) returns (HelloReply) {}
        }
        message HelloRequest { string name = 1; }
        message HelloReply { string message = 1; }

        """

    /// The gRPC checks of a guide, each step's first.
    func probes(_ guide: String, read: @escaping GuideImporter.FileReader = { _ in nil }) throws -> [Scenario.GRPCProbe]
    {
        try GuideImporter.importGuide(guide, file: "guide.md", read: read).steps.compactMap {
            $0.checks?.first?.grpc
        }
    }

    /// The error importing `guide` throws, as printed.
    func importError(_ guide: String, read: @escaping GuideImporter.FileReader = { _ in nil }) -> String? {
        do {
            _ = try GuideImporter.importGuide(guide, file: "guide.md", read: read)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "-plaintext, -proto (read beside the guide, text kept), -authority, -H twice, -d, ${GW_IP}:${GW_PORT} and the method; the JSON after it is the answer"
    )
    func fullCall() throws {
        var asked: [String] = []
        let guide = """
            # Headers

            Send a request with the headers `version: two` and `color: orange`:

            ```shell
            grpcurl -plaintext -proto grpc.proto -authority bar.com -d '{"name": "version two orange"}' -H 'version: two' -H 'color: orange' ${GW_IP}:${GW_PORT} helloworld.Greeter/SayHello
            ```

            ```text
            {
              "message": "Hello version two orange"
            }
            ```
            """
        let scenario = try GuideImporter.importGuide(
            guide, file: "guide.md",
            read: { name in
                asked.append(name)
                return name == "grpc.proto" ? Self.proto : nil
            })
        #expect(scenario.steps.count == 1)
        #expect(scenario.steps[0].title.contains("version: two"), "\(scenario.steps[0].title)")
        let probe = try #require(scenario.steps.first?.checks?.first?.grpc)
        #expect(scenario.steps[0].checks?.count == 1)
        #expect(probe.port == "GW_PORT" && probe.gateway == nil)
        #expect(probe.method == "helloworld.Greeter/SayHello")
        #expect(probe.authority == "bar.com")
        #expect(probe.metadata == ["version: two", "color: orange"])
        #expect(probe.data == #"{"name": "version two orange"}"#)
        // -plaintext: h2c, no TLS.
        #expect(probe.tls == nil && probe.insecure == nil)
        #expect(probe.protos == [.init(name: "grpc.proto", text: Self.proto)])
        #expect(asked == ["grpc.proto"])
        #expect(probe.output == "{\n  \"message\": \"Hello version two orange\"\n}")
        #expect(probe.code == nil)
    }

    @Test("grpcurl's ERROR block: the status the call must end with, and no answer")
    func errorBlock() throws {
        let guide = """
            ```shell
            grpcurl -plaintext -authority nowhere.com -d '{}' $GW_IP:$GW_PORT helloworld.Greeter/SayHello
            ```

            ```text
            ERROR:
              Code: Unimplemented
              Message: unexpected HTTP status code received from server: 404 (Not Found)
            ```
            """
        let probe = try #require(try probes(guide).first)
        #expect(probe.code == "Unimplemented")
        #expect(probe.output == nil)
        #expect(probe.protos == nil && probe.metadata == nil)
        #expect(probe.data == "{}" && probe.authority == "nowhere.com")
    }

    @Test("a call with no output shown must succeed with any answer")
    func noOutput() throws {
        let guide = "```shell\ngrpcurl -plaintext $GW_IP:$GW_PORT_2 helloworld.Greeter/SayHello\n```\n"
        let probe = try #require(try probes(guide).first)
        #expect(probe.output == nil && probe.code == nil && probe.data == nil)
        #expect(probe.port == "GW_PORT_2")
    }

    @Test(
        "without -plaintext the call is TLS; -insecure skips verification; --flag and -flag=value are read as grpcurl does"
    )
    func tlsAndFlagForms() throws {
        let guide = """
            ```shell
            grpcurl -insecure --authority=app.example.com -d='{"name": "tls"}' --proto=grpc.proto $GW_IP:$GW_HTTPS_PORT helloworld.Greeter/SayHello
            grpcurl -import-path protos -proto grpc.proto $GW_IP:$GW_HTTPS_PORT helloworld.Greeter/SayHello
            ```
            """
        // The same name beside the guide and under the import path: grpcurl reads the import path's.
        let imported = "// from protos/\n" + Self.proto
        let found = try probes(
            guide,
            read: { name in
                switch name {
                case "grpc.proto": Self.proto
                case "protos/grpc.proto": imported
                default: nil
                }
            })
        #expect(found.count == 2)
        #expect(found[0].tls == true && found[0].insecure == true)
        #expect(found[0].authority == "app.example.com" && found[0].data == #"{"name": "tls"}"#)
        #expect(found[0].port == "GW_HTTPS_PORT")
        #expect(found[0].protos == [.init(name: "grpc.proto", text: Self.proto)])
        #expect(found[1].tls == true && found[1].insecure == nil)
        // Kept under the name the guide gives, with the text grpcurl would have read.
        #expect(found[1].protos == [.init(name: "grpc.proto", text: imported)])
    }

    @Test("bad input names the guide's line: -d @, a missing -proto file, an unknown option, no method")
    func badInput() {
        func guide(_ command: String) -> String { "# Guide\n\nCall it:\n\n```shell\n\(command)\n```\n" }
        let stdin = "grpcurl -plaintext -d @ $GW_IP:$GW_PORT helloworld.Greeter/SayHello"
        #expect(
            importError(guide(stdin))
                == "error: guide.md:6:1: \(stdin): -d @ reads the request from standard input, which a scenario cannot replay"
        )
        let missing = "grpcurl -plaintext -proto nothere.proto $GW_IP:$GW_PORT helloworld.Greeter/SayHello"
        #expect(
            importError(guide(missing))
                == "error: guide.md:6:1: \(missing): -proto nothere.proto: no such file next to the guide")
        let unknown = "grpcurl -plaintext -cacert ca.pem $GW_IP:$GW_PORT helloworld.Greeter/SayHello"
        #expect(
            importError(guide(unknown))
                == "error: guide.md:6:1: \(unknown): the option -cacert is not one a scenario can replay (-plaintext, -insecure, -proto, -import-path, -authority, -H, -d)"
        )
        let noMethod = "grpcurl -plaintext $GW_IP:$GW_PORT"
        #expect(
            importError(guide(noMethod))
                == "error: guide.md:6:1: \(noMethod): grpcurl needs an address and a method (list and describe are not calls)"
        )
        let describe = "grpcurl -plaintext $GW_IP:$GW_PORT describe helloworld.Greeter"
        #expect(
            importError(guide(describe)) == "error: guide.md:6:1: \(describe): grpcurl takes one address and one method"
        )
        // The line is the command's own, later in a block too.
        let second = "```shell\ngrpcurl -plaintext $GW_IP:$GW_PORT helloworld.Greeter/SayHello\n\(unknown)\n```\n"
        #expect(importError(second)?.hasPrefix("error: guide.md:3:1: \(unknown): the option -cacert") == true)
    }

    @Test(
        "the call is checked as the guide is read: a .proto that does not parse, a method the service lacks, a field the message lacks, grpcurl list"
    )
    func callChecked() {
        let broken =
            "syntax = \"proto3\";\npackage helloworld;\nservice Greeter {\n  rpc SayHello (HelloRequest) returns HelloReply {}\n}\n"
        let read: GuideImporter.FileReader = { $0 == "bad.proto" ? broken : Self.proto }
        func guide(_ command: String) -> String { "```shell\n\(command)\n```\n" }
        let parse = "grpcurl -plaintext -proto bad.proto $GW_IP:$GW_PORT helloworld.Greeter/SayHello"
        #expect(
            importError(guide(parse), read: read)
                == "error: guide.md:2:1: \(parse): cannot parse bad.proto:4:39: expected '(' after 'returns', found 'HelloReply'"
        )
        let method = "grpcurl -plaintext -proto grpc.proto $GW_IP:$GW_PORT helloworld.Greeter/SayGoodbye"
        #expect(
            importError(guide(method), read: read)
                == "error: guide.md:2:1: \(method): service helloworld.Greeter has no method SayGoodbye (methods: SayHello)"
        )
        let field =
            "grpcurl -plaintext -proto grpc.proto -d '{\"nam\": \"x\"}' $GW_IP:$GW_PORT helloworld.Greeter/SayHello"
        #expect(
            importError(guide(field), read: read)?.hasSuffix(
                "message type helloworld.HelloRequest has no known field named nam")
                == true)
        let list = "grpcurl -plaintext $GW_IP:$GW_PORT list"
        #expect(
            importError(guide(list))?.hasPrefix("error: guide.md:2:1: \(list): 'list' is not a method name") == true)
        // Without -proto, the local greeter's and echo server's services are the schema.
        #expect(importError(guide("grpcurl -plaintext $GW_IP:$GW_PORT helloworld.Greeter/SayHello")) == nil)
    }

    @Test("an address without a port variable, and a header without a colon, are refused")
    func badAddressAndHeader() {
        let literal = "grpcurl -plaintext localhost:8080 helloworld.Greeter/SayHello"
        #expect(
            importError("```shell\n\(literal)\n```\n")
                == "error: guide.md:2:1: \(literal): give the port as a variable ($GW_PORT, $GW_TLS_PORT)")
        let noPort = "grpcurl -plaintext $GW_IP helloworld.Greeter/SayHello"
        #expect(
            importError("```shell\n\(noPort)\n```\n")
                == "error: guide.md:2:1: \(noPort): the address needs a port ($GW_IP:$GW_PORT)")
        let header = "grpcurl -plaintext -H version $GW_IP:$GW_PORT helloworld.Greeter/SayHello"
        #expect(
            importError("```shell\n\(header)\n```\n")
                == "error: guide.md:2:1: \(header): -H version: give a header as 'name: value'")
    }

    @Test("what import writes reads back as the same scenario, the .proto text included")
    func roundTrip() throws {
        let guide = """
            ```shell
            grpcurl -plaintext -proto grpc.proto -authority bar.com -H 'version: one' -d '{"name": "version one"}' ${GW_IP}:${GW_PORT} helloworld.Greeter/SayHello
            ```

            ```text
            {
              "message": "Hello version one"
            }
            ```

            ```shell
            grpcurl -insecure -authority foo.com $GW_IP:$GW_HTTPS_PORT helloworld.Greeter/SayHello
            ```

            ```text
            ERROR:
              Code: Unimplemented
            ```
            """
        let scenario = try GuideImporter.importGuide(guide, file: "guide.md", read: { _ in Self.proto })
        let text = ScenarioWriter.write(scenario)
        #expect(
            text.contains("      - grpc:\n          port: GW_PORT\n          method: helloworld.Greeter/SayHello\n"),
            "\(text)")
        #expect(try Scenario.decode(text, file: "written.yaml") == scenario, "\(text)")
    }

    @Test("NGF's grpc-routing README: a check per grpcurl, with the authority, headers, request and answer it shows")
    func ngfExample() throws {
        let folder = Paths.root.appendingPathComponent("Tests/CLITests/Fixtures/guides/ngf-grpc-routing").path
        let scenario = try ScenarioLoader.importPath(folder)
        #expect(scenario.name == "ngf-grpc-routing")
        let calls = scenario.steps.compactMap { $0.checks?.first?.grpc }
        #expect(
            calls.map { "\($0.authority ?? "") \($0.metadata ?? []) \($0.data ?? "")" } == [
                #"bar.com [] {"name": "exact"}"#, #"bar.com [] {"name": "bar server"}"#,
                #"foo.bar.com [] {"name": "foo bar server"}"#, #"bar.com ["version: one"] {"name": "version one"}"#,
                #"bar.com ["version: two"] {"name": "version two"}"#,
                #"bar.com ["headerRegex: grpc-header-a"] {"name": "version two regex"}"#,
                #"bar.com ["version: two", "color: orange"] {"name": "version two orange"}"#,
            ])
        #expect(
            calls.allSatisfy { $0.port == "GW_PORT" && $0.method == "helloworld.Greeter/SayHello" && $0.tls == nil })
        let proto = try String(contentsOfFile: folder + "/grpc.proto", encoding: .utf8)
        #expect(calls.allSatisfy { $0.protos == [.init(name: "grpc.proto", text: proto)] })
        #expect(
            calls.compactMap(\.output).map { $0.filter { !$0.isWhitespace } } == [
                "{\"message\":\"Helloexact\"}", "{\"message\":\"Hellobarserver\"}",
                "{\"message\":\"Hellofoobarserver\"}",
                "{\"message\":\"Helloversionone\"}", "{\"message\":\"Helloversiontwo\"}",
                "{\"message\":\"Helloversiontworegex\"}", "{\"message\":\"Helloversiontwoorange\"}",
            ])
    }
}
