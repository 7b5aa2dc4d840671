import Foundation
import GatewayAPI

/// A guide as steps that can be replayed and checked: manifests to apply or delete, then checks.
struct Scenario: Codable {
    var name: String
    var title: String
    var source: String?
    var steps: [Step]

    struct Step: Codable {
        var title: String
        var prose: String?
        /// Manifests to apply (multi-document YAML), as the guide's blocks.
        var apply: String?
        /// Manifests to delete.
        var delete: String?
        var checks: [Check]?
    }

    /// One expectation: a probe through the Gateway, or a condition/field on an object.
    struct Check: Codable {
        var probe: Probe?
        var object: ObjectCheck?
    }

    struct Probe: Codable {
        /// The Host (and SNI) of the request, resolved to the Gateway's address as `--resolve` does.
        var host: String
        var path: String?
        /// The Gateway whose first HTTP listener serves it (default: the first Gateway of the namespace).
        var gateway: String?
        var status: Int?
        /// Text the body must contain.
        var body: String?
    }

    struct ObjectCheck: Codable {
        /// A kind as `get` takes it (`pod`, `httproute`, `backendtlspolicies.gateway.networking.k8s.io`).
        var kind: String
        /// The name, or a prefix of it (pods are named after their Deployment).
        var name: String
        var namespace: String?
        /// A status condition type; for routes and policies, the first parent/ancestor entry's.
        var condition: String?
        /// The expected condition status, default "True".
        var status: String?
        /// Or a dotted field path (`status.phase`) and the value it must have.
        var field: String?
        var equals: String?
    }

    /// Decodes scenario YAML strictly, with positioned errors.
    static func decode(_ text: String, file: String) throws -> Scenario {
        guard let node = try YAMLReader.parseDocument(text, file: file, lineOffset: 0) else {
            throw ManifestError(
                position: SourcePosition(file: file, line: 1, column: 1), message: "the scenario is empty")
        }
        return try NodeDecoder().decode(Scenario.self, from: node)
    }
}
