import ArgumentParser
import DNSBackend

/// `gwconsole dns-server -conf PATH --listen IP`: the local stand-in for CoreDNS, run by a local pod of the
/// `coredns/coredns` image: it serves the Corefile (CoreDNS's own `-conf` flag) over UDP and TCP on IP, on every port
/// the Corefile's server blocks use.
struct DNSServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns-server",
        abstract: "Run the local stand-in for coredns/coredns (what local coredns pods run).",
        shouldDisplay: false)

    @Option(
        // CoreDNS spells it -conf; under gwconsole's root command swift-argument-parser reads -conf as -c -o -n -f, so
        // local pods are given --conf.
        name: [.customLong("conf", withSingleDash: true), .customLong("conf")],
        help: ArgumentHelp("The Corefile to serve.", valueName: "path"))
    var conf = "Corefile"

    @Option(help: ArgumentHelp("The address to listen on (the ports are the Corefile's).", valueName: "ip"))
    var listen: String

    mutating func run() throws {
        try DNSServer.serve(corefilePath: conf, address: listen)
    }
}
