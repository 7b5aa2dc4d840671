import Testing

@testable import ProtoSchema

@Suite("Proto parser")
struct ProtoParserTests {
    func parse(_ text: String, file: String = "test.proto") throws(ProtoParseError) -> ProtoFile {
        try ProtoParser.parse(text, file: file)
    }

    func parseError(_ text: String) -> ProtoParseError? {
        do {
            _ = try parse(text, file: "grpc.proto")
            return nil
        } catch {
            return error
        }
    }

    @Test("helloworld: syntax, package, options skipped, a service with an empty body, two messages")
    func helloworld() throws {
        let file = try parse(ProtoFixtures.helloworld, file: "grpc.proto")
        #expect(file.name == "grpc.proto" && file.syntax == .proto3 && file.package == "helloworld")
        #expect(file.messages.map(\.name) == ["HelloRequest", "HelloReply"])
        #expect(
            file.messages[0].fields == [
                ProtoField(
                    name: "name", number: 1, type: .scalar(.string),
                    location: ProtoLocation(file: "grpc.proto", line: 18, column: 3))
            ])
        #expect(file.services.count == 1 && file.services[0].name == "Greeter")
        let method = file.services[0].methods[0]
        #expect(method.name == "SayHello" && method.inputType == "HelloRequest" && method.outputType == "HelloReply")
        #expect(!method.clientStreaming && !method.serverStreaming)
        #expect(method.location == ProtoLocation(file: "grpc.proto", line: 13, column: 3))
    }

    @Test("imports (public, weak), proto2 labels, nested types, oneof, maps, reserved, extensions and extend")
    func proto2Features() throws {
        let file = try parse(
            """
            // No syntax statement: proto2, as protoc assumes.
            package a.b;
            import "other.proto";
            import public "pub.proto";
            import weak "weak.proto";
            option (my.ext).field = { name: "x" nested { a: 1 } };

            message Outer {
              option (foo) = true;
              required int64 id = 1 [default = 5];
              optional string note = 2 [default = "a \\"quoted\\" \\x41\\101\\u00e9 note"];
              repeated Inner inners = 3 [packed = false, (validate.rules).repeated = {min_items: 1, items {}}];
              map<string, .a.b.Outer.Inner> by_name = 4;
              oneof choice {
                option (oneof_opt) = 1;
                string text = 5;
                Inner inner = 6;
              }
              reserved 7, 9 to 11, 100 to max;
              reserved "old", "older";
              extensions 1000 to 1999;
              message Inner { enum Kind { A = 1; B = 2; } Kind kind = 1; }
              extend google.protobuf.MessageOptions { optional string tag = 5000; }
              ;
            }
            extend Outer { optional int32 extra = 1000; }
            """)
        #expect(file.syntax == .proto2 && file.package == "a.b")
        #expect(file.imports.map(\.path) == ["other.proto", "pub.proto", "weak.proto"])
        #expect(file.imports.map(\.kind) == [.normal, .public, .weak])
        let outer = file.messages[0]
        #expect(outer.fields.map(\.name) == ["id", "note", "inners", "by_name", "text", "inner"])
        #expect(outer.fields.map(\.label) == [.required, .optional, .repeated, .none, .none, .none])
        #expect(outer.fields[2].packed == false && outer.fields[2].type == .named("Inner"))
        #expect(outer.fields[3].type == .map(key: .string, value: .named(".a.b.Outer.Inner")))
        #expect(outer.oneofs == ["choice"] && outer.fields[4].oneof == 0 && outer.fields[5].oneof == 0)
        #expect(outer.reservedNumbers == [7...7, 9...11, 100...536_870_911])
        #expect(outer.reservedNames == ["old", "older"])
        #expect(outer.messages.map(\.name) == ["Inner"] && outer.messages[0].enums[0].values.map(\.name) == ["A", "B"])
    }

    @Test("string escapes decode: C escapes, hex, octal, \\u; adjacent literals join in option values")
    func escapes() throws {
        let file = try parse(
            #"""
            syntax = "proto3";
            message M {
              string a = 1 [json_name = "tab\there\x41\101\u00e9\n"];
              string b = 2 [json_name = 'single' "joined"];
            }
            """#)
        #expect(file.messages[0].fields[0].jsonName == "tab\thereAAé\n")
        #expect(file.messages[0].fields[1].jsonName == "singlejoined")
    }

    @Test("comments: line and block, anywhere between tokens, with braces and quotes inside")
    func comments() throws {
        let file = try parse(
            """
            syntax /* inline */ = "proto3"; // trailing { "
            /* a block
               spanning lines } ' */
            message M { string /* between */ name = 1; } // done
            """)
        #expect(file.messages[0].fields.map(\.name) == ["name"])
    }

    @Test("services: streaming both ways, options bodies, methods named like keywords, fully-qualified types")
    func services() throws {
        let file = try parse(
            """
            syntax = "proto3";
            package chat;
            service Chat {
              option deprecated = true;
              rpc Say (stream Msg) returns (stream Msg);
              rpc Listen(.chat.Msg) returns (stream Msg) { option deprecated = true; };
              rpc stream(stream) returns (Msg) {}
            }
            message Msg {}
            message stream {}
            """)
        let methods = file.services[0].methods
        #expect(methods.map(\.name) == ["Say", "Listen", "stream"])
        #expect(methods.map(\.clientStreaming) == [true, false, false])
        #expect(methods.map(\.serverStreaming) == [true, true, false])
        #expect(methods[1].inputType == ".chat.Msg" && methods[2].inputType == "stream")
    }

    @Test("enums: allow_alias, negative and hex values, value options, reserved; keywords as field names")
    func enums() throws {
        let file = try parse(
            """
            syntax = "proto3";
            enum Status {
              option allow_alias = true;
              reserved 10 to 20;
              reserved "GONE";
              UNKNOWN = 0;
              STARTED = 1;
              RUNNING = 1 [deprecated = true];
              FAILED = -2;
              BIG = 0x7FFFFFFF;
            }
            message M { string message = 1; int32 option = 2; bool syntax = 3; }
            """)
        let status = file.enums[0]
        #expect(status.allowAlias)
        #expect(status.values.map(\.number) == [0, 1, 1, -2, 2_147_483_647])
        #expect(file.messages[0].fields.map(\.name) == ["message", "option", "syntax"])
    }

    @Test(
        "a missing ';' is reported at the next token, with its line and column",
        arguments: [
            (
                "syntax = \"proto3\";\nmessage M {\n  string name = 1\n  int32 id = 2;\n}", 4, 3,
                "expected ';' after the field number, found 'int32'"
            ),
            (
                "syntax = \"proto3\";\nmessage M {\n    int32 id = 2 [json_name = \"x\"] }", 3, 36,
                "expected ';' after the field options, found '}'"
            ),
            (
                "syntax = \"proto3\";\nservice S {\n  rpc A (Req) returns (Resp)\n}", 4, 1,
                "expected ';' after the method, found '}'"
            ),
            ("package a.b\nmessage M {}", 2, 1, "expected ';' after the package name, found 'message'"),
        ])
    func missingSemicolon(text: String, line: Int, column: Int, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.line == line && error.column == column)
        #expect(error.message == message)
        #expect(error.description == "grpc.proto:\(line):\(column): \(message)")
    }

    @Test(
        "syntax errors name what was expected and what was found",
        arguments: [
            ("syntax = \"proto4\";", 1, 10, "unknown syntax \"proto4\"; expected \"proto2\" or \"proto3\""),
            ("message M {}\nsyntax = \"proto3\";", 2, 1, "'syntax' must be the first statement of the file"),
            ("edition = \"2023\";", 1, 1, "editions are not supported; declare syntax = \"proto3\" or \"proto2\""),
            ("message M {\n  string name = ;\n}", 2, 17, "expected a field number, found ';'"),
            ("message M {\n  string = 1;\n}", 2, 10, "expected a field name, found '='"),
            ("message M {\n  optional string name = 1;", 2, 28, "expected '}' to close message M, found end of file"),
            ("message M {\n  string name = 0;\n}", 2, 17, "field numbers must be between 1 and 536870911"),
            (
                "message M {\n  string name = 19001;\n}", 2, 17,
                "field numbers 19000 to 19999 are reserved for the protobuf implementation"
            ),
            (
                "message M {\n  optional group Result = 1 { string url = 2; }\n}", 2, 12,
                "groups are not supported; declare a nested message and a field of its type instead"
            ),
            (
                "syntax = \"proto3\";\nmessage M {\n  required string a = 1;\n}", 3, 3,
                "required fields are not allowed in proto3"
            ),
            (
                "syntax = \"proto3\";\nmessage M {\n  map<float, string> m = 1;\n}", 3, 7,
                "map keys must be an integer type, bool or string, not 'float'"
            ),
            (
                "syntax = \"proto3\";\nmessage M {\n  repeated map<string, string> m = 1;\n}", 3, 3,
                "map fields cannot be 'repeated'"
            ),
            (
                "message M {\n  string a = 1;\n  int32 b = 1;\n}", 3, 3,
                "field number 1 of 'b' is already used by 'a' in M"
            ),
            ("message M {\n  reserved 2 to 4;\n  int32 b = 3;\n}", 3, 3, "field 'b' uses number 3, which M reserves"),
            ("syntax = \"proto3\";\nenum E {\n  A = 1;\n}", 3, 3, "the first value of enum E must be zero in proto3"),
            (
                "enum E {\n  A = 0;\n  B = 0;\n}", 3, 3,
                "B and A share the number 0 in enum E; add 'option allow_alias = true;' to allow aliases"
            ),
            ("message M {\n  string s = 1 [json_name = \"a\n\"];\n}", 2, 29, "unterminated string"),
            ("/* never closed\nmessage M {}", 1, 1, "unterminated /* comment"),
            ("message M { string s = 1; } @", 1, 29, "unexpected character '@'"),
            ("service S {\n  rpc A (Req) returns Resp;\n}", 2, 23, "expected '(' after 'returns', found 'Resp'"),
            ("message M {\n  string s = 1 [json_name = 5];\n}", 2, 17, "json_name must be a string"),
            ("import \"a.proto\"\nmessage M {}", 2, 1, "expected ';' after the import, found 'message'"),
        ])
    func syntaxErrors(text: String, line: Int, column: Int, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.message == message)
        #expect(error.line == line && error.column == column, "at \(error.line):\(error.column)")
    }
}
