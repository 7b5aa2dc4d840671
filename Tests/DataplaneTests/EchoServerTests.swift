import Dataplane
import Diagnostics
import EchoBackend
import Foundation
import Testing

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
