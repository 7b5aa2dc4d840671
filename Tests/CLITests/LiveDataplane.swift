import Dataplane
import Foundation

/// A data plane under test: its own state, loopback addresses and ports, and backend nginx processes on
/// loopback that it stops when done.
final class LiveDataplane {
    let cli = CLI()
    let base: String
    let portOffset: Int
    let backendDir: String
    private var backends: [String] = []
    /// Leaves the data plane up when done (to look at a failing run).
    var keepRunning = false
    /// Variables added to every command's environment (and so the resident controller's).
    var extraEnvironment: [String: String] = [:]

    init() {
        let a = Int.random(in: 2...250)
        let b = Int.random(in: 2...250)
        base = "127.\(a).\(b)"
        portOffset = Int.random(in: 20...400) * 100
        backendDir =
            FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-backend-\(UUID().uuidString)").path
    }

    deinit {
        if !keepRunning { _ = try? run(["down"]) }
        for pidFile in backends {
            if let pid = try? String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines), let p = Int32(pid)
            {
                kill(p, SIGQUIT)
            }
        }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["GWCONSOLE_ADDRESS_BASE"] = base
        env["GWCONSOLE_PORT_OFFSET"] = String(portOffset)
        env.merge(extraEnvironment) { $1 }
        return env
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Result {
        try cli.run(arguments, stdin: stdin, environment: environment)
    }

    /// An address for backends, apart from the Gateways' (`base.200+`).
    func backendAddress(_ n: Int) -> String { "\(base).\(200 + n)" }

    /// Starts an nginx backend on `address:port` with `server` as its server block body (listen added).
    func startBackend(name: String, address: String, port: Int, ssl: (cert: String, key: String)? = nil, body: String)
        throws
    {
        let dir = backendDir + "/" + name
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        var tls = ""
        if let ssl {
            try ssl.cert.write(toFile: dir + "/tls.crt", atomically: true, encoding: .utf8)
            try ssl.key.write(toFile: dir + "/tls.key", atomically: true, encoding: .utf8)
            tls = "ssl_certificate \(dir)/tls.crt;\nssl_certificate_key \(dir)/tls.key;"
        }
        let config = """
            \(geteuid() == 0 ? "user root;" : "")
            pid \(dir)/nginx.pid;
            error_log \(dir)/logs/error.log;
            events {}
            http {
              access_log off;
              client_body_temp_path \(dir)/client_body;
              proxy_temp_path \(dir)/proxy;
              default_type text/plain;
              server {
                listen \(address):\(port)\(ssl == nil ? "" : " ssl");
                \(tls)
                \(body)
              }
            }
            """
        try config.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        // posix_spawn, not Process: the daemonized master must not inherit the test's pipes.
        let status = try Spawn.run(
            "/usr/sbin/nginx", ["-p", dir + "/", "-e", dir + "/logs/error.log", "-c", dir + "/nginx.conf"],
            outputPath: dir + "/logs/start.log")
        backends.append(dir + "/nginx.pid")
        precondition(
            status == 0,
            "backend nginx \(name) did not start: \((try? String(contentsOfFile: dir + "/logs/start.log", encoding: .utf8)) ?? "")"
        )
    }

    /// The guide's Secret data, decoded.
    static func guideCertificateAndKey() throws -> (cert: String, key: String) {
        let text = try String(contentsOfFile: CLI.guide, encoding: .utf8)
        func value(_ key: String) -> String {
            let line = text.split(separator: "\n").first {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ": LS0")
            }!
            let encoded = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            return String(decoding: Data(base64Encoded: encoded)!, as: UTF8.self)
        }
        return (value("tls.crt"), value("tls.key"))
    }

    /// An EndpointSlice for a Service pointing at addresses.
    static func endpointSlice(
        service: String, portName: String?, port: Int, addresses: [String], namespace: String = "default"
    ) -> String {
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: \(service)-local
          namespace: \(namespace)
          labels: {kubernetes.io/service-name: \(service)}
        addressType: IPv4
        ports: [{\(portName.map { "name: \($0), " } ?? "")port: \(port)}]
        endpoints:
        - addresses: [\(addresses.joined(separator: ", "))]
          conditions: {ready: true}

        """
    }

    /// `eval`s the GW_IP/GW_PORT lines of `up` or `status`.
    static func gatewayVariables(_ output: String) -> (ip: String, port: Int)? {
        var ip: String?
        var port: Int?
        for line in output.split(separator: "\n") {
            if line.hasPrefix("GW_IP=") { ip = String(line.dropFirst(6)) }
            if line.hasPrefix("GW_PORT=") { port = Int(line.dropFirst(8)) }
        }
        guard let ip, let port else { return nil }
        return (ip, port)
    }

    /// Waits until `condition` holds, up to `seconds`; throws naming `what` when it does not.
    func waitFor(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(20_000)
        }
        if try condition() { return }
        throw TimedOut(description: "timed out after \(seconds) s waiting for \(what)")
    }

    /// Runs the real curl as the guide does: `curl --resolve host:port:ip http://host:port/path`.
    static func curl(
        host: String, ip: String, port: Int, path: String = "/", extra: [String] = [], scheme: String = "http"
    ) throws -> (
        status: Int, body: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments =
            ["-s", "-m", "5", "-w", "\n%{http_code}", "--resolve", "\(host):\(port):\(ip)"] + extra + [
                "\(scheme)://\(host):\(port)\(path)"
            ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // nginx's error pages end lines with CRLF; a terminal shows them as the guide prints them.
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: split)...]) ?? 0, String(text[..<split]))
    }
}

/// A condition a test waited for did not come.
struct TimedOut: Error, CustomStringConvertible {
    var description: String
}
