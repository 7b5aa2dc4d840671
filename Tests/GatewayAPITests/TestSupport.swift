import Foundation

@testable import GatewayAPI

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The NGF guide the project is held to.
let guidePath = repositoryRoot.appendingPathComponent("scenarios/securing-backend-traffic.md").path

func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
}

/// Decodes manifest text as `apply` would, from a pretend file name.
func decode(_ text: String, file: String = "test.yaml", namespace: String = "default") throws -> [DecodedObject] {
    let documents = try ManifestReader.documents(from: Data(text.utf8), file: file)
    return try ManifestDecoder(defaultNamespace: namespace).decode(documents)
}

/// The errors decoding `text` produces, as printed lines.
func decodeErrors(_ text: String, file: String = "test.yaml") -> [String] {
    do {
        _ = try decode(text, file: file)
        return []
    } catch let error as ManifestErrors {
        return error.errors.map(\.description)
    } catch let error as ManifestError {
        return [error.description]
    } catch {
        return ["unexpected: \(error)"]
    }
}
