import Testing

@testable import ProtoSchema

@Suite("Proto JSON: requests to wire bytes")
struct ProtoJSONEncodeTests {
    static let scalars = "test.v1.Scalars"
    static let collections = "test.v1.Collections"

    func encode(_ json: String, _ message: String = scalars) throws -> [UInt8] {
        try ProtoJSON.encode(json: json, message: message, schema: try ProtoFixtures.everythingSchema())
    }

    func encodeError(_ json: String, _ message: String, schema: ProtoSchema) -> ProtoJSONError? {
        do {
            _ = try ProtoJSON.encode(json: json, message: message, schema: schema)
            return nil
        } catch {
            return error
        }
    }

    func encodeError(_ json: String, _ message: String = scalars) throws -> ProtoJSONError? {
        encodeError(json, message, schema: try ProtoFixtures.everythingSchema())
    }

    @Test("helloworld: {\"name\":\"exact\"} is field 1, length 5, \"exact\"; empty text and {} are an empty message")
    func helloworld() throws {
        let schema = try ProtoFixtures.helloworldSchema()
        let bytes = try ProtoJSON.encode(json: #"{"name":"exact"}"#, message: "helloworld.HelloRequest", schema: schema)
        #expect(bytes == [0x0A, 0x05] + Array("exact".utf8))
        for empty in ["", " \n", "{}", "null"] {
            #expect(try ProtoJSON.encode(json: empty, message: "helloworld.HelloRequest", schema: schema) == [])
        }
    }

    @Test(
        "every scalar type's encoding",
        arguments: [
            (#"{"fDouble": 1.5}"#, [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F]),
            (#"{"fFloat": -2}"#, [0x15, 0, 0, 0, 0xC0]),
            (#"{"fInt32": 150}"#, [0x18, 0x96, 0x01]),
            (#"{"fInt32": -1}"#, [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            (#"{"fInt64": "-2"}"#, [0x20, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            (#"{"fUint32": 4294967295}"#, [0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (
                #"{"fUint64": "18446744073709551615"}"#,
                [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
            ),
            (#"{"fSint32": -1}"#, [0x38, 0x01]),
            (#"{"fSint32": 1}"#, [0x38, 0x02]),
            (#"{"fSint32": -2147483648}"#, [0x38, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (#"{"fSint64": "-3"}"#, [0x40, 0x05]),
            (#"{"fFixed32": 1}"#, [0x4D, 1, 0, 0, 0]),
            (#"{"fFixed64": "1"}"#, [0x51, 1, 0, 0, 0, 0, 0, 0, 0]),
            (#"{"fSfixed32": -1}"#, [0x5D, 0xFF, 0xFF, 0xFF, 0xFF]),
            (#"{"fSfixed64": -2}"#, [0x61, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            (#"{"fBool": true}"#, [0x68, 0x01]),
            (#"{"fString": "héllo"}"#, [0x72, 0x06, 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F]),
            (#"{"fBytes": "aGk/"}"#, [0x7A, 0x03, 0x68, 0x69, 0x3F]),
            (#"{"fBytes": "aGk_"}"#, [0x7A, 0x03, 0x68, 0x69, 0x3F]),
            (#"{"fColor": "GREEN"}"#, [0x80, 0x01, 0x02]),
            (#"{"fColor": 7}"#, [0x80, 0x01, 0x07]),
        ] as [(String, [UInt8])])
    func scalarEncodings(json: String, bytes: [UInt8]) throws {
        #expect(try encode(json) == bytes)
    }

    @Test("accepted spellings: proto names, numeric strings, exponents of whole numbers, NaN and Infinity")
    func spellings() throws {
        #expect(try encode(#"{"f_int32": 150}"#) == encode(#"{"fInt32": "150"}"#))
        #expect(try encode(#"{"fInt64": 1e3}"#) == encode(#"{"fInt64": "1000"}"#))
        #expect(try encode(#"{"fInt32": 2.50e1}"#) == [0x18, 25])
        #expect(try encode(#"{"fInt64": 9007199254740993}"#) == encode(#"{"fInt64": "9007199254740993"}"#))
        #expect(try encode(#"{"fDouble": "NaN"}"#) == [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F])
        #expect(try encode(#"{"fFloat": "-Infinity"}"#) == [0x15, 0, 0, 0x80, 0xFF])
        #expect(try encode(#"{"fDouble": "2.5"}"#) == encode(#"{"fDouble": 2.5}"#))
        #expect(try encode(#"{"fBool": "true"}"#) == [0x68, 0x01])
        #expect(try encode(#"{"fColor": "2"}"#) == [0x80, 0x01, 0x02])
        #expect(
            try encode(#"{"title": "a"}"#, "test.v1.Renamed") == encode(#"{"display_name": "a"}"#, "test.v1.Renamed"))
        #expect(try encode(#"{"fString": null, "fInt32": 1}"#) == [0x18, 0x01])
    }

    @Test("proto3 leaves zero values out, except for optional fields; fields go in number order")
    func zeroValuesAndOrder() throws {
        #expect(
            try encode(#"{"fInt32": 0, "fString": "", "fBool": false, "fColor": "COLOR_UNSPECIFIED", "fDouble": 0}"#)
                == [])
        #expect(try encode(#"{"maybe": 0}"#) == [0x88, 0x01, 0x00])
        #expect(try encode(#"{"fBool": true, "fInt32": 1}"#) == [0x18, 0x01, 0x68, 0x01])
        #expect(try encode(#"{"fDouble": -0.0}"#) == [0x09, 0, 0, 0, 0, 0, 0, 0, 0x80])
    }

    @Test("repeated: scalars packed in proto3, unpacked on request; strings and messages one by one")
    func repeated() throws {
        #expect(try encode(#"{"numbers": [1, 2, 300]}"#, Self.collections) == [0x0A, 0x04, 0x01, 0x02, 0xAC, 0x02])
        #expect(try encode(#"{"unpacked": [1, 2]}"#, Self.collections) == [0x10, 0x01, 0x10, 0x02])
        #expect(try encode(#"{"names": ["a", ""]}"#, Self.collections) == [0x1A, 0x01, 0x61, 0x1A, 0x00])
        #expect(try encode(#"{"colors": ["RED", 2]}"#, Self.collections) == [0x22, 0x02, 0x01, 0x02])
        #expect(try encode(#"{"ratios": [0.5]}"#, Self.collections) == [0x4A, 0x08, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F])
        #expect(try encode(#"{"numbers": []}"#, Self.collections) == [])
        #expect(
            try encode(#"{"list": [{"id": "a"}, {}]}"#, Self.collections) == [0x42, 0x03, 0x0A, 0x01, 0x61, 0x42, 0x00])
    }

    @Test("maps: one entry message per key, key 1 and value 2 always written")
    func maps() throws {
        #expect(
            try encode(#"{"counts": {"a": 1, "b": 0}}"#, Self.collections) == [
                0x2A, 0x05, 0x0A, 0x01, 0x61, 0x10, 0x01,
                0x2A, 0x05, 0x0A, 0x01, 0x62, 0x10, 0x00,
            ])
        #expect(
            try encode(#"{"items": {"-1": {"id": "x"}}}"#, Self.collections) == [
                0x32, 0x10, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x12, 0x03, 0x0A, 0x01,
                0x78,
            ])
        #expect(
            try encode(#"{"flags": {"true": "on"}}"#, Self.collections) == [
                0x3A, 0x06, 0x08, 0x01, 0x12, 0x02, 0x6F, 0x6E,
            ])
    }

    @Test("nested messages and oneofs: a oneof member is written even when zero")
    func nestedAndOneof() throws {
        #expect(
            try encode(#"{"id": "a", "child": {"id": "b", "kind": "BOOK"}}"#, "test.v1.Item") == [
                0x0A, 0x01, 0x61, 0x12, 0x05, 0x0A, 0x01, 0x62, 0x18, 0x01,
            ])
        #expect(try encode(#"{"number": 0}"#, "test.v1.Choice") == [0x18, 0x00])
        #expect(try encode(#"{"item": {}}"#, "test.v1.Choice") == [0x22, 0x00])
    }

    @Test("a client stream's requests: several JSON values one after another")
    func stream() throws {
        let schema = try ProtoFixtures.helloworldSchema()
        let messages = try ProtoJSON.encodeStream(
            json: #"{"name": "a"} {"name": "b"}{}"#, message: "helloworld.HelloRequest", schema: schema)
        #expect(messages == [[0x0A, 0x01, 0x61], [0x0A, 0x01, 0x62], []])
        #expect(try ProtoJSON.encodeStream(json: " ", message: "helloworld.HelloRequest", schema: schema) == [])
        do {
            _ = try ProtoJSON.encodeStream(
                json: #"{"name": "a"} {"nam": "b"}"#, message: "helloworld.HelloRequest", schema: schema)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "[1]: message type helloworld.HelloRequest has no known field named nam")
        }
    }

    @Test("unknown fields are refused with the message's name, as grpcurl refuses them")
    func unknownField() throws {
        let hello = try ProtoFixtures.helloworldSchema()
        let error = encodeError(#"{"nam": "exact"}"#, "helloworld.HelloRequest", schema: hello)
        #expect(error == .unknownField("nam", message: "helloworld.HelloRequest", path: ""))
        #expect(error?.description == "message type helloworld.HelloRequest has no known field named nam")
        let echo = try ProtoFixtures.echoSchema()
        let nested = encodeError(
            #"{"assertions": {"headers": [{"key": "a"}, {"name": "b"}]}}"#,
            "gateway_api_conformance.echo_basic.grpcecho.EchoResponse", schema: echo)
        #expect(
            nested?.description
                == "assertions.headers[1]: message type gateway_api_conformance.echo_basic.grpcecho.Header has no "
                + "known field named name")
        #expect(
            encodeError("{}", "helloworld.Nope", schema: hello)?.description
                == "no message helloworld.Nope in the schema")
    }

    @Test(
        "values that do not fit their field name the field's path",
        arguments: [
            (#"{"fInt32": "abc"}"#, #"fInt32: expected an int32 (a number or a string holding one), got string "abc""#),
            (#"{"fInt32": true}"#, "fInt32: expected an int32 (a number or a string holding one), got true"),
            (#"{"fInt32": 3000000000}"#, "fInt32: 3000000000 is out of range for int32"),
            (#"{"fInt32": 1.5}"#, "fInt32: 1.5 is not a whole number that fits int32"),
            (#"{"fUint64": -1}"#, "fUint64: -1 is out of range for uint64"),
            (
                #"{"fInt64": "99999999999999999999"}"#,
                "fInt64: 99999999999999999999 is not a whole number that fits int64"
            ),
            (#"{"fFloat": 1e39}"#, "fFloat: 1e39 is out of range for float"),
            (#"{"fString": 5}"#, "fString: expected a string, got number 5"),
            (#"{"fBool": 1}"#, "fBool: expected a bool (true or false), got number 1"),
            (#"{"fBytes": "not base64!"}"#, #"fBytes: string "not base64!" is not base64"#),
            (
                #"{"fColor": "BLUE"}"#,
                "fColor: enum test.v1.Color has no value named BLUE (values: COLOR_UNSPECIFIED, RED, GREEN)"
            ),
            (#"{"fInt32": 1, "f_int32": 2}"#, "f_int32: field f_int32 is already set by fInt32"),
            (#"[1]"#, "expected an object for message test.v1.Scalars, got an array"),
        ])
    func invalidValues(json: String, message: String) throws {
        #expect(try encodeError(json)?.description == message)
    }

    @Test(
        "collections, oneofs and nesting report their paths",
        arguments: [
            (
                #"{"numbers": 5}"#, "test.v1.Collections",
                "numbers: expected an array for repeated field numbers, got number 5"
            ),
            (
                #"{"numbers": [1, "x"]}"#, "test.v1.Collections",
                #"numbers[1]: expected an int32 (a number or a string holding one), got string "x""#
            ),
            (#"{"names": [null]}"#, "test.v1.Collections", "names[0]: repeated field elements cannot be null"),
            (
                #"{"counts": {"a": "b"}}"#, "test.v1.Collections",
                #"counts["a"]: expected an int32 (a number or a string holding one), got string "b""#
            ),
            (
                #"{"items": {"x": {}}}"#, "test.v1.Collections",
                #"items["x"]: expected an int64 (a number or a string holding one), got string "x""#
            ),
            (
                #"{"counts": []}"#, "test.v1.Collections",
                "counts: expected an object for map field counts, got an array"
            ),
            (
                #"{"text": "a", "number": 1}"#, "test.v1.Choice",
                "number: text is already set, and both are in oneof value; set one"
            ),
            (
                #"{"child": {"child": {"kind": "CD"}}}"#, "test.v1.Item",
                "child.child.kind: enum test.v1.Item.Kind has no value named CD (values: KIND_UNSPECIFIED, BOOK)"
            ),
        ])
    func invalidCollections(json: String, message: String, expected: String) throws {
        #expect(try encodeError(json, message)?.description == expected)
    }

    @Test("JSON syntax errors give the line and column")
    func invalidJSON() throws {
        #expect(
            try encodeError("{\n  \"fInt32\": 1,\n  \"fBool\" true\n}")
                == .invalidJSON(
                    line: 3, column: 11, message: "expected ':' after the member name, found 't'"))
        #expect(
            try encodeError(#"{"fString": "abc"#)?.description
                == "invalid JSON at line 1, column 17: unterminated string")
        #expect(
            try encodeError(#"{"fInt32": 01}"#)?.description == "invalid JSON at line 1, column 12: invalid number 01")
        #expect(
            try encodeError(#"{"a": 1,}"#)?.description
                == "invalid JSON at line 1, column 9: expected a member name in quotes, found '}'")
        #expect(
            try encodeError(#"{} {}"#)?.description
                == "expected one JSON value for test.v1.Scalars, found 2; a unary call sends one")
    }
}
