import Diagnostics
import Foundation

/// Reads a Gateway's request log as it grows: the records written since the last read (a partial last line waits
/// for its end; a truncated or replaced file is read from its start).
public final class RequestLogReader {
    public let path: String
    private var offset: UInt64 = 0
    private var inode: UInt64?
    private var partial = ""

    /// Starts at the end of the file, less the last `tail` bytes (the recent requests a view opens with).
    public init(path: String, tail: UInt64 = 256 * 1024) {
        self.path = path
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.uint64Value
        {
            offset = size > tail ? size - tail : 0
            inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
            // Starting inside a line: skip to the next one.
            if offset > 0 { partial = "\u{0}" }
        }
    }

    /// The complete records appended since the last read.
    public func read() -> [RequestRecord] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.uint64Value
        else { return [] }
        let currentInode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        if size < offset || (inode != nil && currentInode != inode) {
            offset = 0
            partial = ""
        }
        inode = currentInode
        guard size > offset, let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        offset += UInt64(data.count)
        var text = partial + String(decoding: data, as: UTF8.self)
        var skipFirst = false
        if text.hasPrefix("\u{0}") {
            text.removeFirst()
            skipFirst = true
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        partial = String(lines.removeLast())
        if skipFirst, !lines.isEmpty { lines.removeFirst() }
        return lines.compactMap { RequestRecord.parse($0) }
    }
}
