import Foundation

/// An error already phrased for the user; printed as it is, exit code 1.
public struct CLIError: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32 = 1
    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
    public var description: String { message }
}

/// What commands print: stdout and stderr, or this thread's capture while the console runs a command's code.
public enum Output {
    public static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        if let capture = OutputCapture.current {
            capture.append(line)
            return
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    public static func out(_ text: String) {
        if let capture = OutputCapture.current {
            capture.append(text)
            return
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Runs `body` with this thread's output (stdout and stderr) collected instead of written: the console runs
    /// commands' code in the background while curses owns the terminal.
    public static func capturing<T>(_ body: () throws -> T) -> (Result<T, any Error>, String) {
        let capture = OutputCapture()
        Thread.current.threadDictionary[OutputCapture.key] = capture
        defer { Thread.current.threadDictionary.removeObject(forKey: OutputCapture.key) }
        return (Result { try body() }, capture.text)
    }
}

/// Output collected for one thread (see `Output.capturing`).
public final class OutputCapture: @unchecked Sendable {
    static let key = "gwconsole.output-capture"
    public private(set) var text = ""
    func append(_ more: String) { text += more }
    static var current: OutputCapture? { Thread.current.threadDictionary[key] as? OutputCapture }
}

/// A value handed to another thread that the caller stops using (non-Sendable values moved across).
public struct Handoff<T>: @unchecked Sendable {
    public let value: T
    public init(value: T) { self.value = value }
}
