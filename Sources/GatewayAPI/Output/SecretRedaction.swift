import Foundation

/// Hides Secret values in manifest text shown to the user (a scenario's steps, say): in every YAML document of
/// `kind: Secret`, each entry under `data:` or `stringData:` keeps its key and loses its value. Line-based, so the
/// rest of the text stays as written; manifests indented inside another file (a scenario's block scalars) work too:
/// a document ends at `---` or where the text goes back left of where the document began.
public enum SecretRedaction {
    public static func redact(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        func blank(_ line: String) -> Bool { line.trimmingCharacters(in: .whitespaces).isEmpty }

        /// Whether the document starting at `start` (its lines at indentation ≥ `level`) is a Secret.
        func isSecret(from start: Int, level: Int) -> Bool {
            var i = start
            while i < lines.count {
                let line = lines[i]
                if !blank(line) {
                    if indent(line) < level || (i > start && line.trimmingCharacters(in: .whitespaces) == "---") {
                        return false
                    }
                    if indent(line) == level && line.trimmingCharacters(in: .whitespaces) == "kind: Secret" {
                        return true
                    }
                }
                i += 1
            }
            return false
        }

        var out: [String] = []
        var level = lines.first { !blank($0) }.map(indent) ?? 0
        var secret = isSecret(from: 0, level: level)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if blank(line) {
                out.append(line)
                index += 1
                continue
            }
            if trimmed == "---" {
                out.append(line)
                index += 1
                let next = lines[index...].first { !blank($0) }
                level = next.map(indent) ?? level
                secret = isSecret(from: index, level: level)
                continue
            }
            if indent(line) != level && (indent(line) < level || !secret) {
                // Text outside the current document: a new one may start here (a block scalar's first manifest).
                if indent(line) < level || trimmed.hasPrefix("apiVersion:") || trimmed.hasPrefix("kind:") {
                    level = indent(line)
                    secret = isSecret(from: index, level: level)
                }
            }
            if secret && indent(line) == level && (trimmed == "data:" || trimmed == "stringData:") {
                out.append(line)
                index += 1
                var entryLevel: Int?
                while index < lines.count {
                    let entry = lines[index]
                    if blank(entry) {
                        index += 1
                        continue
                    }
                    if indent(entry) <= level { break }
                    if entryLevel == nil { entryLevel = indent(entry) }
                    let entryTrimmed = entry.trimmingCharacters(in: .whitespaces)
                    if indent(entry) == entryLevel, let colon = entryTrimmed.firstIndex(of: ":") {
                        out.append(String(repeating: " ", count: indent(entry)) + entryTrimmed[..<colon] + ": <hidden>")
                    }
                    index += 1
                }
                continue
            }
            out.append(line)
            index += 1
        }
        return out.joined(separator: "\n")
    }
}
