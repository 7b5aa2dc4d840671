import Testing

@testable import ProtoSchema

@Suite("Proto JSON: wire bytes to grpcurl's output")
struct ProtoJSONDecodeTests {
    static let echoResponse = "gateway_api_conformance.echo_basic.grpcecho.EchoResponse"

    func decode(_ bytes: [UInt8], _ message: String, schema: ProtoSchema) throws -> String {
        try ProtoJSON.decode(bytes, message: message, schema: schema)
    }

    func decode(_ bytes: [UInt8], _ message: String = "test.v1.Scalars") throws -> String {
        try decode(bytes, message, schema: try ProtoFixtures.everythingSchema())
    }

    /// Encodes `json` and decodes it back.
    func roundTrip(_ json: String, _ message: String = "test.v1.Scalars") throws -> String {
        let schema = try ProtoFixtures.everythingSchema()
        return try decode(try ProtoJSON.encode(json: json, message: message, schema: schema), message, schema: schema)
    }

    func decodeError(_ bytes: [UInt8], _ message: String = "test.v1.Scalars") throws -> ProtoJSONError? {
        do {
            _ = try decode(bytes, message)
            return nil
        } catch let error as ProtoJSONError {
            return error
        }
    }

    @Test("helloworld: HelloReply{message: \"Hello exact\"} prints as grpcurl prints it")
    func helloworld() throws {
        let schema = try ProtoFixtures.helloworldSchema()
        let bytes: [UInt8] = [0x0A, 0x0B] + Array("Hello exact".utf8)
        #expect(try decode(bytes, "helloworld.HelloReply", schema: schema) == "{\n  \"message\": \"Hello exact\"\n}")
        #expect(try decode([], "helloworld.HelloReply", schema: schema) == "{}")
        #expect(try decode([0x0A, 0x00], "helloworld.HelloReply", schema: schema) == "{}")
    }

    @Test("the conformance echo response: nested messages, a repeated message, zero values left out")
    func echoResponse() throws {
        let schema = try ProtoFixtures.echoSchema()
        let request = """
            {"assertions": {
              "fullyQualifiedMethod": "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo",
              "headers": [{"key": "content-type", "value": "application/grpc"}, {"key": "x-empty", "value": ""}],
              "authority": "grpc.example.com",
              "context": {
                "namespace": "gateway-conformance-infra", "pod": "grpc-infra-backend-v1-7f8d", "service_name": ""
              },
              "tls_assertions": {"version": "", "peerCertificates": []}
            }, "request": {}}
            """
        let bytes = try ProtoJSON.encode(json: request, message: Self.echoResponse, schema: schema)
        #expect(
            try decode(bytes, Self.echoResponse, schema: schema) == """
                {
                  "assertions": {
                    "fullyQualifiedMethod": "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo",
                    "headers": [
                      {
                        "key": "content-type",
                        "value": "application/grpc"
                      },
                      {
                        "key": "x-empty"
                      }
                    ],
                    "authority": "grpc.example.com",
                    "context": {
                      "namespace": "gateway-conformance-infra",
                      "pod": "grpc-infra-backend-v1-7f8d"
                    },
                    "tlsAssertions": {}
                  },
                  "request": {}
                }
                """)
        let empty = try ProtoJSON.encode(
            json: "", message: "gateway_api_conformance.echo_basic.grpcecho.EchoRequest", schema: schema)
        #expect(empty == [])
        #expect(
            try schema.method("gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoTwo").outputType
                == Self.echoResponse)
    }

    @Test("every scalar type round trips, printed with JSON names in field-number order")
    func scalarsRoundTrip() throws {
        let json = """
            {"fBytes": "AP8=", "fDouble": -2.5, "fFloat": 0.1, "fInt32": -1, "fInt64": "-9223372036854775808",
             "fUint32": 4294967295, "fUint64": "18446744073709551615", "fSint32": -2147483648,
             "fSint64": "9223372036854775807", "fFixed32": 7, "fFixed64": "8", "fSfixed32": -9, "fSfixed64": "-10",
             "fBool": true, "fString": "a \\"quoted\\" <tag> & \\u2028 line\\n", "fColor": "RED", "maybe": 0}
            """
        #expect(
            try roundTrip(json) == """
                {
                  "fDouble": -2.5,
                  "fFloat": 0.1,
                  "fInt32": -1,
                  "fInt64": "-9223372036854775808",
                  "fUint32": 4294967295,
                  "fUint64": "18446744073709551615",
                  "fSint32": -2147483648,
                  "fSint64": "9223372036854775807",
                  "fFixed32": 7,
                  "fFixed64": "8",
                  "fSfixed32": -9,
                  "fSfixed64": "-10",
                  "fBool": true,
                  "fString": "a \\"quoted\\" \\u003ctag\\u003e \\u0026 \\u2028 line\\n",
                  "fBytes": "AP8=",
                  "fColor": "RED",
                  "maybe": 0
                }
                """)
    }

    @Test("64-bit integers keep their precision both ways")
    func int64Precision() throws {
        #expect(try roundTrip(#"{"fInt64": 9007199254740993}"#) == "{\n  \"fInt64\": \"9007199254740993\"\n}")
        #expect(try roundTrip(#"{"fUint64": "18446744073709551614"}"#).contains("\"18446744073709551614\""))
    }

    @Test(
        "floats print as Go's strconv 'g' form; non-finite ones as strings",
        arguments: [
            (#"{"fDouble": 1000000}"#, #""fDouble": 1e+06"#),
            (#"{"fDouble": 123456}"#, #""fDouble": 123456"#),
            (#"{"fDouble": 0.0001}"#, #""fDouble": 0.0001"#),
            (#"{"fDouble": 0.00001}"#, #""fDouble": 1e-05"#),
            (#"{"fDouble": 1.5e300}"#, #""fDouble": 1.5e+300"#),
            (#"{"fDouble": 123456789.125}"#, #""fDouble": 1.23456789125e+08"#),
            (#"{"fDouble": "NaN"}"#, #""fDouble": "NaN""#),
            (#"{"fDouble": "-Infinity"}"#, #""fDouble": "-Infinity""#),
            (#"{"fFloat": 3.4028235e38}"#, #""fFloat": 3.4028235e+38"#),
            (#"{"fFloat": "Infinity"}"#, #""fFloat": "Infinity""#),
            (#"{"fDouble": -0.0}"#, #""fDouble": -0"#),
        ])
    func floats(json: String, line: String) throws {
        #expect(try roundTrip(json) == "{\n  \(line)\n}")
    }

    @Test("repeated fields, packed or not, and maps sorted by key")
    func collections() throws {
        let json = """
            {"numbers": [3, -1], "unpacked": [5], "names": ["x", ""], "colors": ["GREEN", 9],
             "counts": {"b": 2, "a": 0}, "items": {"10": {"id": "ten"}, "-5": {}, "2": {"kind": "BOOK"}},
             "flags": {"true": "on", "false": ""}, "list": [{}, {"id": "i"}], "ratios": [0.25]}
            """
        #expect(
            try roundTrip(json, "test.v1.Collections") == """
                {
                  "numbers": [
                    3,
                    -1
                  ],
                  "unpacked": [
                    5
                  ],
                  "names": [
                    "x",
                    ""
                  ],
                  "colors": [
                    "GREEN",
                    9
                  ],
                  "counts": {
                    "a": 0,
                    "b": 2
                  },
                  "items": {
                    "-5": {},
                    "2": {
                      "kind": "BOOK"
                    },
                    "10": {
                      "id": "ten"
                    }
                  },
                  "flags": {
                    "false": "",
                    "true": "on"
                  },
                  "list": [
                    {},
                    {
                      "id": "i"
                    }
                  ],
                  "ratios": [
                    0.25
                  ]
                }
                """)
    }

    @Test("packed and unpacked encodings both read; an empty packed run prints nothing")
    func packedOrNot() throws {
        // numbers (1) unpacked, then packed; unpacked (2) packed although declared unpacked.
        let bytes: [UInt8] = [0x08, 0x01, 0x0A, 0x02, 0x02, 0x03, 0x12, 0x01, 0x04, 0x0A, 0x00]
        #expect(
            try decode(bytes, "test.v1.Collections")
                == "{\n  \"numbers\": [\n    1,\n    2,\n    3\n  ],\n  \"unpacked\": [\n    4\n  ]\n}")
        #expect(try decode([0x0A, 0x00], "test.v1.Collections") == "{}")
    }

    @Test("oneofs: the member set last wins and prints even when zero")
    func oneofs() throws {
        #expect(try roundTrip(#"{"label": "", "number": 0}"#, "test.v1.Choice") == "{\n  \"number\": 0\n}")
        // text (2) then number (3) then text again: text wins.
        let bytes: [UInt8] = [0x12, 0x01, 0x61, 0x18, 0x05, 0x12, 0x01, 0x62]
        #expect(try decode(bytes, "test.v1.Choice") == "{\n  \"text\": \"b\"\n}")
        #expect(try roundTrip(#"{"item": {}}"#, "test.v1.Choice") == "{\n  \"item\": {}\n}")
    }

    @Test("the last value of a scalar wins; occurrences of a message merge")
    func lastWinsAndMerge() throws {
        let bytes: [UInt8] = [0x0A, 0x01, 0x61, 0x0A, 0x01, 0x62, 0x12, 0x02, 0x0A, 0x00, 0x12, 0x02, 0x18, 0x01]
        #expect(
            try decode(bytes, "test.v1.Item")
                == "{\n  \"id\": \"b\",\n  \"child\": {\n    \"kind\": \"BOOK\"\n  }\n}")
    }

    @Test("unknown fields, groups and fields of the wrong wire type are skipped")
    func unknownFields() throws {
        let schema = try ProtoFixtures.helloworldSchema()
        let bytes: [UInt8] = [
            0x10, 0x96, 0x01,  // field 2, varint
            0x1D, 1, 2, 3, 4,  // field 3, fixed32
            0x21, 1, 2, 3, 4, 5, 6, 7, 8,  // field 4, fixed64
            0x2A, 0x01, 0x78,  // field 5, bytes
            0x33, 0x08, 0x01, 0x34,  // field 6, a group holding field 1
            0x08, 0x01,  // field 1 as a varint, though declared a string
            0x0A, 0x02, 0x68, 0x69,  // field 1, "hi"
        ]
        #expect(try decode(bytes, "helloworld.HelloReply", schema: schema) == "{\n  \"message\": \"hi\"\n}")
    }

    @Test("enum numbers the enum does not name print as numbers")
    func unknownEnumNumber() throws {
        #expect(try decode([0x80, 0x01, 0x2A]) == "{\n  \"fColor\": 42\n}")
    }

    @Test(
        "malformed bytes are errors naming the offset and the problem",
        arguments: [
            ([0x18] as [UInt8], "malformed protobuf at byte 1: truncated varint"),
            ([0x18, 0x80], "malformed protobuf at byte 1: truncated varint"),
            (
                [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
                "malformed protobuf at byte 1: varint overflows 64 bits"
            ),
            ([0x1F, 0x00], "malformed protobuf at byte 0: invalid wire type 7"),
            ([0x00, 0x00], "malformed protobuf at byte 0: invalid field number 0"),
            ([0x72, 0x05, 0x61], "malformed protobuf at byte 1: length 5 goes beyond the end (1 bytes left)"),
            ([0x09, 0x00, 0x00], "malformed protobuf at byte 1: truncated 64-bit value: 2 bytes left"),
            ([0x34], "malformed protobuf at byte 0: end-group tag for field 6 without its start"),
            ([0x33, 0x08, 0x01], "malformed protobuf at byte 0: group 6 is never ended"),
        ])
    func malformed(bytes: [UInt8], message: String) throws {
        #expect(try decodeError(bytes)?.description == message)
    }

    @Test("malformed bytes inside a nested message name its path")
    func malformedNested() throws {
        let schema = try ProtoFixtures.echoSchema()
        let bytes: [UInt8] = [0x0A, 0x04, 0x12, 0x02, 0x0A, 0x05]
        do {
            _ = try ProtoJSON.decode(bytes, message: Self.echoResponse, schema: schema)
            Issue.record("expected an error")
        } catch {
            #expect(
                error
                    == .malformedWire(
                        offset: 5, path: "assertions.headers[0]", message: "length 5 goes beyond the end (0 bytes left)"
                    ))
            #expect(
                error.description
                    == "malformed protobuf at byte 5 (in assertions.headers[0]): "
                    + "length 5 goes beyond the end (0 bytes left)"
            )
        }
        let packed: [UInt8] = [0x0A, 0x02, 0x01, 0x80]
        #expect(
            try decodeError(packed, "test.v1.Collections")?.description
                == "malformed protobuf at byte 3 (in numbers): in a packed run: truncated varint")
    }

    @Test("proto2: set zero values print, repeated scalars unpacked unless packed, aliases print the first name")
    func proto2() throws {
        let schema = try ProtoFixtures.schema(
            (
                "legacy.proto",
                """
                syntax = "proto2";
                package legacy;
                enum Mode { option allow_alias = true; OFF = 0; DISABLED = 0; ON = 1; }
                message Settings {
                  optional int32 retries = 1;
                  required string name = 2;
                  repeated int32 ports = 3;
                  repeated int32 weights = 4 [packed = true];
                  optional Mode mode = 5;
                }
                """
            ))
        let json = #"{"retries": 0, "name": "", "ports": [80, 443], "weights": [1], "mode": "DISABLED"}"#
        let bytes = try ProtoJSON.encode(json: json, message: "legacy.Settings", schema: schema)
        #expect(bytes == [0x08, 0x00, 0x12, 0x00, 0x18, 0x50, 0x18, 0xBB, 0x03, 0x22, 0x01, 0x01, 0x28, 0x00])
        #expect(
            try decode(bytes, "legacy.Settings", schema: schema) == """
                {
                  "retries": 0,
                  "name": "",
                  "ports": [
                    80,
                    443
                  ],
                  "weights": [
                    1
                  ],
                  "mode": "OFF"
                }
                """)
    }

    @Test("messages nest at most 100 deep")
    func nestingLimit() throws {
        /// `depth` Items, each the `child` (2) of the one before.
        func nested(_ depth: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<depth {
                var writer = WireWriter()
                writer.tag(2, .lengthDelimited)
                writer.lengthDelimited(bytes)
                bytes = writer.bytes
            }
            return bytes
        }
        let error = try decodeError(nested(100), "test.v1.Item")
        #expect(error?.description.hasSuffix(".child: messages nest deeper than 100") == true)
        #expect(try decode(nested(99), "test.v1.Item").hasPrefix("{\n  \"child\": {\n    \"child\": {"))
    }

}
