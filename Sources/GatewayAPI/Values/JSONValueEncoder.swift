/// Encodes `Encodable` values straight into `JSONValue` (nil optionals are left out, as Kubernetes' `omitempty`).
public struct JSONValueEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONValueEncoderImpl()
        try encoder.encodeValue(value)
        return encoder.storage.value
    }
}

final class ValueBox {
    var value: JSONValue
    init(_ value: JSONValue) { self.value = value }
}

/// Holds the value being built; nested containers write back through boxes.
final class JSONValueEncoderImpl: Encoder {
    let storage = ValueBox(.null)
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let direct = JSONValueEncoderImpl.primitive(value) {
            storage.value = direct
        } else {
            try value.encode(to: self)
        }
    }

    static func primitive<T: Encodable>(_ value: T) -> JSONValue? {
        switch value {
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(Int64(v))
        case let v as Int32: return .int(Int64(v))
        case let v as Int64: return .int(v)
        case let v as Double: return .double(v)
        case let v as JSONValue: return v
        default: return nil
        }
    }

    static func box<T: Encodable>(_ value: T) throws -> JSONValue {
        if let direct = primitive(value) { return direct }
        let encoder = JSONValueEncoderImpl()
        try value.encode(to: encoder)
        return encoder.storage.value
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = storage.value {} else { storage.value = .object([:]) }
        return KeyedEncodingContainer(KeyedValueContainer<Key>(box: storage))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if case .array = storage.value {} else { storage.value = .array([]) }
        return UnkeyedValueContainer(box: storage)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleValueContainer(box: storage) }
}

struct KeyedValueContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ValueBox
    var codingPath: [CodingKey] { [] }

    private func set(_ value: JSONValue, _ key: Key) { box.value[key.stringValue] = value }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try JSONValueEncoderImpl.box(value), key)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = ValueBox(.object([:]))
        let parent = box
        let name = key.stringValue
        return KeyedEncodingContainer(NestedKeyedValueContainer<NestedKey>(box: child) { parent.value[name] = $0 })
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let parent = box
        let name = key.stringValue
        return NestedUnkeyedValueContainer(box: ValueBox(.array([]))) { parent.value[name] = $0 }
    }
    mutating func superEncoder() -> Encoder { JSONValueEncoderImpl() }
    mutating func superEncoder(forKey key: Key) -> Encoder { JSONValueEncoderImpl() }
}

/// A keyed container whose every change is written back to its parent.
struct NestedKeyedValueContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ValueBox
    let writeBack: (JSONValue) -> Void
    var codingPath: [CodingKey] { [] }
    init(box: ValueBox, writeBack: @escaping (JSONValue) -> Void) {
        self.box = box
        self.writeBack = writeBack
        writeBack(box.value)
    }
    private func set(_ value: JSONValue, _ key: Key) {
        box.value[key.stringValue] = value
        writeBack(box.value)
    }
    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try JSONValueEncoderImpl.box(value), key)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let me = self
        let name = key.stringValue
        return KeyedEncodingContainer(
            NestedKeyedValueContainer<NestedKey>(box: ValueBox(.object([:]))) {
                me.set(.object($0.objectValue ?? [:]), Key(stringValue: name)!)
            })
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let me = self
        let name = key.stringValue
        return NestedUnkeyedValueContainer(box: ValueBox(.array([]))) { me.set($0, Key(stringValue: name)!) }
    }
    mutating func superEncoder() -> Encoder { JSONValueEncoderImpl() }
    mutating func superEncoder(forKey key: Key) -> Encoder { JSONValueEncoderImpl() }
}

struct UnkeyedValueContainer: UnkeyedEncodingContainer {
    let box: ValueBox
    var codingPath: [CodingKey] { [] }
    var count: Int { box.value.arrayValue?.count ?? 0 }

    private func append(_ value: JSONValue) {
        var items = box.value.arrayValue ?? []
        items.append(value)
        box.value = .array(items)
    }
    mutating func encodeNil() throws { append(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try JSONValueEncoderImpl.box(value)) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let index = count
        append(.object([:]))
        let parent = box
        return KeyedEncodingContainer(
            NestedKeyedValueContainer<NestedKey>(box: ValueBox(.object([:]))) { value in
                var items = parent.value.arrayValue ?? []
                items[index] = value
                parent.value = .array(items)
            })
    }
    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let index = count
        append(.array([]))
        let parent = box
        return NestedUnkeyedValueContainer(box: ValueBox(.array([]))) { value in
            var items = parent.value.arrayValue ?? []
            items[index] = value
            parent.value = .array(items)
        }
    }
    mutating func superEncoder() -> Encoder { JSONValueEncoderImpl() }
}

struct NestedUnkeyedValueContainer: UnkeyedEncodingContainer {
    var inner: UnkeyedValueContainer
    let writeBack: (JSONValue) -> Void
    var codingPath: [CodingKey] { [] }
    var count: Int { inner.count }
    init(box: ValueBox, writeBack: @escaping (JSONValue) -> Void) {
        inner = UnkeyedValueContainer(box: box)
        self.writeBack = writeBack
        writeBack(box.value)
    }
    mutating func encodeNil() throws {
        try inner.encodeNil()
        writeBack(inner.box.value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try inner.encode(value)
        writeBack(inner.box.value)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let me = self
        let index = count
        try? inner.encodeNil()
        writeBack(inner.box.value)
        return KeyedEncodingContainer(
            NestedKeyedValueContainer<NestedKey>(box: ValueBox(.object([:]))) { value in
                var items = me.inner.box.value.arrayValue ?? []
                items[index] = value
                me.inner.box.value = .array(items)
                me.writeBack(me.inner.box.value)
            })
    }
    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let me = self
        let index = count
        try? inner.encodeNil()
        writeBack(inner.box.value)
        return NestedUnkeyedValueContainer(box: ValueBox(.array([]))) { value in
            var items = me.inner.box.value.arrayValue ?? []
            items[index] = value
            me.inner.box.value = .array(items)
            me.writeBack(me.inner.box.value)
        }
    }
    mutating func superEncoder() -> Encoder { JSONValueEncoderImpl() }
}

struct SingleValueContainer: SingleValueEncodingContainer {
    let box: ValueBox
    var codingPath: [CodingKey] { [] }
    mutating func encodeNil() throws { box.value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { box.value = try JSONValueEncoderImpl.box(value) }
}
