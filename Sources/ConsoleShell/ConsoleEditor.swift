import ConsoleUI
import Dataplane
import Foundation
import GatewayAPI
import GatewayCore
import ResourcePrinters
import Session

/// `e`: the selected object in $VISUAL/$EDITOR as YAML; applied on save. Invalid input applies nothing and the
/// next `e` reopens the edited text with the errors on top, as `kubectl edit` does.
public struct ConsoleEditor {
    public let global: Session
    public let editor: String

    /// The editor command: $VISUAL, $EDITOR, the config file's, else vi.
    public static func command(configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        for candidate in [environment["VISUAL"], environment["EDITOR"], configured] {
            if let candidate, !candidate.trimmingCharacters(in: .whitespaces).isEmpty { return candidate }
        }
        return "vi"
    }

    public enum Result {
        case cancelled(String)
        case invalid(text: String, errors: String)
        /// The objects, and the edited text (for a what-if, kept to reopen).
        case ready([DecodedObject], text: String)
    }

    /// The YAML to edit: the object without status and server-set metadata.
    public static func editable(_ object: JSONValue) -> String {
        var value = object
        value["status"] = nil
        if case .object(var metadata)? = value["metadata"] {
            for field in ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"] {
                metadata[field] = nil
            }
            value["metadata"] = .object(metadata)
        }
        return YAMLWriter.write(value)
    }

    /// Writes the text (mode 0600: it may hold Secret data), runs the editor on the terminal, reads the result.
    /// `previousErrors` go on top as comments.
    /// `unchanged`: the text that counts as no change when it differs from `text` (an edit reopened after a
    /// what-if: saving it as it is applies it).
    public func edit(
        ref: ObjectRef, text: String, previousErrors: String?, unchanged: String? = nil, suspend: () -> Void,
        resume: () -> Void
    ) -> Result {
        let directory = FileManager.default.temporaryDirectory.path
        let file =
            "\(directory)/gwconsole-edit-\(ref.kind.lowercased())-\(ref.name)-\(UUID().uuidString.prefix(8)).yaml"
        var header =
            "# Edit \(ref.kind) \(ref.namespacedName) and save to apply it; an unchanged or empty file cancels.\n"
        if let previousErrors {
            header +=
                "# The last edit was not applied:\n"
                + previousErrors.split(separator: "\n").map { "#   \($0)\n" }.joined()
        }
        let original = header + text
        guard
            FileManager.default.createFile(
                atPath: file, contents: Data(original.utf8), attributes: [.posixPermissions: 0o600])
        else {
            return .cancelled("cannot write \(file)")
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        suspend()
        let status = (try? Spawn.interactive("/bin/sh", ["-c", editor + " \"$1\"", "gwconsole-edit", file])) ?? 127
        resume()
        guard status == 0 else {
            return .cancelled("the editor (\(editor)) exited with status \(status); nothing applied")
        }
        guard let edited = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .cancelled("cannot read \(file) back; nothing applied")
        }
        let body = edited.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(
            separator: "\n")
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let same =
            unchanged.map { trimmed == $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? (edited == original)
        if same || trimmed.isEmpty {
            return .cancelled("edit cancelled: no changes")
        }
        let bodyText = body
        do {
            let documents = try ManifestReader.documents(
                from: Data(edited.utf8), file: "edit of \(ref.kind) \(ref.namespacedName)")
            let objects = try ManifestDecoder(
                defaultNamespace: ref.namespace.isEmpty ? global.effectiveNamespace : ref.namespace
            ).decode(documents)
            guard objects.count == 1, let object = objects.first else {
                return .invalid(text: bodyText, errors: "an edit holds exactly one object (found \(objects.count))")
            }
            let sameKind = object.type.kind == ref.kind && object.type.group == ref.group
            let sameName = object.name == ref.name && (!object.type.namespaced || object.namespace == ref.namespace)
            guard sameKind && sameName else {
                return .invalid(
                    text: bodyText,
                    errors:
                        "the kind, name and namespace cannot change in an edit (was \(ref.kind) \(ref.namespacedName), now \(object.type.kind) \(object.namespace)/\(object.name))"
                )
            }
            return .ready(objects, text: bodyText)
        } catch let error as ManifestErrors {
            return .invalid(text: bodyText, errors: error.description)
        } catch let error as ManifestError {
            return .invalid(text: bodyText, errors: error.description)
        } catch {
            return .invalid(text: bodyText, errors: "\(error)")
        }
    }
}
