/// Turns manifest documents into validated objects. Every problem in every document is reported; any problem
/// means nothing should be stored.
public struct ManifestDecoder: Sendable {
    /// The namespace for namespaced objects that name none (`-n`, else `default`).
    public var defaultNamespace: String
    /// When set, objects naming another namespace are rejected (kubectl's `-n` with a conflicting manifest).
    public var enforceNamespace: Bool

    public init(defaultNamespace: String = "default", enforceNamespace: Bool = false) {
        self.defaultNamespace = defaultNamespace
        self.enforceNamespace = enforceNamespace
    }

    /// Parses and decodes all documents; throws `ManifestErrors` listing every problem.
    public func decode(_ documents: [ManifestDocument]) throws -> [DecodedObject] {
        var objects: [DecodedObject] = []
        var errors: [ManifestError] = []
        for document in documents {
            do {
                guard let root = try parse(document) else { continue }
                objects += try decode(root: root, document: document)
            } catch let error as ManifestErrors {
                errors += error.errors
            } catch let error as ManifestError {
                errors.append(error)
            }
        }
        errors += duplicates(objects)
        if !errors.isEmpty { throw ManifestErrors(errors) }
        return objects
    }

    func parse(_ document: ManifestDocument) throws -> SourceNode? {
        let trimmed = document.text.drop(while: { $0.isWhitespace })
        if trimmed.first == "{" || trimmed.first == "[" {
            return try JSONReader.parse(document.text, file: document.file, lineOffset: document.lineOffset)
        }
        return try YAMLReader.parseDocument(document.text, file: document.file, lineOffset: document.lineOffset)
    }

    /// Decodes one document root, expanding `kind: List`.
    func decode(root: SourceNode, document: ManifestDocument) throws -> [DecodedObject] {
        let start = root.position ?? SourcePosition(file: document.file, line: document.lineOffset + 1, column: 1)
        guard case .mapping = root.content else {
            throw ManifestError(
                position: start, message: "expected an object with apiVersion, kind and metadata, got \(root.summary)")
        }
        var errors: [ManifestError] = []
        let apiVersion = try headerString(root, "apiVersion", start, &errors)
        let kind = try headerString(root, "kind", start, &errors)
        if !errors.isEmpty { throw ManifestErrors(errors) }
        if kind.hasSuffix("List"), root["items"] != nil {
            guard case .sequence(let items)? = root["items"]?.content else {
                throw ManifestError(
                    position: root["items"]?.position ?? start, path: FieldPath("items"), message: "expected a list")
            }
            var objects: [DecodedObject] = []
            for item in items {
                do { objects += try decode(root: item, document: document) } catch let e as ManifestErrors {
                    errors += e.errors
                } catch let e as ManifestError { errors.append(e) }
            }
            if !errors.isEmpty { throw ManifestErrors(errors) }
            return objects
        }
        guard let metadata = root["metadata"] else {
            throw ManifestError(
                position: start, path: FieldPath("metadata"), message: "Required value: object has no metadata")
        }
        guard case .mapping = metadata.content else {
            throw ManifestError(
                position: metadata.position ?? start, path: FieldPath("metadata"),
                message: "expected an object, got \(metadata.summary)")
        }
        guard let nameNode = metadata["name"], case .scalar(.string(let name), _) = nameNode.content, !name.isEmpty
        else {
            let node = metadata["name"]
            let message =
                node == nil ? "Required value: name is required" : "expected a non-empty string, got \(node!.summary)"
            throw ManifestError(
                position: node?.position ?? metadata.position ?? start, path: FieldPath("metadata.name"),
                message: message)
        }

        let type = ResourceRegistry.type(apiVersion: apiVersion, kind: kind)
        let version = splitAPIVersion(apiVersion).version
        if type.supported && !type.versions.contains(version) {
            throw ManifestError(
                position: root["apiVersion"]?.position ?? start, path: FieldPath("apiVersion"),
                message:
                    "no matches for kind \"\(kind)\" in version \"\(apiVersion)\" (served: \(type.versions.map(type.apiVersion).joined(separator: ", ")))"
            )
        }

        var object: JSONValue
        var fieldErrors = FieldErrors()
        if type.supported, let handler = ResourceCodec.handler(for: type.groupKind) {
            (object, fieldErrors) = try handler(root)
        } else {
            object = root.toJSON()
            var metaErrors = FieldErrors()
            if let problem = NameRules.dns1123Subdomain(name) {
                metaErrors.invalid(FieldPath("metadata.name"), name, problem)
            }
            fieldErrors = metaErrors
        }

        // Namespace: default it for namespaced kinds, drop it for cluster-scoped ones.
        let givenNamespace = object.value(at: ["metadata", "namespace"])?.stringValue
        if type.namespaced {
            if let givenNamespace, enforceNamespace, givenNamespace != defaultNamespace {
                fieldErrors.add(
                    FieldPath("metadata.namespace"),
                    "Invalid value: \"\(givenNamespace)\": the namespace from the provided object does not match the namespace \"\(defaultNamespace)\"; you must pass '--namespace=\(givenNamespace)' to perform this operation"
                )
            }
            if givenNamespace == nil || givenNamespace == "" {
                object.set(.string(defaultNamespace), at: ["metadata", "namespace"])
            }
        } else {
            object.set(nil, at: ["metadata", "namespace"])
        }
        if !fieldErrors.isEmpty { throw ManifestErrors(fieldErrors.positioned(in: root, base: start)) }

        let expectedRV = object.value(at: ["metadata", "resourceVersion"])?.stringValue
        for serverField in [
            "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
            "deletionTimestamp",
        ] {
            object.set(nil, at: ["metadata", serverField])
        }
        object["status"] = nil
        return [DecodedObject(type: type, object: object, expectedResourceVersion: expectedRV, position: start)]
    }

    private func headerString(
        _ root: SourceNode, _ key: String, _ start: SourcePosition, _ errors: inout [ManifestError]
    ) throws -> String {
        guard let node = root[key] else {
            errors.append(
                ManifestError(position: start, path: FieldPath(key), message: "Required value: object has no \(key)"))
            return ""
        }
        guard case .scalar(.string(let value), _) = node.content, !value.isEmpty else {
            errors.append(
                ManifestError(
                    position: node.position ?? start, path: FieldPath(key),
                    message: "expected a non-empty string, got \(node.summary)"))
            return ""
        }
        return value
    }

    private func duplicates(_ objects: [DecodedObject]) -> [ManifestError] {
        var seen: [String: DecodedObject] = [:]
        var errors: [ManifestError] = []
        for object in objects {
            let key = "\(object.type.groupKind)/\(object.namespace)/\(object.name)"
            if let first = seen[key] {
                let firstAt = first.position.map { " (first at \($0))" } ?? ""
                errors.append(
                    ManifestError(
                        position: object.position, path: FieldPath("metadata.name"),
                        message:
                            "duplicate object \(object.type.qualifiedSingular)/\(object.name)\(object.namespace.isEmpty ? "" : " in namespace \(object.namespace)") in one apply\(firstAt)"
                    ))
            } else {
                seen[key] = object
            }
        }
        return errors
    }
}
