import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import ResourcePrinters

/// The ncurses console: the topology tree with status, the selected object's description, live refresh.
enum ConsoleRunner {
    static func run(global: GlobalOptions) throws {
        var theme = Theme.standard
        if let path = ProcessInfo.processInfo.environment["GWCONSOLE_THEME"], !path.isEmpty {
            do {
                theme = try Theme.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
            } catch {
                Output.error("Warning: theme \(path): \(error); using the default theme")
            }
        }
        let screen = CursesScreen(theme: theme)
        screen.start()
        defer { screen.stop() }
        var state = ConsoleState()
        var revision: Int64 = -1
        var lastDescribed: ObjectRef?
        func reload() throws {
            let (store, graph) = try global.openReconciledStore(readOnly: true)
            revision = try store.revision()
            let running = DataplaneManager(stateDirectory: store.directory).isRunning
            state.rows = TopologyTree.rows(graph)
            state.selected = min(state.selected, max(0, state.rows.count - 1))
            let problems = state.rows.filter { $0.role == .error || $0.role == .notAttached }.count
            state.header = "gwconsole  state \(store.directory)  ns \(global.effectiveNamespace)  data plane \(running ? "up" : "down")  problems \(problems)"
            describe(store: store, graph: graph)
        }
        func describe(store: Store, graph: Graph) {
            guard state.rows.indices.contains(state.selected), let ref = state.rows[state.selected].ref,
                  let type = ResourceRegistry.type(for: GroupKind(group: ref.group, kind: ref.kind)),
                  let object = try? store.get(ObjectKey(groupKind: type.groupKind, namespace: type.namespaced ? ref.namespace : "", name: ref.name)) else {
                state.detail = []
                return
            }
            lastDescribed = ref
            state.detail = Describer.describe(type, object: object.object, sections: GraphSections.sections(for: ref, in: graph))
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        try reload()
        while !state.quit {
            screen.refreshSize()
            state.draw(on: screen)
            screen.flush()
            if let key = screen.key() {
                let action = state.handle(key: key, pageSize: max(1, screen.rows - 3))
                if action == .moved || action == .describe {
                    let (store, graph) = try global.openReconciledStore(readOnly: true)
                    describe(store: store, graph: graph)
                }
            } else {
                // Live: another process changed the store.
                let store = try global.openStore()
                if try store.revision() != revision { try reload() }
            }
        }
        _ = lastDescribed
    }
}
