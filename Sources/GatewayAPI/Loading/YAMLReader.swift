import Yams

/// Parses one YAML document into a positioned `SourceNode` tree.
///
/// Aliases are expanded while converting, under a budget so that an alias bomb ("billion laughs") is rejected
/// before it is expanded: the size of each anchored value is remembered, and every alias use is charged its size
/// up front. Duplicate keys and non-string keys are errors.
public enum YAMLReader {
    /// The most nodes one document may expand to, aliases included.
    public static let maxNodes = 1_000_000
    /// The most nodes that alias uses may add to one document.
    public static let maxAliasNodes = 100_000

    /// Bookkeeping for one document's conversion.
    struct Budget {
        var nodes = YAMLReader.maxNodes
        var aliasNodes = YAMLReader.maxAliasNodes
        /// Node counts of anchored values seen so far, by anchor name.
        var anchorSizes: [String: Int] = [:]
    }

    /// Parses `text`, a single document whose first line is line `lineOffset + 1` of `file`.
    public static func parseDocument(_ text: String, file: String, lineOffset: Int) throws -> SourceNode? {
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.nextRoot()
            if root != nil, try parser.nextRoot() != nil {
                throw ManifestError(
                    position: SourcePosition(file: file, line: lineOffset + 1, column: 1),
                    message: "more than one YAML document where one was expected")
            }
        } catch let error as YamlError {
            throw translate(error, file: file, lineOffset: lineOffset)
        }
        guard let root else { return nil }
        var budget = Budget()
        // The parser owns the anchors (nodes hold them weakly): keep it alive while converting.
        return try withExtendedLifetime(parser) {
            try convert(root, file: file, lineOffset: lineOffset, budget: &budget, path: FieldPath())
        }
    }

    /// Yams' own parse of `text` into its node trees, nothing else (the bench's yardstick for decoding); returns
    /// how many documents it found.
    public static func yamsParse(_ text: String) throws -> Int {
        let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
        var count = 0
        while try parser.nextRoot() != nil { count += 1 }
        return count
    }

    private static func position(_ mark: Mark?, _ file: String, _ lineOffset: Int) -> SourcePosition? {
        guard let mark else { return nil }
        return SourcePosition(file: file, line: mark.line + lineOffset, column: mark.column)
    }

    private static func convert(
        _ node: Node, file: String, lineOffset: Int, budget: inout Budget, path: FieldPath
    ) throws -> SourceNode {
        guard let anchor = node.anchor?.rawValue else {
            return try convertContent(node, file: file, lineOffset: lineOffset, budget: &budget, path: path)
        }
        if let size = budget.anchorSizes[anchor] {
            // A use of an alias: charge the whole value before expanding it.
            budget.aliasNodes -= size
            if budget.aliasNodes < 0 {
                throw ManifestError(
                    position: position(node.mark, file, lineOffset), path: path,
                    message: "YAML aliases expand to more than \(maxAliasNodes) values (alias bomb?)")
            }
            return try convertContent(node, file: file, lineOffset: lineOffset, budget: &budget, path: path)
        }
        let before = budget.nodes
        let converted = try convertContent(node, file: file, lineOffset: lineOffset, budget: &budget, path: path)
        budget.anchorSizes[anchor] = before - budget.nodes
        return converted
    }

    private static func convertContent(
        _ node: Node, file: String, lineOffset: Int, budget: inout Budget, path: FieldPath
    ) throws -> SourceNode {
        budget.nodes -= 1
        if budget.nodes < 0 {
            throw ManifestError(
                position: position(node.mark, file, lineOffset), path: path,
                message: "document has more than \(maxNodes) values")
        }
        let pos = position(node.mark, file, lineOffset)
        switch node {
        case .scalar(let scalar):
            let explicit = scalar.tag.rawValue
            let resolved: SourceNode.Scalar
            if scalar.style != .plain || explicit == "tag:yaml.org,2002:str" {
                resolved = .string(scalar.string)
            } else {
                resolved = ScalarResolver.resolvePlain(scalar.string)
            }
            return SourceNode(.scalar(resolved, text: scalar.string), position: pos)
        case .sequence(let sequence):
            var items: [SourceNode] = []
            items.reserveCapacity(sequence.count)
            for (index, item) in sequence.enumerated() {
                items.append(
                    try convert(
                        item, file: file, lineOffset: lineOffset, budget: &budget,
                        path: path.appending(index: index)))
            }
            return SourceNode(.sequence(items), position: pos)
        case .mapping(let mapping):
            var members: [(key: String, keyPosition: SourcePosition?, value: SourceNode)] = []
            members.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ManifestError(
                        position: position(key.mark, file, lineOffset), path: path,
                        message: "mapping keys must be strings")
                }
                if keyScalar.string == "<<" {
                    throw ManifestError(
                        position: position(key.mark, file, lineOffset), path: path,
                        message: "YAML merge keys (<<) are not supported")
                }
                budget.nodes -= 1
                let child = try convert(
                    value, file: file, lineOffset: lineOffset, budget: &budget,
                    path: path.appending(keyScalar.string))
                members.append((key: keyScalar.string, keyPosition: position(key.mark, file, lineOffset), value: child))
            }
            return SourceNode(.mapping(members), position: pos)
        case .alias(let alias):
            throw ManifestError(
                position: position(alias.mark, file, lineOffset), path: path,
                message: "undefined YAML alias *\(alias.anchor.rawValue)")
        }
    }

    private static func translate(_ error: YamlError, file: String, lineOffset: Int) -> ManifestError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if problem.contains("Maximum nesting level") {
                return ManifestError(
                    position: position(mark, file, lineOffset)!,
                    message: "invalid YAML: nesting deeper than 1000 levels")
            }
            let contextText = context.map { "\($0.text) " } ?? ""
            return ManifestError(
                position: position(mark, file, lineOffset)!,
                message: "invalid YAML: \(contextText)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ManifestError(
                position: position(context.mark, file, lineOffset)!,
                message: "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) in one mapping")
        case .reader(let problem, _, _, _):
            return ManifestError(
                position: SourcePosition(file: file, line: lineOffset + 1, column: 1),
                message: "invalid YAML: \(problem)")
        default:
            return ManifestError(
                position: SourcePosition(file: file, line: lineOffset + 1, column: 1),
                message: "invalid YAML: \(error)")
        }
    }
}
