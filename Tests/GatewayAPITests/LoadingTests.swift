import Foundation
import Testing

@testable import GatewayAPI

@Suite("Reading manifests")
struct LoadingTests {
    @Test("only kubectl apply heredocs are taken from Markdown; other heredocs are ignored")
    func heredocs() throws {
        let text = """
            # Guide
            ```shell
            cat <<EOF > /tmp/not-applied.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ignored
            EOF
            ```
            ```yaml
            kubectl apply -f - <<'EOF'
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: first
            EOF
            ```
            ```yaml
            cat <<END | kubectl -n default apply -f -
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: second
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: third
            END
            ```
            ```yaml
            kubectl delete -f - <<EOF
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: deleted-not-applied
            EOF
            ```
            """
        let objects = try decode(text, file: "guide.md")
        #expect(objects.map(\.name) == ["first", "second", "third"])
        #expect(objects.map { $0.position?.line } == [12, 20, 25])
    }

    @Test("multi-document YAML with comments, separators and empty documents")
    func multiDocument() throws {
        let objects = try decode(
            """
            # leading comment
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
            --- # separator with a comment
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
            ...
            """)
        #expect(objects.map(\.name) == ["a", "b"])
        #expect(objects.map { $0.position?.line } == [3, 11])
    }

    @Test("JSON, and kind List with items")
    func jsonList() throws {
        let objects = try decode(
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}},
              {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}
            ]}
            """, file: "list.json")
        #expect(objects.map(\.name) == ["a", "team"])
        #expect(objects[0].object.value(at: ["data", "k"]) == "v")
        // Namespaces are cluster-scoped: no namespace is filled in.
        #expect(objects[1].object.value(at: ["metadata", "namespace"]) == nil)
    }

    @Test("Secret stringData is merged into data as base64, as kubectl does")
    func stringData() throws {
        let objects = try decode(
            """
            apiVersion: v1
            kind: Secret
            metadata:
              name: s
            data:
              a: YWFh
              b: YmJi
            stringData:
              b: override
              c: plain
            """)
        let secret = try Secret.decode(objects[0].object)
        #expect(secret.stringData == nil)
        #expect(secret.data == ["a": "YWFh", "b": Base64.encode("override"), "c": Base64.encode("plain")])
    }

    @Test("kinds gwconsole does not model are kept as unstructured objects, flagged unsupported")
    func unstructured() throws {
        let objects = try decode(
            """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
            spec:
              anything: [1, 2, {deep: true}]
            """)
        #expect(objects.count == 1)
        #expect(objects[0].type.supported == false)
        #expect(objects[0].type.plural == "widgets")
        #expect(objects[0].object.value(at: ["spec", "anything"]) == [1, 2, ["deep": true]])
    }

    @Test("a directory is read for .yaml, .yml and .json files, in name order; -R descends")
    func directories() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ object: String) throws {
            try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(object)\n".write(
                to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("b.yml", "b")
        try write("a.yaml", "a")
        try write("notes.txt", "ignored")
        try write("sub/c.yaml", "c")
        try "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"j\"}}".write(
            to: dir.appendingPathComponent("j.json"), atomically: true, encoding: .utf8)
        let flat = try ManifestDecoder().decode(ManifestReader().read(paths: [dir.path]))
        #expect(flat.map(\.name) == ["a", "b", "j"])
        let deep = try ManifestDecoder().decode(ManifestReader(recursive: true).read(paths: [dir.path]))
        #expect(deep.map(\.name) == ["a", "b", "j", "c"])
    }

    @Test("- reads standard input")
    func stdin() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\n".utf8))
        try pipe.fileHandleForWriting.close()
        let documents = try ManifestReader().read(paths: ["-"], stdin: pipe.fileHandleForReading)
        #expect(documents.first?.file == "stdin")
        #expect(try ManifestDecoder().decode(documents).map(\.name) == ["piped"])
    }

    @Test("input is read only up to the byte limit: an endless device is an error naming it, not a hang")
    func inputLimit() throws {
        #expect {
            _ = try ManifestReader(maxBytes: 1 << 20).read(paths: ["/dev/zero"])
        } throws: {
            ($0 as? ManifestError)?.description
                == "/dev/zero: more than 1 MiB of manifests in one apply (the limit, GWCONSOLE_MAX_INPUT_BYTES); split them into several applies"
        }
        // Over several files the total counts.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gwconsole-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        for name in ["a.yaml", "b.yaml"] {
            try doc.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        #expect(try ManifestReader(maxBytes: doc.utf8.count * 2).read(paths: [dir.path]).count == 2)
        #expect(throws: ManifestError.self) {
            try ManifestReader(maxBytes: doc.utf8.count * 2 - 1).read(paths: [dir.path])
        }
    }

    @Test("plain YAML scalars resolve by the core schema; quoted ones stay strings")
    func scalars() throws {
        let node = try #require(
            try YAMLReader.parseDocument(
                "a: 80\nb: \"80\"\nc: true\nd: ~\ne: 1.5\nf: 0x1F\ng: yes\n", file: "s", lineOffset: 0))
        #expect(node.toJSON() == ["a": 80, "b": "80", "c": true, "d": nil, "e": .double(1.5), "f": 31, "g": "yes"])
    }

    @Test("server-set metadata and status in a manifest are not taken as given")
    func serverFields() throws {
        let objects = try decode(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: x
              uid: 11111111-2222-3333-4444-555555555555
              resourceVersion: "42"
              creationTimestamp: "2020-01-01T00:00:00Z"
            """)
        #expect(objects[0].object.value(at: ["metadata", "uid"]) == nil)
        #expect(objects[0].object.value(at: ["metadata", "creationTimestamp"]) == nil)
        #expect(objects[0].expectedResourceVersion == "42")
    }
}

@Suite("API-server fidelity")
struct APIServerFidelityTests {
    @Test(
        "a Namespace carries kubernetes.io/metadata.name with its name, whatever the manifest says (as the API server enforces)"
    )
    func namespaceNameLabel() throws {
        let objects = try decode(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    kubernetes.io/metadata.name: evil\n    team: a\n"
        )
        let labels = objects.first?.object.value(at: ["metadata", "labels"])
        #expect(labels == ["kubernetes.io/metadata.name": "shop", "team": "a"])
        let bare = try decode("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: plain\n")
        #expect(bare.first?.object.value(at: ["metadata", "labels", "kubernetes.io/metadata.name"]) == "plain")
    }
}
