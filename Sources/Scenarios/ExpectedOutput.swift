import Foundation
import GatewayAPI

/// What a guide shows after a command, turned into expectations that hold on any machine: pod names by their
/// Deployment, addresses by their form, dates and request ids as gaps; `kubectl get` tables and `kubectl describe`
/// conditions as object checks on the fields that matter (phase, readiness, condition status and reason).
enum ExpectedOutput {
    /// Header names whose values differ on every request or machine.
    static let volatileHeaders: Set<String> = [
        "date", "request id", "x-request-id", "last-modified", "etag", "content-length", "server", "age", "expires",
    ]

    /// A curl output block as an `OutputPattern`: volatile values replaced by placeholders. `-v` output keeps only
    /// the response lines (`< `), as they are what the request got.
    static func pattern(_ lines: [String], deployments: [String]) -> String {
        var out: [String] = []
        let verbose = lines.contains { $0.hasPrefix("< ") || $0.hasPrefix("> ") }
        for raw in lines {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if verbose {
                if line.hasPrefix("< ") {
                    line = String(line.dropFirst(2))
                } else if line.hasPrefix(">") || line.hasPrefix("*") || line.hasPrefix("{") || line.hasPrefix("}")
                    || line == "<"
                    // curl's resolve note without its "* ", and kubectl port-forward's, printed between them
                    || (line.hasPrefix("Added ") && line.hasSuffix(" to DNS cache"))
                    || line.hasPrefix("Handling connection for ")
                {
                    continue
                }
            }
            if line.isEmpty { continue }
            if let colon = line.firstIndex(of: ":"),
                volatileHeaders.contains(line[..<colon].lowercased().trimmingCharacters(in: .whitespaces))
            {
                out.append(line[...colon] + " {any}")
                continue
            }
            line = replace(#"nginx/\d+\.\d+\.\d+"#, in: line, with: "nginx{any}")
            line = replace(#"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"#, in: line, with: "{address}")
            line = podNames(in: line, deployments: deployments)
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// Pod names (`coffee-6f4b79b975-2sb28`) as `{pod:coffee}`: by the guide's Deployments where one is a prefix,
    /// else by the form of a ReplicaSet pod's name.
    static func podNames(in line: String, deployments: [String]) -> String {
        var line = line
        for deployment in deployments.sorted(by: { $0.count > $1.count }) {
            line = replace(
                "\\b" + NSRegularExpression.escapedPattern(for: deployment) + "-[a-z0-9]{6,10}-[a-z0-9]{5}\\b",
                in: line, with: "{pod:\(deployment)}")
        }
        return replace(#"\b([a-z0-9][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b"#, in: line, with: "{pod:$1}")
    }

    static func replace(_ pattern: String, in text: String, with template: String) -> String {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return text }
        return expression.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text),
            withTemplate: template)
    }

    /// The status a block shows: `HTTP/1.1 302 Moved Temporarily` (with --include) or an nginx error page's title.
    static func status(_ lines: [String]) -> Int? {
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        for line in trimmed {
            let response = line.hasPrefix("< ") ? String(line.dropFirst(2)) : line
            if response.hasPrefix("HTTP/"),
                let code = response.split(separator: " ").dropFirst().first.flatMap({
                    Int($0)
                })
            {
                return code
            }
        }
        for line in trimmed {
            if let start = line.range(of: "<title>"), let code = Int(line[start.upperBound...].prefix(3)) {
                return code
            }
        }
        return nil
    }

    /// `curl: (35) …`: the libcurl error a block shows.
    static func curlError(_ lines: [String]) -> Int? {
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("curl: ("), let close = trimmed.firstIndex(of: ")") else { continue }
            return Int(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 7)..<close])
        }
        return nil
    }

    /// Checks from `kubectl get` tables: a pod row's phase and readiness (by its Deployment's prefix); for other
    /// kinds, PROGRAMMED, ACCEPTED and READY columns as conditions. Ages, addresses and hashes are not checked.
    static func tableChecks(_ lines: [String], kinds: [String], namespace: String?, deployments: [String])
        -> [Scenario.Check]
    {
        var checks: [Scenario.Check] = []
        var header: [String]?
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                header = nil
                continue
            }
            if line.hasPrefix("NAME ") || line == "NAME" {
                header = columns(line)
                continue
            }
            guard let header, var values = Optional(columns(line)), values.count == header.count else { continue }
            var kind = kinds.first ?? ""
            if let slash = values[0].firstIndex(of: "/") {
                kind = String(values[0][..<slash])
                values[0] = String(values[0][values[0].index(after: slash)...])
            }
            let name = values[0]
            let row = Dictionary(zip(header, values), uniquingKeysWith: { first, _ in first })
            if ["pod", "pods", "po"].contains(kind.lowercased().split(separator: ".").first.map(String.init) ?? "") {
                let prefix = podPrefix(name, deployments: deployments)
                if let phase = row["STATUS"], ["Running", "Pending", "Succeeded", "Failed"].contains(phase) {
                    checks.append(
                        Scenario.Check(
                            object: .init(
                                kind: "pod", name: prefix, namespace: namespace, field: "status.phase", equals: phase))
                    )
                }
                if let ready = row["READY"], let slash = ready.firstIndex(of: "/"),
                    ready[..<slash]
                        == ready[
                            ready.index(after: slash)...], ready[..<slash] != "0"
                {
                    checks.append(
                        Scenario.Check(
                            object: .init(
                                kind: "pod", name: prefix, namespace: namespace, condition: ConditionType.ready.rawValue
                            ))
                    )
                }
                continue
            }
            let columns: [(String, ConditionType)] = [
                ("PROGRAMMED", .programmed), ("ACCEPTED", .accepted), ("READY", .ready),
            ]
            for (column, condition) in columns {
                guard let text = row[column], let value = ConditionStatus(rawValue: text), value != .unknown else {
                    continue
                }
                checks.append(
                    Scenario.Check(
                        object: .init(
                            kind: kind, name: name, namespace: namespace, condition: condition.rawValue,
                            status: value == .true ? nil : value.rawValue)))
            }
        }
        return checks
    }

    /// The columns of a table line: whitespace separates (kubectl pads with at least three spaces, values have none).
    static func columns(_ line: String) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    /// A pod's Deployment: the longest of the guide's Deployments it starts with, else its name without the
    /// ReplicaSet hash and suffix.
    static func podPrefix(_ name: String, deployments: [String]) -> String {
        if let deployment = deployments.filter({ name.hasPrefix($0 + "-") }).max(by: { $0.count < $1.count }) {
            return deployment
        }
        let parts = name.split(separator: "-")
        return parts.count > 2 ? parts.dropLast(2).joined(separator: "-") : name
    }

    /// Condition checks from `kubectl describe` output: each `Reason`/`Status`/`Type` group of a Conditions list.
    /// The object's name comes from the command, else from the output's `Name:` line.
    static func describeChecks(_ lines: [String], kind: String, name: String?, namespace: String?) -> [Scenario.Check] {
        var name = name
        var checks: [Scenario.Check] = []
        var reason: String?
        var status: String?
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Name" where name == nil: name = value
            case "Last Transition Time":
                reason = nil
                status = nil
            case "Reason": reason = value
            case "Status" where ConditionStatus(rawValue: value) != nil: status = value
            case "Type":
                guard let conditionStatus = status, let conditionReason = reason, let objectName = name else { break }
                let check = Scenario.Check(
                    object: .init(
                        kind: kind, name: objectName, namespace: namespace, condition: value,
                        status: ConditionStatus(text: conditionStatus) == .true ? nil : conditionStatus,
                        reason: conditionReason))
                if !checks.contains(check) { checks.append(check) }
                reason = nil
                status = nil
            default: break
            }
        }
        return checks
    }
}
