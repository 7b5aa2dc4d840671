import Foundation
import GatewayAPI
import ResourcePrinters
import Scenarios

/// Secret values out of a scenario shown to the user. The text's own redaction (`SecretRedaction`, which keeps the
/// text as written) is checked against the parsed objects: when a Secret's value would still show (a `kind:
/// "Secret"`, flow-style `data`, JSON), the scenario is written from its objects instead, each Secret's values
/// hidden.
public enum ScenarioRedaction {
    public static func redact(_ text: String, scenario: Scenario) -> String {
        let redacted = SecretRedaction.redact(text)
        let values = secretValues(scenario)
        guard values.contains(where: { redacted.contains($0) }) else { return redacted }
        var hidden = scenario
        for index in hidden.steps.indices {
            hidden.steps[index].apply = hidden.steps[index].apply.map(redactManifests)
            hidden.steps[index].delete = hidden.steps[index].delete.map(redactManifests)
        }
        return ScenarioWriter.write(hidden)
    }

    /// The Secret values in a scenario's manifests (as written, and base64-decoded), at least 4 characters long.
    public static func secretValues(_ scenario: Scenario) -> [String] {
        var values: [String] = []
        for step in scenario.steps {
            for text in [step.apply, step.delete].compactMap({ $0 }) {
                for object in objects(text) where object["kind"]?.stringValue == "Secret" {
                    for field in ["data", "stringData"] {
                        for value in (object[field]?.objectValue ?? [:]).values {
                            guard let text = value.stringValue, text.count >= 4 else { continue }
                            values.append(text)
                            if let decoded = Base64.decode(text), let plain = String(data: decoded, encoding: .utf8),
                                plain.count >= 4
                            {
                                values.append(plain)
                            }
                        }
                    }
                }
            }
        }
        return values
    }

    public static func objects(_ text: String) -> [JSONValue] {
        guard let documents = try? ManifestReader.documents(from: Data(text.utf8), file: "scenario") else { return [] }
        return documents.compactMap { document in
            (try? YAMLReader.parseDocument(document.text, file: document.file, lineOffset: document.lineOffset))??
                .toJSON()
        }
    }

    /// Manifests with each Secret written from its object, values hidden; other documents as they are.
    public static func redactManifests(_ text: String) -> String {
        guard let documents = try? ManifestReader.documents(from: Data(text.utf8), file: "scenario") else {
            return SecretRedaction.redact(text)
        }
        return documents.map { document -> String in
            guard
                var object =
                    (try? YAMLReader.parseDocument(
                        document.text, file: document.file, lineOffset: document.lineOffset))??.toJSON(),
                object["kind"]?.stringValue == "Secret"
            else { return document.text.hasSuffix("\n") ? document.text : document.text + "\n" }
            // As written, when the text's own redaction hides every value.
            let values = ["data", "stringData"].flatMap { (object[$0]?.objectValue ?? [:]).values }
                .compactMap(\.stringValue).filter { $0.count >= 4 }
            let asWritten = SecretRedaction.redact(document.text)
            if !values.contains(where: { asWritten.contains($0) }) {
                return asWritten.hasSuffix("\n") ? asWritten : asWritten + "\n"
            }
            for field in ["data", "stringData"] {
                guard let members = object[field]?.objectValue else { continue }
                object.set(.object(members.mapValues { _ in "<hidden>" }), at: [field])
            }
            object.set(nil, at: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"])
            return YAMLWriter.write(object)
        }.joined(separator: "---\n")
    }
}
