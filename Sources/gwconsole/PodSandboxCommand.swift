import ArgumentParser
import CProcess
import Foundation

/// `gwconsole pod-sandbox --forward tcp:IP:PORT:PORT … -- bwrap …`: the network half of a local pod's sandbox
/// (docs/workloads.md), for where `gwconsole-pod-sandbox` is not installed beside gwconsole; the same C code parses
/// and runs it.
struct PodSandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod-sandbox",
        abstract: "Run a local pod in a network namespace of its own (what local pods run).",
        shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough, help: "--forward tcp|udp:ADDRESS:PORT:POD_PORT …, --, the command.")
    var arguments: [String] = []

    mutating func run() throws {
        var argv = arguments.map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        let status = argv.withUnsafeMutableBufferPointer { gw_pod_sandbox_main(Int32(arguments.count), $0.baseAddress) }
        throw ExitCode(status)
    }
}
