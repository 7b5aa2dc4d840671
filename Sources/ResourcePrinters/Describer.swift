import Foundation
import GatewayAPI

/// `kubectl describe` output: kubectl's generic describer layout (Name, Namespace, Labels, Annotations, then every
/// field with Title Case labels, then Events), and kubectl's Secret describer, which shows data sizes, never values.
public enum Describer {
    /// An event line for the Events table.
    public struct Event: Sendable {
        public var type: String
        public var reason: String
        public var age: String
        public var from: String
        public var message: String

        public init(type: String, reason: String, age: String, from: String, message: String) {
            self.type = type
            self.reason = reason
            self.age = age
            self.from = from
            self.message = message
        }
    }

    public static func describe(
        _ type: ResourceType, object: JSONValue, events: [Event] = [],
        sections: [GraphSections.Section] = []
    ) -> String {
        if type.groupKind == ResourceRegistry.secret.groupKind { return describeSecret(object, events: events) }
        var w = TabWriter()
        let meta = object["metadata"] ?? [:]
        w.line(0, "Name:\t\(meta["name"]?.stringValue ?? "")")
        if type.namespaced { w.line(0, "Namespace:\t\(meta["namespace"]?.stringValue ?? "")") }
        writeMap(&w, "Labels", meta["labels"]?.objectValue, separator: "=")
        writeMap(&w, "Annotations", meta["annotations"]?.objectValue, separator: ": ")
        var content = object.objectValue ?? [:]
        var metadata = meta.objectValue ?? [:]
        for skipped in ["managedFields", "name", "namespace", "labels", "annotations"] { metadata[skipped] = nil }
        content["metadata"] = .object(metadata)
        writeContent(&w, level: 0, content)
        writeSections(&w, sections)
        writeEvents(&w, events)
        return w.render()
    }

    /// Graph sections, each a small table like the Events table, or `<none>`.
    static func writeSections(_ w: inout TabWriter, _ sections: [GraphSections.Section]) {
        for section in sections {
            if section.rows.isEmpty {
                // No tab: an empty section must not widen the tables around it.
                w.line(0, "\(section.title):  <none>")
                continue
            }
            w.line(0, "\(section.title):")
            w.line(1, section.headers.joined(separator: "\t"))
            w.line(1, section.headers.map { String(repeating: "-", count: $0.count) }.joined(separator: "\t"))
            for row in section.rows { w.line(1, row.joined(separator: "\t")) }
        }
    }

    static func writeMap(_ w: inout TabWriter, _ title: String, _ map: [String: JSONValue]?, separator: String) {
        guard let map, !map.isEmpty else {
            w.line(0, "\(title):\t<none>")
            return
        }
        for (index, key) in map.keys.sorted().enumerated() {
            let value = map[key]?.stringValue ?? ""
            w.line(0, (index == 0 ? "\(title):" : "") + "\t\(key)\(separator)\(value)")
        }
    }

    static func writeContent(_ w: inout TabWriter, level: Int, _ content: [String: JSONValue]) {
        for field in content.keys.sorted() {
            let value = content[field]!
            switch value {
            case .object(let members):
                w.line(level, "\(smartLabel(field)):")
                writeContent(&w, level: level + 1, members)
            case .array(let items):
                w.line(level, "\(smartLabel(field)):")
                for item in items {
                    if case .object(let members) = item {
                        writeContent(&w, level: level + 1, members)
                    } else {
                        w.line(level + 1, goValue(item))
                    }
                }
            default:
                w.line(level, "\(smartLabel(field)):\t\(goValue(value))")
            }
        }
    }

    static func writeEvents(_ w: inout TabWriter, _ events: [Event]) {
        if events.isEmpty {
            w.line(0, "Events:\t<none>")
            return
        }
        w.line(0, "Events:")
        w.line(1, "Type\tReason\tAge\tFrom\tMessage")
        w.line(1, "----\t------\t----\t----\t-------")
        for event in events {
            w.line(1, "\(event.type)\t\(event.reason)\t\(event.age)\t\(event.from)\t\(event.message)")
        }
    }

    /// A value as Go's `%v` prints it.
    static func goValue(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.formatDouble(d)
        case .string(let s): return s
        case .array(let items): return "[" + items.map(goValue).joined(separator: " ") + "]"
        case .object(let members):
            return "map[" + members.keys.sorted().map { "\($0):\(goValue(members[$0]!))" }.joined(separator: " ") + "]"
        }
    }

    /// kubectl's `smartLabelFor`: camelCase split into Title Case words, common acronyms upper-cased;
    /// fields with characters other than letters and '-' are left as they are.
    public static func smartLabel(_ field: String) -> String {
        if field.contains(where: { !$0.isLetter && $0 != "-" }) { return field }
        let acronyms: Set<String> = ["API", "URL", "UID", "OSB", "GUID"]
        return camelCaseSplit(field).compactMap { part -> String? in
            if part == "_" { return nil }
            if acronyms.contains(part.uppercased()) { return part.uppercased() }
            return part.prefix(1).uppercased() + part.dropFirst()
        }.joined(separator: " ")
    }

    /// fatih/camelcase's Split: runs of lower, upper and other characters; an upper run followed by lower
    /// gives its last letter to the next word ("HTTPRoute" → "HTTP", "Route").
    static func camelCaseSplit(_ s: String) -> [String] {
        enum Class { case lower, upper, other }
        func cls(_ c: Character) -> Class {
            if c.isLowercase { .lower } else if c.isUppercase { .upper } else { .other }
        }
        var runs: [[Character]] = []
        var last: Class?
        for c in s {
            let k = cls(c)
            if k == last, !runs.isEmpty { runs[runs.count - 1].append(c) } else { runs.append([c]) }
            last = k
        }
        var i = 0
        while i < runs.count - 1 {
            if let f = runs[i].first, let g = runs[i + 1].first, f.isUppercase, g.isLowercase {
                runs[i + 1].insert(runs[i].removeLast(), at: 0)
            }
            i += 1
        }
        return runs.filter { !$0.isEmpty }.map { String($0) }
    }

    /// kubectl's Secret describer: metadata, type, and the size of each data key.
    static func describeSecret(_ object: JSONValue, events: [Event]) -> String {
        var w = TabWriter()
        let meta = object["metadata"] ?? [:]
        w.line(0, "Name:\t\(meta["name"]?.stringValue ?? "")")
        w.line(0, "Namespace:\t\(meta["namespace"]?.stringValue ?? "")")
        writeMap(&w, "Labels", meta["labels"]?.objectValue, separator: "=")
        writeMap(&w, "Annotations", meta["annotations"]?.objectValue, separator: ": ")
        w.line(0, "")
        w.line(0, "Type:\t\(object["type"]?.stringValue ?? "Opaque")")
        w.line(0, "")
        w.line(0, "Data")
        w.line(0, "====")
        let data = object["data"]?.objectValue ?? [:]
        for key in data.keys.sorted() {
            let size = Base64.decode(data[key]?.stringValue ?? "")?.count ?? 0
            w.line(0, "\(key):\t\(size) bytes")
        }
        if !events.isEmpty {
            w.line(0, "")
            writeEvents(&w, events)
        }
        return w.render()
    }
}
