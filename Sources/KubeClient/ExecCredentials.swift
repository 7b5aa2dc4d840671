import Foundation
import GatewayAPI

/// Credentials from an exec plugin (`client.authentication.k8s.io/v1` or `v1beta1`), cached until they expire: in
/// memory, and on disk (mode 0600) so that separate gwconsole commands do not run the plugin each time.
public final class ExecCredentials: @unchecked Sendable {
    public struct Credential: Sendable, Equatable, Codable {
        public var token: String?
        public var clientCertificateData: String?
        public var clientKeyData: String?
        public var expirationTimestamp: String?

        /// Whether it is still good `margin` seconds from now (no expiry: good for this process only).
        func valid(at now: Date, margin: TimeInterval = 10) -> Bool {
            guard let expirationTimestamp else { return true }
            guard let expiry = ISO8601DateFormatter().date(from: expirationTimestamp) else { return false }
            return expiry.timeIntervalSince(now) > margin
        }
    }

    public let config: Kubeconfig.ExecConfig
    let cacheDirectory: String?
    let server: String
    private let lock = NSLock()
    private var cached: Credential?
    /// How many times the plugin ran (for tests and diagnostics).
    public private(set) var runs = 0

    public init(config: Kubeconfig.ExecConfig, server: String, cacheDirectory: String?) {
        self.config = config
        self.server = server
        self.cacheDirectory = cacheDirectory
    }

    var cacheFile: String? {
        guard let cacheDirectory else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte
            in ([config.apiVersion, config.command, server] + config.args + config.env.map { "\($0.name)=\($0.value)" })
            .joined(separator: "\u{0}").utf8
        {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return cacheDirectory + "/" + String(hash, radix: 16) + ".json"
    }

    /// A valid credential: the cached one, else a fresh one from the plugin. `refresh` skips the cache (after a 401).
    public func credential(refresh: Bool = false, now: Date = Date()) throws -> Credential {
        lock.lock()
        defer { lock.unlock() }
        if !refresh, let cached, cached.valid(at: now) { return cached }
        if !refresh, let file = cacheFile, let data = FileManager.default.contents(atPath: file),
            let stored = try? JSONDecoder().decode(Credential.self, from: data), stored.expirationTimestamp != nil,
            stored.valid(at: now)
        {
            cached = stored
            return stored
        }
        let fresh = try run()
        cached = fresh
        if fresh.expirationTimestamp != nil, let file = cacheFile, let data = try? JSONEncoder().encode(fresh) {
            try? FileManager.default.createDirectory(
                atPath: cacheDirectory!, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            _ = FileManager.default.createFile(atPath: file, contents: data, attributes: [.posixPermissions: 0o600])
        }
        return fresh
    }

    /// Runs the plugin with KUBERNETES_EXEC_INFO and reads its ExecCredential.
    func run() throws -> Credential {
        runs += 1
        let process = Process()
        let command = config.command
        if command.contains("/") {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = config.args
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [command] + config.args
        }
        var environment = ProcessInfo.processInfo.environment
        for entry in config.env { environment[entry.name] = entry.value }
        var spec: JSONValue = ["interactive": false]
        if config.provideClusterInfo { spec["cluster"] = ["server": .string(server)] }
        environment["KUBERNETES_EXEC_INFO"] = JSONWriter.compact([
            "apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": spec,
        ])
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw KubeError.credentials(
                "cannot run exec plugin \(command): \(error.localizedDescription)\(config.installHint.map { ". \($0)" } ?? "")"
            )
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw KubeError.credentials(
                "exec plugin \(command) exited with status \(process.terminationStatus)\(errorText.isEmpty ? "" : ": \(errorText)")"
            )
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data),
            value["kind"]?.stringValue == "ExecCredential"
        else {
            throw KubeError.credentials("exec plugin \(command) did not print an ExecCredential")
        }
        if let version = value["apiVersion"]?.stringValue, version != config.apiVersion {
            throw KubeError.credentials(
                "exec plugin \(command) answered \(version), but the kubeconfig asks for \(config.apiVersion)")
        }
        let status = value["status"] ?? [:]
        let credential = Credential(
            token: status["token"]?.stringValue, clientCertificateData: status["clientCertificateData"]?.stringValue,
            clientKeyData: status["clientKeyData"]?.stringValue,
            expirationTimestamp: status["expirationTimestamp"]?.stringValue)
        guard credential.token != nil || (credential.clientCertificateData != nil && credential.clientKeyData != nil)
        else {
            throw KubeError.credentials(
                "exec plugin \(command) returned neither a token nor a client certificate and key")
        }
        return credential
    }
}
