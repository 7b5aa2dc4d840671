import Foundation
import Testing

@testable import GatewayAPI

/// Every file under Fixtures/hostile is rejected with the error its `# expect:` line (or `.expect` file) names.
@Suite("Hostile input corpus")
struct HostileCorpusTests {
    static let directory = fixture("hostile")

    static var cases: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { !$0.hasSuffix(".expect") }.sorted()
            ?? []
    }

    @Test("rejected with the expected positioned error", arguments: cases)
    func rejected(_ name: String) throws {
        let path = Self.directory + "/" + name
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let expectation: String
        if FileManager.default.fileExists(atPath: path + ".expect") {
            expectation = try String(contentsOfFile: path + ".expect", encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } else {
            let firstLine = String(decoding: data.prefix(while: { $0 != 0x0A }), as: UTF8.self)
            expectation = String(try #require(firstLine.split(separator: "# expect: ", maxSplits: 1).last))
        }
        var messages: [String] = []
        do {
            let documents = try ManifestReader.documents(from: data, file: name)
            _ = try ManifestDecoder().decode(documents)
        } catch let error as ManifestErrors {
            messages = error.errors.map(\.description)
        } catch let error as ManifestError {
            messages = [error.description]
        }
        #expect(messages.contains { $0.hasPrefix(expectation) }, "\(name): got \(messages)")
    }

    @Test("the corpus is not empty")
    func corpusPresent() { #expect(Self.cases.count >= 10) }
}
