import Foundation

/// The lines nginx appends to an error log from now on: remember the size, read what came after.
public struct ErrorLogTail {
    public let path: String
    public let offset: UInt64

    public init(path: String) {
        self.path = path
        offset = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }

    /// The lines written since this tail was made (nginx flushes error-log lines as it writes them).
    public func newLines() -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).split(whereSeparator: \.isNewline).map(
            String.init)
    }
}
