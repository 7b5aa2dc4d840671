import Testing

@testable import ProtoSchema

@Suite("JSON support: numbers, floats, strings, base64")
struct JSONSupportTests {
    @Test(
        "integers from number literals, whole values only",
        arguments: [
            ("0", false, 0), ("-0", true, 0), ("12", false, 12), ("-3", true, 3), ("1e3", false, 1000),
            ("2.50e1", false, 25), ("1.0", false, 1), ("18446744073709551615", false, UInt64.max),
            ("1E+2", false, 100), ("100e-2", false, 1),
        ] as [(String, Bool, UInt64)])
    func integers(literal: String, negative: Bool, magnitude: UInt64) {
        let value = JSONNumber.integer(literal)
        #expect(value?.negative == negative && value?.magnitude == magnitude)
    }

    @Test(
        "not integers", arguments: ["1.5", "1e-1", "18446744073709551616", "1e20", "abc", "01", "1.", ".5", "+1", "1e"])
    func notIntegers(literal: String) {
        #expect(JSONNumber.integer(literal) == nil)
    }

    @Test(
        "Go's 'g' and json.Marshal float forms",
        arguments: [
            (1.0, "1", "1"), (0.1, "0.1", "0.1"), (100000.0, "100000", "100000"), (1e6, "1e+06", "1000000"),
            (1e20, "1e+20", "100000000000000000000"), (1e21, "1e+21", "1e+21"), (0.000001, "1e-06", "0.000001"),
            (1e-7, "1e-07", "1e-7"), (-2.5e-10, "-2.5e-10", "-2.5e-10"), (0.0, "0", "0"), (-0.0, "-0", "-0"),
            (Double.leastNonzeroMagnitude, "5e-324", "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308", "1.7976931348623157e+308"),
            (123.456, "123.456", "123.456"),
        ] as [(Double, String, String)])
    func doubles(value: Double, general: String, json: String) {
        #expect(GoFloatFormat.general(value) == general)
        #expect(GoFloatFormat.json(value) == json)
    }

    @Test("float32 uses its own shortest digits")
    func floats() {
        #expect(GoFloatFormat.general(Float(0.1)) == "0.1")
        #expect(GoFloatFormat.general(Float(16_777_216)) == "1.6777216e+07")
        #expect(GoFloatFormat.json(Float(1e-7)) == "1e-7")
    }

    @Test("strings escape as Go's json.Marshal: HTML characters, control characters, line separators")
    func quoting() {
        #expect(JSONWriter.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONWriter.quoted("<a href='x'>&</a>") == #""\u003ca href='x'\u003e\u0026\u003c/a\u003e""#)
        #expect(JSONWriter.quoted("\u{01}\u{08}\u{0C}\t\n\r\u{1F}") == #""\u0001\b\f\t\n\r\u001f""#)
        #expect(JSONWriter.quoted("\u{2028}\u{2029}é😀\u{7F}") == "\"\\u2028\\u2029é😀\u{7F}\"")
    }

    @Test("pretty printing: nested empties stay compact, two-space indent")
    func pretty() {
        let value = JSONValue.object([
            JSONMember(key: "a", value: .array([])), JSONMember(key: "b", value: .object([])),
            JSONMember(key: "c", value: .array([.number("1"), .object([JSONMember(key: "d", value: .null)])])),
        ])
        #expect(
            JSONWriter.pretty(value) == """
                {
                  "a": [],
                  "b": {},
                  "c": [
                    1,
                    {
                      "d": null
                    }
                  ]
                }
                """)
    }

    @Test("JSON strings: escapes, surrogate pairs, a lone surrogate as U+FFFD")
    func jsonStrings() throws {
        let values = try JSONParser.values(#"["\u00e9\ud83d\ude00\/\b", "\udc00x"]"#)
        guard case .array(let elements) = values.first, case .string(let first) = elements[0],
            case .string(let second) = elements[1]
        else {
            Issue.record("expected two strings")
            return
        }
        #expect(first == "é😀/\u{08}")
        #expect(second == "\u{FFFD}x")
    }

    @Test("JSON nesting is limited")
    func depth() {
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        #expect(throws: ProtoJSONError.self) { try JSONParser.values(deep) }
    }

    @Test("base64: standard and URL-safe, padded or not")
    func base64() {
        #expect(Base64.encode([]) == "" && Base64.encode([0x66]) == "Zg==" && Base64.encode([0x66, 0x6F]) == "Zm8=")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        for text in ["+/8=", "-_8=", "+/8", "-_8"] { #expect(Base64.decode(text) == [0xFB, 0xFF]) }
        #expect(Base64.decode("Zm9vYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("Zg") == [0x66])
        for bad in ["Z", "Zg=a", "Zg===", "Z!==", "Zm9=v"] { #expect(Base64.decode(bad) == nil, "\(bad)") }
    }
}
