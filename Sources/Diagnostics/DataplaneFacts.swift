import NginxConfig

/// What doctor's rules know of the data plane: whether it runs, and per Gateway what it last did and where it
/// listens (the shell reads it from the data plane's record).
public struct DataplaneFacts: Sendable {
    /// Whether Gateways can serve: the embedded data plane is up, or (cluster mode) another one serves them.
    public var running: Bool
    /// The data plane is the cluster's (NGF's): nothing of it is inspected or probed here.
    public var managedElsewhere: Bool
    /// By Gateway "namespace/name".
    public var gateways: [String: GatewayFacts]

    public init(running: Bool, managedElsewhere: Bool = false, gateways: [String: GatewayFacts] = [:]) {
        self.running = running
        self.managedElsewhere = managedElsewhere
        self.gateways = gateways
    }

    /// A data plane run by someone else (a cluster's NGF).
    public static let clusterManaged = DataplaneFacts(running: true, managedElsewhere: true)

    public struct GatewayFacts: Sendable {
        /// Whether the config the graph asks for serves.
        public var programmed: Bool
        /// nginx's words when it refused the last config.
        public var message: String
        /// The last thing that happened to its config.
        public var lastChange: Change?
        /// Where each listener serves.
        public var bindings: [ListenerBinding]
        /// Its nginx's error log.
        public var errorLog: String

        public init(
            programmed: Bool, message: String, lastChange: Change?, bindings: [ListenerBinding], errorLog: String
        ) {
            self.programmed = programmed
            self.message = message
            self.lastChange = lastChange
            self.bindings = bindings
            self.errorLog = errorLog
        }
    }

    /// One config generation the data plane applied or refused.
    public struct Change: Sendable {
        public var generation: Int
        public var time: String
        public var trigger: String
        public var result: String
        /// Its nginx master had died and was started again.
        public var wasRestart: Bool

        public init(generation: Int, time: String, trigger: String, result: String, wasRestart: Bool) {
            self.generation = generation
            self.time = time
            self.trigger = trigger
            self.result = result
            self.wasRestart = wasRestart
        }
    }

    /// The Gateway serving `address:port`, and its listeners there.
    public func gateway(serving address: String, port: Int) -> (name: String, listeners: [String])? {
        for (name, facts) in gateways {
            let listeners = facts.bindings.filter { $0.address == address && $0.port == port }.map(\.listener)
            if !listeners.isEmpty { return (name, listeners) }
        }
        return nil
    }
}
