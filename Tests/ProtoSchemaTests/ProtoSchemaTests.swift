import Testing

@testable import ProtoSchema

@Suite("Proto schema")
struct ProtoSchemaTests {
    func schemaError(_ sources: (name: String, text: String)...) throws -> ProtoSchemaError? {
        let files = try sources.map { try ProtoParser.parse($0.text, file: $0.name) }
        do {
            _ = try ProtoSchema(files: files)
            return nil
        } catch {
            return error
        }
    }

    func lookupError(_ body: () throws(ProtoLookupError) -> Void) -> ProtoLookupError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("helloworld: the method by every spelling, its :path, input and output types")
    func helloworldMethod() throws {
        let schema = try ProtoFixtures.helloworldSchema()
        for spelling in ["helloworld.Greeter/SayHello", "helloworld.Greeter.SayHello", "/helloworld.Greeter/SayHello"] {
            let method = try schema.method(spelling)
            #expect(method.fullName == "/helloworld.Greeter/SayHello")
            #expect(method.service == "helloworld.Greeter" && method.name == "SayHello")
            #expect(method.inputType == "helloworld.HelloRequest" && method.outputType == "helloworld.HelloReply")
            #expect(!method.clientStreaming && !method.serverStreaming)
        }
        #expect(schema.services.map(\.fullName) == ["helloworld.Greeter"])
        #expect(schema.message("helloworld.HelloRequest")?.fields.map(\.jsonName) == ["name"])
        #expect(schema.message(".helloworld.HelloReply")?.fields.map(\.name) == ["message"])
    }

    @Test("unknown methods and services say what exists")
    func lookupErrors() throws {
        let schema = try ProtoFixtures.echoSchema()
        let noService = lookupError { () throws(ProtoLookupError) in _ = try schema.method("grpcecho.GrpcEcho/Echo") }
        #expect(
            noService
                == .noService("grpcecho.GrpcEcho", services: ["gateway_api_conformance.echo_basic.grpcecho.GrpcEcho"]))
        #expect(
            noService?.description
                == "no service grpcecho.GrpcEcho (services: gateway_api_conformance.echo_basic.grpcecho.GrpcEcho)")
        let noMethod = lookupError { () throws(ProtoLookupError) in
            _ = try schema.method("gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoFour")
        }
        #expect(
            noMethod?.description
                == "service gateway_api_conformance.echo_basic.grpcecho.GrpcEcho has no method EchoFour "
                + "(methods: Echo, EchoTwo, EchoThree)")
        let serviceOnly = lookupError { () throws(ProtoLookupError) in
            _ = try schema.method("gateway_api_conformance.echo_basic.grpcecho.GrpcEcho")
        }
        #expect(serviceOnly == .invalidMethodName("gateway_api_conformance.echo_basic.grpcecho.GrpcEcho"))
        #expect(
            lookupError { () throws(ProtoLookupError) in _ = try schema.method("Echo") } == .invalidMethodName("Echo"))
        let empty = try ProtoFixtures.schema(("m.proto", "syntax = \"proto3\"; message M {}"))
        #expect(
            lookupError { () throws(ProtoLookupError) in _ = try empty.method("a.B/C") }?.description
                == "no service a.B (the schema has no services)")
    }

    @Test("names resolve from the innermost scope outwards; a leading dot starts at the root")
    func scoping() throws {
        let schema = try ProtoFixtures.schema(
            (
                "scope.proto",
                """
                syntax = "proto3";
                package a.b;
                message Item { string id = 1; }
                message Outer {
                  message Item { int32 n = 1; }
                  Item inner = 1;           // a.b.Outer.Item: the innermost scope first
                  .a.b.Item top = 2;        // fully qualified
                  b.Item via_package = 3;   // 'b' is the package a.b, then Item in it
                  Deep.Item deep = 4;
                  message Deep {
                    Item nearest = 1;       // a.b.Outer.Item, found in Outer
                    message Item {}
                  }
                }
                message Other { Outer.Item from_sibling = 1; Kind kind = 2; }
                enum Kind { KIND_UNSPECIFIED = 0; }
                service S { rpc Get (Outer.Deep) returns (Item); }
                """
            ))
        let outer = try #require(schema.message("a.b.Outer"))
        #expect(
            outer.fields.map(\.type) == [
                .message("a.b.Outer.Item"), .message("a.b.Item"), .message("a.b.Item"), .message("a.b.Outer.Deep.Item"),
            ])
        #expect(schema.message("a.b.Outer.Deep")?.fields.first?.type == .message("a.b.Outer.Deep.Item"))
        #expect(
            schema.message("a.b.Other")?.fields.map(\.type) == [.message("a.b.Outer.Item"), .enumeration("a.b.Kind")])
        let method = try schema.method("a.b.S/Get")
        #expect(method.inputType == "a.b.Outer.Deep" && method.outputType == "a.b.Item")
        #expect(outer.nestedMessages == ["a.b.Outer.Item", "a.b.Outer.Deep"])
    }

    @Test("an unknown type names the file, line, column and the name")
    func unknownType() throws {
        let error = try #require(
            try schemaError(
                (
                    "grpcecho.proto",
                    """
                    syntax = "proto3";
                    package echo;
                    message EchoAssertions {
                      repeated Heder headers = 1;
                    }
                    """
                )))
        #expect(error.file == "grpcecho.proto" && error.line == 4 && error.column == 12)
        #expect(error.description == "grpcecho.proto:4:12: unknown type 'Heder' in message echo.EchoAssertions")
    }

    @Test(
        "other resolution errors",
        arguments: [
            (
                "syntax = \"proto3\";\npackage p;\nmessage A { message B {} }\nmessage C { A.X x = 1; }",
                "t.proto:4:13: unknown type 'A.X' in message p.C: 'A' is p.A, which declares no 'X'; "
                    + "a leading '.' searches from the outermost scope"
            ),
            (
                "syntax = \"proto3\";\npackage p;\nmessage A {}\nmessage A {}",
                "t.proto:4:1: p.A is already declared at t.proto:3:1"
            ),
            (
                "syntax = \"proto3\";\npackage p;\nenum E { Z = 0; }\nservice S {\n  rpc M (E) returns (E);\n}",
                "t.proto:5:10: 'E' in method p.S.M is enum p.E; a method takes messages"
            ),
            (
                "syntax = \"proto3\";\npackage p;\nmessage M { .p x = 1; }",
                "t.proto:3:13: '.p' in message p.M is a package, not a message or enum"
            ),
            (
                "syntax = \"proto3\";\nmessage M {\n  map<string, int32> labels = 1;\n  message LabelsEntry {}\n}",
                "t.proto:4:3: M.LabelsEntry is already declared at t.proto:3:3"
            ),
        ])
    func resolutionErrors(text: String, message: String) throws {
        let error = try #require(try schemaError(("t.proto", text)))
        #expect(error.description == message)
    }

    @Test("imports: built-in well-known files are added; others must be given, by name or by path suffix")
    func imports() throws {
        let main = """
            syntax = "proto3";
            package app;
            import "google/protobuf/empty.proto";
            import "common/types.proto";
            service Pinger { rpc Ping (google.protobuf.Empty) returns (common.Pong); }
            """
        let common = "syntax = \"proto3\";\npackage common;\nmessage Pong { string at = 1; }"
        let schema = try ProtoFixtures.schema(("app.proto", main), ("/src/protos/common/types.proto", common))
        #expect(
            schema.files.map(\.name) == ["app.proto", "/src/protos/common/types.proto", "google/protobuf/empty.proto"])
        let method = try schema.method("app.Pinger/Ping")
        #expect(method.inputType == "google.protobuf.Empty" && method.outputType == "common.Pong")

        let missing = try #require(try schemaError(("app.proto", main)))
        #expect(missing.line == 4 && missing.column == 1)
        #expect(
            missing.message.hasPrefix("import \"common/types.proto\" was not found; give that file too (built in: "))
        #expect(missing.message.contains("google/protobuf/timestamp.proto"))

        let twice = try #require(try schemaError(("a.proto", common), ("a.proto", common)))
        #expect(twice.message == "the file a.proto is given twice")
    }

    @Test("the built-in well-known files parse, and a type from one not imported is unknown")
    func builtIns() throws {
        #expect(WellKnownFiles.files.count == WellKnownFiles.sources.count)
        for (path, text) in WellKnownFiles.sources { _ = try ProtoParser.parse(text, file: path) }
        let error = try #require(
            try schemaError(("t.proto", "syntax = \"proto3\";\nmessage M { google.protobuf.Timestamp at = 1; }")))
        #expect(error.message == "unknown type 'google.protobuf.Timestamp' in message M")
    }

    @Test("field descriptors: JSON names, presence, packing, maps")
    func fieldDescriptors() throws {
        let schema = try ProtoFixtures.everythingSchema()
        let scalars = try #require(schema.message("test.v1.Scalars"))
        #expect(scalars.field(named: "f_double")?.jsonName == "fDouble")
        #expect(scalars.field(named: "fSfixed64")?.number == 12)
        #expect(scalars.field(named: "f_int32")?.hasPresence == false)
        #expect(scalars.field(named: "maybe")?.hasPresence == true)
        let collections = try #require(schema.message("test.v1.Collections"))
        #expect(collections.field(named: "numbers")?.isPacked == true)
        #expect(collections.field(named: "unpacked")?.isPacked == false)
        #expect(collections.field(named: "names")?.isPacked == false)
        let counts = try #require(collections.field(named: "counts"))
        #expect(counts.isMap && counts.isRepeated && counts.type == .message("test.v1.Collections.CountsEntry"))
        #expect(schema.message("test.v1.Collections.CountsEntry")?.isMapEntry == true)
        #expect(schema.message("test.v1.Renamed")?.field(named: "title")?.name == "display_name")
        #expect(schema.message("test.v1.Choice")?.field(named: "text")?.oneof == "value")
        #expect(FieldDescriptor.jsonName(for: "foo_bar_baz") == "fooBarBaz")
        #expect(FieldDescriptor.jsonName(for: "_leading__double") == "LeadingDouble")
        #expect(FieldDescriptor.mapEntryName(for: "by_name") == "ByNameEntry")
    }

    @Test("describe: services, methods, messages and enums as grpcurl shows them")
    func describe() throws {
        let hello = try ProtoFixtures.helloworldSchema()
        #expect(
            try hello.describe("helloworld.Greeter") == """
                helloworld.Greeter is a service:
                service Greeter {
                  rpc SayHello ( .helloworld.HelloRequest ) returns ( .helloworld.HelloReply );
                }
                """)
        #expect(
            try hello.describe("helloworld.Greeter.SayHello") == """
                helloworld.Greeter.SayHello is a method:
                rpc SayHello ( .helloworld.HelloRequest ) returns ( .helloworld.HelloReply );
                """)
        #expect(
            try hello.describe(".helloworld.HelloRequest") == """
                helloworld.HelloRequest is a message:
                message HelloRequest {
                  string name = 1;
                }
                """)
        let schema = try ProtoFixtures.everythingSchema()
        #expect(
            try schema.describe("test.v1.Item") == """
                test.v1.Item is a message:
                message Item {
                  string id = 1;
                  .test.v1.Item child = 2;
                  .test.v1.Item.Kind kind = 3;
                  enum Kind {
                    KIND_UNSPECIFIED = 0;
                    BOOK = 1;
                  }
                }
                """)
        let choice = try schema.describe("test.v1.Choice")
        #expect(
            choice.contains(
                "  oneof value {\n    string text = 2;\n    int32 number = 3;\n    .test.v1.Item item = 4;\n  }"))
        let collections = try schema.describe("test.v1.Collections")
        #expect(collections.contains("  repeated int32 numbers = 1;\n"))
        #expect(collections.contains("  map<int64, .test.v1.Item> items = 6;\n"))
        #expect(!collections.contains("ItemsEntry"))
        #expect(try schema.describe("test.v1.Renamed").contains("string display_name = 1 [json_name = \"title\"];"))
        #expect(
            try schema.describe("test.v1.Color").hasPrefix(
                "test.v1.Color is an enum:\nenum Color {\n  COLOR_UNSPECIFIED = 0;"))
        #expect(
            lookupError { () throws(ProtoLookupError) in _ = try schema.describe("test.v1.Nope") }
                == .noSymbol("test.v1.Nope"))
        let chat = try ProtoFixtures.schema(
            (
                "chat.proto",
                "syntax = \"proto3\";\npackage chat;\nmessage M {}\n"
                    + "service C { rpc Talk (stream M) returns (stream M); }"
            ))
        #expect(
            try chat.describe("chat.C.Talk")
                == "chat.C.Talk is a method:\nrpc Talk ( stream .chat.M ) returns ( stream .chat.M );")
        let talk = try chat.method("chat.C/Talk")
        #expect(talk.clientStreaming && talk.serverStreaming)
    }
}
