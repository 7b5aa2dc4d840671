/// Why files could not be made into a schema, and where: an import not given, a type name that resolves to nothing,
/// a name declared twice. `grpc.proto:14:3: unknown type 'Heder' in message echo.EchoAssertions`.
public struct ProtoSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ location: ProtoLocation, _ message: String) {
        self.init(file: location.file, line: location.line, column: location.column, message: message)
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
