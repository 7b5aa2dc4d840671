import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import NginxConfig
import Probing

/// The replay half of what-if: the Gateways' recent requests, sent through a shadow of the config as it is and one
/// of the config as it would be, each in its own nginx with stand-in backends (`ShadowDataplane`).
extension Session {
    /// One distinct request of the window: where it came (Gateway and listener port) and what it asked.
    struct ReplayKey: Hashable {
        var gateway: String
        var port: Int
        var method: String
        var host: String
        var uri: String
    }

    /// The two shadows of one Gateway: their configs as values (nil: not served there) and their nginx.
    struct ShadowPair {
        var gateway: String
        var before: (config: DataplaneConfiguration, nginx: ShadowNginx)?
        var after: (config: DataplaneConfiguration, nginx: ShadowNginx)?
        /// nginx refused the proposed config: the data plane would keep serving the current one.
        var refused: String?
    }

    /// One Gateway's requests of the window as its log has them, each with the listener port it came to (nil:
    /// not known), and the stream sessions beside them (counted, not replayed).
    struct GatewayRequests {
        var gateway: String
        var requests: [(record: RequestRecord, port: Int?)]
        var sessions = 0
    }

    /// `probeEndpoints`: whether the real backends' endpoints may be asked whether they speak TLS (on this machine;
    /// a cluster's pod addresses are not asked).
    func replay(
        into report: inout WhatIfReport, logs: [GatewayRequests], portOffset: Int, probeEndpoints: Bool,
        before: (snapshot: ResourceSnapshot, graph: Graph), after: (snapshot: ResourceSnapshot, graph: Graph),
        scratch: String, window: WhatIfWindow, now: Date
    ) throws {
        let (requests, counts, logged, skipped) = Self.recentRequests(logs, window: window, now: now)
        report.skipped = skipped
        report.replayed = requests.reduce(0) { $0 + counts[$1]! }
        if requests.isEmpty { return }

        // The shadows, each Gateway's pair with the stand-ins of both.
        var pairs: [String: ShadowPair] = [:]
        for (index, name) in Set(requests.map(\.gateway)).sorted().enumerated() {
            var pair = ShadowPair(gateway: name)
            let a = ShadowNginx(directory: "\(scratch)/\(index)a")
            let b = ShadowNginx(directory: "\(scratch)/\(index)b")
            func build(_ state: (snapshot: ResourceSnapshot, graph: Graph), _ shadow: ShadowNginx, portOffset: Int)
                -> DataplaneConfiguration?
            {
                guard let node = state.graph.gateways.first(where: { $0.ref.namespacedName == name && $0.accepted })
                else { return nil }
                return DataplaneBuilder.build(
                    gateway: node, graph: state.graph, snapshot: state.snapshot,
                    settings: shadow.settings(portOffset: portOffset))
            }
            pair.before = build(before, a, portOffset: portOffset).map { ($0, a) }
            pair.after = build(after, b, portOffset: portOffset).map { ($0, b) }
            pairs[name] = pair
        }
        let standIns = try Self.standIns(pairs.values.map { $0 }, scratch: scratch, probeEndpoints: probeEndpoints)
        defer {
            for pair in pairs.values {
                pair.before?.nginx.stop()
                pair.after?.nginx.stop()
            }
        }
        // Both shadows of every Gateway start at once (nginx parses each config on its own).
        let starts = pairs.keys.sorted().flatMap { name in
            [pairs[name]!.before, pairs[name]!.after].enumerated().compactMap { side, shadow in
                shadow.map { (name: name, after: side == 1, config: $0.config, nginx: $0.nginx) }
            }
        }
        let failures = Locked([Int: String]())
        DispatchQueue.concurrentPerform(iterations: starts.count) { index in
            let start = starts[index]
            do {
                try start.nginx.start(Self.shadowConfig(start.config, nginx: start.nginx, standIns: standIns))
            } catch {
                failures.mutate { $0[index] = (error as? DataplaneError)?.description ?? "\(error)" }
            }
        }
        for (index, message) in failures.value.sorted(by: { $0.key < $1.key }) {
            let start = starts[index]
            guard start.after else { throw CLIError("error: what-if: \(message)") }
            pairs[start.name]!.refused = message
            report.notes.append(
                "Gateway \(start.name): nginx refuses the proposed config, so its data plane would keep serving the "
                    + "current one (\(message))")
        }

        // Each distinct request through each shadow in order (one connection per shadow, kept), the two sides at
        // once; then the logs, read once the shadows stop.
        let sides = [
            Locked([String: [(ReplayKey, ReplayOutcome?)]]()), Locked([String: [(ReplayKey, ReplayOutcome?)]]()),
        ]
        let shadowPairs = pairs
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            var connections: [String: HTTPProbe.Connection] = [:]
            var sent: [String: [(ReplayKey, ReplayOutcome?)]] = [:]
            for key in requests {
                let pair = shadowPairs[key.gateway]!
                let connection = connections[key.gateway] ?? HTTPProbe.Connection()
                connections[key.gateway] = connection
                if side == 0 {
                    sent[key.gateway, default: []].append((key, Self.send(key, to: pair.before, on: connection)))
                } else if pair.refused == nil {
                    let outcome =
                        pair.after == nil
                        ? ReplayOutcome.unanswered("Gateway \(key.gateway) would not be served")
                        : Self.send(key, to: pair.after, on: connection)
                    sent[key.gateway, default: []].append((key, outcome))
                }
            }
            sides[side].mutate { $0 = sent }
        }
        let beforeSent = sides[0].value
        let afterSent = sides[1].value
        var beforeOutcomes: [ReplayKey: ReplayOutcome] = [:]
        var afterOutcomes: [ReplayKey: ReplayOutcome] = [:]
        let running = pairs.values.flatMap { [$0.before?.nginx, $0.after?.nginx].compactMap { $0 } }
        DispatchQueue.concurrentPerform(iterations: running.count) { running[$0].stop() }
        for (name, pair) in pairs {
            Self.match(beforeSent[name] ?? [], log: pair.before?.nginx.requestLog, into: &beforeOutcomes)
            Self.match(afterSent[name] ?? [], log: pair.after?.nginx.requestLog, into: &afterOutcomes)
        }
        let replayed = requests.map { key in
            let beforeOutcome = beforeOutcomes[key] ?? .unanswered("not replayed")
            return ReplayedRequest(
                gateway: key.gateway, method: key.method, host: key.host, path: key.uri, count: counts[key]!,
                logged: logged[key]!, before: beforeOutcome,
                // Refused: the current config keeps serving.
                after: pairs[key.gateway]!.refused == nil
                    ? afterOutcomes[key] ?? .unanswered("not replayed") : beforeOutcome)
        }
        (report.changed, report.unreproduced) = WhatIfReport.compare(replayed)
    }

    /// The latest requests of the window, distinct (in first-seen order), with their counts and what the log says
    /// served the latest of each; and what is not replayed (gRPC calls, stream sessions), counted.
    static func recentRequests(_ logs: [GatewayRequests], window: WhatIfWindow, now: Date)
        -> ([ReplayKey], [ReplayKey: Int], [ReplayKey: ReplayOutcome], [String: Int])
    {
        let since = now.addingTimeInterval(-window.since)
        var all: [(date: Date, key: ReplayKey, record: RequestRecord)] = []
        var skipped: [String: Int] = [:]
        for log in logs {
            for (record, port) in log.requests {
                guard let date = record.date, date >= since else { continue }
                if !record.grpcStatus.isEmpty || record.routeKind == "GRPCRoute" {
                    skipped["gRPC calls", default: 0] += 1
                    continue
                }
                guard let port else {
                    skipped["requests no listener of the Gateway takes", default: 0] += 1
                    continue
                }
                all.append(
                    (
                        date,
                        ReplayKey(
                            gateway: log.gateway, port: port, method: record.method, host: record.host,
                            uri: record.uri),
                        record
                    ))
            }
            if log.sessions > 0 { skipped["TCP, UDP and TLS passthrough sessions", default: 0] += log.sessions }
        }
        let latest = all.enumerated().sorted {
            $0.element.date != $1.element.date ? $0.element.date < $1.element.date : $0.offset < $1.offset
        }.suffix(window.requests).map(\.element)
        var keys: [ReplayKey] = []
        var counts: [ReplayKey: Int] = [:]
        var logged: [ReplayKey: ReplayOutcome] = [:]
        for entry in latest {
            if counts[entry.key] == nil { keys.append(entry.key) }
            counts[entry.key, default: 0] += 1
            logged[entry.key] = ReplayOutcome(record: entry.record)
        }
        return (keys, counts, logged, skipped)
    }

    /// The embedded data plane's request and session logs (the tail of each file), each request with the port the
    /// log says it came to.
    static func embeddedLogs(_ manager: DataplaneManager, gateways: [String], since: Date) -> [GatewayRequests] {
        gateways.map { name in
            var log = GatewayRequests(gateway: name, requests: [])
            if let path = manager.requestLog(gateway: name) {
                log.requests = DoctorEvidence.tail(path, bytes: 8 << 20).compactMap { line in
                    RequestRecord.parse(line).map { ($0, Int($0.server)) }
                }
            }
            if let path = manager.sessionLog(gateway: name) {
                log.sessions =
                    DoctorEvidence.tail(path, bytes: 1 << 20).compactMap { RequestRecord.parse($0) }.filter {
                        ($0.date ?? .distantPast) >= since
                    }.count
            }
            return log
        }
    }

    /// Stand-ins for every upstream of every shadow. Where both configs agree on an upstream's TLS (a policy in
    /// both or in neither), the stand-in answers the same whatever is spoken, so the shadows speak plain HTTP to a
    /// plain one. Where the change adds or removes a policy, or brings a new upstream, the proxies keep their TLS
    /// and the stand-in speaks what the real backend does: its first endpoint is asked (a TLS handshake, no
    /// request), else the current config is taken at its word. The TLS stand-in's one certificate names every
    /// hostname the policies verify, from a CA of its own that the shadows trust.
    static func standIns(_ pairs: [ShadowPair], scratch: String, probeEndpoints: Bool) throws -> StandIns {
        var before: [String: Upstream] = [:]
        var after: [String: Upstream] = [:]
        var tlsBefore: [String: Set<String>] = [:]
        var tlsAfter: [String: Set<String>] = [:]
        for pair in pairs {
            if let config = pair.before?.config {
                for upstream in config.upstreams { before[upstream.name] = upstream }
                tlsBefore.merge(ShadowDataplane.tlsUpstreams(config)) { $0.union($1) }
            }
            if let config = pair.after?.config {
                for upstream in config.upstreams { after[upstream.name] = upstream }
                tlsAfter.merge(ShadowDataplane.tlsUpstreams(config)) { $0.union($1) }
            }
        }
        var result = StandIns(tls: [:])
        for name in Set(before.keys).union(after.keys) {
            let agree =
                after[name] == nil || (before[name] != nil && (tlsBefore[name] != nil) == (tlsAfter[name] != nil))
            if agree { continue }
            result.keepTLS.insert(name)
            let assumed = tlsBefore[name] != nil || (before[name] == nil && tlsAfter[name] != nil)
            let endpoint = (before[name] ?? after[name])?.servers.first
            result.tls[name] = (probeEndpoints ? endpoint.flatMap(speaksTLS) : nil) ?? assumed
        }
        let hostnames = result.keepTLS.reduce(into: Set<String>()) {
            $0.formUnion(tlsBefore[$1] ?? [])
            $0.formUnion(tlsAfter[$1] ?? [])
        }.sorted()
        guard !result.keepTLS.isEmpty else { return result }
        let directory = scratch + "/standin"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard
            let ca = CertificateInspector.issue(
                CertificateIssueRequest(
                    commonName: "gwconsole what-if stand-in CA", subjectAltNames: [], validFor: 86_400, isCA: true,
                    key: .ecdsa(bits: 256), issuer: nil)),
            let leaf = CertificateInspector.issue(
                CertificateIssueRequest(
                    commonName: hostnames.first ?? "stand-in", subjectAltNames: hostnames.map { "DNS:" + $0 },
                    validFor: 86_400, isCA: false, key: .ecdsa(bits: 256), issuer: ca))
        else { throw CLIError("error: what-if could not issue the stand-ins' certificate (OpenSSL)") }
        result.trustedCA = directory + "/ca.pem"
        result.certificate = directory + "/stand-in.pem"
        try Self.writePrivate(ca.cert, to: result.trustedCA)
        try Self.writePrivate(leaf.cert + leaf.key, to: result.certificate)
        return result
    }

    /// A value shared by concurrent work, behind a lock.
    final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Value
        init(_ value: Value) { stored = value }
        var value: Value { lock.withLock { stored } }
        func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
    }

    /// Which upstreams' stand-ins speak TLS, and the files they and the shadows use.
    struct StandIns {
        /// The stand-in of each upstream in `keepTLS` speaks TLS (the others speak plain HTTP).
        var tls: [String: Bool]
        /// The upstreams whose proxies keep their BackendTLSPolicy in the shadows.
        var keepTLS: Set<String> = []
        var trustedCA = ""
        var certificate = ""
    }

    static func writePrivate(_ text: String, to path: String) throws {
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CLIError("error: what-if could not write \(path)") }
    }

    /// Whether `endpoint` (`ip:port`) completes a TLS handshake (nothing is sent after it); nil when it does not
    /// answer at all.
    static func speaksTLS(_ endpoint: String) -> Bool? {
        let (ip, port) = BackendReport.split(endpoint)
        let host = ip.contains(":") ? "[\(ip)]" : ip
        var request = HTTPProbe.Request(url: "https://\(host):\(port)/")
        request.connectOnly = true
        request.insecure = true
        request.timeoutSeconds = 2
        // 0: the handshake completed; 35 (CURLE_SSL_CONNECT_ERROR): it answered, not in TLS; else no answer.
        switch HTTPProbe.perform(request).curlCode {
        case 0: return true
        case 35: return false
        default: return nil
        }
    }

    /// A shadow's files: the config made a shadow, with its stand-in servers beside its own.
    static func shadowConfig(_ config: DataplaneConfiguration, nginx: ShadowNginx, standIns: StandIns) -> RenderedConfig
    {
        let servers = config.upstreams.map { upstream in
            let tls = standIns.tls[upstream.name] ?? false
            return ShadowDataplane.StandIn(
                upstream: upstream.name,
                socket: ShadowDataplane.standInSocket(directory: nginx.socketDirectory, tls: tls), tls: tls)
        }
        let shadow = ShadowDataplane.shadow(
            config, directory: nginx.socketDirectory,
            standIns: Dictionary(uniqueKeysWithValues: servers.map { ($0.upstream, $0) }), keepTLS: standIns.keepTLS,
            trustedCA: standIns.trustedCA)
        var rendered = Renderer.write(shadow, settings: nginx.settings(portOffset: 0))
        if let index = rendered.files.firstIndex(where: { $0.path == "conf.d/servers.conf" }) {
            rendered.files[index].content += ShadowDataplane.standInServers(servers, certificate: standIns.certificate)
        }
        return rendered
    }

    /// Sends one request to a shadow: nil once it answered (its log line tells the outcome), else why not.
    static func send(
        _ key: ReplayKey, to shadow: (config: DataplaneConfiguration, nginx: ShadowNginx)?,
        on connection: HTTPProbe.Connection
    ) -> ReplayOutcome? {
        guard let shadow else { return .unanswered("not served") }
        guard let server = shadow.config.servers.first(where: { $0.port == key.port }) else {
            return .unanswered("no listener on port \(key.port)")
        }
        let host = key.host.isEmpty ? "localhost" : key.host.contains(":") ? "[\(key.host)]" : key.host
        var request = HTTPProbe.Request(url: "\(server.ssl ? "https" : "http")://\(host)\(key.uri)")
        request.unixSocket = ShadowDataplane.listenerSocket(directory: shadow.nginx.socketDirectory, port: key.port)
        request.insecure = true
        request.pathAsIs = true
        request.bodyLimit = 1_024
        request.peerCertificates = false
        if key.method != "GET" { request.method = key.method }
        let result = connection.perform(request)
        return result.status == 0 ? .unanswered(result.error ?? "no answer") : nil
    }

    /// The outcomes of the answered requests, from the shadow's request log in order (one line per answered
    /// request: one worker, one request at a time); a line that is not the request's leaves it unmatched.
    static func match(
        _ sent: [(ReplayKey, ReplayOutcome?)], log: String?, into outcomes: inout [ReplayKey: ReplayOutcome]
    ) {
        var records = (log.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "")
            .split(separator: "\n").compactMap { RequestRecord.parse($0) }[...]
        for (key, unanswered) in sent {
            if let unanswered {
                outcomes[key] = unanswered
                continue
            }
            guard let record = records.popFirst(), record.uri == key.uri, record.method == key.method else {
                outcomes[key] = .unanswered("the shadow's log has no line for it")
                continue
            }
            outcomes[key] = ReplayOutcome(record: record)
        }
    }
}
