/// Where something is written: a file, a 1-based line and a 1-based column (in Unicode scalars).
public struct ProtoLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// As compilers print it: `grpc.proto:12:5`.
    public var description: String { "\(file):\(line):\(column)" }
}
