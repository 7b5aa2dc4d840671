import GatewayAPI

/// A container's `readinessProbe` or `livenessProbe`, as kubelet runs it: what to try, when, and how many results
/// decide (docs/workloads.md, "Probes"). Pure: `ProbeRunner` tries it, `WorkloadManager` acts on the verdicts.
struct ContainerProbe: Equatable {
    enum Action: Equatable {
        /// An HTTP GET to the pod's port; success is a status from 200 to 399. HTTPS is tried as a TCP connection.
        case httpGet(path: String, port: Int, headers: [Header], https: Bool)
        /// A TCP connection to the pod's port.
        case tcpSocket(port: Int)
        /// `exec` and `grpc`, which local pods do not run: they count as succeeding.
        case notRun(String)
    }

    struct Header: Equatable {
        var name: String
        var value: String
    }

    var action: Action
    var initialDelay: Double
    var period: Double
    var successThreshold: Int
    var failureThreshold: Int
    var timeout: Double

    /// The probe a container's JSON describes, its named port resolved against the container's ports; nil when
    /// there is none, or its port is neither a number nor one of the container's names.
    init?(_ json: JSONValue?, container: Container) {
        guard let json, json.objectValue != nil else { return nil }
        func port(_ value: JSONValue?) -> Int? {
            if let number = value?.intValue { return Int(number) }
            guard let text = value?.stringValue else { return nil }
            if let number = Int(text) { return number }
            return container.ports?.first { $0.name == text }.map { Int($0.containerPort) }
        }
        if let get = json["httpGet"], get.objectValue != nil {
            guard let number = port(get["port"]), (1...65535).contains(number) else { return nil }
            // What goes on the wire is the manifest's: no control characters (a CR or LF would end the request line).
            func clean(_ text: String) -> Bool { !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
            let headers = (get["httpHeaders"]?.arrayValue ?? []).compactMap { header -> Header? in
                guard let name = header["name"]?.stringValue, let value = header["value"]?.stringValue,
                    !name.isEmpty, clean(name), !name.contains(":"), clean(value)
                else { return nil }
                return Header(name: name, value: value)
            }
            var path = get["path"]?.stringValue ?? "/"
            if !path.hasPrefix("/") || !clean(path) || path.contains(" ") { path = "/" }
            action = .httpGet(
                path: path, port: number, headers: headers, https: get["scheme"]?.stringValue?.uppercased() == "HTTPS")
        } else if let tcp = json["tcpSocket"], tcp.objectValue != nil {
            guard let number = port(tcp["port"]), (1...65535).contains(number) else { return nil }
            action = .tcpSocket(port: number)
        } else if json["exec"] != nil {
            action = .notRun("exec")
        } else if json["grpc"] != nil {
            action = .notRun("grpc")
        } else {
            return nil
        }
        func seconds(_ key: String, _ fallback: Int64, minimum: Int64) -> Int64 {
            max(minimum, json[key]?.intValue ?? fallback)
        }
        initialDelay = Double(seconds("initialDelaySeconds", 0, minimum: 0))
        period = Double(seconds("periodSeconds", 10, minimum: 1))
        timeout = Double(seconds("timeoutSeconds", 1, minimum: 1))
        successThreshold = Int(seconds("successThreshold", 1, minimum: 1))
        failureThreshold = Int(seconds("failureThreshold", 3, minimum: 1))
    }

    /// Consecutive results of one probe, and when it last ran (seconds since 1970).
    struct Results: Codable, Equatable {
        var last: Double?
        var successes = 0
        var failures = 0
    }

    /// Whether it runs at `now`: after the initial delay from the container's start, then every period.
    func isDue(_ results: Results, started: Double, now: Double) -> Bool {
        guard now >= started + initialDelay else { return false }
        guard let last = results.last else { return true }
        return now >= last + period
    }

    /// The results after one more.
    func recording(_ succeeded: Bool, in results: Results, now: Double) -> Results {
        Results(
            last: now, successes: succeeded ? results.successes + 1 : 0, failures: succeeded ? 0 : results.failures + 1)
    }

    /// What the results say: true once `successThreshold` in a row succeeded, false once `failureThreshold` in a
    /// row failed, else nil (no change).
    func verdict(_ results: Results) -> Bool? {
        if results.successes >= successThreshold { return true }
        if results.failures >= failureThreshold { return false }
        return nil
    }
}

/// Where a pod's probes stand, kept in its run directory between passes.
struct ProbeRecord: Codable, Equatable {
    /// When the container started (seconds since 1970).
    var started: Double
    var readiness = ContainerProbe.Results()
    var liveness = ContainerProbe.Results()
}
