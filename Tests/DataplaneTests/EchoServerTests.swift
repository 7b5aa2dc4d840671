import Dataplane
import Diagnostics
import Foundation
import Testing

@testable import EchoBackend

@Suite("Echo server")
struct EchoServerTests {
    func request(_ head: String) throws -> EchoServer.Request { try #require(EchoServer.Request(head: head)) }

    @Test(
        "echo-basic's answer: the request's path, host, method, protocol and headers (Go's names), and the pod's identity"
    )
    func answer() throws {
        let request = try request(
            "GET /a/b?x=1 HTTP/1.1\r\nHost: echo.example.com\r\nx-forwarded-for: 10.0.0.1\r\nAccept: */*\r\nAccept: text/plain"
        )
        let context = EchoServer.Context(environment: [
            "NAMESPACE": "gateway-conformance-infra", "POD_NAME": "infra-backend-v1-abc",
        ])
        let response = EchoServer.respond(to: request, context: context)
        #expect(response.status == 200 && response.headers.contains("Content-Type: application/json"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
        #expect(json["path"] as? String == "/a/b?x=1" && json["host"] as? String == "echo.example.com")
        #expect(json["method"] as? String == "GET" && json["proto"] as? String == "HTTP/1.1")
        #expect(
            json["namespace"] as? String == "gateway-conformance-infra"
                && json["pod"] as? String == "infra-backend-v1-abc")
        let headers = try #require(json["headers"] as? [String: [String]])
        #expect(
            headers["X-Forwarded-For"] == ["10.0.0.1"] && headers["Accept"] == ["*/*", "text/plain"]
                && headers["Host"] == nil)
    }

    @Test("/health, /status/NNN, X-Echo-Set-Header; a request that is not HTTP/1 is refused")
    func endpoints() throws {
        let context = EchoServer.Context(environment: [:])
        #expect(EchoServer.respond(to: try request("GET /health HTTP/1.1\r\nHost: h"), context: context).body == "OK")
        #expect(
            EchoServer.respond(to: try request("GET /status/418 HTTP/1.1\r\nHost: h"), context: context).status == 418)
        let set = EchoServer.respond(
            to: try request("GET / HTTP/1.1\r\nHost: h\r\nX-Echo-Set-Header: X-Foo: bar, X-Baz:qux"), context: context)
        #expect(set.headers.contains("X-Foo: bar") && set.headers.contains("X-Baz: qux"), "\(set.headers)")
        #expect(EchoServer.Request(head: "GARBAGE") == nil && EchoServer.Request(head: "GET / HTTP/2") == nil)
        #expect(
            EchoServer.canonical("x-forwarded-for") == "X-Forwarded-For" && EchoServer.canonical("ACCEPT") == "Accept")
    }

    @Test("the image map: patterns and variables")
    func imageMap() {
        let mapping = ImageMapping(
            image: "ghcr.io/example/*:1*", command: ["/bin/app", "--port=${POD_PORT}", "${MISSING}"], port: nil)
        #expect(
            mapping.matches("ghcr.io/example/web:1.2") && !mapping.matches("ghcr.io/other/web:1.2")
                && !mapping.matches("ghcr.io/example/web:2"))
        #expect(ImageMapping(image: "exact:tag", command: ["/x"], port: nil).matches("exact:tag"))
        #expect(ImageMapping.expand("--port=${POD_PORT} ${MISSING}", ["POD_PORT": "8080"]) == "--port=8080 ${MISSING}")
    }
}

@Suite("Request log reader")
struct RequestLogReaderTests {
    @Test("reads what was appended since the last read, waits for a line's end, starts over on truncation")
    func growing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-requests-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        func line(_ status: Int) -> String {
            #"{"time":"t","method":"GET","host":"h","uri":"/","status":"\#(status)","route":"ns/r"}"# + "\n"
        }
        try (line(200)).write(toFile: path, atomically: false, encoding: .utf8)
        let reader = RequestLogReader(path: path)
        #expect(reader.read().map(\.status) == [200])
        #expect(reader.read().isEmpty)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        let next = line(404)
        try handle.write(contentsOf: Data(next.prefix(20).utf8))
        #expect(reader.read().isEmpty, "half a line waits")
        try handle.write(contentsOf: Data(next.dropFirst(20).utf8) + Data(line(502).utf8))
        #expect(reader.read().map(\.status) == [404, 502])
        try handle.truncate(atOffset: 0)
        try handle.close()
        try line(201).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(reader.read().map(\.status) == [201])
    }
}

@Suite("Echo server WebSocket")
struct WebSocketEchoTests {
    @Test(
        "the handshake's accept key is RFC 6455's; frames unmask, fragments keep their FIN bit, huge ones are refused")
    func frames() throws {
        #expect(WebSocketEcho.accept(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        // RFC 6455 5.7: a masked "Hello", the first fragment of a text message, then a half frame.
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        guard case .frame(true, 0x1, let payload, 11) = WebSocketEcho.frame(masked) else {
            Issue.record("a masked Hello: \(WebSocketEcho.frame(masked))")
            return
        }
        #expect(String(decoding: payload, as: UTF8.self) == "Hello")
        guard case .frame(false, 0x1, _, 5) = WebSocketEcho.frame([0x01, 0x03, 0x48, 0x65, 0x6C]) else {
            Issue.record("a first fragment")
            return
        }
        #expect(WebSocketEcho.encode(opcode: 0x1, [0x48], fin: false) == [0x01, 0x01, 0x48])
        guard case .incomplete = WebSocketEcho.frame(Array(masked.prefix(8))) else {
            Issue.record("half a frame waits")
            return
        }
        let huge: [UInt8] = [0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0]
        guard case .tooLarge = WebSocketEcho.frame(huge) else {
            Issue.record("a 4 GiB frame: \(WebSocketEcho.frame(huge))")
            return
        }
    }
}
