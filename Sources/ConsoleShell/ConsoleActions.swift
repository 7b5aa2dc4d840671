import ConsoleUI
import Dataplane
import Diagnostics
import Foundation
import GatewayAPI
import GatewayCore
import Probing
import Scenarios
import Session

/// What the console does on a key: probes, doctor, apply, delete, the data plane, scenario steps. Each runs on the
/// console's worker thread with its output captured, and returns what to show.
public struct ConsoleActions {
    public let global: Session

    /// The outcome of an action: a one-line message and, when there is more to read, diagnostics blocks.
    public struct Outcome: Sendable {
        var message: StyledLine
        var title: String?
        var blocks: [DiagnosticsBlock] = []
        var scenario: ScenarioPanel?
        var theme: String?
        /// A note from a background watcher, not the end of the current work.
        var quiet = false
        /// Errors among the findings it showed (probe, doctor): counted in the header's problems; nil leaves the
        /// count as it was.
        var findingErrors: Int?
        /// A cluster write planned and waiting for the user's y (a server dry run and its diff were shown).
        var plan: [ClusterWrites.Change]?
    }

    // MARK: cluster writes

    /// The plan for writing objects to the cluster (`--write`): the server's dry run and the diff of each object,
    /// shown in diagnostics; nothing changes until the user confirms.
    public func planCluster(_ objects: [DecodedObject], title: String) -> Outcome {
        var plan: [ClusterWrites.Change]?
        var outcome = captured(title: title + " — plan") {
            guard global.write else { throw CLIError(Self.readOnly) }
            let writes = ClusterWrites(session: try global.cluster())
            plan = try writes.plan(objects)
            writes.printPlan(plan!)
        }
        if plan != nil {
            outcome.plan = plan
            outcome.message = StyledLine(
                "the plan is in diagnostics: y applies it, any other key cancels", role: .warning)
        }
        return outcome
    }

    /// Applies a confirmed plan with server-side apply; the watches then show what the cluster made of it.
    public func commit(_ plan: [ClusterWrites.Change]) -> Outcome {
        captured(title: "Applied to the cluster") {
            try ClusterWrites(session: try global.cluster()).execute(plan, report: true)
        }
    }

    public static let readOnly =
        "error: the console only reads the cluster: start it with --write to apply, edit and delete (each change shows its plan and asks first)"

    // MARK: probe

    /// Probes the route the selection concerns: the request through its Gateway (with the page it returns), the
    /// backend plain and TLS side by side, the findings about it, and the nginx error-log lines of the request.
    public func probe(_ ref: ObjectRef) throws -> Outcome {
        let data = try ConsoleData.open(global)
        if let route = data.graph.l4Route(ref) { return try probe(route, data: data) }
        // A Gateway or Service that only layer-4 routes use: the first of them.
        if data.routes(for: ref).isEmpty,
            let route = data.graph.l4Routes.first(where: { route in
                route.parents.contains { $0.accepted && $0.gateway == ref }
                    || route.backends.contains { $0.service == ref }
            })
        {
            return try probe(route, data: data)
        }
        guard let route = data.routes(for: ref).first else {
            return Outcome(
                message: StyledLine(
                    "nothing to probe: no route sends traffic through \(ref.kind) \(ref.namespacedName)", role: .warning
                ))
        }
        let state = data.state
        guard state.running else {
            return Outcome(message: StyledLine("the data plane is down: u starts it, then p probes", role: .warning))
        }
        if route.grpc != nil { return try probe(grpc: route, data: data) }
        guard let parent = route.parents.first(where: \.accepted), let gateway = parent.gateway,
            let record = state.gateways[gateway.namespacedName],
            let binding = record.bindings.first(where: {
                parent.listeners.contains($0.listener) && $0.protocol == .http
            })
        else {
            return Outcome(
                message: StyledLine(
                    "\(route.ref.description) is not served by a running HTTP listener (see its Conditions tab)",
                    role: .warning))
        }
        let listener = data.graph.gateway(gateway)?.listeners.first { $0.name == binding.listener }
        guard let recipe = RouteRequestRecipe.request(for: route, listener: listener) else {
            return Outcome(
                message: StyledLine(
                    "\(route.ref.description) has no rule a request can be written for (regular expressions only)",
                    role: .warning))
        }
        let url = "http://\(recipe.host):\(binding.port)\(recipe.target)"
        let resolve = "\(recipe.host):\(binding.port):\(binding.address)"

        // The request, and the error-log lines nginx wrote meanwhile.
        let errorLog = data.store.directory + "/dp/\(record.index)/run/logs/error.log"
        let tail = ErrorLogTail(path: errorLog)
        var request = HTTPProbe.Request(url: url, resolve: [resolve], headers: recipe.headerLines)
        if recipe.method != "GET" { request.method = recipe.method }
        let result = HTTPProbe.perform(request)
        usleep(50_000)
        let logLines = tail.newLines()
        let snapshot = try Reconciler(store: data.store, config: global.controllerConfig).snapshot()
        let dataplane = state.facts(stateDirectory: data.store.directory)
        let backends = BackendProbe.analyse(
            url: url, resolve: [resolve], method: recipe.method, headers: recipe.headerLines, graph: data.graph,
            dataplane: dataplane, snapshot: snapshot)

        var blocks: [DiagnosticsBlock] = []
        let good = (200..<400).contains(result.status)
        let statusLine =
            result.status == 0 ? "no response (\(result.error ?? "?"))" : "\(result.status) \(reason(result.status))"
        blocks.append(
            .line(
                StyledLine(spans: [
                    ("curl --resolve \(resolve) \(url)", .title), ("  →  ", .dim),
                    (statusLine, good ? .accepted : .error),
                    ("  (\(result.timings.total) ms)", .dim),
                ])))
        for line in bodyLines(result).prefix(12) {
            blocks.append(.line(StyledLine("  " + line, role: good ? .normal : .error)))
        }
        for backend in backends {
            blocks.append(.line(StyledLine("")))
            blocks.append(
                .line(
                    StyledLine(spans: [
                        ("Backend \(backend.service) endpoint \(backend.endpoint): ", .title),
                        (
                            backend.agrees ? "agrees with the gateway" : "MISMATCH with the gateway",
                            backend.agrees ? .accepted : .error
                        ),
                    ])))
            blocks.append(
                .line(
                    StyledLine(
                        "  gateway sends \(backend.gatewaySends); backend speaks \(backend.backendSpeaks.rawValue)")))
            let sni = backend.sni
            let left = column(
                "plain HTTP (what the gateway sends\(backend.policy == nil ? " now" : " without a policy"))",
                backend.plain)
            let right = column(
                "TLS (SNI \(sni ?? recipe.host)\(backend.policy.map { ", CA of \($0)" } ?? ", not verified"))",
                backend.tls)
            blocks.append(.sideBySide(left: left, right: right))
        }
        // Findings about this route and its backends.
        let related =
            [route.ref.namespacedName] + route.rules.flatMap { $0.backends.compactMap { $0.service?.namespacedName } }
            + route.rules.flatMap { $0.backends.compactMap { $0.policy?.namespacedName } }
        // Only this route's checks: the doctor's backend checks send requests, and other routes are not asked about.
        let findings = diagnose(data, snapshot: snapshot, namespace: route.ref.namespace, routes: [route.ref])
            .filter { finding in finding.objects.contains { object in related.contains { object.contains($0) } } }
        blocks.append(.line(StyledLine("")))
        blocks +=
            findings.isEmpty
            ? [.line(StyledLine("Findings: none — the route, its backends and policies check out", role: .accepted))]
            : [.line(StyledLine("Findings", role: .title))] + findingBlocks(findings)
        blocks.append(.line(StyledLine("")))
        blocks.append(.line(StyledLine("nginx error log (\(errorLog)) during the request:", role: .title)))
        if logLines.isEmpty { blocks.append(.line(StyledLine("  (no lines)", role: .dim))) }
        for line in logLines.suffix(8) {
            blocks.append(
                .line(
                    StyledLine("  " + line, role: line.contains("[error]") || line.contains("[crit]") ? .error : .dim)))
        }
        return Outcome(
            message: StyledLine(
                "probed HTTPRoute \(route.ref.namespacedName): \(statusLine)", role: good ? .accepted : .error),
            title: "Probe HTTPRoute \(route.ref.namespacedName) via Gateway \(gateway.namespacedName)", blocks: blocks,
            findingErrors: findings.filter { $0.severity == .error }.count)
    }

    /// A layer-4 route: the exchange through its listener (a connection, a datagram, a TLS handshake with SNI), the
    /// upstream nginx chose, and the route's findings.
    /// A GRPCRoute: a call of its first method (an empty message, or the local backends' schema) through its
    /// Gateway, what served it, and the findings about it.
    func probe(grpc route: RouteNode, data: ConsoleData) throws -> Outcome {
        let manager = DataplaneManager(stateDirectory: data.store.directory)
        let call: GRPCCall
        do {
            call = try GRPCRouteProbe.call(
                for: route, manager: manager, base: GRPCCall(host: "", port: 0, method: ""))
        } catch let failure as GRPCRouteProbe.Failure {
            return Outcome(message: StyledLine(failure.description, role: .warning))
        }
        let log = route.parents.first(where: \.accepted)?.gateway.flatMap {
            manager.requestLog(gateway: $0.namespacedName)
        }
        let offset = GRPCRouteProbe.logOffset(log)
        let outcome: GRPCCall.Outcome
        do {
            outcome = try call.run()
        } catch {
            return Outcome(message: StyledLine(error.description, role: .warning))
        }
        let record = GRPCRouteProbe.record(log, from: offset, path: outcome.result.method)
        let good = outcome.result.status == .ok
        var blocks = GRPCRouteProbe.lines(call, outcome, record: record).flatMap {
            $0.split(separator: "\n", omittingEmptySubsequences: false)
        }
        .map { DiagnosticsBlock.line(StyledLine(String($0), role: good ? .normal : .error)) }
        let snapshot = try Reconciler(store: data.store, config: global.controllerConfig).snapshot()
        let findings = diagnose(data, snapshot: snapshot, namespace: route.ref.namespace, routes: [route.ref])
            .filter { $0.objects.contains { $0.contains(route.ref.namespacedName) } }
        blocks.append(.line(StyledLine("")))
        blocks +=
            findings.isEmpty
            ? [.line(StyledLine("Findings: none — the route and its backends check out", role: .accepted))]
            : [.line(StyledLine("Findings", role: .title))] + findingBlocks(findings)
        return Outcome(
            message: StyledLine(
                "probed \(route.ref.description): grpc-status \(outcome.result.status.rawValue) \(outcome.result.status.name)",
                role: good ? .accepted : .error),
            title: "Probe \(route.ref.description)", blocks: blocks,
            findingErrors: findings.filter { $0.severity == .error }.count)
    }

    func probe(_ route: L4RouteNode, data: ConsoleData) throws -> Outcome {
        let snapshot = try Reconciler(store: data.store, config: global.controllerConfig).snapshot()
        let result: StreamProbeResult
        do {
            result = try StreamRouteProbe.probe(
                route, graph: data.graph, snapshot: snapshot,
                manager: DataplaneManager(stateDirectory: data.store.directory), data: nil, name: nil)
        } catch let failure as StreamRouteProbe.Failure {
            return Outcome(message: StyledLine(failure.description, role: .warning))
        }
        let good = result.error == nil
        var blocks = result.lines.enumerated().map { index, line in
            DiagnosticsBlock.line(
                StyledLine(line, role: index == 0 ? .title : line.hasPrefix("  ✗") ? .error : .normal))
        }
        let findings = diagnose(data, snapshot: snapshot, namespace: route.ref.namespace, routes: [route.ref])
            .filter { $0.objects.contains { $0.contains(route.ref.namespacedName) } }
        blocks.append(.line(StyledLine("")))
        blocks +=
            findings.isEmpty
            ? [.line(StyledLine("Findings: none — the route and its backends check out", role: .accepted))]
            : [.line(StyledLine("Findings", role: .title))] + findingBlocks(findings)
        return Outcome(
            message: StyledLine(
                "probed \(result.route): \(result.error ?? (result.upstream.map { "proxied to \($0)" } ?? "connected"))",
                role: good ? .accepted : .error),
            title: "Probe \(result.route)", blocks: blocks,
            findingErrors: findings.filter { $0.severity == .error }.count)
    }

    public func reason(_ status: Int) -> String {
        [
            200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        ][status] ?? ""
    }

    /// The response body as lines (HTML error pages as nginx sends them).
    public func bodyLines(_ result: HTTPProbe.Result) -> [String] {
        result.body.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    public func column(_ title: String, _ result: ProbeResult) -> [StyledLine] {
        var lines = [StyledLine(title, role: .title)]
        let good = (200..<400).contains(result.status)
        lines.append(StyledLine(ProbeText.summary(result), role: good ? .accepted : .error))
        for line in bodyLines(result).prefix(8) { lines.append(StyledLine("  " + line, role: .dim)) }
        return lines
    }

    /// Doctor's findings for the namespace (only `routes`' route checks when given), most severe first: the same
    /// rules and probes as `gwconsole doctor`.
    public func diagnose(
        _ data: ConsoleData, snapshot: ResourceSnapshot, namespace: String, routes: Set<ObjectRef>? = nil,
        at: Date? = nil
    )
        -> [Finding]
    {
        let findings =
            (try? global.doctorFindings(
                store: data.store, graph: data.graph, snapshot: snapshot, namespace: namespace, routes: routes, at: at))
            ?? []
        return Finding.ordered(findings)
    }

    public func findingBlocks(_ findings: [Finding]) -> [DiagnosticsBlock] {
        var blocks: [DiagnosticsBlock] = []
        for finding in findings {
            let role: Role
            switch finding.severity {
            case .error: role = .error
            case .warning: role = .warning
            case .info: role = .dim
            }
            blocks.append(
                .line(
                    StyledLine(spans: [
                        ("\(finding.severity.rawValue.uppercased()) \(finding.code.rawValue)", role),
                        (": \(finding.summary)", .normal),
                    ])))
            blocks.append(.line(StyledLine("  objects: \(finding.objects.joined(separator: ", "))", role: .dim)))
            for evidence in finding.evidence {
                for (index, line) in evidence.split(separator: "\n").enumerated() {
                    blocks.append(.line(StyledLine((index == 0 ? "  evidence: " : "            ") + line)))
                }
            }
            for (index, line) in finding.fix.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                blocks.append(.line(StyledLine((index == 0 ? "  fix: " : "       ") + line, role: .accepted)))
            }
        }
        return blocks
    }

    // MARK: explain

    /// `:explain URL`: the explanation `gwconsole explain` prints, in the diagnostics pane.
    public func explain(_ url: String) throws -> Outcome {
        guard let parsed = RequestURL(url) else {
            return Outcome(message: StyledLine(":explain \(url): give an http:// or https:// URL", role: .error))
        }
        let (host, port, target) = (parsed.host, parsed.port, parsed.target)
        let data = try ConsoleData.open(global)
        let dataplane = data.state.facts(stateDirectory: data.store.directory)
        guard
            let (gateway, listenerPort) = BackendProbe.explainedGateway(
                url: url, resolve: [], urlPort: port, host: host, graph: data.graph, dataplane: dataplane),
            let explanation = Explanation.explain(
                RoutedRequest(host: host, target: target), port: listenerPort, gateway: gateway, graph: data.graph)
        else {
            return Outcome(
                message: StyledLine("no Gateway has a listener on port \(port) for \(host)", role: .warning))
        }
        let lines = explanation.lines.map { line -> StyledLine in
            switch line.kind {
            case .heading: return StyledLine(line.text, role: .title)
            case .taken: return StyledLine(line.text, role: .accepted)
            case .notTaken: return StyledLine(line.text, role: .error)
            case .detail: return StyledLine(line.text)
            }
        }
        return Outcome(
            message: StyledLine(
                "explain: " + (explanation.route.map { "\($0.kind) \($0.name) rule \($0.rule)" } ?? "no route (404)"),
                role: explanation.route == nil ? .warning : .accepted),
            title: "Explain \(url)", blocks: lines.map { .line($0) })
    }

    // MARK: what-if

    /// `:whatif FILE`: the report `gwconsole apply --what-if -f FILE` prints, in the diagnostics pane.
    public func whatIf(path: String) -> Outcome {
        let objects: [DecodedObject]
        do {
            objects = try ManifestLoading.load(
                paths: [(path as NSString).expandingTildeInPath], recursive: false, global: global)
            if objects.isEmpty { throw CLIError("error: no objects in \(path)") }
        } catch {
            return failed(error, title: "What-if \(path)")
        }
        return whatIf(objects, title: "What-if \(path)")
    }

    func failed(_ error: any Error, title: String) -> Outcome {
        let text = (error as? CLIError)?.message ?? "\(error)"
        return Outcome(
            message: StyledLine(text.split(separator: "\n").first.map(String.init) ?? "", role: .error),
            title: title, blocks: text.split(separator: "\n").map { .line(StyledLine(String($0), role: .error)) })
    }

    /// What applying `objects` would change (`Session.whatIf`), as the pane shows it.
    public func whatIf(_ objects: [DecodedObject], title: String) -> Outcome {
        let report: WhatIfReport
        do {
            report = try global.whatIf(.apply(objects))
        } catch {
            return failed(error, title: title)
        }
        let moved = report.changed.reduce(0) { $0 + $1.count }
        let lines = report.lines.map { line -> StyledLine in
            switch line.kind {
            case .heading: return StyledLine(line.text, role: .title)
            case .before: return StyledLine(line.text, role: .accepted)
            case .after: return StyledLine(line.text, role: .warning)
            case .detail: return StyledLine(line.text)
            }
        }
        return Outcome(
            message: StyledLine(
                "what-if: \(report.status.count) condition\(report.status.count == 1 ? "" : "s") change, "
                    + "\(moved) of \(report.replayed) replayed requests change (nothing applied)",
                role: moved > 0 || !report.status.isEmpty ? .warning : .accepted),
            title: title, blocks: lines.map { .line($0) })
    }

    // MARK: doctor

    public func doctor(at text: String? = nil) throws -> Outcome {
        var at: Date?
        if let text {
            guard let parsed = DoctorTime.parse(text, now: Date()) else {
                return Outcome(
                    message: StyledLine(
                        ":at \(text): give +Nd, +Nh or +Nm, a date (2027-01-01) or an RFC 3339 time", role: .error))
            }
            at = parsed
        }
        let data = try ConsoleData.open(global)
        let snapshot = try Reconciler(store: data.store, config: global.controllerConfig).snapshot()
        let findings = diagnose(data, snapshot: snapshot, namespace: global.effectiveNamespace, at: at)
        let title = "Doctor (namespace \(global.effectiveNamespace)\(text.map { ", at \($0)" } ?? ""))"
        if findings.isEmpty {
            return Outcome(
                message: StyledLine("doctor: no findings", role: .accepted),
                title: title,
                blocks: [
                    .line(
                        StyledLine("No findings: every Gateway, route and backend checked is healthy.", role: .accepted)
                    )
                ], findingErrors: 0)
        }
        let errors = findings.filter { $0.severity == .error }.count
        return Outcome(
            message: StyledLine(
                "doctor: \(findings.count) finding\(findings.count == 1 ? "" : "s"), \(errors) error\(errors == 1 ? "" : "s")",
                role: errors > 0 ? .error : .warning),
            title: title, blocks: findingBlocks(findings),
            findingErrors: errors)
    }

    // MARK: changes

    /// Applies manifests from a file as `gwconsole apply -f` does; errors leave everything unchanged.
    public func apply(path: String) -> Outcome {
        if global.clusterMode {
            var objects: [DecodedObject] = []
            let loaded = captured(title: "Apply \(path)") {
                objects = try ManifestLoading.load(
                    paths: [(path as NSString).expandingTildeInPath], recursive: false, global: global)
                if objects.isEmpty { throw CLIError("error: no objects passed to apply") }
            }
            return objects.isEmpty ? loaded : planCluster(objects, title: "Apply \(path)")
        }
        return captured(title: "Apply \(path)") {
            let objects = try ManifestLoading.load(
                paths: [(path as NSString).expandingTildeInPath], recursive: false, global: global)
            if objects.isEmpty { throw CLIError("error: no objects passed to apply") }
            try applyObjects(objects)
        }
    }

    /// Stores objects as `gwconsole apply` does (ApplyFlow); prints what it prints.
    public func applyObjects(_ objects: [DecodedObject]) throws {
        try ApplyFlow.run(objects, global: global, dryRun: false, trigger: "console apply")
    }

    public func delete(_ ref: ObjectRef) -> Outcome {
        captured(title: "Delete \(ref.kind) \(ref.namespacedName)") {
            guard let type = ResourceRegistry.type(for: GroupKind(group: ref.group, kind: ref.kind)) else {
                throw CLIError("error: unknown kind \(ref.kind)")
            }
            if global.clusterMode {
                // Ctrl-d asked first; the cluster's watches then show it gone.
                guard global.write else { throw CLIError(Self.readOnly) }
                let key = ObjectKey(
                    groupKind: type.groupKind, namespace: type.namespaced ? ref.namespace : "", name: ref.name)
                try ClusterWrites(session: try global.cluster()).delete([(type, key)], ignoreNotFound: false)
                return
            }
            let store = try global.openWritableStore(for: "delete")
            let results = try store.delete([
                ObjectKey(groupKind: type.groupKind, namespace: type.namespaced ? ref.namespace : "", name: ref.name)
            ])
            guard results.first.flatMap({ $0 }) != nil else {
                throw CLIError("Error from server (NotFound): \(type.qualifiedPlural) \"\(ref.name)\" not found")
            }
            try global.reconcileChange(store, trigger: "console delete", request: .force)
            Output.out("\(type.qualifiedSingular) \"\(ref.name)\" deleted\n")
        }
    }

    /// Starts (true), stops (false) or toggles (nil) the data plane.
    public func dataplane(_ up: Bool?) -> Outcome {
        captured(title: "Data plane") {
            let store = try global.openWritableStore(for: "the data plane (u)")
            let manager = DataplaneManager(stateDirectory: store.directory)
            if up ?? !manager.isRunning {
                let offset =
                    Int(ProcessInfo.processInfo.environment["GWCONSOLE_PORT_OFFSET"] ?? "") ?? manager.load().portOffset
                do { try manager.up(portOffset: offset, pinnedAddress: nil) } catch let error as DataplaneError {
                    throw CLIError("error: \(error)")
                }
                ControllerProcess.start(global, store: store)
                try global.reconcileChange(store, trigger: "console up", request: .force)
                let gateways = try DataplaneReport.gateways(
                    store: store, controllerName: global.controllerConfig.controllerName)
                try DataplaneReport.print(manager: manager, gateways: gateways, only: nil, json: false)
            } else {
                ControllerProcess.stop(stateDirectory: store.directory)
                try manager.down()
                _ = try global.openReconciledStore(trigger: "console down", force: true)
                Output.out("data plane stopped\n")
            }
        }
    }

    /// Runs the step after the last completed one, with its checks.
    public func scenarioNext(_ panel: ScenarioPanel) -> Outcome {
        let number = panel.completed + 1
        guard number <= panel.steps.count else {
            return Outcome(
                message: StyledLine(
                    "scenario \(panel.name): all \(panel.steps.count) steps are done (:scenario \(panel.name) shows it again)",
                    role: .accepted))
        }
        let title = "Scenario \(panel.name) step \(number): \(panel.steps[number - 1].title)"
        var events: [ScenarioEvent] = []
        let (result, stray) = Output.capturing {
            let scenario = try ScenarioLoading.load(panel.source).scenario
            let store = try global.openWritableStore(for: "a scenario step")
            guard DataplaneManager(stateDirectory: store.directory).isRunning else {
                throw ScenarioError.dataplaneNotRunning(hint: "u starts it, then n runs the step")
            }
            try global.scenarioRunner(scenario, store: store).runStep(number, checks: true) { events.append($0) }
        }
        var lines = events.map(Self.line(for:)) + StyledLine.lines(stray).filter { !$0.text.isEmpty }
        var outcome: Outcome
        switch result {
        case .success:
            let last = lines.last?.text.trimmingCharacters(in: .whitespaces) ?? "done"
            outcome = Outcome(message: StyledLine(last, role: .accepted), title: title, blocks: [])
        case .failure(let error):
            let message = (error as? CLIError)?.message ?? (error as? ScenarioError)?.description ?? "error: \(error)"
            lines += StyledLine.lines(message, role: .error)
            outcome = Outcome(
                message: StyledLine(message.split(separator: "\n").last.map(String.init) ?? message, role: .error),
                title: title + " — failed", blocks: [])
        }
        outcome.blocks = lines.map { .line($0) }
        var updated = panel
        if let store = try? global.openStore(), let progress = ScenarioProgress.load(stateDirectory: store.directory),
            progress.name == panel.name
        {
            updated.completed = progress.completed
        }
        updated.log = [StyledLine("Step \(number): \(panel.steps[number - 1].title)", role: .title)] + lines
        outcome.scenario = updated
        return outcome
    }

    /// The scenario panel for a name (built in or a file), with the progress recorded for this state directory.
    public func scenarioPanel(_ name: String) throws -> ScenarioPanel {
        let scenario = try ScenarioLoading.load(name).scenario
        let store = try global.openStore()
        let progress = ScenarioProgress.load(stateDirectory: store.directory)
        let steps = scenario.steps.map { step in
            ScenarioPanel.Step(
                title: step.title, prose: step.prose ?? "",
                manifest: [
                    step.apply.map(ScenarioRedaction.redactManifests),
                    step.delete.map { "# delete:\n" + ScenarioRedaction.redactManifests($0) },
                    step.manual.map { "# by hand: " + $0.command },
                ].compactMap { $0 }.joined(separator: "\n"))
        }
        return ScenarioPanel(
            name: scenario.name, source: name, title: scenario.title, steps: steps,
            completed: progress?.name == scenario.name ? min(progress!.completed, steps.count) : 0)
    }

    /// A scenario event as the diagnostics pane shows it.
    public static func line(for event: ScenarioEvent) -> StyledLine {
        let text = event.text.trimmingCharacters(in: .newlines)
        switch event {
        case .checkPassed: return StyledLine(text, role: .accepted)
        case .checkFailed: return StyledLine(text, role: .error)
        case .manual: return StyledLine(text, role: .warning)
        case .step, .started: return StyledLine(text, role: .title)
        default: return StyledLine(text)
        }
    }

    /// Runs `body` with its output captured: the output goes to the diagnostics pane, the last line to the status
    /// line; an error shows in the error colour.
    public func captured(title: String, _ body: () throws -> Void) -> Outcome {
        let (result, text) = Output.capturing(body)
        var lines = StyledLine.lines(text).map { line -> StyledLine in
            let t = line.text
            if t.contains("✗") || t.hasPrefix("error") || t.hasPrefix("Error") { return StyledLine(t, role: .error) }
            if t.hasPrefix("Warning") { return StyledLine(t, role: .warning) }
            if t.contains("✓") { return StyledLine(t, role: .accepted) }
            return line
        }
        switch result {
        case .success:
            let last =
                lines.last(where: { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty })?.text.trimmingCharacters(
                    in: .whitespaces) ?? "done"
            return Outcome(
                message: StyledLine(
                    last, role: lines.contains { $0.spans.first?.role == .warning } ? .warning : .accepted),
                title: title, blocks: lines.map { .line($0) })
        case .failure(let error):
            let message = (error as? CLIError)?.message ?? "error: \(error)"
            lines += StyledLine.lines(message, role: .error)
            return Outcome(
                message: StyledLine(message.split(separator: "\n").last.map(String.init) ?? message, role: .error),
                title: title + " — failed", blocks: lines.map { .line($0) })
        }
    }
}
