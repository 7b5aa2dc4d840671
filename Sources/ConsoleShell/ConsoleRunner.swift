import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import Scenarios
import Session

/// Options of the console (the root command's).
public struct ConsoleOptions {
    public var theme: String?
    public var scenario: String?

    public init(theme: String?, scenario: String?) {
        self.theme = theme
        self.scenario = scenario
    }
}

/// Tells the cluster watchers to stop.
/// The keys of the streams that run, for threads that start and end them.
public final class StreamRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: Set<String> = []
    public func contains(_ key: String) -> Bool { lock.withLock { keys.contains(key) } }
    /// False when it already runs.
    public func start(_ key: String) -> Bool { lock.withLock { keys.insert(key).inserted } }
    public func end(_ key: String) { _ = lock.withLock { keys.remove(key) } }
}

/// A graph read by other threads; built on first use from the console's data.
public final class GraphBox: @unchecked Sendable {
    private let lock = NSLock()
    private var make: (() -> Graph?)?
    private var graph: Graph?
    public func set(_ make: @escaping () -> Graph?) {
        lock.withLock {
            self.make = make
            graph = nil
        }
    }
    public func get() -> Graph? {
        lock.withLock {
            if let graph { return graph }
            graph = make?()
            return graph
        }
    }
}

public final class ClusterWatchers: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    public var stopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
    public func stop() {
        lock.lock()
        flag = true
        lock.unlock()
    }
}

/// Hands a value that is only touched by one thread at a time to the worker thread.

/// Results of background work, waiting for the UI thread.
public final class ConsoleInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ConsoleActions.Outcome] = []
    public func post(_ outcome: ConsoleActions.Outcome) {
        lock.lock()
        items.append(outcome)
        lock.unlock()
    }
    public func drain() -> [ConsoleActions.Outcome] {
        lock.lock()
        defer {
            items = []
            lock.unlock()
        }
        return items
    }
}

/// The ncurses console's shell: owns the terminal, reads the store, runs effects (in the background when they
/// touch nginx or the network) and feeds results back into the pure `ConsoleModel`.
public final class ConsoleRunner {
    public var global: Session
    public let options: ConsoleOptions
    public let config: ConsoleConfig
    public let catalog: ThemeCatalog
    public var model = ConsoleModel()
    public let screen: CursesScreen
    public var data: ConsoleData?
    public var revision: Int64 = -1
    public var viewsRevision: Int64?
    public var running = false
    public let worker = DispatchQueue(label: "gwconsole.console.worker")
    public let inbox = ConsoleInbox()
    public var dirty = true
    public var pendingEdits: [ObjectRef: (text: String, errors: String)] = [:]
    public var startupMessages: [String] = []

    public static func run(global: Session, options: ConsoleOptions) throws {
        let runner = try ConsoleRunner(global: global, options: options)
        try runner.run()
    }

    public init(global: Session, options: ConsoleOptions) throws {
        self.global = global
        self.options = options
        let environment = ProcessInfo.processInfo.environment
        let configDirectory = ConsoleConfig.directory(environment: environment)
        var config = ConsoleConfig()
        do {
            config = try ConsoleConfig.load(file: configDirectory + "/config.yaml")
        } catch {
            startupMessages.append("config \(configDirectory)/config.yaml: \(error); using defaults")
        }
        self.config = config
        catalog = ThemeCatalog(configDirectory: configDirectory)
        let themeName =
            options.theme ?? environment["GWCONSOLE_THEME"].flatMap { $0.isEmpty ? nil : $0 } ?? config.theme
            ?? "default"
        let (theme, warning) = catalog.load(themeName)
        if let warning { startupMessages.append(warning) }
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        screen = CursesScreen(theme: theme, useColor: !noColor)
        model.themeName = theme.name
        model.mouse = config.mouse
        model.glyphs = config.ascii || !CursesScreen.localeIsUTF8 ? .ascii : .unicode
        if self.global.namespace == nil, let namespace = config.namespace { self.global.namespace = namespace }
    }

    public func run() throws {
        // Stray stderr output would garble the screen: it goes to the state directory's console.log meanwhile.
        let store = try global.openStore()
        let savedStderr = dup(STDERR_FILENO)
        let log = open(store.directory + "/console.log", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if log >= 0 {
            dup2(log, STDERR_FILENO)
            close(log)
        }
        screen.start(mouse: config.mouse)
        defer {
            screen.stop()
            if savedStderr >= 0 {
                dup2(savedStderr, STDERR_FILENO)
                close(savedStderr)
            }
        }
        try reload()
        clusterWatchers = try startClusterWatchers()
        defer { clusterWatchers?.stop() }
        defer { streamsStop.stop() }
        model.completions = completions()
        if !startupMessages.isEmpty {
            model.message = StyledLine(startupMessages.joined(separator: "; "), role: .warning)
        }
        if let name = options.scenario {
            perform(.scenario(name))
            // Show where the scenario stands: probe its route when traffic can flow.
            if running, let route = data?.graph.routes.first {
                background("probing HTTPRoute \(route.ref.namespacedName)") { try $0.probe(route.ref) }
            }
        }
        loadDetail()
        var nextCheck = Date()
        while true {
            for outcome in inbox.drain() { receive(outcome) }
            if Date() >= nextCheck {
                checkForChanges()
                nextCheck = Date().addingTimeInterval(Double(config.refreshMillis) / 1000)
            }
            if dirty || model.busy != nil {
                model.tick()
                screen.refreshSize()
                ConsoleRenderer.draw(&model, on: screen)
                screen.flush()
                dirty = false
            }
            guard let key = screen.key() else { continue }
            dirty = true
            if key == .resize { continue }
            let layout = ConsoleLayout(rows: screen.rows, columns: screen.columns, model: model)
            for effect in model.handle(key, layout: layout) {
                if effect == .quit { return }
                perform(effect)
            }
        }
    }

    /// In cluster mode, one watch per kind keeps the cache current; the live refresh shows what they write.
    public func startClusterWatchers() throws -> ClusterWatchers? {
        guard global.clusterMode else { return nil }
        let session = try global.cluster()
        // A ready cache keeper already watches every kind into the same cache.
        if ClusterKeeper.isReady(global, session: session, store: try session.store(keeper: global)) { return nil }
        let watchers = ClusterWatchers()
        let store = try session.store()
        let inbox = self.inbox
        for type in ClusterSession.kinds {
            guard let version = session.report()?.served[type.groupKind.description] else { continue }
            let sync = Handoff(value: ClusterSync(session: session, store: store))
            Thread.detachNewThread {
                sync.value.watch(
                    type, version: version, stop: { watchers.stopped },
                    onError: { message in
                        inbox.post(ConsoleActions.Outcome(message: StyledLine(message, role: .warning), quiet: true))
                    })
            }
        }
        return watchers
    }

    // MARK: reading

    /// Reads the store again; `reconcile` brings status up to date first (on start, after the console's own work
    /// and on Ctrl-r; live refreshes only read, so they never wait on a reconcile or an nginx reload).
    public func reload(reconcile: Bool = true) throws {
        let data = try ConsoleData.open(global, reconcile: reconcile)
        self.data = data
        revision = try data.store.revision()
        viewsRevision = try Reconciler.viewsRevision(data.store)
        running = DataplaneManager(stateDirectory: data.store.directory).isRunning
        let rows = data.tree
        model.setTree(rows)
        model.header = data.header(rows: rows)
        if case .list(let kind) = model.view { model.setList(try data.list(kind)) }
        dirty = true
    }

    /// The console's own cluster watchers (nil: none, a cache keeper watches).
    public var clusterWatchers: ClusterWatchers?
    public var lastKeeperLook = Date()

    /// In cluster mode with a cache keeper: tell it every half minute that the console still reads its cache, and
    /// take over the watching when it has stopped.
    public func keepClusterCacheCurrent() {
        guard global.clusterMode, clusterWatchers == nil, Date().timeIntervalSince(lastKeeperLook) > 30,
            let session = try? global.cluster()
        else { return }
        lastKeeperLook = Date()
        let paths = ClusterKeeper.paths(session)
        if paths.isRunning {
            _ = ControllerClient.sync(paths, revision: 0, request: .status)
        } else {
            clusterWatchers = try? startClusterWatchers()
        }
    }

    /// A cluster write the user has seen and not yet confirmed.
    public var pendingPlan: [ClusterWrites.Change]?

    /// The Requests tab from the request book, with its filter.
    public func showRequests() {
        let (lines, routes, urls) = requestBook.lines(for: model.selectedRef, filter: model.requestFilter)
        model.detail = lines
        model.requestRoutes = routes
        model.requestURLs = urls
        dirty = true
    }

    /// The Gateways' request logs, followed for the Requests tab and the header.
    public let requestBook = RequestLogBook()

    /// New requests in the logs: the header counts routes that fail, the Requests tab shows them as they come.
    public func followRequests() {
        guard let data else { return }
        let new: Bool
        if global.clusterMode {
            startClusterRequestStreams(data)
            new = requestBook.takeAppended()
        } else {
            new = requestBook.poll(stateDirectory: data.store.directory)
        }
        // Recounted on every look: a route's failures age out of the minute without new requests.
        let failing = requestBook.failingRoutes()
        if failing != model.trafficErrors {
            model.trafficErrors = failing
            dirty = true
        }
        guard new else { return }
        if model.detailTab == .requests { showRequests() }
        dirty = true
    }

    /// Gateways whose data plane pod's log is streamed (cluster mode), and whether the console still runs.
    public let requestStreams = StreamRegistry()
    public let streamsStop = ClusterWatchers()
    /// The graph the streams map requests to routes with: the console's current one.
    public let streamGraph = GraphBox()
    public var streamGraphRevision: Int64 = -1

    /// In cluster mode, one stream per Gateway of its NGF data plane pod's log into the request book; a Gateway
    /// without a pod, or whose stream ended (its pod replaced, the connection lost), is tried again on a later look.
    public func startClusterRequestStreams(_ data: ConsoleData) {
        guard let session = try? global.cluster(),
            let gateways = try? data.store.list(ResourceRegistry.gateway.groupKind)
        else { return }
        // Built on a stream's thread when a request needs it, from its own connection, once per change.
        if streamGraphRevision != revision {
            streamGraphRevision = revision
            let directory = data.store.directory
            let config = global.clusterControllerConfig
            streamGraph.set {
                guard let store = try? Store(directory: directory) else { return nil }
                return try? Reconciler(store: store, config: config).currentGraph()
            }
        }
        for gateway in gateways {
            let key = "\(gateway.namespace)/\(gateway.name)"
            let graph = streamGraph
            var log = ClusterRequestLog(
                session: session, store: data.store, graph: { graph.get() },
                gateway: .gateway(gateway.namespace, gateway.name))
            log.tailLines = 500
            guard !requestStreams.contains(key), (try? log.pod()) != nil, requestStreams.start(key) else { continue }
            let book = requestBook
            let stop = streamsStop
            let streams = requestStreams
            let handoff = Handoff(value: log)
            Thread.detachNewThread {
                defer { streams.end(key) }
                try? handoff.value.stream(follow: true) { record in
                    book.append([record], gateway: key)
                    return !stop.stopped
                }
                // Not at once again: a pod still starting answers 400 to a log request.
                usleep(2_000_000)
            }
        }
    }

    public func checkForChanges() {
        keepClusterCacheCurrent()
        followRequests()
        guard let data else { return }
        // A change, the views the controller derived for it (the tree shown meanwhile is the one before), the data
        // plane started or stopped.
        let changed =
            ((try? data.store.revision()) ?? revision) != revision
            || ((try? Reconciler.viewsRevision(data.store)) ?? viewsRevision) != viewsRevision
            || DataplaneManager(stateDirectory: data.store.directory).isRunning != running
        guard changed else { return }
        // Another process changed the state: what the last probe found may no longer hold.
        if ((try? data.store.revision()) ?? revision) != revision { model.findingErrors = 0 }
        do {
            try reload(reconcile: false)
            loadDetail()
        } catch {
            model.message = StyledLine("cannot reload: \(error)", role: .error)
        }
    }

    public func loadDetail() {
        if model.detailTab == .requests {
            showRequests()
            return
        }
        guard let data else { return }
        model.detail = data.detail(
            model.selectedRef, tab: model.detailTab, fullConfig: model.fullConfig, glyphs: model.glyphs)
        if model.detailTab == .nginx && model.fullConfig,
            let first = model.detail.firstIndex(where: { $0.spans.first?.role == .configHighlight })
        {
            model.detailScroll = max(0, first - 3)
        }
        dirty = true
    }

    public func completions() -> [String: [String]] {
        var namespaces = Set(["default"])
        if let store = data?.store { namespaces.formUnion((try? store.namespacesInUse()) ?? []) }
        let files =
            ((try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.currentDirectoryPath)) ?? [])
            .filter { file in [".yaml", ".yml", ".json", ".md"].contains { file.hasSuffix($0) } }
        return [
            "ns": namespaces.sorted(), "scenario": BuiltinScenarios.files.map(\.name), "theme": catalog.names,
            "apply": files.sorted(),
        ]
    }

    // MARK: effects

    public func perform(_ effect: Effect) {
        dirty = true
        let actions = ConsoleActions(global: global)
        switch effect {
        case .quit: break
        case .loadDetail: loadDetail()
        case .reload:
            do {
                try reload()
                loadDetail()
            } catch { model.message = StyledLine("cannot reload: \(error)", role: .error) }
        case .showList(let kind):
            do {
                guard let list = try data?.list(kind) else {
                    model.message = StyledLine("unknown command or kind \"\(kind)\" (? lists them)", role: .error)
                    return
                }
                model.view = .list(kind)
                model.selected = 0
                model.scroll = 0
                model.focus = .tree
                model.setList(list)
                loadDetail()
            } catch {
                model.message = StyledLine("cannot list \(kind): \(error)", role: .error)
            }
        case .probe(let ref):
            background("probing \(ref.kind) \(ref.namespacedName)") { try $0.probe(ref) }
        case .doctor:
            background("doctor: checking the namespace \(global.effectiveNamespace)") { try $0.doctor() }
        case .doctorAt(let time):
            background("doctor: certificates at \(time)") { try $0.doctor(at: time) }
        case .explain(let url):
            background("explaining \(url)") { try $0.explain(url) }
        case .whatIfEdit(let ref):
            edit(ref, whatIf: true)
        case .whatIf(let path):
            background("what-if: replaying recent requests against \(path)") { $0.whatIf(path: path) }
        case .apply(let path):
            background("applying \(path)") { $0.apply(path: path) }
        case .delete(let ref):
            background("deleting \(ref.kind) \(ref.namespacedName)") { $0.delete(ref) }
        case .commitPlan:
            guard let plan = pendingPlan else { return }
            pendingPlan = nil
            let handoff = Handoff(value: plan)
            background("applying the plan to the cluster") { $0.commit(handoff.value) }
        case .dataplane(let up):
            let starting = up ?? !running
            background(starting ? "starting the data plane" : "stopping the data plane") { $0.dataplane(starting) }
        case .scenarioNext:
            guard let panel = model.scenario else { return }
            let number = panel.completed + 1
            if number <= panel.steps.count,
                let manual = try? ScenarioLoading.load(panel.source).scenario.steps[number - 1].manual
            {
                manualStep(manual, number: number, panel: panel)
                return
            }
            background("scenario \(panel.name): step \(number)") { actions in
                var outcome = actions.scenarioNext(panel)
                // A step that sends traffic: show the probe of its route too.
                if number <= panel.steps.count, outcome.message.spans.first?.role != .error,
                    let checks = try? ScenarioLoading.load(panel.source).scenario.steps[number - 1].checks,
                    let probe = checks.compactMap(\.probe).first,
                    let data = try? ConsoleData.open(actions.global),
                    let route = data.graph.routes.first(where: { ($0.source.spec.hostnames ?? []).contains(probe.host) }
                    ),
                    let probed = try? actions.probe(route.ref)
                {
                    outcome.blocks += [.line(StyledLine(""))] + probed.blocks
                    outcome.message = StyledLine(
                        spans: outcome.message.spans + [
                            (text: "   " + probed.message.text, role: probed.message.spans.first?.role ?? .normal)
                        ])
                }
                return outcome
            }
        case .scenario(let name):
            do {
                model.scenario = try actions.scenarioPanel(name)
                model.detailTab = .scenario
                model.detailScroll = 0
                let panel = model.scenario!
                model.message = StyledLine(
                    "scenario \(panel.name): \(panel.completed) of \(panel.steps.count) steps done; n runs the next",
                    role: .accepted)
            } catch {
                model.message = StyledLine((error as? CLIError)?.message ?? "\(error)", role: .error)
            }
        case .theme(let name):
            let (theme, warning) = catalog.load(name)
            screen.apply(theme)
            model.themeName = theme.name
            model.message =
                warning.map { StyledLine($0, role: .warning) } ?? StyledLine("theme \(theme.name)", role: .accepted)
        case .namespace(let name):
            guard NameRules.dns1123Label(name) == nil else {
                model.message = StyledLine(
                    "\"\(name)\" is not a valid namespace name (a DNS label: a-z, 0-9, -)", role: .error)
                return
            }
            global.namespace = name
            do {
                try reload()
                loadDetail()
            } catch { model.message = StyledLine("cannot reload: \(error)", role: .error) }
            model.message = StyledLine("namespace \(name)", role: .accepted)
        case .edit(let ref):
            edit(ref)
        }
    }

    /// Runs work on the worker thread with a spinner; one piece of work at a time.
    public func background(_ label: String, _ job: @escaping (ConsoleActions) throws -> ConsoleActions.Outcome) {
        if let busy = model.busy {
            model.message = StyledLine("busy: \(busy); wait for it", role: .warning)
            return
        }
        model.busy = label
        let actions = Handoff(value: ConsoleActions(global: global))
        let work = Handoff(value: job)
        let inbox = self.inbox
        worker.async {
            let outcome: ConsoleActions.Outcome
            do {
                outcome = try work.value(actions.value)
            } catch {
                let message = (error as? CLIError)?.message ?? "\(error)"
                outcome = ConsoleActions.Outcome(message: StyledLine(message, role: .error))
            }
            inbox.post(outcome)
        }
    }

    public func receive(_ outcome: ConsoleActions.Outcome) {
        if outcome.quiet {
            // A note from a background watcher: show it, nothing else changes.
            model.message = outcome.message
            dirty = true
            return
        }
        model.busy = nil
        model.message = outcome.message
        if let title = outcome.title, !outcome.blocks.isEmpty {
            model.showDiagnostics(title: title, blocks: outcome.blocks)
        }
        if let scenario = outcome.scenario { model.scenario = scenario }
        if let errors = outcome.findingErrors { model.findingErrors = errors }
        if let plan = outcome.plan {
            pendingPlan = plan
            model.mode = .confirm("Apply this plan to the cluster? (the diff is in diagnostics)", .commitPlan)
        }
        let before = revision
        do { try reload() } catch { model.message = StyledLine("cannot reload: \(error)", role: .error) }
        // Work that changed the state (an apply, a scenario step) makes the last probe's findings old news.
        if outcome.findingErrors == nil && revision != before { model.findingErrors = 0 }
        model.completions = completions()
        loadDetail()
    }

    /// A guide's `kubectl edit` step: the object opens in $EDITOR (applied on save, as `e` does), and the step counts
    /// as done; a manual step without an object is shown for the user to do.
    public func manualStep(_ manual: Scenario.Manual, number: Int, panel: ScenarioPanel) {
        var target: ObjectRef?
        if let edit = manual.edit, let type = ResourceRegistry.resolve(edit.kind) {
            target = ObjectRef(
                group: type.group, kind: type.kind,
                namespace: type.namespaced ? edit.namespace ?? global.effectiveNamespace : "",
                name: edit.name)
        }
        if let target { edit(target) }
        guard let store = try? global.openStore() else { return }
        ScenarioProgress(name: panel.name, completed: number).save(stateDirectory: store.directory)
        model.scenario?.completed = number
        model.scenario?.log = [
            StyledLine("Step \(number): \(panel.steps[number - 1].title)", role: .title),
            StyledLine("by hand: \(manual.command)", role: .warning),
        ]
        if target == nil { model.message = StyledLine("step \(number) is by hand: \(manual.command)", role: .warning) }
    }

    /// The note atop an edit reopened after its what-if.
    static let whatIfPending = "what-if only (W): nothing was applied; save this to apply it"

    /// `e`: edit and apply on save. `W` (`whatIf`): edit and show what applying it would change, nothing applied;
    /// the edit stays pending, so `e` reopens it to apply.
    public func edit(_ ref: ObjectRef, whatIf: Bool = false) {
        guard let data, let (_, object) = try? data.stored(ref) else {
            model.message = StyledLine(
                "\(ref.kind) \(ref.namespacedName) is not in the store: nothing to edit", role: .warning)
            return
        }
        let pending = pendingEdits[ref]
        let stored = ConsoleEditor.editable(object.object)
        let editor = ConsoleEditor(global: global, editor: ConsoleEditor.command(configured: config.editor))
        let result = editor.edit(
            ref: ref, text: pending?.text ?? stored, previousErrors: pending?.errors,
            // After a what-if, the edit as it was is a change: saved as it is, it applies.
            unchanged: pending?.errors == Self.whatIfPending ? stored : nil,
            suspend: { screen.suspend() }, resume: { screen.resume() })
        dirty = true
        switch result {
        case .cancelled(let message):
            pendingEdits[ref] = nil
            model.message = StyledLine(message, role: .dim)
        case .invalid(let text, let errors):
            pendingEdits[ref] = (text, errors)
            model.showDiagnostics(
                title: "Edit of \(ref.kind) \(ref.namespacedName) not applied",
                lines:
                    StyledLine.lines(errors, role: .error) + [
                        StyledLine("nothing was applied; e reopens your edit with these errors on top", role: .dim)
                    ])
            model.message = StyledLine(
                "edit not applied: \(errors.split(separator: "\n").first ?? "") (e reopens it)", role: .error)
        case .ready(let objects, let text) where whatIf:
            pendingEdits[ref] = (text, Self.whatIfPending)
            let handoff = Handoff(value: objects)
            background("what-if: the edit of \(ref.kind) \(ref.namespacedName)") { actions in
                actions.whatIf(handoff.value, title: "What-if: edit of \(ref.kind) \(ref.namespacedName)")
            }
        case .ready(let objects, _):
            pendingEdits[ref] = nil
            let handoff = Handoff(value: objects)
            background("applying the edit of \(ref.kind) \(ref.namespacedName)") { actions in
                if actions.global.clusterMode {
                    return actions.planCluster(handoff.value, title: "Edit of \(ref.kind) \(ref.namespacedName)")
                }
                return actions.captured(title: "Edit of \(ref.kind) \(ref.namespacedName)") {
                    try actions.applyObjects(handoff.value)
                }
            }
        }
    }
}
