/// A line diff of two texts (longest common subsequence), as `+ `/`- ` lines with a little context: what a plan
/// shows for each object it would change.
public enum LineDiff {
    public static func lines(old: [String], new: [String], context: Int = 2) -> [String] {
        let n = old.count
        let m = new.count
        // lcs[i][j]: the common subsequence's length of old[i...] and new[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [(Character, String)] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                ops.append((" ", old[i]))
                i += 1
                j += 1
            } else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] {
                ops.append(("+", new[j]))
                j += 1
            } else {
                ops.append(("-", old[i]))
                i += 1
            }
        }
        // Unchanged lines more than `context` away from a change are left out ("…" marks the gap).
        let changed = ops.indices.filter { ops[$0].0 != " " }
        var out: [String] = []
        var gap = false
        for (index, op) in ops.enumerated() {
            let near = changed.contains { abs($0 - index) <= context }
            if op.0 != " " || near {
                out.append("\(op.0) \(op.1)")
                gap = false
            } else if !gap {
                out.append("  …")
                gap = true
            }
        }
        return changed.isEmpty ? [] : out
    }
}
