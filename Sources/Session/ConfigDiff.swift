import Dataplane
import Foundation

/// A line diff between two generation directories, secret files shown by name only.
public enum ConfigDiff {
    public static func diff(root: String, from: Int, to: Int) -> String {
        func files(_ generation: Int) -> [String: String] {
            let dir = "\(root)/\(generation)"
            var result: [String: String] = [:]
            for name in (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? [] {
                var isDir: ObjCBool = false
                guard name != DataplaneManager.fileList,
                    FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue
                else { continue }
                let text = (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? ""
                result[name] =
                    name.hasPrefix("secrets/")
                    ? "(secret file, \(text.utf8.count) bytes)\n"
                    : text
                        .replacingOccurrences(of: "/generations/\(generation)/", with: "/generations/N/")
            }
            return result
        }
        let a = files(from)
        let b = files(to)
        var out = ""
        for name in Set(a.keys).union(b.keys).sorted() {
            let old = (a[name] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let new = (b[name] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if old == new { continue }
            out += "--- \(from)/\(name)\n+++ \(to)/\(name)\n"
            for change in new.difference(from: old).sorted(by: { offset($0) < offset($1) }) {
                switch change {
                case .remove(let i, let line, _): out += "-\(i + 1): \(line)\n"
                case .insert(let i, let line, _): out += "+\(i + 1): \(line)\n"
                }
            }
        }
        return out.isEmpty ? "generations \(from) and \(to) are the same\n" : out
    }

    public static func offset(_ change: CollectionDifference<String>.Change) -> Int {
        switch change {
        case .remove(let i, _, _), .insert(let i, _, _): return i
        }
    }
}
