/// Paths naming a value inside a message in errors, written the way the JSON reads: `assertions.headers[2].value`,
/// `labels["app"]`. The top-level message's path is empty.
enum FieldPath {
    /// A member of an object: `path.key`.
    static func member(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// An element of an array: `path[index]`.
    static func element(_ path: String, _ index: Int) -> String {
        "\(path)[\(index)]"
    }

    /// A map value: `path["key"]`.
    static func entry(_ path: String, _ key: String) -> String {
        path + "[" + JSONWriter.quoted(key) + "]"
    }
}
