import Dataplane
import Foundation
import GatewayAPI

/// Storing objects as `apply` does, for the command and the console: one transaction (nothing stored when one
/// object is refused), a reconcile, kubectl's lines, and the pre-flight of BackendTLSPolicies.
public enum ApplyFlow {
    public static func run(
        _ objects: [DecodedObject], global: Session, dryRun: Bool, verbose: Bool = false,
        trigger: String = "apply"
    ) throws {
        let store: Store
        do {
            store = try global.openWritableStore(for: "apply")
        } catch let error as CLIError {
            throw CLIError(error.message + "\nerror: nothing was applied")
        }
        let outcomes = try Self.store(objects, in: store, dryRun: dryRun)
        if !dryRun { try global.reconcileChange(store, trigger: trigger) }
        for (object, outcome) in zip(objects, outcomes) {
            Output.out(
                "\(object.type.qualifiedSingular)/\(object.name) \(outcome.action.rawValue)\(dryRun ? " (dry run)" : "")\n"
            )
            if !object.type.supported {
                Output.error(
                    "Warning: \(object.type.qualifiedSingular)/\(object.name): kind \(object.type.kind) (\(object.apiVersion)) is not supported by gwconsole: it is stored and listed, not processed"
                )
            }
        }
        // Pre-flight: predict nginx's verdict on every BackendTLSPolicy's backends before traffic meets it.
        let lines = try Preflight.check(objects, store: store, global: global)
        // A dry run shows every check, a real apply its warnings; -v unfolded.
        let relevant = dryRun ? lines : lines.filter { !$0.ok }
        let shown = verbose ? lines.map { (ok: $0.ok, text: $0.text) } : Preflight.folded(relevant)
        for line in shown {
            if dryRun {
                Output.out("preflight: \(line.text)\n")
            } else if !line.ok {
                Output.error("Warning: \(line.text)")
            }
        }
    }
}

extension ApplyFlow {
    /// Stores objects in one transaction (or rolls it back: `dryRun`), a refusal named by the object's file and line.
    public static func store(_ objects: [DecodedObject], in store: Store, dryRun: Bool = false) throws
        -> [ApplyOutcome]
    {
        do {
            return try store.apply(objects, dryRun: dryRun)
        } catch let error as ObjectStoreError {
            let object = objects[error.index]
            let position = object.position.map { "\($0): " } ?? ""
            throw CLIError(
                "\(position)\(object.type.qualifiedSingular)/\(object.name): \(error.error)\nerror: nothing was applied"
            )
        } catch let error as StoreError {
            throw CLIError("error: \(error)\nerror: nothing was applied")
        }
    }
}

/// Reads and decodes manifests for apply and delete, turning every problem into one positioned report.
public enum ManifestLoading {
    public static func checkCount(_ count: Int) throws {
        let limit = ResourceLimits.current.maxObjectsPerApply
        if count > limit {
            throw CLIError(
                "error: \(count) objects in one apply, over the limit of \(limit) (GWCONSOLE_MAX_APPLY_OBJECTS); "
                    + "split them into several applies\nerror: nothing was applied")
        }
    }

    public static func load(paths: [String], recursive: Bool, global: Session) throws -> [DecodedObject] {
        do {
            let documents = try ManifestReader(recursive: recursive).read(paths: paths)
            try checkCount(documents.count)
            let decoder = ManifestDecoder(
                defaultNamespace: global.effectiveNamespace, enforceNamespace: global.namespace != nil)
            let objects = try decoder.decode(documents)
            try checkCount(objects.count)  // a List document holds many
            return objects
        } catch let error as ManifestErrors {
            let count = error.errors.count
            throw CLIError(
                error.errors.map(\.description).joined(separator: "\n")
                    + "\nerror: \(count) problem\(count == 1 ? "" : "s") found; nothing was applied")
        } catch let error as ManifestError {
            throw CLIError("\(error.position == nil ? "error: " : "")\(error)\nerror: nothing was applied")
        }
    }
}
