import CProcess
import Foundation

/// The network half of a local pod's sandbox (pod_sandbox.c): the pod's own network namespace, with its address on
/// this machine's loopback forwarded to its ports inside.
public enum PodNetwork {
    /// One forwarded port: `tcp:127.0.100.101:8080:8080`.
    public struct Forward: Equatable, Sendable {
        public var udp: Bool
        public var address: String
        public var hostPort: Int
        public var podPort: Int

        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, ["tcp", "udp"].contains(parts[0]), let host = Int(parts[2]),
                let pod = Int(parts[3]), (1...65535).contains(host), (1...65535).contains(pod)
            else { return nil }
            udp = parts[0] == "udp"
            address = parts[1]
            hostPort = host
            podPort = pod
        }
    }

    /// Runs `command` in the pod's network until it ends; returns its exit status (1 when the namespace could not be
    /// made, the reason on stderr).
    public static func run(forwards: [Forward], command: [String]) -> Int32 {
        let protocols = forwards.map { Int32($0.udp ? 1 : 0) }
        let hostPorts = forwards.map { Int32($0.hostPort) }
        let podPorts = forwards.map { Int32($0.podPort) }
        let addresses = forwards.map { strdup($0.address) }
        let argv = command.map { strdup($0) } + [nil]
        defer {
            for pointer in addresses { free(pointer) }
            for pointer in argv { free(pointer) }
        }
        return addresses.map { UnsafePointer($0) }.withUnsafeBufferPointer { addressPointers in
            argv.withUnsafeBufferPointer { argvPointer in
                gw_pod_sandbox(
                    Int32(forwards.count), protocols, addressPointers.baseAddress, hostPorts, podPorts,
                    argvPointer.baseAddress)
            }
        }
    }
}
