/// Why a name could not be found in a schema.
public enum ProtoLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No service has this name; the schema's services are listed.
    case noService(String, services: [String])
    /// The service has no method of this name; its methods are listed.
    case noMethod(String, service: String, methods: [String])
    /// The method name is not `package.Service/Method` or `package.Service.Method`.
    case invalidMethodName(String)
    /// No service, method, message or enum has this name.
    case noSymbol(String)

    public var description: String {
        switch self {
        case .noService(let name, let services):
            let known =
                services.isEmpty ? "the schema has no services" : "services: " + services.joined(separator: ", ")
            return "no service \(name) (\(known))"
        case .noMethod(let name, let service, let methods):
            return "service \(service) has no method \(name) (methods: \(methods.joined(separator: ", ")))"
        case .invalidMethodName(let name):
            return "'\(name)' is not a method name; write package.Service/Method"
        case .noSymbol(let name):
            return "no service, method, message or enum is named \(name)"
        }
    }
}
