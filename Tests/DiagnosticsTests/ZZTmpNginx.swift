import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Testing

@Suite("tmp nginx") struct ZZTmpNginx {
    @Test func real() throws {
        let clean = try NGFPolicyRulesTests.input(NGFPolicyRulesTests.snippetYAML, snippets: true)
        let gateway = try #require(clean.graph.gateways.first)
        let root = NSTemporaryDirectory() + "zz-ngf-\(getpid())"
        let dir = root + "/dp/1/generations/2"
        let run = root + "/dp/1/run"
        try FileManager.default.createDirectory(atPath: run + "/logs", withIntermediateDirectories: true)
        let config = Renderer.render(gateway: gateway, graph: clean.graph, snapshot: clean.snapshot,
            settings: RenderSettings(address: "127.0.100.1", portOffset: 20000, configDirectory: dir, runtimeDirectory: run))
        for file in config.files {
            let path = dir + "/" + file.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try file.content.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        p.arguments = ["-p", run + "/", "-e", run + "/logs/error.log", "-t", "-q", "-c", dir + "/nginx.conf"]
        let pipe = Pipe()
        p.standardError = pipe
        p.standardOutput = pipe
        try p.run(); p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = "nginx rejected generation 2: " + out.split(separator: "\n").filter { !$0.contains("test failed") }.joined(separator: "\n")
        print("MESSAGE:", message)
        let input = try NGFPolicyRulesTests.input(NGFPolicyRulesTests.snippetYAML, snippets: true, dataplane: NGFPolicyRulesTests.refused(message))
        print(FindingText.render(NGFPolicyRulesTests.findings(input)))
        try? FileManager.default.removeItem(atPath: root)
    }
}
