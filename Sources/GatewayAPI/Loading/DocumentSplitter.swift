/// Cuts an input text into documents: Markdown/shell text with `kubectl apply -f - <<EOF` heredocs, or a
/// YAML stream split on `---` lines (as kubectl's YAML reader does), or one JSON value.
public enum DocumentSplitter {
    /// The largest single document accepted, as the Kubernetes API server's request limit.
    public static let maxDocumentBytes = 16 * 1024 * 1024

    /// Splits `text` from `file`. Text with heredoc apply blocks yields only those blocks' documents.
    public static func split(_ text: String, file: String) throws -> [ManifestDocument] {
        var lines = Array(text.split(separator: "\n", omittingEmptySubsequences: false))
        if lines.last?.isEmpty == true { lines.removeLast() }  // the final line break ends the last line
        if let blocks = HeredocExtractor.applyBlocks(in: lines) {
            return try blocks.flatMap { block in
                let body = lines[block.bodyLines].map { block.quoted ? $0 : HeredocExtractor.shellUnescaped($0) }
                return try splitYAMLStream(body[...], file: file, firstLineIndex: block.bodyLines.lowerBound)
            }
        }
        if let firstNonSpace = text.first(where: { !$0.isWhitespace }), firstNonSpace == "{" || firstNonSpace == "[" {
            let leading = text.prefix(while: { $0.isWhitespace }).filter { $0 == "\n" }.count
            let doc = ManifestDocument(file: file, lineOffset: 0, text: text)
            try checkSize(doc, line: leading + 1)
            return [doc]
        }
        return try splitYAMLStream(lines[...], file: file, firstLineIndex: 0)
    }

    private static func splitYAMLStream(_ lines: ArraySlice<Substring>, file: String, firstLineIndex: Int) throws
        -> [ManifestDocument]
    {
        var documents: [ManifestDocument] = []
        var current: [Substring] = []
        var currentStart = firstLineIndex
        var lineIndex = firstLineIndex
        func finish() throws {
            // Each line keeps its line break, as the text a shell heredoc or file gives.
            let body = current.map { $0 + "\n" }.joined()
            if body.contains(where: { !$0.isWhitespace }) && !isOnlyComments(current) {
                let doc = ManifestDocument(file: file, lineOffset: currentStart, text: body)
                try checkSize(doc, line: currentStart + 1)
                documents.append(doc)
            }
            current = []
        }
        for line in lines {
            if isSeparator(line) {
                try finish()
                currentStart = lineIndex + 1
            } else {
                current.append(line)
            }
            lineIndex += 1
        }
        try finish()
        return documents
    }

    /// `---` optionally followed by spaces or a comment, as kubectl's YAMLReader treats it.
    static func isSeparator<S: StringProtocol>(_ line: S) -> Bool {
        guard line.hasPrefix("---") else { return false }
        let rest = line.dropFirst(3)
        return rest.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } || rest.hasPrefix(" #")
    }

    private static func isOnlyComments(_ lines: [Substring]) -> Bool {
        lines.allSatisfy { line in
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            return trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "..." || trimmed == "\r"
        }
    }

    private static func checkSize(_ doc: ManifestDocument, line: Int) throws {
        if doc.text.utf8.count > maxDocumentBytes {
            throw ManifestError(
                position: SourcePosition(file: doc.file, line: line, column: 1),
                message:
                    "document is \(doc.text.utf8.count) bytes, over the limit of \(maxDocumentBytes) bytes (16 MiB)")
        }
    }
}
