import ArgumentParser
import Dataplane
import Foundation
import GatewayAPI
import Session

/// `gwconsole apply -f PATH...`: create or update objects from manifests, all in one transaction.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create or update objects from files, directories, stdin (-) or a Markdown guide's kubectl apply blocks.")

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("f"), .long], help: "A file, directory or - for stdin (repeatable).")
    var filename: [String] = []

    @Flag(name: [.customShort("R"), .long], help: "Read directories recursively.")
    var recursive = false

    @Flag(
        name: .long,
        help:
            "Validate and report what would change, and predict BackendTLSPolicy verification, without storing anything."
    )
    var dryRun = false

    @OptionGroup var whatIf: WhatIfOptions

    @Flag(
        name: [.customShort("v"), .long],
        help: "Print every pre-flight line (alike ones are folded into one otherwise).")
    var verbose = false

    mutating func run() throws {
        try reportingErrors {
            guard !filename.isEmpty else { throw CLIError("error: must specify one of -f or --filename") }
            let objects = try ManifestLoading.load(paths: filename, recursive: recursive, global: global.session)
            if objects.isEmpty { throw CLIError("error: no objects passed to apply") }
            if whatIf.whatIf {
                try whatIf.run(.apply(objects), session: global.session)
                return
            }
            if global.clusterMode && global.write {
                try ClusterWrites(session: try global.cluster()).apply(objects, dryRun: dryRun)
                return
            }
            try ApplyFlow.run(objects, global: global.session, dryRun: dryRun, verbose: verbose)
        }
    }
}
