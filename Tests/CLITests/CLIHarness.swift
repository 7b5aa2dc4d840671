import Foundation

/// Runs the built `gwconsole` binary as a user would, in its own state directory.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let guide = repositoryRoot.appendingPathComponent("scenarios/securing-backend-traffic.md").path

    /// The binary next to the test bundle (swift build puts both in the same folder), or $GWCONSOLE_BIN.
    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["GWCONSOLE_BIN"] { return override }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("gwconsole").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/gwconsole").path
    }()

    let state: String

    init() {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-cli-\(UUID().uuidString)").path
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil, withState: Bool = true)
        throws -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = (withState ? ["--state", state] : []) + arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The objects in the store, as `get -o name` lists them for the kinds the guide uses.
    func names() throws -> [String] {
        try run(["get", "deploy,svc,cm,secret,gtw,httproute,backendtlspolicy", "-o", "name"]).stdout
            .split(separator: "\n").map(String.init)
    }
}
