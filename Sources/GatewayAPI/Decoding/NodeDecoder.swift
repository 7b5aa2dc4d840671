/// Decodes `Decodable` types from a positioned `SourceNode` tree with Kubernetes' strict rules:
/// wrong types, missing required fields and unknown fields are errors that name the file, line, column and field.
///
/// Unknown fields are found by recording which keys the types asked for: a synthesized `init(from:)` asks for
/// every property it has, so any key of a decoded mapping that nobody asked for is unknown.
public struct NodeDecoder {
    public init() {}

    /// Decodes `type` from `node`; throws `ManifestErrors` with every problem found.
    public func decode<T: Decodable>(_ type: T.Type, from node: SourceNode, basePath: FieldPath = FieldPath()) throws
        -> T
    {
        let tracker = DecodeTracker()
        let decoder = NodeDecoderImpl(node: node, path: basePath, tracker: tracker)
        let value: T
        do {
            value = try T(from: decoder)
        } catch let error as ManifestError {
            throw ManifestErrors([error])
        } catch let error as ManifestErrors {
            throw error
        }
        let unknown = tracker.unknownFields()
        if !unknown.isEmpty { throw ManifestErrors(unknown) }
        return value
    }
}

/// Records which keys of which mappings were asked for.
final class DecodeTracker {
    struct Entry {
        var node: SourceNode
        var path: FieldPath
        var consumed: Set<String>
    }
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var order: [ObjectIdentifier] = []

    func enter(_ node: SourceNode, path: FieldPath) {
        let id = ObjectIdentifier(node)
        if entries[id] == nil {
            entries[id] = Entry(node: node, path: path, consumed: [])
            order.append(id)
        }
    }

    func consume(_ key: String, in node: SourceNode) {
        entries[ObjectIdentifier(node)]?.consumed.insert(key)
    }

    /// Marks a whole mapping as read (decoded as free-form data).
    func consumeAll(_ node: SourceNode) {
        entries[ObjectIdentifier(node)] = nil
    }

    func unknownFields() -> [ManifestError] {
        var errors: [ManifestError] = []
        for id in order {
            guard let entry = entries[id], case .mapping(let members) = entry.node.content else { continue }
            for member in members where !entry.consumed.contains(member.key) {
                errors.append(
                    ManifestError(
                        position: member.keyPosition ?? member.value.position ?? entry.node.position,
                        path: entry.path.appending(member.key),
                        message: "unknown field \"\(entry.path.appending(member.key))\""))
            }
        }
        return errors
    }
}

/// A decoder that can hand its node to types that want free-form data (`JSONValue`).
protocol SourceNodeDecoding {
    var sourceNode: SourceNode { get }
}

struct NodeDecoderImpl: Decoder, SourceNodeDecoding {
    let node: SourceNode
    let path: FieldPath
    let tracker: DecodeTracker
    var codingPath: [CodingKey] { path.components.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var sourceNode: SourceNode { node }

    func typeError(_ expected: String) -> ManifestError {
        ManifestError(position: node.position, path: path, message: "expected \(expected), got \(node.summary)")
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let members) = node.content else { throw typeError("an object") }
        tracker.enter(node, path: path)
        var lookup: [String: SourceNode] = [:]
        lookup.reserveCapacity(members.count)
        for member in members { lookup[member.key] = member.value }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, members: lookup))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .sequence(let items) = node.content else { throw typeError("a list") }
        return UnkeyedNodeContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleNodeContainer(decoder: self) }

    func child(_ node: SourceNode, _ component: FieldPath.Component) -> NodeDecoderImpl {
        NodeDecoderImpl(node: node, path: FieldPath(path.components + [component]), tracker: tracker)
    }

    // MARK: Scalars

    var scalar: SourceNode.Scalar? {
        if case .scalar(let s, _) = node.content { return s }
        return nil
    }

    func decodeString() throws -> String {
        switch scalar {
        case .string(let s)?: return s
        case .null?: throw ManifestError(position: node.position, path: path, message: "Required value")
        case .int?, .double?, .bool?:
            throw ManifestError(
                position: node.position, path: path,
                message: "expected a string, got \(node.summary) (quote it: \"\(node.summary)\")")
        default: throw typeError("a string")
        }
    }

    func decodeBool() throws -> Bool {
        if case .bool(let b)? = scalar { return b }
        throw typeError("a boolean (true or false)")
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .int(let i)? = scalar else { throw typeError("an integer") }
        guard let value = T(exactly: i) else {
            throw ManifestError(
                position: node.position, path: path,
                message: "\(i) is out of range for this field (\(T.min)...\(T.max))")
        }
        return value
    }

    func decodeDouble() throws -> Double {
        switch scalar {
        case .double(let d)?: return d
        case .int(let i)?: return Double(i)
        default: throw typeError("a number")
        }
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decodeString() as! T
        case is Bool.Type: return try decodeBool() as! T
        case is Int.Type: return try decodeInteger(Int.self) as! T
        case is Int32.Type: return try decodeInteger(Int32.self) as! T
        case is Int64.Type: return try decodeInteger(Int64.self) as! T
        case is Double.Type: return try decodeDouble() as! T
        default: return try T(from: self)
        }
    }
}

struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ component: FieldPath.Component) {
        switch component {
        case .key(let k):
            stringValue = k
            intValue = nil
        case .index(let i):
            stringValue = "[\(i)]"
            intValue = i
        }
    }
    init?(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init?(intValue: Int) {
        stringValue = "[\(intValue)]"
        self.intValue = intValue
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoderImpl
    let members: [String: SourceNode]
    var codingPath: [CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        decoder.tracker.consume(key.stringValue, in: decoder.node)
        return members[key.stringValue] != nil
    }

    private func child(_ key: Key) throws -> NodeDecoderImpl {
        decoder.tracker.consume(key.stringValue, in: decoder.node)
        guard let node = members[key.stringValue] else {
            throw ManifestError(
                position: decoder.node.position, path: decoder.path.appending(key.stringValue),
                message: "Required value")
        }
        return decoder.child(node, .key(key.stringValue))
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        decoder.tracker.consume(key.stringValue, in: decoder.node)
        guard let node = members[key.stringValue] else { return true }
        if case .scalar(.null, _) = node.content { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let child = try child(key)
        if case .scalar(.null, _) = child.node.content, !(type is JSONValue.Type) {
            throw ManifestError(position: child.node.position, path: child.path, message: "Required value")
        }
        return try child.decodeValue(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        if try decodeNil(forKey: key) { return nil }
        return try child(key).decodeValue(type)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decodeString() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decodeBool() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(Int.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(Int64.self) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeDouble() }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> Decoder { try child(key) }
}

struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoderImpl
    let items: [SourceNode]
    var currentIndex = 0
    var codingPath: [CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> NodeDecoderImpl {
        guard !isAtEnd else {
            throw ManifestError(position: decoder.node.position, path: decoder.path, message: "list is too short")
        }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], .index(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .scalar(.null, _) = items[currentIndex].content {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}

struct SingleNodeContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoderImpl
    var codingPath: [CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        if case .scalar(.null, _) = decoder.node.content { return true }
        return false
    }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(Int.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(Int64.self) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
