import GatewayAPI
import GatewayCore

/// What the request log shows: a route whose latest request failed at its backend (a 5xx after nginx tried an
/// upstream) is a finding with the counts, nginx's error for that upstream (classified by `TLSVerdict`) and the fix.
/// A route that served its latest request well has none: a fix shows once a request gets through.
enum TrafficRules {
    /// Findings that already explain a route's failing backend (the probe's), so the traffic adds nothing.
    static let backendCodes: Set<FindingCode> = [
        .plainHTTPToTLSBackend, .tlsToPlainBackend, .backendHostnameMismatch, .backendCertExpired,
        .backendCertNotYetValid, .backendCertUntrusted, .backendNotGRPC, .backendProtocolMismatch,
    ]

    static func findings(_ input: DoctorInput, besides: [Finding]) -> [Finding] {
        var byRoute: [String: [RequestRecord]] = [:]
        for record in input.requests where !record.session && !record.route.isEmpty {
            byRoute[record.route, default: []].append(record)
        }
        var findings: [Finding] = []
        for route in input.routesInScope {
            let key = route.ref.kind == "HTTPRoute" ? route.ref.namespacedName : route.ref.description
            guard let records = byRoute[key]?.sorted(by: { $0.time < $1.time }), let last = records.last,
                failed(last)
            else { continue }
            let object = route.ref.description
            if besides.contains(where: { backendCodes.contains($0.code) && $0.objects.contains(object) }) { continue }
            let failures = records.filter(failed)
            var counts: [Int: Int] = [:]
            for record in failures { counts[record.status, default: 0] += 1 }
            let tally = counts.keys.sorted().map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", ")
            let upstream =
                last.upstream.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
                ?? last.upstream
            let line = errorLine(for: upstream, in: input.errorLogs)
            let verdict = line.flatMap(TLSVerdict.init(nginxErrorLine:))
            var evidence = [
                "\(failures.count) of \(records.count) recent requests failed (\(tally)); the latest at \(last.time)",
                "latest: \(last.method) \(last.host)\(last.uri) → \(last.status) from upstream \(last.upstream)"
                    + (last.upstreamStatus.isEmpty ? "" : " (upstream status \(last.upstreamStatus))"),
            ]
            if let line { evidence.append("nginx error log: \(line)") }
            var finding = Finding(
                .requestsFailing, .error, objects: [object],
                summary: summary(verdict, upstream: upstream, status: last.status),
                evidence: evidence, fix: fix(verdict, upstream: upstream, route: route, input))
            finding.covers = [ConditionKey("traffic of \(object)", nil)]
            findings.append(finding)
        }
        return findings
    }

    /// A 5xx after nginx tried an upstream (a 500 or 503 of nginx's own, with no upstream, is the graph's to explain).
    static func failed(_ record: RequestRecord) -> Bool { record.status >= 500 && !record.upstream.isEmpty }

    /// The last error-log line about `upstream` (`upstream: "http://127.0.0.1:8080/..."`).
    static func errorLine(for upstream: String, in logs: [String: [String]]) -> String? {
        guard !upstream.isEmpty else { return nil }
        for lines in logs.values {
            if let line = lines.last(where: { $0.contains("upstream: \"") && $0.contains("//\(upstream)") }) {
                return line
            }
        }
        return nil
    }

    static func summary(_ verdict: TLSVerdict?, upstream: String, status: Int) -> String {
        switch verdict {
        case .unreachable(let detail)?:
            return "its requests get \(status): the backend at \(upstream) is unreachable (\(detail))"
        case .timedOut?: return "its requests get \(status): the backend at \(upstream) does not answer in time"
        case .handshakeFailed?: return "its requests get \(status): no TLS handshake with the backend at \(upstream)"
        case .notVerified?:
            return "its requests get \(status): the backend's certificate at \(upstream) does not verify"
        case .verified?, nil: return "its requests get \(status) from the backend at \(upstream)"
        }
    }

    static func fix(_ verdict: TLSVerdict?, upstream: String, route: RouteNode, _ input: DoctorInput) -> String {
        let service = route.rules.flatMap(\.backends).compactMap(\.service).first
        let probe = "gwconsole probe --route \(route.ref.name) -n \(route.ref.namespace)"
        switch verdict {
        case .unreachable?:
            return
                "nothing accepts connections at \(upstream)\(service.map { " (an endpoint of Service \($0.namespacedName))" } ?? ""). Decide: start the backend there, or point the Service's targetPort or EndpointSlice at where it listens; then \(probe) to see it served"
        case .timedOut?:
            return
                "the backend accepts but does not answer in time: look at it (its logs), or raise the rule's timeouts.backendRequest; then \(probe)"
        case .handshakeFailed?, .notVerified?:
            return "\(probe) asks the backend plain and TLS and says what nginx and the backend disagree on"
        case .verified?, nil:
            return
                "the backend itself answered with an error: its logs say why\(service.map { " (the pods of Service \($0.namespacedName): gwconsole get pods -n \($0.namespace))" } ?? "")"
        }
    }
}
