import Foundation

/// Reads `-f` arguments: files, directories (their `.yaml`, `.yml` and `.json` files, as kubectl reads them) and
/// `-` for standard input, checking UTF-8 and cutting each into documents.
public struct ManifestReader: Sendable {
    public var recursive: Bool
    /// Bytes read over all paths before the read stops with an error (a device like /dev/zero never ends).
    public var maxBytes: Int

    public init(recursive: Bool = false, maxBytes: Int = ResourceLimits.current.maxInputBytes) {
        self.recursive = recursive
        self.maxBytes = maxBytes
    }

    /// Reads every path in order; the first unreadable path, invalid text or the byte limit stops the read.
    public func read(paths: [String], stdin: FileHandle = .standardInput) throws -> [ManifestDocument] {
        var documents: [ManifestDocument] = []
        var total = 0
        func limited(_ handle: FileHandle, _ name: String) throws -> Data {
            let data = try Self.readBounded(handle, limit: maxBytes - total)
            total += data.count
            if total > maxBytes {
                throw ManifestError(
                    position: nil,
                    message: "\(name): more than \(ResourceLimits.size(maxBytes)) of manifests in one apply "
                        + "(the limit, GWCONSOLE_MAX_INPUT_BYTES); split them into several applies")
            }
            return data
        }
        for path in paths {
            if path == "-" {
                documents += try Self.documents(from: limited(stdin, "stdin"), file: "stdin")
                continue
            }
            for file in try files(at: path) {
                let data: Data
                do {
                    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
                    defer { try? handle.close() }
                    data = try limited(handle, file)
                } catch let error as ManifestError {
                    throw error
                } catch {
                    throw ManifestError(position: nil, message: "\(file): cannot read: \(Self.reason(error))")
                }
                if Self.isMarkdown(file), HeredocExtractor.applyBlocks(in: Self.lines(of: data)) == nil {
                    continue  // a Markdown page without apply blocks has no objects
                }
                documents += try Self.documents(from: data, file: file)
            }
        }
        return documents
    }

    /// Reads to the end or to one byte past `limit`, whichever comes first.
    static func readBounded(_ handle: FileHandle, limit: Int) throws -> Data {
        var data = Data()
        while data.count <= limit {
            guard let chunk = try handle.read(upToCount: min(1 << 20, limit + 1 - data.count)), !chunk.isEmpty else {
                break
            }
            data.append(chunk)
        }
        return data
    }

    /// Cuts `data` into documents after checking it is UTF-8.
    public static func documents(from data: Data, file: String) throws -> [ManifestDocument] {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ManifestError(position: invalidUTF8Position(data, file: file), message: "input is not valid UTF-8")
        }
        return try DocumentSplitter.split(text, file: file)
    }

    private func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError(position: nil, message: "\(path): cannot read: no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw ManifestError(position: nil, message: "\(path): cannot read directory: \(Self.reason(error))")
        }
        var result: [String] = []
        for entry in entries where !entry.hasPrefix(".") {
            let full = (path as NSString).appendingPathComponent(entry)
            var entryIsDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &entryIsDirectory)
            if entryIsDirectory.boolValue {
                if recursive { result += try files(at: full) }
            } else if [".yaml", ".yml", ".json"].contains(where: { entry.lowercased().hasSuffix($0) }) {
                result.append(full)
            }
        }
        return result
    }

    static func isMarkdown(_ file: String) -> Bool {
        let lower = file.lowercased()
        return lower.hasSuffix(".md") || lower.hasSuffix(".markdown")
    }

    private static func lines(of data: Data) -> [Substring] {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoPermissionError { return "permission denied" }
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoSuchFileError {
            return "no such file or directory"
        }
        return ns.localizedDescription
    }

    /// The line and column of the first byte that is not part of valid UTF-8.
    static func invalidUTF8Position(_ data: Data, file: String) -> SourcePosition {
        let bytes = [UInt8](data)
        var line = 1
        var column = 1
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return SourcePosition(file: file, line: line, column: column)
            }
            if i + length > bytes.count { return SourcePosition(file: file, line: line, column: column) }
            if length > 1 {
                if String(validating: bytes[i..<i + length], as: UTF8.self) == nil {
                    return SourcePosition(file: file, line: line, column: column)
                }
            }
            if b == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += length
        }
        return SourcePosition(file: file, line: line, column: column)
    }
}
