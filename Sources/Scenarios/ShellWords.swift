import Foundation
import GatewayAPI

/// A guide's shell command split as the shell would: words, with quotes removed and `\` line continuations joined.
struct ShellCommand: Equatable {
    var words: [String]
    /// The command as written (continuations joined), for messages.
    var text: String
    /// The guide line it starts on.
    var line: Int
    /// The body of a `<<EOF` here-document that follows it.
    var heredoc: String?

    /// The commands of a code block: one per line, `\` continuations joined, here-documents attached, comments and
    /// shell prompts (`$ `) dropped.
    static func commands(_ lines: [String], firstLine: Int) -> [ShellCommand] {
        var result: [ShellCommand] = []
        var index = 0
        while index < lines.count {
            let start = index
            var text = lines[index].trimmingCharacters(in: .whitespaces)
            while text.hasSuffix("\\"), index + 1 < lines.count {
                index += 1
                text =
                    String(text.dropLast()).trimmingCharacters(in: .whitespaces) + " "
                    + lines[index].trimmingCharacters(in: .whitespaces)
            }
            index += 1
            if text.hasPrefix("$ ") { text = String(text.dropFirst(2)) }
            if text.isEmpty || text.hasPrefix("#") { continue }
            var command = ShellCommand(words: [], text: text, line: firstLine + start, heredoc: nil)
            var words = split(text)
            if let marker = words.firstIndex(where: { $0.hasPrefix("<<") }) {
                let word = words[marker]
                var delimiter = String(word.dropFirst(2))
                words.remove(at: marker)
                if delimiter.isEmpty, marker < words.count { delimiter = words.remove(at: marker) }
                delimiter = delimiter.trimmingCharacters(in: CharacterSet(charactersIn: "'\"-\\"))
                var body: [String] = []
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != delimiter {
                    body.append(lines[index])
                    index += 1
                }
                index += 1
                let quoted = HeredocExtractor.isQuoted(Substring(text))
                command.heredoc =
                    body.map { quoted ? $0 : String(HeredocExtractor.shellUnescaped(Substring($0))) }.joined(
                        separator: "\n") + "\n"
            }
            command.words = words
            result.append(command)
        }
        return result
    }

    /// Words of one command line: whitespace separates, single and double quotes group, a backslash escapes.
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
