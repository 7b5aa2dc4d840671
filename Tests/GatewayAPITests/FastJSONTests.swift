import Foundation
import Testing

@testable import GatewayAPI

/// The store's fast JSON reader must read back exactly what JSONWriter wrote, and agree with the positioned
/// reader that user manifests go through.
@Suite struct FastJSONTests {
    static let samples: [String] = [
        #"{"a":1,"b":-2,"c":1.5,"d":1e3,"e":true,"f":false,"g":null,"h":"text","i":[],"j":{}}"#,
        #"{"esc":"quote \" backslash \\ slash \/ \b\f\n\r\t","u":"\u00e9\u4e2d\ud83d\ude00","raw":"é中😀"}"#,
        #"[[[[1]]],{"k":[{"x":"y"}]}, 9223372036854775807, -9223372036854775808, 0.1]"#,
        #"  {"spaced" : [ 1 , 2 ] }  "#,
    ]

    @Test("agrees with the positioned reader")
    func agreesWithJSONReader() throws {
        for sample in Self.samples {
            #expect(try JSONValue.parse(sample) == JSONReader.parse(sample, file: "t").toJSON(), "\(sample)")
        }
    }

    @Test("reads back what JSONWriter writes, including hostile strings")
    func roundTrip() throws {
        let hostile: JSONValue = [
            "newline": "a\nb", "nul": "x\u{0}y", "control": "\u{1}\u{1f}", "quote": "\"'", "dollar": "${x}",
            "unicode": "ünï©ødé 🚀", "nested": ["list": [1, .double(2.5), "three", .null, true]], "big": .int(Int64.max),
        ]
        let text = JSONWriter.compact(hostile)
        #expect(try JSONValue.parse(text) == hostile)
        #expect(try JSONValue.parse(JSONWriter.pretty(hostile)) == hostile)
    }

    @Test(
        "rejects what is not one JSON value",
        arguments: [
            "", "{", "[1,]", #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":1,"a":2}"#, "tru", "nul", #""unterminated"#, "\"\u{1}\"",
            #""\x""#, #""\ud800""#, "1 2", "-", "01x",
        ])
    func rejects(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }

    @Test("bounds nesting as the positioned reader does")
    func depth() {
        let deep =
            String(repeating: "[", count: JSONReader.maxDepth + 1)
            + String(repeating: "]", count: JSONReader.maxDepth + 1)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
    }
}
