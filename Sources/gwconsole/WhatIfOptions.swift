import ArgumentParser
import Foundation
import Session

/// `--what-if` and its window, shared by `apply` and `delete`.
struct WhatIfOptions: ParsableArguments {
    @Flag(
        name: .long,
        help:
            "Apply nothing: show the conditions that would change and replay the Gateways' recent requests through shadow data planes of the config as it is and as it would be."
    )
    var whatIf = false

    @Option(name: .long, help: "With --what-if: replay the requests of this last period (10m, 1h; default 10m).")
    var since: String?

    @Option(name: .long, help: "With --what-if: replay at most this many of the latest requests (default 1000).")
    var requests: Int?

    @Option(name: [.customShort("o"), .long], help: "With --what-if: output format: json.")
    var output: JSONOutput?

    mutating func validate() throws {
        if !whatIf, since != nil || requests != nil || output != nil {
            throw ValidationError("--since, --requests and -o go with --what-if")
        }
        if let since, WhatIfWindow.since(since) == nil {
            throw ValidationError("--since \(since): give a duration such as 10m, 90s or 1h")
        }
        if let requests, requests < 1 { throw ValidationError("--requests \(requests): give a positive number") }
    }

    func run(_ change: WhatIfChange, session: Session) throws {
        var window = WhatIfWindow()
        if let since { window.since = WhatIfWindow.since(since) ?? window.since }
        if let requests { window.requests = requests }
        let report = try session.whatIf(change, window: window)
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Output.out(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            Output.out(report.text)
        }
    }
}
