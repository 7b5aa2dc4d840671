import Testing

@testable import ProtoSchema

@Suite("Proto JSON: well-known types")
struct WellKnownTypesTests {
    static let message = "test.v1.WellKnown"

    func roundTrip(_ json: String) throws -> String {
        let schema = try ProtoFixtures.everythingSchema()
        let bytes = try ProtoJSON.encode(json: json, message: Self.message, schema: schema)
        return try ProtoJSON.decode(bytes, message: Self.message, schema: schema)
    }

    func encodeError(_ json: String) throws -> String? {
        do {
            _ = try ProtoJSON.encode(json: json, message: Self.message, schema: try ProtoFixtures.everythingSchema())
            return nil
        } catch let error as ProtoJSONError {
            return error.description
        }
    }

    @Test("timestamps, durations and wrappers take their string and bare forms")
    func scalarsForms() throws {
        let json = """
            {"at": "2024-05-01T14:00:00.500+02:00", "timeout": "-1.000000500s", "big": "9007199254740993",
             "note": "", "ratio": 1e-7}
            """
        #expect(
            try roundTrip(json) == """
                {
                  "at": "2024-05-01T12:00:00.500Z",
                  "timeout": "-1.000000500s",
                  "big": "9007199254740993",
                  "note": "",
                  "ratio": 1e-7
                }
                """)
        let schema = try ProtoFixtures.everythingSchema()
        let bytes = try ProtoJSON.encode(
            json: #"{"at": "1970-01-01T00:00:01Z"}"#, message: Self.message, schema: schema)
        #expect(bytes == [0x0A, 0x02, 0x08, 0x01])
    }

    @Test("Struct, Value and ListValue are plain JSON; Struct keys print sorted")
    func structs() throws {
        let json = """
            {"extra": {"z": 1, "a": [true, null, "s", {"n": 1.5}], "m": {}}, "anything": 1000000, "list": [1, "two"]}
            """
        #expect(
            try roundTrip(json) == """
                {
                  "extra": {
                    "a": [
                      true,
                      null,
                      "s",
                      {
                        "n": 1.5
                      }
                    ],
                    "m": {},
                    "z": 1
                  },
                  "anything": 1000000,
                  "list": [
                    1,
                    "two"
                  ]
                }
                """)
        #expect(try roundTrip(#"{"anything": null}"#) == "{\n  \"anything\": null\n}")
    }

    @Test("Any: @type then the message's fields sorted, or its well-known form under value; Empty is {}")
    func any() throws {
        #expect(
            try roundTrip(#"{"detail": {"@type": "type.googleapis.com/test.v1.Item", "kind": "BOOK", "id": "x"}}"#)
                == """
                {
                  "detail": {
                    "@type": "type.googleapis.com/test.v1.Item",
                    "id": "x",
                    "kind": "BOOK"
                  }
                }
                """)
        #expect(
            try roundTrip(
                #"{"detail": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "2s"}, "nothing": {}}"#)
                    == """
                    {
                      "detail": {
                        "@type": "type.googleapis.com/google.protobuf.Duration",
                        "value": "2s"
                      },
                      "nothing": {}
                    }
                    """)
    }

    @Test("an Any of a type the schema lacks prints grpcurl's fallback")
    func unknownAny() throws {
        let schema = try ProtoFixtures.everythingSchema()
        let url = Array("type.googleapis.com/other.Thing".utf8)
        let any: [UInt8] = [0x0A, UInt8(url.count)] + url + [0x12, 0x02, 0x08, 0x01]
        let bytes: [UInt8] = [0x3A, UInt8(any.count)] + any
        #expect(
            try ProtoJSON.decode(bytes, message: Self.message, schema: schema) == """
                {
                  "detail": {
                    "@type": "type.googleapis.com/other.Thing",
                    "@error": "other.Thing is not recognized; see @value for raw binary message data",
                    "@value": "CAE="
                  }
                }
                """)
    }

    @Test("a well-known type as the whole message prints its JSON form")
    func topLevel() throws {
        let schema = try ProtoFixtures.everythingSchema()
        #expect(try ProtoJSON.decode([0x08, 0x02], message: "google.protobuf.Duration", schema: schema) == "\"2s\"")
        #expect(try ProtoJSON.decode([], message: "google.protobuf.Empty", schema: schema) == "{}")
        #expect(try ProtoJSON.decode([], message: "google.protobuf.BoolValue", schema: schema) == "false")
    }

    @Test(
        "bad well-known values; paths through Struct, ListValue and Value name only the JSON",
        arguments: [
            (
                #"{"at": "2024-02-30T00:00:00Z"}"#,
                #"at: expected an RFC 3339 timestamp string ("2024-05-01T12:00:00Z"), "#
                    + #"got string "2024-02-30T00:00:00Z""#
            ),
            (#"{"timeout": "5m"}"#, #"timeout: expected a duration string in seconds ("1.5s"), got string "5m""#),
            (#"{"big": "x"}"#, #"big: expected an int64 (a number or a string holding one), got string "x""#),
            (#"{"detail": {"id": "x"}}"#, #"detail: an Any needs "@type" naming its message"#),
            (
                #"{"detail": {"@type": "type.googleapis.com/nope.Nope"}}"#,
                "detail.@type: no message nope.Nope in the schema"
            ),
            (#"{"extra": [1]}"#, "extra: expected an object, got an array"),
            (
                #"{"extra": {"a": [1, {"b": [true, {"c": "@"}]}], "d": 1}, "list": [1, 2, []], "anything": {"e": 1}}"#,
                nil
            ),
            (
                #"{"list": [1, {"x": {"y": [null, 1e999]}}]}"#,
                "list[1][\"x\"][\"y\"][1]: 1e999 is out of range for double"
            ),
        ] as [(String, String?)])
    func invalid(json: String, message: String?) throws {
        #expect(try encodeError(json) == message)
    }

    @Test("timestamp text: Z-normalized with 0, 3, 6 or 9 fraction digits; years 1 to 9999")
    func timestampFormat() {
        #expect(TimestampFormat.format(seconds: 0, nanos: 0) == "1970-01-01T00:00:00Z")
        #expect(TimestampFormat.format(seconds: -1, nanos: 10_000_000) == "1969-12-31T23:59:59.010Z")
        #expect(TimestampFormat.format(seconds: 951_782_400, nanos: 1000) == "2000-02-29T00:00:00.000001Z")
        #expect(
            TimestampFormat.format(seconds: 253_402_300_799, nanos: 999_999_999) == "9999-12-31T23:59:59.999999999Z")
        #expect(TimestampFormat.format(seconds: -62_135_596_800, nanos: 0) == "0001-01-01T00:00:00Z")
        #expect(TimestampFormat.format(seconds: 253_402_300_800, nanos: 0) == nil)
        #expect(TimestampFormat.parse("2000-02-29T00:00:00.000001Z")! == (951_782_400, 1000))
        #expect(TimestampFormat.parse("1970-01-01T01:00:00+01:00")! == (0, 0))
        #expect(TimestampFormat.parse("1970-01-01T00:00:00.1234567891Z") == nil)
        #expect(TimestampFormat.parse("1970-01-01 00:00:00Z") == nil)
        #expect(TimestampFormat.parse("2023-02-29T00:00:00Z") == nil)
    }

    @Test("duration text")
    func durationFormat() {
        #expect(DurationFormat.format(seconds: 1, nanos: 0) == "1s")
        #expect(DurationFormat.format(seconds: 0, nanos: -500_000_000) == "-0.500s")
        #expect(DurationFormat.format(seconds: 3, nanos: 1) == "3.000000001s")
        #expect(DurationFormat.format(seconds: 1, nanos: -1) == nil)
        #expect(DurationFormat.parse("-0.5s")! == (0, -500_000_000))
        #expect(DurationFormat.parse("10s")! == (10, 0))
        #expect(DurationFormat.parse("1.5") == nil)
        #expect(DurationFormat.parse("315576000001s") == nil)
    }
}
