import Foundation
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
        // By route and rule: a rule that serves well does not hide another that fails.
        var byRule: [String: [RequestRecord]] = [:]
        for record in input.requests where !record.session && !record.route.isEmpty {
            byRule[record.route + "\u{0}" + record.rule, default: []].append(record)
        }
        let explained = Set(besides.filter { backendCodes.contains($0.code) }.flatMap(\.objects))
        var findings: [Finding] = []
        for route in input.routesInScope {
            let object = route.ref.description
            if explained.contains(object) { continue }
            let name = route.ref.kind == "HTTPRoute" ? route.ref.namespacedName : route.ref.description
            for rule in route.rules {
                guard let records = byRule[name + "\u{0}" + String(rule.index)]?.sorted(by: { $0.time < $1.time }),
                    let last = records.last, failed(last)
                else { continue }
                findings.append(finding(route, rule: rule.index, records: records, last: last, input))
            }
        }
        return findings
    }

    static func finding(
        _ route: RouteNode, rule: Int, records: [RequestRecord], last: RequestRecord, _ input: DoctorInput
    )
        -> Finding
    {
        let object = route.ref.description
        let failures = records.filter(failed)
        var counts: [Int: Int] = [:]
        for record in failures { counts[record.status, default: 0] += 1 }
        let tally = counts.keys.sorted().map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", ")
        let upstream =
            last.upstream.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? last.upstream
        // nginx's own 502/504 (the upstream failed) has an error-log line; a backend's own 5xx has none.
        let line = nginxAnswered(last) ? errorLine(for: upstream, since: last, in: input.errorLogs) : nil
        let verdict = line.flatMap(TLSVerdict.init(nginxErrorLine:))
        var evidence = [
            "\(failures.count) of \(records.count) recent requests for rule \(rule) failed (\(tally)); the latest at \(last.time)",
            "latest: \(last.method) \(last.host)\(last.uri) → \(last.status) from upstream \(last.upstream)"
                + (last.upstreamStatus.isEmpty ? "" : " (upstream status \(last.upstreamStatus))"),
        ]
        if let line { evidence.append("nginx error log: \(line)") }
        var finding = Finding(
            .requestsFailing, verdict == nil ? .warning : .error, objects: ["\(object) rule \(rule)"],
            summary: summary(verdict, upstream: upstream, status: last.status),
            evidence: evidence, fix: fix(verdict, upstream: upstream, route: route, input))
        finding.covers = [ConditionKey("traffic of \(object)", nil)]
        return finding
    }

    /// A 5xx after nginx tried an upstream (a 500 or 503 of nginx's own, with no upstream, is the graph's to explain).
    static func failed(_ record: RequestRecord) -> Bool { record.status >= 500 && !record.upstream.isEmpty }

    /// A status nginx gives for a failed upstream (502, 504); the backend's own 5xx has no error-log line.
    static func nginxAnswered(_ record: RequestRecord) -> Bool { [502, 504].contains(record.status) }

    /// The last error-log line about `upstream` (`upstream: "http://127.0.0.1:8080/…"`) written no earlier than the
    /// request's second, across the Gateways' logs.
    static func errorLine(for upstream: String, since record: RequestRecord, in logs: [String: [String]]) -> String? {
        guard !upstream.isEmpty else { return nil }
        let earliest = record.date.map(errorLogTime) ?? ""
        var best: String?
        for name in logs.keys.sorted() {
            for line in logs[name]! where line.contains("upstream: \"") {
                guard line.contains("//\(upstream)/") || line.contains("//\(upstream)\""),
                    String(line.prefix(19)) >= earliest, best.map({ line.prefix(19) >= $0.prefix(19) }) ?? true
                else { continue }
                best = line
            }
        }
        return best
    }

    /// A time as nginx's error log writes it (`2026/12/07 10:00:01`, local time), comparable as text.
    static func errorLogTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy/MM/dd HH:mm:ss"
        return formatter.string(from: date)
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
