import ArgumentParser
import ConsoleShell
import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import Session

/// `gwconsole`: an operations console and kubectl-style CLI for the Gateway API on NGINX.
@main
struct GWConsole: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwconsole",
        abstract: "See and fix how Gateways, Routes and policies fit together on NGINX.",
        discussion: """
            With no subcommand, gwconsole shows an overview of the embedded state. State lives in --state DIR, \
            else $GWCONSOLE_STATE, else $XDG_STATE_HOME/gwconsole, else ~/.local/state/gwconsole.
            """,
        subcommands: [
            Apply.self, Get.self, Describe.self, Delete.self, Up.self, Down.self, Status.self, Render.self,
            ConfigCommand.self, Logs.self, ScenarioCommand.self, Probe.self, Explain.self, Doctor.self, Bench.self,
            ControllerCommand.self, EchoServerCommand.self, DNSServerCommand.self, GRPCServerCommand.self,
            PodSandboxCommand.self,
        ])

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The console's theme: a shipped one (default, light, high-contrast, solarized-dark, monochrome), one in ~/.config/gwconsole/themes, or a file.",
            valueName: "name"))
    var theme: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Open the console in scenario mode: the guide's steps beside the tree; n runs the next.", valueName: "name")
    )
    var scenario: String?

    mutating func run() throws {
        // On a terminal: the console. Otherwise (pipes, scripts): the overview.
        if isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        {
            do {
                try ConsoleRunner.run(global: global.session, options: ConsoleOptions(theme: theme, scenario: scenario))
            } catch let error as CLIError {
                Output.error(error.message)
                throw ExitCode(error.exitCode)
            }
            return
        }
        let store = try global.openFreshStore()
        print(try Overview.render(store: store))
    }
}
