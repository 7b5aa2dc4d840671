/// Collects field problems during validation, in the API server's words ("Required value", "Invalid value: …").
public struct FieldErrors: Sendable {
    public private(set) var items: [(path: FieldPath, message: String)] = []

    public init() {}

    public var isEmpty: Bool { items.isEmpty }

    public mutating func add(_ path: FieldPath, _ message: String) { items.append((path, message)) }

    public mutating func required(_ path: FieldPath) { add(path, "Required value") }

    public mutating func invalid(_ path: FieldPath, _ value: String, _ detail: String) {
        add(path, "Invalid value: \"\(value)\": \(detail)")
    }

    public mutating func unsupported(_ path: FieldPath, _ value: String, supported: [String]) {
        add(
            path,
            "Unsupported value: \"\(value)\": supported values: \(supported.map { "\"\($0)\"" }.joined(separator: ", "))"
        )
    }

    public mutating func tooMany(_ path: FieldPath, count: Int, max: Int) {
        add(path, "Too many: \(count): must have at most \(max) items")
    }

    public mutating func duplicate(_ path: FieldPath, _ value: String) { add(path, "Duplicate value: \"\(value)\"") }

    /// Positions each problem in `document` and turns them into manifest errors.
    public func positioned(in document: SourceNode?, base: SourcePosition?) -> [ManifestError] {
        items.map { item in
            ManifestError(position: document?.position(of: item.path) ?? base, path: item.path, message: item.message)
        }
    }
}
